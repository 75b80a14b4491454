// The panels: each <section class="panel" data-view="view/NAME.js"> gets its view module
// imported and mounted with the page's context (www/view/README.md). In embed.html the
// requested sections are first taken out of index.html, the single source of the markup.

import { t, reason } from './i18n.js';
import { inputBadge } from './ui.js';

/** Imports and mounts every section's view; a view that fails is named in a notice. */
export async function mountPanels(ctx, notice) {
  const sections = [...document.querySelectorAll('section.panel[data-view]')];
  await Promise.all(
    sections.map(async (section) => {
      const view = section.dataset.view;
      if (!/^view\/[a-z][a-z0-9_-]*\.js$/.test(view)) return;
      try {
        const mod = await import(new URL(view, document.baseURI).href);
        await mod.mount(section, ctx);
        // Which model this panel works on, by name (data-input="save" adds "Save as version").
        if (section.dataset.input) {
          const badge = inputBadge(ctx, { save: section.dataset.input === 'save' });
          (section.querySelector('.lede') || section.querySelector('h2'))?.after(badge);
        }
      } catch (e) {
        const panel = section.dataset.titleKey ? t(section.dataset.titleKey) : section.dataset.title || section.id;
        notice('main.panelFailed', 'error', { panel, reason: reason(e) });
      }
    }),
  );
}

/** embed.html: pull the requested panels (`panel=a,b` in the address) out of index.html. */
export async function embedPanels(state, notice) {
  const wanted = String(state.get('panel') || 'train')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^[a-z][a-z0-9_-]*$/.test(s));
  const res = await fetch(new URL('index.html', document.baseURI));
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  const host = document.getElementById('embed-root');
  const data = doc.getElementById('panel-data');
  if (data) host.append(document.adoptNode(data));
  let found = 0;
  for (const name of wanted.length ? wanted : ['train']) {
    const s = doc.getElementById(`panel-${name}`);
    if (s && name !== 'data') {
      host.append(document.adoptNode(s));
      found += 1;
    }
  }
  if (!found) {
    notice('main.noPanel', 'error', { name: JSON.stringify(String(state.get('panel'))) });
    const s = doc.getElementById('panel-train');
    if (s) host.append(document.adoptNode(s));
  }
}
