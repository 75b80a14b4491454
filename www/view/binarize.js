// The Binarize panel: train a binary network (BinaryConnect: binary weights; BNN: binary weights
// and activations) on MNIST in the worker, in ~60 ms chunks, and watch its curves, its ±α weight
// heatmaps (every neuron holds exactly two values), the true size of each layer (1 bit per binary
// weight), the measured speed of the XNOR-popcount layer against the f32 dense layer, and its
// predictions on a drawn digit next to the dense network's (binarypad.js). Settings live in the URL hash
// (bin.method, bin.hidden, bin.epochs, bin.lr, bin.seed, bin.scaling, bin.first, bin.last, bin.warm).
// With bin.warm the shadow weights start from the Train panel's network (its widths are used).

import { comparePad } from './binarypad.js';
import { el, field, stat, blit, pct, bytes, describe, saveResultButton } from '../ui.js';

const CHUNK_MS = 60;
const HEATMAP_MS = 500;
const DEFAULTS = { method: 'bnn', hidden: '256,256', epochs: 2, lr: 0.003, seed: 1, scaling: true, first: true, last: true, warm: false };
const COLORS = { loss: '#6b7280', train: '#4f46e5', test: '#0f9d58' };

/** Reads the panel's settings from the hash, falling back to defaults for anything invalid. */
function readSettings(state, warn) {
  const s = { ...DEFAULTS };
  const take = (key, parse) => {
    const raw = state.get(`bin.${key}`);
    if (raw === undefined) return;
    const v = parse(String(raw));
    if (v === undefined) warn(`bin.${key} = "${raw}" is not valid here; using ${DEFAULTS[key]}.`);
    else s[key] = v;
  };
  const bool = (r) => (r === 'true' || r === '1' ? true : r === 'false' || r === '0' ? false : undefined);
  const int = (lo, hi) => (r) => (/^\d+$/.test(r) && +r >= lo && +r <= hi ? +r : undefined);
  take('method', (r) => (['bnn', 'binaryconnect'].includes(r) ? r : undefined));
  take('hidden', (r) => (/^\d+(,\d+){0,7}$/.test(r) && r.split(',').every((w) => +w >= 1 && +w <= 4096) ? r : undefined));
  take('epochs', int(1, 100));
  take('seed', int(0, 2 ** 32));
  take('lr', (r) => (Number.isFinite(+r) && +r > 0 && +r <= 1 ? +r : undefined));
  take('scaling', bool);
  take('first', bool);
  take('last', bool);
  take('warm', bool);
  return s;
}

function toParams(s) {
  return {
    method: s.method,
    scaling: s.scaling,
    binaryFirst: s.first,
    binaryLast: s.last,
    batchNorm: true,
    train: {
      hidden: s.hidden.split(',').map(Number),
      activation: 'relu',
      optimizer: 'adam',
      lr: s.lr,
      momentum: 0.9,
      weightDecay: 0,
      batchSize: 100,
      epochs: s.epochs,
      seed: s.seed,
      schedule: 'cosine',
    },
  };
}

