// The one set of DOM helpers the panels (www/view/*.js) share: they import these and never
// redefine them. el/field/select/stat build the controls; pct/count/bytes format numbers per
// locale (bytes in decimal units, kB = 1000 B, everywhere); blit draws a Rust heatmap; hiDpi
// sizes a chart canvas for the screen's devicePixelRatio; describe gives a canvas its text
// alternative. A label is a catalogue key (www/i18n/*.js: translated, and re-rendered when the
// language changes) or, in views not yet in the catalogue, plain text.

import { t, tr, fmt, locale, CATALOGUES, reason, msg } from './i18n.js';
import { onScreenRefresh } from './onscreen.js';

const isKey = (s) => typeof s === 'string' && Object.prototype.hasOwnProperty.call(CATALOGUES.en, s);

/** Puts `label` into `node` (or its attribute `attr`): a catalogue key with `params`, or text. */
export function say(node, label, params = {}, attr = null) {
  if (isKey(label)) return tr(node, label, params, { attr });
  if (attr) node.setAttribute(attr, String(label));
  else node.textContent = String(label);
  return node;
}

/** An element whose text is `label` (a catalogue key or text): `text('h3', 'prune.what')`. */
export const text = (tag, label, props = {}, params = {}) => say(el(tag, props), label, params);

/**
 * `el('div', {className: 'x'}, child, 'text')`: an element with properties and children.
 * Also accepted: `class` and `text` (className, textContent), a `style` string, and attribute
 * names (`aria-label`, `data-x`, `for`), which are set as attributes.
 */
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k === 'style' && typeof v === 'string') e.style.cssText = v;
    else if (k === 'for') e.htmlFor = v;
    else if (k.includes('-') || !(k in e)) e.setAttribute(k, v);
    else e[k] = v;
  }
  e.append(...children);
  return e;
}

/**
 * A labelled control: `<label class="field" for=id><span class="field-label">label</span>
 * input <span class="field-hint">hint</span></label>`. When `input` is a wrapper (a row with a
 * button, a slider with its output), the label points at the first form control inside it.
 */
export function field(label, input, hint) {
  const control = input.matches('input, select, textarea') ? input : input.querySelector('input, select, textarea');
  const l = el('label', { className: 'field' }, text('span', label, { className: 'field-label' }), input);
  if (control && control.id) l.htmlFor = control.id;
  if (hint) l.append(text('span', hint, { className: 'field-hint' }));
  return l;
}

/** A `<select id>` from `[[value, label, params?], ...]`, with `value` selected when given. */
export function select(id, options, value) {
  const s = el('select', { id });
  for (const [v, label, params] of options) s.append(say(el('option', { value: v }), label, params));
  if (value !== undefined && value !== null) s.value = value;
  return s;
}

/** A figure with its label: `{box, v}`, `v` being the value element (id `id`, "—" until set). */
export function stat(id, label) {
  const v = el('div', { className: 'stat-value', id, textContent: '—' });
  return { box: el('div', { className: 'stat' }, text('div', label, { className: 'stat-label' }), v), v };
}

/**
 * Draws an RGBA image from Rust (`{width, height, rgba: Uint8Array}`, e.g. a heatmap) onto
 * `canvas` at one canvas pixel per image pixel; CSS scales it up (`image-rendering: pixelated`),
 * which stays sharp at any devicePixelRatio because every cell is a whole block of pixels.
 */
export function blit(canvas, img) {
  if (canvas.width !== img.width || canvas.height !== img.height) {
    canvas.width = img.width;
    canvas.height = img.height;
  }
  const data = new Uint8ClampedArray(img.rgba.buffer, img.rgba.byteOffset, img.width * img.height * 4);
  canvas.getContext('2d').putImageData(new ImageData(data, img.width, img.height), 0, 0);
}

/** 0.9731 -> "97.31%" (per locale). */
export const pct = (v, digits = 2) => fmt.pct(v, digits);

/** 266610 -> "266,610" (per locale). */
export const count = (n) => fmt.int(n);

/** The page's one byte formatter, in decimal units (kB = 1000 B): "1.07 MB", "12.3 kB", "512 B". */
export function bytes(n) {
  const b = Number(n);
  if (!Number.isFinite(b)) return '—';
  if (Math.abs(b) >= 1e6) return `${fmt.fix(b / 1e6, 2)} MB`;
  if (Math.abs(b) >= 1e3) return `${fmt.fix(b / 1e3, 1)} kB`;
  return `${fmt.int(b)} B`;
}

/** Shows `fraction` (0…1) of a `.bar-fill`, by a transform (style.css says why). */
export function fillBar(fill, fraction) {
  const p = Math.max(0, Math.min(1, Number(fraction) || 0));
  fill.style.transform = `translateX(${(100 * p - 100).toFixed(1)}%)`;
}

