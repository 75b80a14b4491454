// Small DOM helpers shared by the panels (www/view/*.js), so each lab does not re-invent them.

import { t, tr, onLocale } from './i18n.js';

/** `el('div', {className: 'x'}, child, 'text')`: an element with properties and children. */
export function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

/**
 * Draws an RGBA image from Rust (`{width, height, rgba: Uint8Array}`, e.g. a heatmap) onto
 * `canvas` at one canvas pixel per image pixel; CSS scales it up (`image-rendering: pixelated`).
 */
export function blit(canvas, img) {
  if (canvas.width !== img.width || canvas.height !== img.height) {
    canvas.width = img.width;
    canvas.height = img.height;
  }
  const data = new Uint8ClampedArray(img.rgba.buffer, img.rgba.byteOffset, img.width * img.height * 4);
  canvas.getContext('2d').putImageData(new ImageData(data, img.width, img.height), 0, 0);
}

/** 0.9731 -> "97.31%". */
export const pct = (v, digits = 2) => `${(100 * v).toFixed(digits)}%`;

/** 266610 -> "266,610"; bytes -> "1.07 MB" / "12.3 kB" / "512 B". */
export const count = (n) => Number(n).toLocaleString('en-US');
export function bytes(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

/** One colour per method (recipe step name), shared by the Versions list and the Compare charts. */
export const METHOD_COLORS = Object.freeze({
  train: '#1f77b4',
  prune: '#d62728',
  neurons: '#ff7f0e',
  quantize: '#2ca02c',
  share: '#17becf',
  huffman: '#8c564b',
  lowrank: '#9467bd',
  distill: '#e377c2',
  binarize: '#7f7f7f',
  finetune: '#bcbd22',
  import: '#000000',
});

/** `#3 "prune:magnitude,0.9"`: how every label names a version. */
export const versionLabel = (v) => `#${v.id} ${v.name}`;

/** Milliseconds with 3 significant digits ("0.0412 ms", "1.37 ms"). */
export const ms = (v) => `${Number(v).toPrecision(3)} ms`;

/**
 * A line that says which model a panel works on, kept current from the worker's `versions`
 * lab: "Input: #3 prune:magnitude,0.9 (pruned)" or "Input: the network trained here (dense)".
 * "dense" is said only of a model without masks or compression. With `save`, adds a
 * "Save as version" button that stores the session's current model.
 */
export function inputBadge(ctx, { save = false } = {}) {
  const text = el('span', { className: 'input-name' });
  const box = el('div', { className: 'input-badge' }, tr(el('span', { className: 'caption' }), 'badge.input'), text);
  if (save) {
    const b = tr(el('button', { type: 'button', className: 'button small input-save' }), 'badge.save');
    b.onclick = async () => {
      b.disabled = true;
      try {
        const v = await ctx.call('versions', 'saveCurrent', defaultSaveName(await ctx.call('versions', 'input')));
        ctx.emit('versionsChanged', { id: v.id });
        ctx.notice('badge.saved', 'info', { label: versionLabel(v), acc: v.figures.accuracy, n: v.figures.testCount, size: bytes(v.figures.size.packedBytes) });
      } catch (e) {
        ctx.notice('badge.notSaved', 'error', { reason: e.message });
      } finally {
        b.disabled = false;
      }
    };
    box.append(b);
  }
  const refresh = async () => {
    try {
      const i = await ctx.call('versions', 'input');
      const kind = t(i.dense ? 'badge.dense' : 'badge.notDense');
      const trained = i.steps ? t('badge.batches', { n: i.steps }) : t('badge.untrained');
      if (i.id != null) tr(text, 'badge.version', { label: `#${i.id} ${i.name}`, kind });
      else tr(text, 'badge.session', { trained, kind });
      box.dataset.version = i.id != null ? String(i.id) : '';
    } catch {
      tr(text, 'badge.none');
    }
  };
  for (const ev of ['ready', 'modelChanged', 'weightsChanged', 'versionsChanged', 'restarted']) ctx.on(ev, refresh);
  // The kind and training words are inside the parameters: fetch and render them anew.
  onLocale(refresh);
  refresh();
  return box;
}

function defaultSaveName(input) {
  const stamp = new Date().toLocaleTimeString('en-GB', { hour12: false });
  return input && input.id != null ? `from #${input.id} at ${stamp}` : `trained here at ${stamp}`;
}
