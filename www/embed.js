// What embed.html adds to a panel shown on its own in someone else's page:
//  - its height, posted to the parent whenever it changes, so shrink-embed.js (or any page that
//    listens for {source: 'shrink', type: 'height'}) sizes the iframe to fit, with no scrollbar;
//  - hide flags, as TensorFlow Playground has them: `hide=lr,seed,heatmap` hides any control or
//    sub-view of the panel, so that an author shows one idea at a time.
//
// A hide key names a sub-view (an element with data-part="key", e.g. heatmap, charts) or a
// control by the end of its id (lr hides #set-lr with its label, seed hides #set-seed and
// #bin-seed). CSS does the hiding, so parts a view builds later are hidden too.

const KEY = /^[a-z][a-z0-9-]{0,39}$/;

/** The hide keys in `raw` ("lr,seed,heatmap"), lowercased; `bad` lists the ones refused. */
export function parseHide(raw) {
  const keys = [];
  const bad = [];
  for (const part of String(raw || '').split(',')) {
    const k = part.trim().toLowerCase();
    if (!k) continue;
    if (KEY.test(k)) keys.push(k);
    else bad.push(part.trim());
  }
  return { keys: [...new Set(keys)], bad };
}

/** The CSS that hides every part and control a key names (sections themselves never). */
export function hideCss(keys) {
  return keys
    .map((k) => {
      const q = `"${k}"`;
      const named = `[id$=${JSON.stringify(`-${k}`)}]`;
      return [
        `[data-part~=${q}]`,
        `${named}:not(section)`,
        `.field:has(${named})`,
        `figure:has(> ${named})`,
      ].join(',\n');
    })
    .map((sel) => `${sel} { display: none !important; }`)
    .join('\n');
}

/** Every part a panel offers to hide: data-part names and control ids (by their last word). */
function hideable(root) {
  const names = new Set();
  for (const e of root.querySelectorAll('[data-part]')) for (const p of e.dataset.part.split(/\s+/)) names.add(p);
  for (const e of root.querySelectorAll('input[id], select[id], button[id], canvas[id]')) {
    const m = /-([a-z0-9]+)$/.exec(e.id);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}

/** The page's content height in CSS pixels: the bottom of the last element, plus padding. */
function contentHeight() {
  const body = document.body;
  let bottom = 0;
  for (const child of body.children) {
    const style = getComputedStyle(child);
    if (style.position === 'fixed' || style.display === 'none') continue;
    bottom = Math.max(bottom, child.getBoundingClientRect().bottom + parseFloat(style.marginBottom || '0'));
  }
  const b = getComputedStyle(body);
  return Math.ceil(bottom + window.scrollY + parseFloat(b.paddingBottom || '0') + parseFloat(b.marginBottom || '0'));
}

/**
 * Starts the embed behaviours. `ctx` is main.js's context (state, notice). Returns a function
 * that checks the hide keys once the panels are mounted (and warns about keys that hid nothing).
 */
export function startEmbed(ctx) {
  const { keys, bad } = parseHide(ctx.state.get('hide'));
  for (const b of bad) {
    ctx.notice('embed.hideBad', 'warn', { value: JSON.stringify(b.slice(0, 40)) });
  }
  if (keys.length) {
    // A constructed sheet, not a <style> element: the page's CSP (style-src 'self') blocks
    // inline <style>, while styles set through the CSSOM are allowed.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(hideCss(keys));
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    document.documentElement.dataset.hide = keys.join(',');
  }

  // Height: posted on every change of the content's size (and once at start).
  let last = -1;
  let frame = 0;
  const post = () => {
    frame = 0;
    const height = contentHeight();
    if (height === last || window.parent === window) return;
    last = height;
    document.documentElement.dataset.postedHeight = String(height);
    window.parent.postMessage({ source: 'shrink', type: 'height', height }, '*');
  };
  // A timer, not requestAnimationFrame: Chromium throttles animation frames (and resize
  // observations) in cross-origin iframes that are off screen, and a panel further down the
  // docs page must still get its height.
  const schedule = () => {
    if (!frame) frame = setTimeout(post, 30);
  };
  const ro = new ResizeObserver(schedule);
  ro.observe(document.body);
  for (const child of document.body.children) ro.observe(child);
  // Every DOM change too (a canvas resized by its width attribute, a longer caption): resize
  // observations are not delivered to an off-screen cross-origin frame until it is scrolled to.
  new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
  window.addEventListener('load', schedule);
  // Stylesheets and images that finish loading change the layout without a DOM change, and
  // nothing else is sure to notice in a throttled frame: load events (captured), plus a slow check.
  document.addEventListener('load', schedule, true);
  setInterval(schedule, 1000);
  schedule();

  return function checkHidden() {
    const root = document.getElementById('embed-root') || document.body;
    const offered = hideable(root);
    for (const k of keys) {
      const hit = root.querySelector(`[data-part~="${k}"], [id$=${JSON.stringify(`-${k}`)}]:not(section)`);
      if (!hit) {
        ctx.notice('embed.hideNothing', 'warn', { key: k, parts: offered.join(', ') });
      }
    }
    schedule();
  };
}