/**
 * Gives a chart canvas devicePixelRatio times as many pixels as it has CSS pixels, and returns
 * the scale for the Rust chart (`chart.scale`), which draws its text and lines that much bigger.
 * The view keeps setting `canvas.width/height` in CSS pixels as before; a size the view sets is
 * taken as the new CSS size. A canvas whose CSS does not size it is pinned to its CSS size here.
 */
export function hiDpi(canvas) {
  const dpr = Math.max(1, Math.min(4, window.devicePixelRatio || 1));
  let s = canvas.shrinkDpr;
  if (!s) s = { w: canvas.width, h: canvas.height, bw: canvas.width, bh: canvas.height };
  if (!canvas.dataset.cssSized) probeCssSize(canvas);
  if (canvas.width !== s.bw) s.w = canvas.width;
  if (canvas.height !== s.bh) s.h = canvas.height;
  s.bw = Math.round(s.w * dpr);
  s.bh = Math.round(s.h * dpr);
  if (canvas.width !== s.bw) canvas.width = s.bw;
  if (canvas.height !== s.bh) canvas.height = s.bh;
  if (canvas.dataset.cssSized === 'no') {
    canvas.style.width = `${s.w}px`;
    canvas.style.height = `${s.h}px`;
  }
  canvas.shrinkDpr = s;
  return s.w > 0 ? s.bw / s.w : 1;
}

/** Does the stylesheet size this canvas, or does its pixel count? Probed once, by growing it. */
function probeCssSize(canvas) {
  if (canvas.style.width || !canvas.isConnected) return;
  const before = canvas.getBoundingClientRect().width;
  if (before === 0) return; // not laid out (hidden): nothing to learn
  canvas.width += 10;
  const after = canvas.getBoundingClientRect().width;
  canvas.width -= 10;
  canvas.dataset.cssSized = Math.abs(after - before) > 5 ? 'no' : 'yes';
}

/** Sets a canvas's text alternative (role img + aria-label: a catalogue key or text). */
export function describe(canvas, label, params = {}) {
  canvas.setAttribute('role', 'img');
  return say(canvas, label, params, 'aria-label');
}

const short = (v) => (Math.abs(v) >= 100 || Number.isInteger(v) ? fmt.fix(v, 0) : fmt.fix(v, Math.abs(v) >= 1 ? 2 : 3));

/**
 * A chart's text alternative, from the data it draws: its title (or axes), then per series the
 * number of points and the last one. A histogram (`before`/`after` counts) says its bins and levels.
 */
