// The Versions panel: every model made in this page, with its parent, method, test accuracy,
// true bytes, ratio and measured time, all from the worker's `versions` lab. A step or a whole
// recipe runs on any version as a chunked job (worker `jobs` target, progress events); a
// version can be renamed, deleted, used as the panels' input, selected for the Draw pad and
// Compare, or shared as a recipe link. `#recipe=...` in the address rebuilds its chain on load.
// History is kept in IndexedDB by www/view/history.js.

import { el, pct, bytes, ms, versionLabel, METHOD_COLORS, inputBadge } from '../ui.js';
import { createHistory } from './history.js';
import { downloadButtons, uploadControls } from './files.js';

export function mount(root, ctx) {
  const selected = new Set();
  let list = [];

  const parentSel = el('select', { id: 'versions-parent', ariaLabel: 'Version to run the step on' });
  const stepIn = el('input', { id: 'versions-step', type: 'text', spellcheck: false, placeholder: 'e.g. prune:magnitude,0.9,ft1', size: 32 });
  const runB = el('button', { type: 'button', className: 'button', id: 'versions-run', textContent: 'Run step' });
  const recipeIn = el('input', { id: 'versions-recipe', type: 'text', spellcheck: false, placeholder: 'e.g. train:300,100,e1;prune:magnitude,0.9,ft1;quantize:int8', size: 56 });
  const recipeB = el('button', { type: 'button', className: 'button', id: 'versions-run-recipe', textContent: 'Run recipe' });
  const bar = el('progress', { id: 'versions-progress', max: 1, value: 0 });
  const status = el('span', { className: 'caption', id: 'versions-status' });
  const clearB = el('button', { type: 'button', className: 'button small', id: 'versions-clear', textContent: 'Delete all versions' });
  const table = el('table', { className: 'versions-table', id: 'versions-table' });
  const empty = el('p', { className: 'caption', id: 'versions-empty' });

  root.append(
    inputBadge(ctx, { save: true }),
    el('div', { className: 'versions-run' },
      el('label', {}, 'Step ', stepIn), el('label', {}, ' on ', parentSel), runB),
    el('div', { className: 'versions-run' }, el('label', {}, 'Recipe ', recipeIn), recipeB),
    el('div', { className: 'versions-progress' }, bar, status),
    el('div', { className: 'table-scroll' }, table), empty,
    el('div', { className: 'versions-actions' }, clearB),
    uploadControls(ctx, async () => refresh()),
  );

  const history = createHistory(ctx);

  const column = (label) => el('th', { scope: 'col', textContent: label });
  function render() {
    table.replaceChildren(el('thead', {}, el('tr', {},
      column('Select'), column('#'), column('Name'), column('Parent'), column('Method'), column('Test accuracy'),
      column('True bytes'), column('Ratio'), column('ms per batch of 1 · 64'), column(''))));
    const body = el('tbody');
    const names = new Map(list.map((v) => [v.id, v.name]));
    for (const v of list) {
      const f = v.figures;
      const pick = el('input', { type: 'checkbox', checked: selected.has(v.id), title: `Select ${versionLabel(v)} for the Draw pad and Compare` });
      pick.onchange = () => {
        if (pick.checked) selected.add(v.id);
        else selected.delete(v.id);
        ctx.emit('versionsSelected', [...selected]);
      };
      const name = el('input', { type: 'text', value: v.name, className: 'version-name', maxLength: 60, ariaLabel: `Name of version #${v.id}` });
      name.onchange = () => act(() => ctx.call('versions', 'rename', v.id, name.value), `Version #${v.id} was not renamed`);
      const use = el('button', { type: 'button', className: 'button small', textContent: 'Use as input', title: `Load ${versionLabel(v)} into the panels` });
      use.onclick = () => act(async () => {
        await ctx.call('versions', 'useAsInput', v.id);
        ctx.emit('weightsChanged', { version: v.id });
      }, `${versionLabel(v)} cannot be the panels' input`);
      const link = el('button', { type: 'button', className: 'button small', textContent: 'Copy link', title: `Copy a link that rebuilds ${versionLabel(v)} from its recipe` });
      link.onclick = () => copyLink(v);
      const del = el('button', { type: 'button', className: 'button small danger', textContent: 'Delete', title: `Delete ${versionLabel(v)}` });
      del.onclick = () => act(() => ctx.call('versions', 'delete', v.id), `${versionLabel(v)} was not deleted`);
      const method = el('span', { className: 'method-dot', textContent: v.method });
      method.style.setProperty('--dot', METHOD_COLORS[v.method] || '#000');
      const parent = v.parent == null ? '—' : names.has(v.parent) ? `#${v.parent}` : `#${v.parent} (deleted)`;
      const tr = el('tr', { title: v.recipe },
        el('td', {}, pick), el('td', { textContent: `#${v.id}` }), el('td', {}, name), el('td', { textContent: parent, title: v.parent != null && names.has(v.parent) ? `#${v.parent} ${names.get(v.parent)}` : '' }),
        el('td', {}, method), el('td', { textContent: pct(f.accuracy) }),
        el('td', { textContent: bytes(f.size.packedBytes) }), el('td', { textContent: `${f.ratio.toFixed(1)}×` }),
        el('td', { textContent: `${Number(f.msBatch1).toPrecision(3)} · ${ms(f.msBatch64)}`, title: `kernel: ${f.kernel}` }),
        el('td', { className: 'version-actions' }, use, link, ...downloadButtons(ctx, v), del));
      tr.dataset.id = String(v.id);
      body.append(tr);
    }
    table.append(body);
    table.hidden = list.length === 0;
    empty.textContent = list.length ? '' : 'No versions yet: train a network and save it, or run a recipe.';
    const keep = parentSel.value;
    parentSel.replaceChildren(el('option', { value: '', textContent: 'nothing (a train step)' }),
      ...list.map((v) => el('option', { value: String(v.id), textContent: versionLabel(v) })));
    parentSel.value = list.some((v) => String(v.id) === keep) ? keep : list.length ? String(list[list.length - 1].id) : '';
    root.dataset.count = String(list.length);
  }

  async function refresh() {
    try {
      list = await ctx.call('versions', 'list');
    } catch (e) {
      ctx.showError(e);
      return;
    }
    for (const id of [...selected]) if (!list.some((v) => v.id === id)) selected.delete(id);
    render();
    ctx.emit('versionsListed', list);
    ctx.emit('versionsSelected', [...selected]);
    history.save(list);
  }

  async function act(fn, what) {
    try {
      await fn();
    } catch (e) {
      ctx.showError(`${what}: ${e.message}`);
    }
    await refresh();
  }

  async function copyLink(v) {
    const url = new URL(document.baseURI);
    url.hash = `recipe=${v.recipe}`;
    try {
      await navigator.clipboard.writeText(url.href);
      ctx.notice(`Copied the recipe link of ${versionLabel(v)}: ${url.href}`, 'info');
    } catch {
      ctx.notice(`The recipe link of ${versionLabel(v)} (copy it by hand): ${url.href}`, 'info');
    }
  }

  ctx.on('jobProgress', (p) => {
    const of = p.count > 1 ? `step ${p.index + 1} of ${p.count}: ` : '';
    bar.value = (p.index + p.fraction) / Math.max(1, p.count);
    status.textContent = `${of}${p.step} — ${p.phase}, ${Math.round(100 * p.fraction)}%`;
  });

  async function runRecipe(text, parent) {
    root.dataset.busy = '1';
    bar.value = 0;
    status.textContent = `Starting ${text}`;
    try {
      const made = await ctx.call('jobs', 'recipe', text, parent);
      const last = made[made.length - 1];
      status.textContent = `Done: ${made.length} step(s), last ${versionLabel(last)} at ${pct(last.figures.accuracy)}.`;
      return made;
    } catch (e) {
      status.textContent = '';
      ctx.showError(`The recipe did not run: ${e.message}`);
      return null;
    } finally {
      delete root.dataset.busy;
      await refresh();
    }
  }

  runB.onclick = async () => {
    const parent = parentSel.value === '' ? null : Number(parentSel.value);
    await runRecipe(stepIn.value, parent);
  };
  recipeB.onclick = () => runRecipe(recipeIn.value, null);
  clearB.onclick = () => act(async () => {
    await ctx.call('versions', 'clear');
    await history.clear();
  }, 'The versions were not cleared');

  ctx.on('versionsChanged', refresh);
  // A restarted worker has lost its versions: give it the kept ones again.
  ctx.on('restarted', () => history.restore(refresh));
  // Not awaited: main.js mounts every panel before the data arrives.
  ctx.whenReady.then(async () => {
    await history.restore(refresh);
    await refresh();
    const text = ctx.state.get('recipe');
    if (text) {
      recipeIn.value = text;
      const made = await runRecipe(text, null);
      if (made) for (const v of made) selected.add(v.id);
      await refresh();
    }
    root.dataset.ready = '1';
  });
}