export function mount(root, ctx) {
  if (!document.getElementById('binarize-css')) {
    document.head.append(el('link', { id: 'binarize-css', rel: 'stylesheet', href: new URL('./binarize.css', import.meta.url).href }));
  }
  const settings = readSettings(ctx.state, (m) => ctx.notice(m, 'warn'));

  // ---------- settings ----------
  const method = el('select', { id: 'bin-method' });
  method.append(el('option', { value: 'bnn', textContent: 'BNN (weights + activations)' }), el('option', { value: 'binaryconnect', textContent: 'BinaryConnect (weights)' }));
  const hidden = el('input', { id: 'bin-hidden', type: 'text', spellcheck: false, autocomplete: 'off' });
  const epochs = el('input', { id: 'bin-epochs', type: 'number', min: '1', max: '100', step: '1' });
  const lr = el('input', { id: 'bin-lr', type: 'number', min: '0', step: 'any' });
  const seed = el('input', { id: 'bin-seed', type: 'number', min: '0', step: '1' });
  const check = (id, text) => {
    const c = el('input', { id, type: 'checkbox' });
    return { c, label: el('label', { htmlFor: id }, c, text) };
  };
  const cScale = check('bin-scaling', 'XNOR scaling α = mean |w| per neuron');
  const cFirst = check('bin-first', 'Binary first layer (784 → …)');
  const cLast = check('bin-last', 'Binary last layer (… → 10)');
  const cWarm = check('bin-warm', 'Start from the Train panel’s network');
  const train = el('button', { type: 'button', className: 'button primary', id: 'bin-train', textContent: 'Train', disabled: true });
  const reset = el('button', { type: 'button', className: 'button', id: 'bin-reset', textContent: 'Reset', disabled: true });
  // The bit-packed network becomes a version (child of the input when it started from it).
  const saveResult = saveResultButton(ctx, 'binarize', 'save.binarize');
  const form = el('form', { className: 'settings', id: 'bin-settings' });
  form.onsubmit = (e) => e.preventDefault();
  form.append(
    el('h3', { textContent: 'Binary network' }),
    field('Method', method),
    field('Hidden layer widths', hidden, 'comma-separated; the paper used 3×2048 to 3×4096'),
    el('div', { className: 'bin-checks' }, cScale.label, cFirst.label, cLast.label, cWarm.label),
    el('div', { className: 'field-pair' }, field('Epochs', epochs), field('Learning rate', lr)),
    field('Seed', seed, 'Adam, batch 100, cosine schedule, batch norm'),
    el('div', { className: 'buttons' }, train, reset),
    el('div', { className: 'buttons' }, saveResult.button),
  );
  const show = () => {
    method.value = settings.method;
    hidden.value = settings.hidden;
    epochs.value = settings.epochs;
    lr.value = settings.lr;
    seed.value = settings.seed;
    cScale.c.checked = settings.scaling;
    cFirst.c.checked = settings.first;
    cLast.c.checked = settings.last;
    cWarm.c.checked = settings.warm;
    hidden.disabled = settings.warm;
  };
  show();

  // ---------- results ----------
  const sEpoch = stat('bin-stat-epoch', 'Epoch');
  const sLoss = stat('bin-stat-loss', 'Loss');
  const sSim = stat('bin-stat-sim', 'Test acc. (sim)');
  const sPacked = stat('bin-stat-packed', 'Test acc. (packed)');
  const sSize = stat('bin-stat-size', 'Packed size');
  const stats = el('div', { className: 'stats' }, sEpoch.box, sLoss.box, sSim.box, sPacked.box, sSize.box);
  const status = el('p', { className: 'caption', id: 'bin-status', textContent: 'Waiting for the data…' });
  const chartCanvas = el('canvas', { id: 'bin-chart', height: 220 });
  const chart = el('figure', { className: 'chart' }, chartCanvas, el('figcaption', { textContent: 'Loss, running training accuracy, and test accuracy of the float simulation after each epoch' }));

  const table = el('table', { className: 'bin-table', id: 'bin-layers' });
  const sizeCaption = el('p', { className: 'caption', id: 'bin-size-caption' });
  const layersBox = el('div', {}, el('h3', { textContent: 'True size per layer' }), el('div', { className: 'bin-scroll' }, table), sizeCaption);

  const layerSel = el('select', { id: 'bin-heatmap-layer' });
  const heat = el('canvas', { id: 'bin-heatmap', className: 'heatmap', width: 1, height: 1 });
  const heatCaption = el('p', { className: 'caption', id: 'bin-heatmap-caption' });
  const heatBox = el(
    'div',
    {},
    el('h3', { textContent: 'Weights as used: ±α per neuron' }),
    field('Layer', layerSel),
    el('div', { className: 'heatmap-frame' }, heat),
    heatCaption,
  );

  const speedBtn = el('button', { type: 'button', className: 'button small', id: 'bin-speed-run', textContent: 'Measure' });
  const speedShape = el('select', { id: 'bin-speed-shape' });
  for (const [v, t] of [['64,1024,1024', 'batch 64, 1024 → 1024'], ['1,1024,1024', 'batch 1, 1024 → 1024'], ['64,4096,4096', 'batch 64, 4096 → 4096'], ['64,256,256', 'batch 64, 256 → 256']]) {
    speedShape.append(el('option', { value: v, textContent: t }));
  }
  const speedOut = el('div', { className: 'bin-speed', id: 'bin-speed' });
  const speedBox = el(
    'div',
    {},
    el('h3', { textContent: 'Measured speed in this browser' }),
    el('p', { className: 'caption', textContent: 'The XNOR-popcount layer (pack the signs of the inputs, XOR with the weight bits, i8x16.popcnt) against the f32 dense layer (simd128 GEMM) of the same shape.' }),
    el('div', { className: 'input-row' }, field('Layer shape to time', speedShape), speedBtn),
    speedOut,
  );

  const compare = comparePad(ctx, (x) => (configured ? call('predict', x) : Promise.reject(new Error('not ready'))));
  const padBox = compare.box;

  const main = el('div', { className: 'bin-main' }, status, stats, chart, el('div', { className: 'bin-row' }, heatBox, layersBox), el('div', { className: 'bin-row' }, speedBox, padBox));
  root.append(el('div', { className: 'bin-layout' }, form, main));

  // ---------- behaviour ----------
  let running = false;
  let configured = false;
  let steps = 4;
  let info = null;
  let lastHeat = 0;

  const call = (m, ...a) => ctx.call('binarize', m, ...a);
  const quiet = (e) => /interrupted/.test(e.message) || ctx.showError(e);

  function save() {
    for (const k of Object.keys(DEFAULTS)) ctx.state.set(`bin.${k}`, String(settings[k]));
  }

  async function configure() {
    running = false;
    saveResult.stale();
    train.textContent = 'Train';
    try {
      let from = '';
      if (settings.warm) {
        // Binarize the network the Train panel trained: same widths, its weights as the start.
        const dense = await ctx.call('session', 'info');
        settings.hidden = dense.sizes.slice(1, -1).join(',');
        hidden.value = settings.hidden;
        from = ` Starting from the Train panel's network (${dense.steps.toLocaleString('en-US')} steps trained).`;
      }
      info = await call(settings.warm ? 'configureFromDense' : 'configure', toParams(settings));
      configured = true;
      layerSel.replaceChildren(
        ...info.kinds.map((k, l) => el('option', { value: l, textContent: `${l + 1}: ${info.sizes[l]} → ${info.sizes[l + 1]} (${k.binary ? 'binary' : 'full precision'}${k.output === 'sign' ? ', sign out' : ''})` })),
      );
      const arch = info.sizes.join(' → ');
      status.textContent = `${settings.method === 'bnn' ? 'BNN' : 'BinaryConnect'} ${arch}, ${info.totalSteps.toLocaleString('en-US')} steps to train.${from}`;
      sEpoch.v.textContent = `0 / ${settings.epochs}`;
      for (const s of [sLoss, sSim, sPacked]) s.v.textContent = '—';
      renderSizes(info.layers, info.size);
      root.dataset.done = 'false';
      await refreshAll();
    } catch (e) {
      configured = false;
      ctx.showError(e);
    }
  }

  function readForm() {
    const next = {
      method: method.value,
      hidden: hidden.value.replace(/\s+/g, ''),
      epochs: Number(epochs.value),
      lr: Number(lr.value),
      seed: Number(seed.value),
      scaling: cScale.c.checked,
      first: cFirst.c.checked,
      last: cLast.c.checked,
      warm: cWarm.c.checked,
    };
    if (!/^\d+(,\d+){0,7}$/.test(next.hidden)) {
      ctx.showError(`Hidden widths "${hidden.value}" should look like 256,256 (whole numbers, commas).`);
      show();
      return;
    }
    Object.assign(settings, next);
    hidden.disabled = settings.warm;
    save();
    configure();
  }
  for (const input of [method, hidden, epochs, lr, seed, cScale.c, cFirst.c, cLast.c, cWarm.c]) input.addEventListener('change', readForm);

  async function drawChart() {
    try {
      const c = await call('chart');
      const w = Math.max(240, Math.round(chartCanvas.parentElement.clientWidth));
      if (chartCanvas.width !== w) chartCanvas.width = w;
      c.title = '';
      c.series.forEach((s, i) => (s.color = [COLORS.loss, COLORS.train, COLORS.test][i] || s.color));
      ctx.charts.drawLineChart('bin-chart', c);
    } catch (e) {
      quiet(e);
    }
  }

  async function drawHeatmap() {
    if (!configured) return;
    lastHeat = performance.now();
    try {
      const l = Number(layerSel.value) || 0;
      const n = info.sizes[l + 1];
      const perRow = Math.max(1, Math.min(40, Math.ceil(Math.sqrt(n * 1.6))));
      const img = await call('heatmap', l, perRow);
      blit(heat, img);
      const k = info.kinds[l];
      heatCaption.textContent = k.binary
        ? `Each neuron's weights are exactly +α (red) or −α (blue); α = mean |w| of its shadow weights${settings.scaling ? '' : ' (scaling off: α = 1)'}, colours scaled to the layer's largest α.`
        : 'A full-precision layer: real-valued weights, colours scaled to the 99th percentile of |w|.';
      describe(heat, `Heatmap of the binary network's layer ${l + 1}: ${heatCaption.textContent}`);
      heat.dataset.layer = String(l);
    } catch (e) {
      quiet(e);
    }
  }
  layerSel.addEventListener('change', drawHeatmap);

  /** The true size of every layer and of the model (known before any training). */
  function renderSizes(layers, size) {
    sSize.v.textContent = bytes(size.packedBytes);
    sSize.v.title = `${bytes(size.denseFp32Bytes)} as fp32: ${(size.denseFp32Bytes / size.packedBytes).toFixed(1)}× smaller`;
    const head = el('tr', {}, ...['layer', 'fp32', 'packed', 'ratio', 'per-neuron', 'kernel'].map((t) => el('th', { textContent: t })));
    const rows = layers.map((s) =>
      el(
        'tr',
        { className: s.binaryWeights ? 'binary' : '' },
        el('td', { textContent: `${s.nIn}→${s.nOut}`, title: s.binaryWeights ? '1 bit per weight' : 'f32 weights' }),
        el('td', { textContent: bytes(s.weightsFp32Bytes) }),
        el('td', { textContent: bytes(s.weightsPackedBytes) }),
        el('td', { textContent: `${(s.weightsFp32Bytes / s.weightsPackedBytes).toFixed(1)}×` }),
        el('td', { textContent: bytes(s.perNeuronBytes) }),
        el('td', { textContent: s.binaryInputs ? 'XNOR' : 'f32 GEMM' }),
      ),
    );
    table.replaceChildren(head, ...rows);
    sizeCaption.textContent =
      `Whole model: ${bytes(size.denseFp32Bytes)} as fp32, ${bytes(size.packedBytes)} packed (${(size.denseFp32Bytes / size.packedBytes).toFixed(1)}× smaller). ` +
      'Packed counts the weight bits in whole 64-bit words plus every per-neuron float stored (bias, α, batch-norm γ, β, mean, variance). ' +
      'Binary layers are blue; XNOR: the inputs are signs too, so the layer runs XOR + popcount.';
  }

  async function evaluate() {
    try {
      const r = await call('evaluate', 0);
      sSim.v.textContent = pct(r.simAccuracy);
      sPacked.v.textContent = `${pct(r.packedAccuracy)}${r.identical ? ' ✓' : ' ✗'}`;
      sPacked.v.title = r.identical ? 'The bit-packed network predicts exactly what the float simulation predicts on all 10,000 test digits' : 'The packed predictions differ from the simulation';
      renderSizes(r.layers, r.size);
      root.dataset.identical = String(r.identical);
      saveResult.ready({ what: `${settings.method === 'bnn' ? 'BNN' : 'BinaryConnect'} ${info.sizes.join('-')}` });
      return r;
    } catch (e) {
      quiet(e);
      return null;
    }
  }

  async function refreshAll() {
    await Promise.all([drawChart(), drawHeatmap()]);
  }

  async function loop() {
    while (running) {
      const t0 = performance.now();
      let p;
      try {
        p = await call('trainSteps', steps);
      } catch (e) {
        running = false;
        train.textContent = 'Train';
        quiet(e);
        break;
      }
      const ms = performance.now() - t0;
      if (!p.epochEnded && ms > 0) steps = Math.max(1, Math.min(2000, Math.round(Math.min(steps * 2, Math.max(steps / 2, (steps * CHUNK_MS) / ms)))));
      sEpoch.v.textContent = `${(p.epoch + (p.epochEnded ? 0 : p.epochFraction)).toFixed(2)} / ${settings.epochs}`;
      sLoss.v.textContent = p.loss.toFixed(4);
      status.textContent = `Training: step ${p.step.toLocaleString('en-US')} of ${info.totalSteps.toLocaleString('en-US')}, running training accuracy ${pct(p.trainAccuracy)}.`;
      if (p.epochEnded) {
        status.textContent = `Epoch ${p.epoch} done; evaluating the float simulation and the bit-packed network on 10,000 test digits…`;
        await evaluate();
        await refreshAll();
        compare.redraw();
      } else if (performance.now() - lastHeat > HEATMAP_MS) {
        await refreshAll();
      }
      if (p.done) {
        running = false;
        train.textContent = 'Train';
        train.disabled = true;
        root.dataset.done = 'true';
        status.textContent = `Done: ${p.step.toLocaleString('en-US')} steps. Change a setting or press Reset to train again.`;
      }
    }
  }

  train.onclick = () => {
    if (!configured) return;
    running = !running;
    train.textContent = running ? 'Pause' : 'Train';
    if (running) loop();
  };
  reset.onclick = () => {
    train.disabled = false;
    configure();
  };

  speedBtn.onclick = async () => {
    speedBtn.disabled = true;
    speedOut.textContent = 'Measuring…';
    try {
      const [b, ni, no] = speedShape.value.split(',').map(Number);
      const s = await call('speed', b, ni, no, 300);
      speedOut.replaceChildren(
        el('strong', { textContent: `${s.speedup.toFixed(1)}× faster` }),
        el('div', { textContent: `f32 dense ${s.denseMs.toFixed(3)} ms, XNOR-popcount ${s.xnorMs.toFixed(3)} ms (${s.kernels}), batch ${s.batch}, ${s.nIn} → ${s.nOut}` }),
      );
      speedOut.dataset.speedup = String(s.speedup);
    } catch (e) {
      speedOut.textContent = '';
      quiet(e);
    } finally {
      speedBtn.disabled = false;
    }
  };

  ctx.on('evaluation', compare.redraw);
  // A restarted worker has a fresh, empty lab: the learner rebuilds the network with Reset.
  ctx.on('restarted', () => {
    running = false;
    configured = false;
    train.textContent = 'Train';
    train.disabled = true;
    saveResult.stale();
    status.textContent = 'The worker restarted; press Reset to build the binary network again.';
  });

  ctx.whenReady.then(async () => {
    await configure();
    train.disabled = false;
    reset.disabled = false;
  });
}