export function chartText(chart) {
  const c = chart || {};
  if (Array.isArray(c.before)) {
    const n = c.before.reduce((a, b) => a + b, 0);
    return t('a11y.histogram', { title: locale() === 'en' ? c.title || '' : '', n, bins: c.before.length, lo: short(c.lo), hi: short(c.hi), levels: (c.levels || []).length });
  }
  // Titles and series names come from the views and from Rust in English; in another language
  // the text says "line 1, line 2" rather than mix languages.
  const en = locale() === 'en';
  const title = en ? c.title || [c.yLabel, c.xLabel].filter(Boolean).join(' / ') : '';
  const lines = [t('a11y.chart', { title })];
  for (const [i, s0] of (c.series || []).entries()) {
    const s = { ...s0, name: en ? s0.name : t('a11y.line', { n: i + 1 }) };
    const pts = (s.points || []).filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    if (!pts.length) {
      lines.push(t('a11y.seriesEmpty', { name: s.name }));
      continue;
    }
    const [x, y] = pts[pts.length - 1];
    lines.push(t('a11y.series', { name: s.name, count: pts.length, y: short(y), axis: en ? c.xLabel || 'x' : '', x: short(x) }));
  }
  return lines.join(' ');
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

/**
 * A version's size ratio in words that name the model it is against: its chain's first model
 * (the dense fp32 bytes every descendant is divided into, found through the parents in `list`),
 * or itself for a first model. `title` adds the ratio against the version's own architecture
 * in dense fp32 when that differs (a distilled student, a narrower or factored net): the figure
 * `shrink recipe --seeds` prints and README quotes. Returns `{text, title}`.
 */
export function ratioText(v, list) {
  const f = v.figures;
  const byId = new Map(list.map((w) => [w.id, w]));
  let root = v;
  while (root.parent != null && byId.has(root.parent)) root = byId.get(root.parent);
  const arch = (w) => w.figures.sizes.join('-');
  let text;
  if (root.figures.size.denseFp32Bytes !== f.rootDenseBytes) {
    // The first model is no longer in the list: name it by its size.
    text = t('ver.ratioBytes', { x: f.ratio, size: bytes(f.rootDenseBytes) });
  } else if (root === v) {
    text = t('ver.ratioOwn', { x: f.ratio });
  } else {
    text = t('ver.ratioVs', { x: f.ratio, id: root.id, arch: arch(root) });
  }
  const own = f.size.denseFp32Bytes / Math.max(1, f.size.packedBytes);
  const title = f.size.denseFp32Bytes !== f.rootDenseBytes ? t('ver.ratioOwnArch', { x: own, arch: arch(v) }) : '';
  return { text, title };
}

/**
 * An element showing a version's name (or a recipe): the learner's own words or a recipe in
 * code, so it is marked translate="no" and kept as it is in every language.
 */
export function verbatim(tag, textContent, props = {}) {
  const e = el(tag, { ...props, textContent });
  e.setAttribute('translate', 'no');
  return e;
}

/** A method (recipe step name: prune, quantize, …) in the page's language. */
export const methodName = (m) => (isKey(`method.${m}`) ? t(`method.${m}`) : String(m));

/** The kernel a version runs (Rust's kebab-case name: f32, csr, int8, decoded-f32, xnor), in words. */
export const kernelName = (k) => (isKey(`kernel.${k}`) ? t(`kernel.${k}`) : String(k));

/** Milliseconds with 3 significant digits ("0.0412 ms", "1.37 ms"). */
export const ms = (v) => `${Number(v).toPrecision(3)} ms`;

const inputAsked = new WeakMap();

/**
 * `versions.input`, asked once for every badge that refreshes on the same event: the page has a
 * dozen badges and each listened on its own, so every epoch, pause and model change sent a
 * dozen identical calls to the worker that trains. The answer is shared only until the next
 * microtask: a later event asks again, so no badge shows an answer from before a change.
 */
function askInput(ctx) {
  let asked = inputAsked.get(ctx);
  if (!asked) {
    asked = ctx.call('versions', 'input');
    inputAsked.set(ctx, asked);
    queueMicrotask(() => inputAsked.delete(ctx));
  }
  return asked;
}

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
        ctx.notice('badge.notSaved', 'error', { reason: reason(e) });
      } finally {
        b.disabled = false;
      }
    };
    box.append(b);
  }
  const refresh = async () => {
    try {
      const i = await askInput(ctx);
      // Messages, not strings: a language switch renders them anew with the sentence.
      const kind = msg(i.dense ? 'badge.dense' : 'badge.notDense');
      const trained = i.steps ? msg('badge.batches', { n: i.steps }) : msg('badge.untrained');
      if (i.id != null) tr(text, 'badge.version', { label: `#${i.id} ${i.name}`, kind });
      else tr(text, 'badge.session', { trained, kind });
      box.dataset.version = i.id != null ? String(i.id) : '';
    } catch {
      tr(text, 'badge.none');
    }
  };
  // 'state' and 'info': a training run that stopped and a model that arrived (the pretrained one)
  // change the step count the badge shows; 'evaluation': once an epoch while it trains (between,
  // the count is the one at the last epoch or state change). An epoch's count reaches a badge
  // off screen when it comes into view: a dozen badges rewritten at every epoch's end relaid
  // out the whole page while training.
  const epochly = onScreenRefresh(box, refresh, { always: Boolean(ctx.embed) });
  ctx.on('evaluation', epochly.request);
  for (const ev of ['ready', 'info', 'state', 'modelChanged', 'weightsChanged', 'versionsChanged', 'restarted']) ctx.on(ev, refresh);
  refresh();
  return box;
}

/**
 * "Save … as version" for a panel whose result is a new model (Quantize, Low-rank, Distill,
 * Binarize): lab `target`'s `saveVersion` stores its last result as a child of the panel's
 * input, with the recipe step its settings spell. `label(vars)` names the model on the button
 * (key `labelKey`); disabled until `ready(vars)` is called after a result, again after
 * `stale()`. A note says when `shrink recipe` would make a close rather than identical model.
 */
export function saveResultButton(ctx, target, labelKey) {
  const b = el('button', { type: 'button', className: 'button small save-result', id: `${target}-save-version` });
  tr(b, labelKey, { what: '…' });
  b.disabled = true;
  b.onclick = async () => {
    b.disabled = true;
    try {
      const v = await ctx.call(target, 'saveVersion', '');
      ctx.emit('versionsChanged', { id: v.id });
      const vars = { label: versionLabel(v), acc: v.figures.accuracy, n: v.figures.testCount, size: bytes(v.figures.size.packedBytes) };
      if (v.note) ctx.notice('save.savedInexact', 'info', { ...vars, note: v.note });
      else ctx.notice('badge.saved', 'info', vars);
      b.dataset.saved = String(v.id);
    } catch (e) {
      ctx.notice('badge.notSaved', 'error', { reason: e.message });
    } finally {
      b.disabled = false;
    }
  };
  return {
    button: b,
    ready(vars, key = labelKey) {
      tr(b, key, vars);
      b.disabled = false;
    },
    stale() {
      b.disabled = true;
    },
  };
}

function defaultSaveName(input) {
  const time = new Date().toLocaleTimeString('en-GB', { hour12: false });
  return input && input.id != null ? t('badge.nameFrom', { id: input.id, time }) : t('badge.nameHere', { time });
}
