// The Binarize panel: train a binary network (BinaryConnect: binary weights; BNN: binary weights
// and activations) on MNIST in the worker, in ~60 ms chunks, and watch its curves, its ±α weight
// heatmaps (every neuron holds exactly two values), the true size of each layer (1 bit per binary
// weight), the measured speed of the XNOR-popcount layer against the f32 dense layer, and its
// predictions on a drawn digit next to the dense network's (binarypad.js). Settings live in the URL hash
// (binarysettings.js).
// With bin.warm the shadow weights start from the panels' input (the Train panel's network, or
// the version picked with "Use as input"; its widths are used), and follow it until training
// starts: a new input, or more training in the Train panel, rebuilds the untrained network.
// What the panel does by itself (building the untrained network at load, following a new input,
// redrawing the chart and heatmap while the binary network trains, classifying the pad's drawing
// again after an epoch) runs only while it is on screen or within a screen of it
// (www/onscreen.js), and once when it comes into view; what the learner does here runs at once.

import { comparePad } from './binarypad.js';
import { DEFAULTS, readSettings, toParams } from './binarysettings.js';
import { el, field, stat, blit, bytes, describe, text, saveResultButton } from '../ui.js';
import { t, tr, untr, msg, onLocale } from '../i18n.js';
import { onScreenRefresh } from '../onscreen.js';

const CHUNK_MS = 60;
const HEATMAP_MS = 500;
const COLORS = { loss: '#6b7280', train: '#4f46e5', test: '#0f9d58' };

