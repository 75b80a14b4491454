// The Quantize panel: pick a scheme (fixed-point int, float, k-means), bits, symmetry, scale
// granularity, weights or weights+activations, PTQ or QAT; the worker quantizes the trained
// model (Rust: compress::quantize) and returns accuracy and the three honest sizes, which update
// as the bits slider moves. Below: the layer's weight histogram before/after with the levels
// drawn (plotters on this thread), the |w − q(w)| heatmap, measured int8 vs f32 speed, and the
// Deep Compression pipeline (prune → share → Huffman) with ratio and accuracy per stage.

import { el, field, select, stat, blit, bytes, describe, text, saveResultButton } from '../ui.js';
import { checkNumber, checkList, addressNumber, rangeMsg } from '../check.js';
import { t, tr, untr, msg, onLocale, CATALOGUES } from '../i18n.js';
import { fillLayerSelect, onModelSizes } from '../layers.js';

export function mount(root, ctx) {
  // The panel's layout lives in quantize.css (the CSP allows no inline <style> element).
  if (!document.getElementById('quantize-css')) {
    document.head.append(el('link', { id: 'quantize-css', rel: 'stylesheet', href: new URL('./quantize.css', import.meta.url).href }));
  }
  const scheme = select('q-scheme', [['int', 'q.scheme.int'], ['float', 'q.scheme.float'], ['kMeans', 'q.scheme.kMeans']], 'int');
  const bits = el('input', { id: 'q-bits', type: 'range', min: '1', max: '8', step: '1', value: '8' });
  const bitsOut = tr(el('output', { id: 'q-bits-out' }), 'q.bitsN', { n: 8 });
  const format = select('q-format', [['e4m3', 'q.format.e4m3'], ['e5m2', 'q.format.e5m2'], ['fp16', 'q.format.fp16'], ['bf16', 'q.format.bf16']], 'e4m3');
  const symmetry = select('q-symmetry', [['symmetric', 'q.sym.symmetric'], ['affine', 'q.sym.affine']], 'symmetric');
  const granularity = select('q-granularity', [['perChannel', 'q.gran.perChannel'], ['perTensor', 'q.gran.perTensor']], 'perChannel');
  const target = select('q-target', [['w', 'q.target.w'], ['wa', 'q.target.wa']], 'w');
  const training = select('q-training', [['ptq', 'q.training.ptq'], ['qat', 'q.training.qat']], 'ptq');
  const qatSteps = el('input', { id: 'q-qat-steps', type: 'number', min: '1', max: '5000', value: '200' });
  // Filled from the model's own sizes (onModelSizes below).
  const layer = select('q-layer', [], '0');
  const go = text('button', 'q.apply', { class: 'button primary', id: 'q-apply', type: 'button' });
  go.disabled = true;
  // The last quantized model becomes a version (child of the input, recipe step from the settings).
  const saveResult = saveResultButton(ctx, 'quantize', 'save.quantize');

  const bitsField = field('q.bits', el('div', { class: 'controls' }, bits, bitsOut));
  const formatField = field('q.format', format);
  // The settings wrap as a row of fields, each as wide as its longest option, so no menu cuts
  // its text ("weights + activations (int8)", or the Chinese labels).
  // Zero point and scales are settings of the fixed-point grid only; QAT steps count only under
  // QAT. A field that does nothing in the current mode is hidden (syncControls), its value and
  // its key in the address kept for when the mode comes back.
  const symmetryField = field('q.zero', symmetry);
  const scalesField = field('q.scales', granularity);
  const qatField = field('q.qatSteps', qatSteps, 'q.qatHint');
  const controls = el('div', { class: 'field-grid quantize-controls q-settings' },
    field('q.scheme', scheme), bitsField, formatField, symmetryField, scalesField,
    field('q.target', target), field('q.training', training), qatField);
  // The layer menu picks what the histogram and the error heatmap below show, so it sits with them.
  const layerField = field('q.layer', layer);
  layerField.classList.add('q-layer-field');

  const stats = el('div', { class: 'stats' });
  const { box: sFloat, v: vFloat } = stat('q-float-acc', 'q.stat.float');
  const { box: sAcc, v: vAcc } = stat('q-acc', 'q.stat.acc');
  const { box: sDelta, v: vDelta } = stat('q-delta', 'q.stat.delta');
  const { box: sFp32, v: vFp32 } = stat('q-size-fp32', 'q.stat.fp32');
  const { box: sDense, v: vDense } = stat('q-size-dense', 'q.stat.dense');
  const { box: sPacked, v: vPacked } = stat('q-size-packed', 'q.stat.packed');
  const { box: sRatio, v: vRatio } = stat('q-ratio', 'q.stat.ratio');
  stats.append(sFloat, sAcc, sDelta, sFp32, sDense, sPacked, sRatio);
  stats.classList.add('q-stats');
  const status = text('p', 'q.status.start', { class: 'caption', id: 'q-status' });

  // Until the first quantization the two views are a line each saying what will be drawn there
  // and when (their text alternatives, shown), not blank canvases.
  const hist = el('canvas', { id: 'q-hist', width: '720', height: '240', hidden: true });
  const heat = el('canvas', { id: 'q-error', class: 'heatmap', width: '784', height: '300', hidden: true });
  const histEmpty = text('p', 'q.a11y.histEmpty', { class: 'q-empty', id: 'q-hist-empty' });
  const heatEmpty = text('p', 'q.a11y.heatEmpty', { class: 'q-empty', id: 'q-error-empty' });
  const heatCaption = el('p', { class: 'caption', id: 'q-error-caption' });
  describe(hist, 'q.a11y.histEmpty');
  describe(heat, 'q.a11y.heatEmpty');

  const speedBtn = text('button', 'q.speedBtn', { class: 'button', id: 'q-speed', type: 'button' });
  speedBtn.disabled = true;
  const speedOut = el('p', { class: 'caption', id: 'q-speed-out' });

  // One pruned fraction per layer of the current model (Han et al.'s 93/92/75 % for three).
  const sparsity = el('input', { id: 'dc-sparsity', type: 'text', value: '0.93,0.92,0.75' });
  let layerCount = 3;
  let arch = '784-300-100-10';
  const dcBits = el('input', { id: 'dc-bits', type: 'number', min: '1', max: '8', value: '5' });
  const retrain = el('input', { id: 'dc-retrain', type: 'number', min: '0', max: '20000', value: '1000' });
  const finetune = el('input', { id: 'dc-finetune', type: 'number', min: '0', max: '20000', value: '200' });
  const dcBtn = text('button', 'q.dc.run', { class: 'button', id: 'dc-run', type: 'button' });
  dcBtn.disabled = true;
  const dcTable = el('table', { id: 'dc-table', class: 'table' });
  const dcControls = el('div', { class: 'quantize-controls q-dc-controls' },
    field('q.dc.sparsity', sparsity), field('q.dc.bits', dcBits),
    field('q.dc.retrain', retrain), field('q.dc.finetune', finetune));
  let lastDc = null;
  let lastSpeed = null;
  let lastChart = null;

  /** Rust names the stages ("prune", "share", "huffman", ...): shown through the catalogue. */
  const stageName = (name) => {
    const key = `q.dc.stage.${String(name).toLowerCase().replace(/[^a-z0-9]+/g, '')}`;
    return Object.prototype.hasOwnProperty.call(CATALOGUES.en, key) ? t(key) : name;
  };
  function showDc(stages) {
    dcTable.replaceChildren(el('tr', {}, ...['q.dc.col.stage', 'q.dc.col.acc', 'q.dc.col.zeros', 'q.dc.col.size', 'q.dc.col.ratio'].map((k) => text('th', k))));
    for (const s of stages) {
      dcTable.append(el('tr', {}, el('td', { text: stageName(s.name) }), text('td', 'q.pct', {}, { v: s.accuracy }),
        text('td', 'q.pct', {}, { v: s.sparsity }), el('td', { text: bytes(s.size.packedBytes) }), text('td', 'q.times', {}, { x: s.ratio })));
    }
  }

  root.querySelector('.placeholder')?.remove();
  root.append(controls, el('div', { class: 'buttons' }, go, saveResult.button), stats, status,
    layerField,
    text('h3', 'q.h.hist'), histEmpty, hist,
    text('h3', 'q.h.error'), heatEmpty, heat, heatCaption,
    text('h3', 'q.h.speed'), el('div', { class: 'buttons' }, speedBtn), speedOut,
    text('h3', 'q.h.dc'), dcControls, el('div', { class: 'buttons' }, dcBtn), dcTable);

  const QAT_STEPS = { min: 1, max: 5000, integer: true };
  /** The settings for Rust; throws an Error in words for a field out of range. */
  const params = () => ({
    scheme: scheme.value,
    bits: Number(bits.value),
    format: format.value,
    symmetry: symmetry.value,
    granularity: granularity.value,
    activations: target.value === 'wa',
    training: training.value,
    qatSteps: training.value === 'qat' ? checkNumber(qatSteps.value, 'q.qatSteps', QAT_STEPS) : 1,
  });

  /** Shows the fields the current scheme and training use (Rust: compress::quantize reads
   *  bits for int and k-means, the format for float, zero point and scales for int only, QAT
   *  steps for QAT only). */
  function syncControls() {
    const isFloat = scheme.value === 'float';
    const isInt = scheme.value === 'int';
    bitsField.hidden = isFloat;
    formatField.hidden = !isFloat;
    symmetryField.hidden = !isInt;
    scalesField.hidden = !isInt;
    qatField.hidden = training.value !== 'qat';
    tr(bitsOut, bits.value === '1' ? 'q.bits1' : 'q.bitsN', { n: Number(bits.value) });
  }

  let busy = false;
  let again = false;
  let ready = false;
  let applied = false;
  let last = null;

  /** The figures of the last run, in the page's language (again after a language switch). */
  function showResult() {
    if (!last) return;
    const { r, activations } = last;
    tr(vFloat, 'q.pct', { v: r.floatAccuracy });
    tr(vAcc, 'q.pct', { v: r.accuracy });
    vAcc.dataset.value = String(r.accuracy);
    const d = 100 * (r.accuracy - r.floatAccuracy);
    tr(vDelta, 'q.pp', { sign: d >= 0 ? '+' : '', d });
    vFp32.textContent = bytes(r.size.denseFp32Bytes);
    vDense.textContent = bytes(r.size.denseWithZerosBytes);
    vPacked.textContent = bytes(r.size.packedBytes);
    vPacked.dataset.value = String(r.size.packedBytes);
    tr(vRatio, 'q.times', { x: r.size.denseFp32Bytes / r.size.packedBytes });
    root.dataset.bits = String(r.bits);
    tr(status, activations ? 'q.status.doneAct' : 'q.status.done', { bits: r.bits, kernel: r.kernel, errors: r.layerErrors.map((e) => e.toExponential(1)).join(', ') });
  }
  onLocale(() => {
    showResult();
    if (applied && lastChart) drawViews().catch(() => {});
    if (lastDc) showDc(lastDc);
    if (lastSpeed) tr(speedOut, 'q.speed', lastSpeed);
  });

  /** The view replaces the line that stood in for it. */
  const reveal = (canvas, empty) => {
    canvas.hidden = false;
    empty.hidden = true;
  };

  async function drawViews() {
    const l = Number(layer.value);
    const chart = await ctx.call('quantize', 'histogram', l, 120);
    // Rust writes the caption in English ("layer 2, neuron 7 (its own scale): …"): say it again
    // from the catalogue, with the layer and neuron it names.
    const m = /^layer (\d+)(?:, neuron (\d+))?/.exec(chart.title || '');
    if (m) chart.title = t(m[2] ? 'q.hist.titleNeuron' : 'q.hist.title', { layer: m[1], neuron: m[2], levels: chart.levels.length });
    chart.xLabel = t('q.hist.x');
    chart.yLabel = t('q.hist.y');
    lastChart = chart;
    // Shown before drawing: a chart sizes itself for the screen from its laid-out width.
    reveal(hist, histEmpty);
    ctx.charts.drawHistogram(hist, chart);
    hist.dataset.levels = String(chart.levels.length);
    const img = await ctx.call('quantize', 'errorHeatmap', l);
    reveal(heat, heatEmpty);
    blit(heat, img);
    tr(heatCaption, 'q.heatCaption', { rows: img.height, cols: img.width });
    describe(heat, 'q.a11y.heat', { layer: l + 1, rows: img.height, cols: img.width });
  }

  async function apply() {
    if (!ready) return;
    if (busy) {
      again = true;
      return;
    }
    let p;
    try {
      p = params();
    } catch (e) {
      ctx.showError(e);
      return;
    }
    busy = true;
    again = false;
    saveResult.stale();
    tr(status, p.training === 'qat' ? 'q.status.qat' : 'q.status.working', { steps: p.qatSteps });
    try {
      const r = await ctx.call('quantize', 'apply', p);
      applied = true;
      last = { r, activations: p.activations };
      showResult();
      const kind = p.scheme === 'float' ? format.selectedOptions[0].textContent : p.scheme === 'kMeans' ? t('save.kmeans', { bits: r.bits }) : `int${r.bits}`;
      saveResult.ready({ what: `${kind}${p.training === 'qat' ? t('save.qat') : ''}${p.activations ? t('save.act') : ''}` });
      await drawViews();
      root.dataset.applied = String(Number(root.dataset.applied || 0) + 1);
    } catch (e) {
      untr(status);
      ctx.showError(e);
    } finally {
      busy = false;
      if (again) apply();
    }
  }

  // Settings live in the address (namespaced keys), so a link reproduces the panel. Values
  // from the hash are untrusted: a select only takes one of its options, a number must be in
  // its range; anything else is reported in words (never clamped silently) and its default
  // kept, and Rust checks everything again.
  const labels = { scheme: 'q.scheme', bits: 'q.bits', format: 'q.format', zero: 'q.zero', scales: 'q.scales',
    target: 'q.target', training: 'q.training', qatSteps: 'q.qatSteps' };
  const ranges = { bits: { min: 1, max: 8, integer: true }, qatSteps: QAT_STEPS };
  const saved = [[scheme, 'scheme'], [bits, 'bits'], [format, 'format'], [symmetry, 'zero'], [granularity, 'scales'],
    [target, 'target'], [training, 'training'], [qatSteps, 'qatSteps']];
  for (const [input, key] of saved) {
    const v = ctx.state.get(`quantize.${key}`);
    if (v === undefined) continue;
    if (input.tagName === 'SELECT') {
      const options = [...input.options].map((o) => o.value);
      if (options.includes(v)) input.value = v;
      else ctx.notice('q.addressOneOf', 'warn', { label: msg(labels[key]), key: `quantize.${key}`, list: options.join(', '), got: v, used: input.value });
    } else {
      const r = addressNumber(ctx.state, `quantize.${key}`, labels[key], input.value, ranges[key]);
      if (r.warning) ctx.notice(r.warning, 'warn');
      input.value = String(r.value);
    }
  }
  const save = () => {
    for (const [input, key] of saved) ctx.state.set(`quantize.${key}`, input.value);
  };

  let timer = 0;
  const soon = () => {
    save();
    syncControls();
    clearTimeout(timer);
    timer = setTimeout(apply, 120);
  };
  for (const c of [scheme, bits, format, symmetry, granularity, target, training, qatSteps]) c.addEventListener('input', soon);
  layer.addEventListener('change', () => applied && drawViews().catch(ctx.showError));
  go.addEventListener('click', apply);

  speedBtn.addEventListener('click', async () => {
    speedBtn.disabled = true;
    tr(speedOut, 'q.measuring');
    try {
      const s = await ctx.call('quantize', 'speed', 64);
      lastSpeed = { batch: s.batch, f32: s.f32Ms, int8: s.quantizedMs, x: s.speedup };
      tr(speedOut, 'q.speed', lastSpeed);
      speedOut.dataset.value = String(s.speedup);
    } catch (e) {
      untr(speedOut);
      ctx.showError(e);
    } finally {
      speedBtn.disabled = false;
    }
  });

  dcBtn.addEventListener('click', async () => {
    let dc;
    try {
      dc = {
        sparsity: checkList(sparsity.value, 'q.dc.sparsity', layerCount, msg('q.dc.perLayer', { arch }), { min: 0, max: 1, maxOpen: true }),
        bits: checkNumber(dcBits.value, 'q.dc.bits', { min: 1, max: 8, integer: true }),
        retrainSteps: checkNumber(retrain.value, 'q.dc.retrain', { min: 0, max: 20000, integer: true }),
        finetuneSteps: checkNumber(finetune.value, 'q.dc.finetune', { min: 0, max: 20000, integer: true }),
      };
    } catch (e) {
      ctx.showError(e);
      return;
    }
    dcBtn.disabled = true;
    lastDc = null;
    dcTable.replaceChildren(el('tr', {}, text('td', 'q.dc.working')));
    try {
      const stages = await ctx.call('quantize', 'deepCompress', dc);
      lastDc = stages;
      showDc(stages);
      dcTable.dataset.stages = String(stages.length);
    } catch (e) {
      dcTable.replaceChildren();
      ctx.showError(e);
    } finally {
      dcBtn.disabled = false;
    }
  });

  // Menus, labels and the per-layer list follow the model's own sizes.
  onModelSizes(ctx, (sizes) => {
    fillLayerSelect(layer, sizes);
    arch = sizes.join('-');
    const n = sizes.length - 1;
    if (n !== layerCount) {
      layerCount = n;
      sparsity.value = n === 3 ? '0.93,0.92,0.75' : Array.from({ length: n }, (_, i) => (i + 1 < n ? '0.9' : '0.75')).join(',');
    }
    tr(sparsity, 'q.dc.sparsityTitle', { n, range: rangeMsg({ min: 0, max: 1, maxOpen: true }) }, { attr: 'title' });
    root.dataset.layers = String(n);
    if (applied) drawViews().catch(() => {});
  });

  syncControls();
  ctx.whenReady.then(() => {
    ready = true;
    go.disabled = false;
    speedBtn.disabled = false;
    dcBtn.disabled = false;
  });
  ctx.on('modelChanged', () => {
    if (applied) {
      last = null;
      tr(status, 'q.status.changed');
    }
    applied = false;
    saveResult.stale();
  });
  // A restarted worker has a fresh QuantizeLab: say so, and keep every control usable.
  ctx.on('restarted', () => {
    if (applied) {
      last = null;
      tr(status, 'q.status.restarted');
    }
    applied = false;
    saveResult.stale();
    for (const b of [go, speedBtn, dcBtn]) b.disabled = false;
  });
  ctx.on('evaluation', () => {
    if (applied) soon();
  });
}
