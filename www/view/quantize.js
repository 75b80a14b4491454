// The Quantize panel: pick a scheme (fixed-point int, float, k-means), bits, symmetry, scale
// granularity, weights or weights+activations, PTQ or QAT; the worker quantizes the trained
// model (Rust: compress::quantize) and returns accuracy and the three honest sizes, which update
// as the bits slider moves. Below: the layer's weight histogram before/after with the levels
// drawn (plotters on this thread), the |w − q(w)| heatmap, measured int8 vs f32 speed, and the
// Deep Compression pipeline (prune → share → Huffman) with ratio and accuracy per stage.

import { el, field, select, stat, blit, pct, bytes, describe, saveResultButton } from '../ui.js';
import { checkNumber, checkList, addressNumber, rangeText } from '../check.js';
import { fillLayerSelect, onModelSizes } from '../layers.js';

export function mount(root, ctx) {
  const scheme = select('q-scheme', [['int', 'fixed-point int'], ['float', 'floating point'], ['kMeans', 'k-means shared']], 'int');
  const bits = el('input', { id: 'q-bits', type: 'range', min: '1', max: '8', step: '1', value: '8' });
  const bitsOut = el('output', { id: 'q-bits-out', text: '8 bits' });
  const format = select('q-format', [['e4m3', 'fp8 E4M3'], ['e5m2', 'fp8 E5M2'], ['fp16', 'fp16'], ['bf16', 'bf16']], 'e4m3');
  const symmetry = select('q-symmetry', [['symmetric', 'symmetric (Z = 0)'], ['affine', 'asymmetric (affine)']], 'symmetric');
  const granularity = select('q-granularity', [['perChannel', 'per output channel'], ['perTensor', 'per tensor']], 'perChannel');
  const target = select('q-target', [['w', 'weights'], ['wa', 'weights + activations (int8)']], 'w');
  const training = select('q-training', [['ptq', 'post-training (PTQ)'], ['qat', 'quantization-aware (QAT)']], 'ptq');
  const qatSteps = el('input', { id: 'q-qat-steps', type: 'number', min: '1', max: '5000', value: '200' });
  // Filled from the model's own sizes (onModelSizes below).
  const layer = select('q-layer', [], '0');
  const go = el('button', { class: 'button primary', id: 'q-apply', type: 'button', text: 'Quantize' });
  go.disabled = true;
  // The last quantized model becomes a version (child of the input, recipe step from the settings).
  const saveResult = saveResultButton(ctx, 'quantize', 'save.quantize');

  const bitsField = field('Bits per weight', el('div', { class: 'controls' }, bits, bitsOut));
  const formatField = field('Float format', format);
  const controls = el('div', { class: 'field-grid quantize-controls' },
    field('Scheme', scheme), bitsField, formatField, field('Zero point', symmetry), field('Scales', granularity),
    field('Quantize', target), field('Training', training), field('QAT steps', qatSteps, 'batches of 64'),
    field('Show layer', layer));
  controls.style.cssText = 'display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;margin:10px 0';

  const stats = el('div', { class: 'stats' });
  const { box: sFloat, v: vFloat } = stat('q-float-acc', 'float accuracy');
  const { box: sAcc, v: vAcc } = stat('q-acc', 'quantized accuracy');
  const { box: sDelta, v: vDelta } = stat('q-delta', 'change');
  const { box: sFp32, v: vFp32 } = stat('q-size-fp32', 'dense fp32');
  const { box: sDense, v: vDense } = stat('q-size-dense', 'dense at n bits');
  const { box: sPacked, v: vPacked } = stat('q-size-packed', 'true packed');
  const { box: sRatio, v: vRatio } = stat('q-ratio', 'smaller by');
  stats.append(sFloat, sAcc, sDelta, sFp32, sDense, sPacked, sRatio);
  stats.style.gridTemplateColumns = 'repeat(auto-fit, minmax(118px, 1fr))';
  const status = el('p', { class: 'caption', id: 'q-status', text: 'Train a model, then quantize it.' });

  const hist = el('canvas', { id: 'q-hist', width: '720', height: '240' });
  hist.style.cssText = 'width:100%;max-width:720px;height:auto;display:block';
  const heat = el('canvas', { id: 'q-error', class: 'heatmap', width: '784', height: '300' });
  heat.style.cssText = 'width:100%;max-width:784px;image-rendering:pixelated;border:1px solid #e5e7eb';
  const heatCaption = el('p', { class: 'caption', id: 'q-error-caption' });
  describe(hist, 'Histogram of the weights before and after quantization, drawn once you quantize');
  describe(heat, 'Heatmap of the quantization error per weight, drawn once you quantize');

  const speedBtn = el('button', { class: 'button', id: 'q-speed', type: 'button', text: 'Measure int8 vs f32 (batch 64)' });
  speedBtn.disabled = true;
  const speedOut = el('p', { class: 'caption', id: 'q-speed-out' });

  // One pruned fraction per layer of the current model (Han et al.'s 93/92/75 % for three).
  const sparsity = el('input', { id: 'dc-sparsity', type: 'text', value: '0.93,0.92,0.75' });
  let layerCount = 3;
  let arch = '784-300-100-10';
  const dcBits = el('input', { id: 'dc-bits', type: 'number', min: '1', max: '8', value: '5' });
  const retrain = el('input', { id: 'dc-retrain', type: 'number', min: '0', max: '20000', value: '1000' });
  const finetune = el('input', { id: 'dc-finetune', type: 'number', min: '0', max: '20000', value: '200' });
  const dcBtn = el('button', { class: 'button', id: 'dc-run', type: 'button', text: 'Run Deep Compression' });
  dcBtn.disabled = true;
  const dcTable = el('table', { id: 'dc-table', class: 'table' });
  const dcControls = el('div', { class: 'quantize-controls' },
    field('Pruned fraction per layer', sparsity), field('Shared-weight bits', dcBits),
    field('Retrain steps', retrain), field('Centroid fine-tune steps', finetune));
  dcControls.style.cssText = controls.style.cssText;

  root.querySelector('.placeholder')?.remove();
  root.append(controls, el('div', { class: 'buttons' }, go, saveResult.button), stats, status,
    el('h3', { text: 'Weights before and after' }), hist,
    el('h3', { text: 'Error |w − q(w)|' }), heat, heatCaption,
    el('h3', { text: 'Integer inference speed' }), el('div', { class: 'buttons' }, speedBtn), speedOut,
    el('h3', { text: 'Deep Compression: prune → share → Huffman' }), dcControls, el('div', { class: 'buttons' }, dcBtn), dcTable);

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
    qatSteps: training.value === 'qat' ? checkNumber(qatSteps.value, 'QAT steps', QAT_STEPS) : 1,
  });

  function syncControls() {
    const isFloat = scheme.value === 'float';
    bitsField.style.display = isFloat ? 'none' : '';
    formatField.style.display = isFloat ? '' : 'none';
    bitsOut.textContent = `${bits.value} bit${bits.value === '1' ? '' : 's'}`;
  }

  let busy = false;
  let again = false;
  let ready = false;
  let applied = false;

  async function drawViews() {
    const l = Number(layer.value);
    const chart = await ctx.call('quantize', 'histogram', l, 120);
    ctx.charts.drawHistogram(hist, chart);
    hist.dataset.levels = String(chart.levels.length);
    const img = await ctx.call('quantize', 'errorHeatmap', l);
    blit(heat, img);
    heatCaption.textContent = `${img.height} × ${img.width} weights; darker = larger error, up to this layer's largest.`;
    describe(heat, `Quantization error |w − q(w)| of layer ${l + 1}: ${heatCaption.textContent}`);
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
    status.textContent = p.training === 'qat' ? `Quantization-aware training for ${p.qatSteps} steps…` : 'Quantizing…';
    try {
      const r = await ctx.call('quantize', 'apply', p);
      applied = true;
      vFloat.textContent = pct(r.floatAccuracy);
      vAcc.textContent = pct(r.accuracy);
      vAcc.dataset.value = String(r.accuracy);
      const d = 100 * (r.accuracy - r.floatAccuracy);
      vDelta.textContent = `${d >= 0 ? '+' : ''}${d.toFixed(2)} pp`;
      vFp32.textContent = bytes(r.size.denseFp32Bytes);
      vDense.textContent = bytes(r.size.denseWithZerosBytes);
      vPacked.textContent = bytes(r.size.packedBytes);
      vPacked.dataset.value = String(r.size.packedBytes);
      vRatio.textContent = `${(r.size.denseFp32Bytes / r.size.packedBytes).toFixed(1)}×`;
      root.dataset.bits = String(r.bits);
      status.textContent = `${r.bits}-bit weights${p.activations ? ', int8 activations' : ''}; runs on the ${r.kernel} kernel. ` +
        `Mean |w − q(w)| per layer: ${r.layerErrors.map((e) => e.toExponential(1)).join(', ')}.`;
      const kind = p.scheme === 'float' ? format.selectedOptions[0].textContent : p.scheme === 'kMeans' ? `${r.bits}-bit k-means` : `int${r.bits}`;
      saveResult.ready({ what: `${kind}${p.training === 'qat' ? ' QAT' : ''}${p.activations ? ' + int8 activations' : ''}` });
      await drawViews();
      root.dataset.applied = String(Number(root.dataset.applied || 0) + 1);
    } catch (e) {
      status.textContent = '';
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
  const labels = { scheme: 'Scheme', bits: 'Bits per weight', format: 'Float format', zero: 'Zero point', scales: 'Scales',
    target: 'Quantize', training: 'Training', qatSteps: 'QAT steps' };
  const ranges = { bits: { min: 1, max: 8, integer: true }, qatSteps: QAT_STEPS };
  const saved = [[scheme, 'scheme'], [bits, 'bits'], [format, 'format'], [symmetry, 'zero'], [granularity, 'scales'],
    [target, 'target'], [training, 'training'], [qatSteps, 'qatSteps']];
  for (const [input, key] of saved) {
    const v = ctx.state.get(`quantize.${key}`);
    if (v === undefined) continue;
    if (input.tagName === 'SELECT') {
      const options = [...input.options].map((o) => o.value);
      if (options.includes(v)) input.value = v;
      else ctx.notice(`${labels[key]} in the address (quantize.${key}) must be one of ${options.join(', ')} (got ${v}); ${input.value} is used and the other settings are kept.`, 'warn');
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
    speedOut.textContent = 'Measuring…';
    try {
      const s = await ctx.call('quantize', 'speed', 64);
      speedOut.textContent = `Batch ${s.batch}: f32 ${s.f32Ms.toFixed(2)} ms, int8 ${s.quantizedMs.toFixed(2)} ms → int8 is ${s.speedup.toFixed(2)}× faster in this browser.`;
      speedOut.dataset.value = String(s.speedup);
    } catch (e) {
      speedOut.textContent = '';
      ctx.showError(e);
    } finally {
      speedBtn.disabled = false;
    }
  });

  dcBtn.addEventListener('click', async () => {
    let dc;
    try {
      dc = {
        sparsity: checkList(sparsity.value, 'Pruned fraction per layer', layerCount, `one per layer of this ${arch} model`, { min: 0, max: 1, maxOpen: true }),
        bits: checkNumber(dcBits.value, 'Shared-weight bits', { min: 1, max: 8, integer: true }),
        retrainSteps: checkNumber(retrain.value, 'Retrain steps', { min: 0, max: 20000, integer: true }),
        finetuneSteps: checkNumber(finetune.value, 'Centroid fine-tune steps', { min: 0, max: 20000, integer: true }),
      };
    } catch (e) {
      ctx.showError(e);
      return;
    }
    dcBtn.disabled = true;
    dcTable.textContent = 'Pruning, retraining, sharing, fine-tuning…';
    try {
      const stages = await ctx.call('quantize', 'deepCompress', dc);
      dcTable.textContent = '';
      dcTable.append(el('tr', {}, ...['stage', 'test accuracy', 'zeros', 'packed size', 'smaller by'].map((t) => el('th', { text: t }))));
      for (const s of stages) {
        dcTable.append(el('tr', {}, el('td', { text: s.name }), el('td', { text: pct(s.accuracy) }),
          el('td', { text: pct(s.sparsity) }), el('td', { text: bytes(s.size.packedBytes) }), el('td', { text: `${s.ratio.toFixed(1)}×` })));
      }
      dcTable.dataset.stages = String(stages.length);
    } catch (e) {
      dcTable.textContent = '';
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
    sparsity.title = `one value per layer (${n}), each ${rangeText({ min: 0, max: 1, maxOpen: true })}`;
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
    if (applied) status.textContent = 'The model changed: quantize it again.';
    applied = false;
    saveResult.stale();
  });
  // A restarted worker has a fresh QuantizeLab: say so, and keep every control usable.
  ctx.on('restarted', () => {
    if (applied) status.textContent = 'The worker restarted: quantize the model again.';
    applied = false;
    saveResult.stale();
    for (const b of [go, speedBtn, dcBtn]) b.disabled = false;
  });
  ctx.on('evaluation', () => {
    if (applied) soon();
  });
}