export function mount(root, ctx) {
  if (!document.getElementById('binarize-css')) {
    document.head.append(el('link', { id: 'binarize-css', rel: 'stylesheet', href: new URL('./binarize.css', import.meta.url).href }));
  }
  const settings = readSettings(ctx.state, (m) => ctx.notice(m, 'warn'));

  // ---------- settings ----------
  const method = el('select', { id: 'bin-method' });
  method.append(text('option', 'bin.method.bnn', { value: 'bnn' }), text('option', 'bin.method.bc', { value: 'binaryconnect' }));
  const hidden = el('input', { id: 'bin-hidden', type: 'text', spellcheck: false, autocomplete: 'off' });
  const epochs = el('input', { id: 'bin-epochs', type: 'number', min: '1', max: '100', step: '1' });
  const lr = el('input', { id: 'bin-lr', type: 'number', min: '0', step: 'any' });
  const seed = el('input', { id: 'bin-seed', type: 'number', min: '0', step: '1' });
  const check = (id, key) => {
    const c = el('input', { id, type: 'checkbox' });
    return { c, label: el('label', { htmlFor: id }, c, text('span', key)) };
  };
  const cScale = check('bin-scaling', 'bin.scaling');
  const cFirst = check('bin-first', 'bin.first');
  const cLast = check('bin-last', 'bin.last');
  const cWarm = check('bin-warm', 'bin.warm');
  const train = text('button', 'bin.train', { type: 'button', className: 'button primary', id: 'bin-train', disabled: true });
  const reset = text('button', 'train.reset', { type: 'button', className: 'button', id: 'bin-reset', disabled: true });
  // The bit-packed network becomes a version (child of the input when it started from it).
  const saveResult = saveResultButton(ctx, 'binarize', 'save.binarize');
  const form = el('form', { className: 'settings', id: 'bin-settings' });
  form.onsubmit = (e) => e.preventDefault();
  form.append(
    text('h3', 'bin.h.net'),
    field('bin.method', method),
    field('train.hidden', hidden, 'bin.hiddenHint'),
    el('div', { className: 'bin-checks' }, cScale.label, cFirst.label, cLast.label, cWarm.label),
    el('div', { className: 'field-pair' }, field('train.epochs', epochs), field('train.lr', lr)),
    field('train.seed', seed, 'bin.seedHint'),
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
  const sEpoch = stat('bin-stat-epoch', 'train.stat.epoch');
  const sLoss = stat('bin-stat-loss', 'train.stat.loss');
  const sSim = stat('bin-stat-sim', 'bin.stat.sim');
  const sPacked = stat('bin-stat-packed', 'bin.stat.packed');
  const sSize = stat('bin-stat-size', 'bin.stat.size');
  const stats = el('div', { className: 'stats' }, sEpoch.box, sLoss.box, sSim.box, sPacked.box, sSize.box);
  const status = text('p', 'bin.status.waiting', { className: 'caption', id: 'bin-status' });
  const chartCanvas = el('canvas', { id: 'bin-chart', height: 220 });
  describe(chartCanvas, 'bin.a11y.chartEmpty');
  const chart = el('figure', { className: 'chart' }, chartCanvas, text('figcaption', 'bin.chartCaption'));

  const table = el('table', { className: 'bin-table', id: 'bin-layers' });
  const sizeCaption = el('p', { className: 'caption', id: 'bin-size-caption' });
  const layersBox = el('div', {}, text('h3', 'bin.h.size'), el('div', { className: 'bin-scroll' }, table), sizeCaption);

  const layerSel = el('select', { id: 'bin-heatmap-layer' });
  const heat = el('canvas', { id: 'bin-heatmap', className: 'heatmap', width: 1, height: 1 });
  describe(heat, 'bin.a11y.heatEmpty');
  const heatCaption = el('p', { className: 'caption', id: 'bin-heatmap-caption' });
  const heatBox = el(
    'div',
    {},
    text('h3', 'bin.h.heat'),
    field('a11y.layer', layerSel),
    el('div', { className: 'heatmap-frame' }, heat),
    heatCaption,
  );

  const speedBtn = text('button', 'bin.measure', { type: 'button', className: 'button small', id: 'bin-speed-run' });
  const speedShape = el('select', { id: 'bin-speed-shape' });
  for (const v of ['64,1024,1024', '1,1024,1024', '64,4096,4096', '64,256,256']) {
    const [b, n] = v.split(',');
    speedShape.append(text('option', 'bin.shape', { value: v }, { b, n }));
  }
  const speedOut = el('div', { className: 'bin-speed', id: 'bin-speed' });
  const speedBox = el(
    'div',
    {},
    text('h3', 'bin.h.speed'),
    text('p', 'bin.speedNote', { className: 'caption' }),
    el('div', { className: 'input-row' }, field('bin.shapeLabel', speedShape), speedBtn),
    speedOut,
  );

  const compare = comparePad(ctx, (x) => (configured ? call('predict', x) : Promise.reject(new Error('not ready'))));
  const padBox = compare.box;

  const main = el('div', { className: 'bin-main' }, status, stats, chart, el('div', { className: 'bin-row' }, heatBox, layersBox), el('div', { className: 'bin-row' }, speedBox, padBox));
  root.append(el('div', { className: 'bin-layout' }, form, main));

  // ---------- behaviour ----------
  let running = false;
  let configured = false;
  // Configured and not trained yet: a warm start still follows the input.
  let fresh = false;
  let steps = 4;
  let info = null;
  let lastHeat = 0;
  let attempted = false; // a network was asked for once (at load, or by the learner)
  let building = null; // the build under way, if any

  const call = (m, ...a) => ctx.call('binarize', m, ...a);
  const quiet = (e) => /interrupted/.test(e.message) || ctx.showError(e);

  function save() {
    for (const k of Object.keys(DEFAULTS)) ctx.state.set(`bin.${k}`, String(settings[k]));
  }

  function configure() {
    const b = build().finally(() => {
      if (building === b) building = null;
    });
    building = b;
    return b;
  }

  async function build() {
    attempted = true;
    running = false;
    saveResult.stale();
    tr(train, 'bin.train');
    tr(status, 'bin.status.building');
    try {
      let from = '';
      if (settings.warm) {
        // Binarize the panels' input: same widths, its weights as the start.
        const [dense, input] = await Promise.all([ctx.call('session', 'info'), ctx.call('versions', 'input')]);
        settings.hidden = dense.sizes.slice(1, -1).join(',');
        hidden.value = settings.hidden;
        from = input.id != null
          ? msg('bin.status.fromVersion', { id: input.id, name: input.name })
          : msg('bin.status.from', { steps: dense.steps });
      }
      info = await call(settings.warm ? 'configureFromDense' : 'configure', toParams(settings));
      configured = true;
      layerSel.replaceChildren(
        ...info.kinds.map((k, l) => text('option', `bin.layer.${k.binary ? 'binary' : 'full'}${k.output === 'sign' ? 'Sign' : ''}`, { value: l }, { n: l + 1, nIn: info.sizes[l], nOut: info.sizes[l + 1] })),
      );
      const arch = info.sizes.join(' → ');
      tr(status, 'bin.status.configured', { method: settings.method === 'bnn' ? 'BNN' : 'BinaryConnect', arch, steps: info.totalSteps, from });
      sEpoch.v.textContent = `0 / ${settings.epochs}`;
      for (const s of [sLoss, sSim, sPacked]) untr(s.v).textContent = '—';
      renderSizes(info.layers, info.size);
      root.dataset.done = 'false';
      fresh = true;
      needsReset = false;
      await refreshAll();
    } catch (e) {
      configured = false;
      untr(status); // the notice says why
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
      ctx.notice('bin.hiddenBad', 'error', { value: hidden.value });
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
      // Rust names the axes and series in English: the catalogue names them here.
      c.xLabel = t('chart.epoch');
      c.yLabel = t('bin.chart.y');
      const names = ['bin.chart.loss', 'bin.chart.train', 'bin.chart.test'];
      c.series.forEach((s, i) => {
        s.color = [COLORS.loss, COLORS.train, COLORS.test][i] || s.color;
        if (names[i]) s.name = t(names[i]);
      });
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
      const key = k.binary ? (settings.scaling ? 'bin.heat.binary' : 'bin.heat.binaryNoScale') : 'bin.heat.full';
      tr(heatCaption, key);
      describe(heat, 'bin.a11y.heat', { layer: l + 1, what: msg(key) });
      heat.dataset.layer = String(l);
    } catch (e) {
      quiet(e);
    }
  }
  layerSel.addEventListener('change', drawHeatmap);

  /** The true size of every layer and of the model (known before any training). */
  let lastSizes = null;
  function renderSizes(layers, size) {
    lastSizes = [layers, size];
    sSize.v.textContent = bytes(size.packedBytes);
    const x = size.denseFp32Bytes / size.packedBytes;
    tr(sSize.v, 'bin.sizeTitle', { fp32: bytes(size.denseFp32Bytes), x }, { attr: 'title' });
    const head = el('tr', {}, ...['bin.col.layer', 'bin.col.fp32', 'bin.col.packed', 'bin.col.ratio', 'bin.col.perNeuron', 'bin.col.kernel'].map((k) => text('th', k)));
    const rows = layers.map((s) =>
      el(
        'tr',
        { className: s.binaryWeights ? 'binary' : '' },
        tr(el('td', { textContent: `${s.nIn}→${s.nOut}` }), s.binaryWeights ? 'bin.oneBit' : 'bin.f32Weights', {}, { attr: 'title' }),
        el('td', { textContent: bytes(s.weightsFp32Bytes) }),
        el('td', { textContent: bytes(s.weightsPackedBytes) }),
        text('td', 'bin.times', {}, { x: s.weightsFp32Bytes / s.weightsPackedBytes }),
        el('td', { textContent: bytes(s.perNeuronBytes) }),
        el('td', { textContent: s.binaryInputs ? 'XNOR' : 'f32 GEMM' }),
      ),
    );
    table.replaceChildren(head, ...rows);
    tr(sizeCaption, 'bin.sizeCaption', { fp32: bytes(size.denseFp32Bytes), packed: bytes(size.packedBytes), x });
  }
  // Sizes are formatted in the page's language (kB, grouping): render them again on a switch.
  onLocale(() => {
    if (lastSizes) renderSizes(...lastSizes);
    if (configured) drawChart();
  });

  async function evaluate() {
    try {
      const r = await call('evaluate', 0);
      tr(sSim.v, 'bin.pct', { v: r.simAccuracy });
      tr(sPacked.v, r.identical ? 'bin.pctSame' : 'bin.pctDiffer', { v: r.packedAccuracy });
      tr(sPacked.v, r.identical ? 'bin.identical' : 'bin.differ', {}, { attr: 'title' });
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
  // The chart, heatmap and pad redraws that training asks for, through the on-screen gates below.
  const drawViews = () => views.request();
  const redrawPad = () => pad.request();

  async function loop() {
    while (running) {
      const t0 = performance.now();
      let p;
      try {
        p = await call('trainSteps', steps);
      } catch (e) {
        running = false;
        tr(train, 'bin.train');
        quiet(e);
        break;
      }
      fresh = false;
      const ms = performance.now() - t0;
      if (!p.epochEnded && ms > 0) steps = Math.max(1, Math.min(2000, Math.round(Math.min(steps * 2, Math.max(steps / 2, (steps * CHUNK_MS) / ms)))));
      sEpoch.v.textContent = `${(p.epoch + (p.epochEnded ? 0 : p.epochFraction)).toFixed(2)} / ${settings.epochs}`;
      sLoss.v.textContent = p.loss.toFixed(4);
      tr(status, 'bin.status.training', { step: p.step, total: info.totalSteps, acc: p.trainAccuracy });
      if (p.epochEnded) {
        tr(status, 'bin.status.evaluating', { epoch: p.epoch, n: 10000 });
        await evaluate();
        await drawViews();
        redrawPad();
      } else if (performance.now() - lastHeat > HEATMAP_MS) {
        // Off screen this asks nothing of the worker (and is asked again next chunk).
        await drawViews();
      }
      if (p.done) {
        running = false;
        tr(train, 'bin.train');
        train.disabled = true;
        root.dataset.done = 'true';
        tr(status, 'bin.status.done', { steps: p.step });
      }
    }
  }

  let starting = false;
  train.onclick = async () => {
    if (starting) return;
    if (!running) {
      starting = true;
      try {
        // A build under way (the panel just came into view) finishes first.
        if (building) await building;
        // Not built yet (the panel was never on screen), or a warm start, which starts from the
        // input as it is now (it may have trained or changed since).
        if ((!configured && !attempted) || (configured && settings.warm && fresh)) await configure();
      } finally {
        starting = false;
      }
    }
    if (!configured) return;
    running = !running;
    tr(train, running ? 'train.pause' : 'bin.train');
    if (running) loop();
  };

  /** A new input model (Use as input, the Train panel's Reset or training): an untrained warm
   *  start is rebuilt from it; a trained one keeps its origin (it can still be saved as its
   *  child) and says how to start from the new input. */
  let following = false;
  const follows = () => settings.warm && configured && !running && !starting && !following;
  async function followInput() {
    if (!follows() || !fresh) return;
    following = true;
    try {
      await configure();
    } finally {
      following = false;
    }
  }
  function inputChanged() {
    if (!follows()) return;
    // Words only, no worker call: said at once.
    if (!fresh) tr(status, 'bin.status.inputChanged');
    else follow.request();
  }
  ctx.on('modelChanged', inputChanged);
  ctx.on('weightsChanged', inputChanged);
  ctx.on('state', (s) => !s.running && inputChanged());
  reset.onclick = () => {
    train.disabled = false;
    configure();
  };

  speedBtn.onclick = async () => {
    speedBtn.disabled = true;
    tr(speedOut, 'q.measuring');
    try {
      const [b, ni, no] = speedShape.value.split(',').map(Number);
      const s = await call('speed', b, ni, no, 300);
      untr(speedOut);
      speedOut.replaceChildren(
        text('strong', 'bin.faster', {}, { x: s.speedup }),
        text('div', 'bin.speed', {}, { dense: s.denseMs, xnor: s.xnorMs, kernels: s.kernels, batch: s.batch, nIn: s.nIn, nOut: s.nOut }),
      );
      speedOut.dataset.speedup = String(s.speedup);
    } catch (e) {
      untr(speedOut);
      quiet(e);
    } finally {
      speedBtn.disabled = false;
    }
  };

  // ---------- background work: only while the panel is on screen ----------
  // Building the untrained network (~20 ms of the worker, plus ~20 ms of heatmap) ran at page
  // load, and the chart and heatmap every half second of the binary network's training, even
  // with the panel scrolled away: the worker answers one call at a time, so Play and the main
  // training waited for them. They run while the panel is on screen or within a screen of it,
  // and once when it comes into view; until then the panel says the network is being built
  // (never an earlier input's network shown as this one's). An embedded panel counts as on screen.
  let started = false; // the data and model are in (whenReady)
  let needsReset = false; // a restarted worker: the learner rebuilds the network with Reset
  const always = Boolean(ctx.embed);
  const canBuild = () => started && !needsReset;
  const atLoad = onScreenRefresh(root, () => (attempted || needsReset ? undefined : configure()), {
    always,
    canRun: canBuild,
    onDeferred: () => tr(status, 'bin.status.building'),
  });
  /** What a rebuild shows until it lands: the results of no network (the first state). */
  function showBuilding() {
    tr(status, 'bin.status.building');
    saveResult.stale();
    for (const s of [sLoss, sSim, sPacked, sSize]) untr(s.v).textContent = '—';
    sSize.v.removeAttribute('title');
    delete sSize.v.dataset.i18nTitle;
    lastSizes = null;
    table.replaceChildren();
    untr(sizeCaption);
    heat.width = 1;
    heat.height = 1;
    describe(heat, 'bin.a11y.heatEmpty');
    delete heat.dataset.layer;
    untr(heatCaption);
    compare.clear();
  }
  const follow = onScreenRefresh(root, followInput, { always, canRun: canBuild, onDeferred: showBuilding });
  const views = onScreenRefresh(root, refreshAll, { always, canRun: () => configured });
  const pad = onScreenRefresh(root, compare.redraw, { always, onDeferred: compare.clear });

  ctx.on('evaluation', redrawPad);
  // A restarted worker has a fresh, empty lab: the learner rebuilds the network with Reset.
  ctx.on('restarted', () => {
    running = false;
    configured = false;
    needsReset = true;
    tr(train, 'bin.train');
    train.disabled = true;
    saveResult.stale();
    tr(status, 'bin.status.restarted');
  });

  ctx.whenReady.then(() => {
    started = true;
    train.disabled = false;
    reset.disabled = false;
    atLoad.request();
  }).catch(() => {});
}
