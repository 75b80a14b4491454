// The Prune panel. The worker's PruneLab prunes the session's model (every slider move re-prunes
// the dense model saved before the first cut, so dragging back restores weights), fine-tunes it
// with the masks held, and renders heatmaps of weights / mask / importance in Rust. While the
// slider is dragged, accuracy is measured on the first 1,000 test digits; on release on all
// 10,000. Sizes are the three honest figures; times are measured in the worker (simd128).
// Settings live in the URL hash under `prune.*`. Every string comes from the catalogues
// (www/i18n/*.js, keys `prune.*`); numbers are formatted per locale.

import { t, tr, untr, fmt, onLocale } from '../i18n.js';

import { el, field, select, blit, pct, text as lt, describe } from '../ui.js';
import { addressNumber } from '../check.js';
import { fillLayerSelect, onModelSizes } from '../layers.js';

const FAST = 1000;
const CHUNK = 100;
function loadCss() {
  if (document.getElementById('prune-css')) return;
  const link = el('link', { id: 'prune-css', rel: 'stylesheet', href: new URL('./prune.css', import.meta.url).href });
  document.head.append(link);
}

export function mount(root, ctx) {
  loadCss();
  for (const p of root.querySelectorAll('.placeholder')) p.remove();
  const st = ctx.state;
  const saved = (k, d) => (st.get(`prune.${k}`) ?? d);

  // ---------- controls ----------
  const level = select('prune-level', [['weights', 'prune.level.weights'], ['neurons', 'prune.level.neurons']], saved('level', 'weights'));
  const criterion = select('prune-criterion', [['magnitude', 'prune.crit.magnitude'], ['gradient', 'prune.crit.gradient'], ['taylor', 'prune.crit.taylor'], ['random', 'prune.crit.random']], saved('criterion', 'magnitude'));
  const ncrit = select('prune-ncrit', [['l1', 'prune.ncrit.l1'], ['l2', 'prune.ncrit.l2'], ['gradient', 'prune.ncrit.gradient']], saved('ncrit', 'l1'));
  const scope = select('prune-scope', [['layer', 'prune.scope.layer'], ['global', 'prune.scope.global']], saved('scope', 'layer'));
  const hold = el('input', { type: 'checkbox', id: 'prune-hold', checked: saved('hold', '1') !== '0' });
  // prune.sparsity from the address: reported in words when out of range, never clamped.
  const fromHash = addressNumber(st, 'prune.sparsity', 'prune.sparsityLabel', 0.5, { min: 0, max: 0.99 });
  if (fromHash.warning) ctx.notice(fromHash.warning, 'warn');
  const slider = el('input', { type: 'range', id: 'prune-slider', min: '0', max: '99', step: '1', value: String(Math.round(100 * fromHash.value)) });
  const sliderLabel = el('output', { id: 'prune-slider-label' });
  const han = lt('button', 'prune.han', { type: 'button', className: 'chip', id: 'prune-han' });
  const fine = lt('button', 'prune.finetune', { type: 'button', className: 'button primary', id: 'prune-finetune', disabled: true });
  const restore = lt('button', 'prune.restore', { type: 'button', className: 'button', id: 'prune-restore', disabled: true });
  const iterate = lt('button', 'prune.iterate', { type: 'button', className: 'button', id: 'prune-iterate', disabled: true });
  const status = el('p', { className: 'caption', id: 'prune-status' });

  const controls = el('div', { className: 'settings prune-controls', 'data-part': 'controls' },
    lt('h3', 'prune.what'),
    field('prune.level', level),
    field('prune.rankWeights', criterion),
    field('prune.rankNeurons', ncrit),
    field('prune.threshold', scope),
    el('label', { className: 'field prune-check' }, hold, lt('span', 'prune.hold')),
    lt('h3', 'prune.howMuch'),
    field('a11y.pruneShare', el('div', { className: 'prune-slider-row' }, slider, sliderLabel)),
    han,
    el('div', { className: 'buttons' }, fine, restore),
    iterate,
    status,
  );

  // ---------- results ----------
  const acc = el('div', { className: 'stat-value', id: 'prune-acc', textContent: '—' });
  const spars = el('div', { className: 'stat-value', id: 'prune-sparsity', textContent: '—' });
  const shape = el('div', { className: 'stat-value', id: 'prune-shape', textContent: '—' });
  const stats = el('div', { className: 'stats', 'data-part': 'stats' },
    el('div', { className: 'stat' }, lt('div', 'prune.stat.acc', { className: 'stat-label' }), acc),
    el('div', { className: 'stat' }, lt('div', 'prune.stat.pruned', { className: 'stat-label' }), spars),
    el('div', { className: 'stat' }, lt('div', 'prune.stat.model', { className: 'stat-label' }), shape));
  const layerTable = el('table', { className: 'prune-table', id: 'prune-layers' });
  const sizeTable = el('table', { className: 'prune-table', id: 'prune-sizes' });
  const timeTable = el('table', { className: 'prune-table', id: 'prune-times' });
  const timeBtn = lt('button', 'prune.measureSpeed', { type: 'button', className: 'button small', id: 'prune-time', disabled: true });

  const view = select('prune-view', [['weights', 'prune.view.weights'], ['mask', 'prune.view.mask'], ['importance', 'prune.view.importance']], 'weights');
  // One option per layer of the current model (onModelSizes below).
  const heatLayer = select('prune-heat-layer', [], '0');
  const heat = el('canvas', { className: 'heatmap', id: 'prune-heatmap' });
  const survival = el('canvas', { className: 'heatmap prune-survival', id: 'prune-survival', width: 28, height: 28 });
  const survivalCaption = el('p', { className: 'caption', id: 'prune-survival-caption' });
  const curve = el('canvas', { id: 'prune-curve', width: 360, height: 223 });
  const sens = el('canvas', { id: 'prune-sens', width: 360, height: 223 });
  describe(heat, 'a11y.pruneHeatEmpty');
  describe(survival, 'a11y.survivalEmpty');
  describe(curve, 'a11y.curveEmpty');
  describe(sens, 'a11y.sensEmpty');
  const sensBtn = lt('button', 'prune.runSens', { type: 'button', className: 'button small', id: 'prune-sens-btn', disabled: true });

  const pitBtn = lt('button', 'prune.pitfallBtn', { type: 'button', className: 'button', id: 'prune-pitfall-btn', disabled: true });
  const pitOut = el('div', { className: 'prune-pitfall', id: 'prune-pitfall' });

  const main = el('div', { className: 'prune-main' },
    stats,
    el('div', { className: 'prune-cols', 'data-part': 'tables' },
      el('div', {}, lt('h3', 'prune.perLayer'), layerTable),
      el('div', {}, lt('h3', 'prune.trueSize'), sizeTable),
      el('div', {}, lt('h3', 'prune.time'), timeTable, timeBtn)),
    el('div', { className: 'panel-tools prune-tools', 'data-part': 'heatmap' }, lt('h3', 'prune.heatmap'),
      field('a11y.layer', heatLayer), field('a11y.show', view)),
    el('div', { className: 'heatmap-frame', 'data-part': 'heatmap' }, heat),
    el('div', { className: 'legend', 'data-part': 'heatmap' },
      lt('span', 'prune.legend.negative'), el('span', { className: 'legend-ramp' }), lt('span', 'prune.legend.positive'),
      el('span', { className: 'legend-swatch pruned' }), lt('span', 'prune.legend.pruned'),
      el('span', { className: 'legend-swatch prune-removed' }), lt('span', 'prune.legend.removed')),
    el('div', { className: 'prune-survival-row', 'data-part': 'survival' },
      survival,
      el('div', {}, lt('h3', 'prune.survival'), survivalCaption)),
    el('div', { className: 'prune-charts', 'data-part': 'charts' },
      el('div', { 'data-part': 'curve' }, lt('h3', 'prune.curve'), curve),
      el('div', { 'data-part': 'sensitivity' }, lt('h3', 'prune.sens'), sens, sensBtn)),
    lt('h3', 'prune.pitfall', { 'data-part': 'pitfall' }),
    tr(el('p', { className: 'caption', 'data-part': 'pitfall' }), 'prune.pitfallText', {}, { isRich: true }),
    el('div', { 'data-part': 'pitfall' }, pitBtn, pitOut));
  root.append(el('div', { className: 'prune-layout' }, controls, main));

  // ---------- state ----------
  root.dataset.busy = '0';
  let lastCurve = null;
  let lastSens = null;

  /** Steps in one epoch at this run's batch size (not a fixed 938). */
  async function stepsPerEpoch() {
    const info = await ctx.call('session', 'info');
    return Math.max(1, Math.ceil(info.trainCount / info.config.batchSize));
  }

  /** Rust's chart with its axis and series names in the page's language. */
  function localChart(chart) {
    const names = { 'one-shot magnitude': 'prune.chart.oneShot', 'current model': 'prune.chart.current' };
    const axes = { 'weights pruned (%)': 'prune.chart.pruned', 'test accuracy (%)': 'prune.chart.acc', 'sparsity of that layer (%)': 'prune.chart.layerSparsity' };
    const titles = { 'Accuracy vs sparsity (magnitude, no fine-tuning)': 'prune.chart.curveTitle', 'Sensitivity: one layer pruned, the others dense': 'prune.chart.sensTitle' };
    return {
      ...chart,
      title: titles[chart.title] ? t(titles[chart.title]) : chart.title,
      xLabel: axes[chart.xLabel] ? t(axes[chart.xLabel]) : chart.xLabel,
      yLabel: axes[chart.yLabel] ? t(axes[chart.yLabel]) : chart.yLabel,
      series: chart.series.map((x) => {
        const m = /^layer (\d+)$/.exec(x.name);
        return { ...x, name: m ? t('prune.layerN', { n: Number(m[1]) }) : names[x.name] ? t(names[x.name]) : x.name };
      }),
    };
  }
  onLocale(() => {
    try {
      if (lastCurve) ctx.charts.drawLineChart('prune-curve', localChart(lastCurve));
      if (lastSens) ctx.charts.drawLineChart('prune-sens', localChart(lastSens));
    } catch (e) {
      ctx.showError(e);
    }
  });
  let ready = false;
  let busy = false;
  let pending = null; // the newest request while one runs

  const params = (limit, sparsity = Number(slider.value) / 100, layerwise = null) => ({
    level: level.value,
    weights: { criterion: criterion.value, scope: scope.value, sparsity: layerwise || [sparsity], holdMask: hold.checked, gradBatches: 10 },
    neurons: { criterion: ncrit.value, fraction: [Math.min(sparsity, 0.95)] },
    fromBase: true,
    evalLimit: limit,
  });

  function showReport(r) {
    acc.textContent = pct(r.accuracy);
    acc.dataset.value = String(r.accuracy);
    acc.dataset.evaluated = String(r.evaluated);
    tr(acc, 'prune.onDigits', { n: r.evaluated }, { attr: 'title' });
    spars.textContent = pct(r.totalSparsity, 1);
    spars.dataset.value = String(r.totalSparsity);
    shape.textContent = r.modelSizes.join('-');
    layerTable.replaceChildren(el('tr', {}, ...['prune.col.layer', 'prune.col.weights', 'prune.col.pruned', 'prune.col.sparsity'].map((k) => lt('th', k))));
    for (const l of r.layers) {
      const row = el('tr', {}, ...[`${l.layer + 1}`, fmt.int(l.weights), fmt.int(l.pruned), pct(l.sparsity, 1)].map((x) => el('td', { textContent: x })));
      row.dataset.pruned = String(l.pruned);
      row.id = `prune-layer-${l.layer}`;
      layerTable.append(row);
    }
    const s = r.size;
    sizeTable.replaceChildren(
      el('tr', {}, lt('td', 'prune.size.dense'), lt('td', 'prune.kb', {}, { kb: s.denseFp32Bytes / 1000 })),
      el('tr', {}, lt('td', 'prune.size.zeros'), lt('td', 'prune.kb', {}, { kb: s.denseWithZerosBytes / 1000 })),
      el('tr', {}, lt('td', 'prune.size.packed'), lt('td', 'prune.kbRatio', {}, { kb: s.packedBytes / 1000, ratio: s.denseFp32Bytes / Math.max(1, s.packedBytes) })));
    sizeTable.dataset.packed = String(s.packedBytes);
    root.dataset.removed = String(r.removedNeurons);
  }

  async function drawViews() {
    const crit = criterion.value;
    const layer = Number(heatLayer.value);
    const img = await ctx.call('prune', 'heatmap', layer, view.value, crit, 20);
    blit(heat, img);
    describe(heat, 'a11y.pruneHeat', { layer: layer + 1, view: t(`prune.view.${view.value}`) });
    heat.dataset.layer = String(layer);
    heat.dataset.view = view.value;
    const sv = await ctx.call('prune', 'survivalMap');
    blit(survival, sv);
    describe(survival, 'a11y.survival', { border: sv.border, centre: sv.centre });
    tr(survivalCaption, 'prune.survivalCaption', { border: sv.border, centre: sv.centre });
  }

  /** Gives a chart canvas its on-screen size in pixels, so plotters' text stays legible. */
  function fit(c) {
    const w = Math.max(280, Math.round(c.clientWidth || 360));
    if (c.width !== w) {
      c.width = w;
      c.height = Math.round(w * 0.62);
    }
  }

  async function drawCurve(limit) {
    fit(curve);
    const chart = await ctx.call('prune', 'accuracyCurve', limit);
    lastCurve = chart;
    ctx.charts.drawLineChart('prune-curve', localChart(chart));
  }

  /**
   * Runs `job` now or after the current one; only the newest waiting job survives, except that
   * a `background` refresh (the report of the model as it stands) never replaces a waiting job:
   * a pause or an epoch's end arriving while the slider's prune waited used to drop the prune.
   */
  async function run(job, background = false) {
    if (busy) {
      if (!(background && pending)) pending = job;
      return;
    }
    busy = true;
    try {
      await job();
    } catch (e) {
      ctx.showError(e);
    } finally {
      busy = false;
      root.dataset.busy = '0';
      if (pending) {
        const next = pending;
        pending = null;
        run(next);
      }
    }
  }

  async function apply(limit, layerwise = null) {
    root.dataset.busy = '1';
    const r = await ctx.call('prune', 'apply', params(limit, undefined, layerwise));
    showReport(r);
    ctx.emit('weightsChanged', { by: 'prune' });
    await drawViews();
    if (limit === 0) {
      await drawCurve(2000);
      root.dataset.applied = String(Number(slider.value) / 100);
      tr(status, 'prune.status.pruned', { n: r.evaluated });
    }
    restore.disabled = false;
  }

  const labelSlider = () => (sliderLabel.textContent = pct(Number(slider.value) / 100, 0));
  labelSlider();
  slider.addEventListener('input', () => {
    labelSlider();
    if (ready) run(() => apply(FAST));
  });
  slider.addEventListener('change', () => {
    st.set('prune.sparsity', String(Number(slider.value) / 100));
    if (ready) run(() => apply(0));
  });
  for (const [input, key] of [[level, 'level'], [criterion, 'criterion'], [ncrit, 'ncrit'], [scope, 'scope']]) {
    input.addEventListener('change', () => {
      st.set(`prune.${key}`, input.value);
      if (ready) run(() => apply(0));
    });
  }
  hold.addEventListener('change', () => {
    st.set('prune.hold', hold.checked ? '1' : '0');
    if (ready) run(() => apply(0));
  });
  han.onclick = () => {
    level.value = 'weights';
    scope.value = 'layer';
    slider.value = '92';
    labelSlider();
    run(() => apply(0, [0.92, 0.91, 0.74]));
  };
  view.addEventListener('change', () => run(drawViews));
  heatLayer.addEventListener('change', () => run(drawViews));

  fine.onclick = () =>
    run(async () => {
      root.dataset.busy = '1';
      fine.disabled = true;
      try {
        let r = null;
        const epochSteps = await stepsPerEpoch();
        for (let done = 0; done < epochSteps; done += CHUNK) {
          const n = Math.min(CHUNK, epochSteps - done);
          const last = done + n >= epochSteps;
          r = await ctx.call('prune', 'fineTune', n, 0.01, last ? 0 : FAST);
          tr(status, hold.checked ? 'prune.status.tuningHeld' : 'prune.status.tuningLoose', { done: done + n, total: epochSteps });
          showReport(r);
          await drawViews();
        }
        ctx.emit('weightsChanged', { by: 'prune' });
        await drawCurve(2000);
        root.dataset.finetuned = String((Number(root.dataset.finetuned) || 0) + 1);
        tr(status, 'prune.status.tuned', { acc: r.accuracy, n: r.evaluated, sparsity: r.totalSparsity });
      } finally {
        fine.disabled = false;
      }
    });
  // Han et al. 2015: prune a little, retrain, repeat. Each round removes the same fraction of
  // the survivors (s_r = 1 − (1 − s)^(r/3)) from the current model, then retrains 1/3 epoch.
  iterate.onclick = () =>
    run(async () => {
      root.dataset.busy = '1';
      iterate.disabled = true;
      try {
        const s = Number(slider.value) / 100;
        await ctx.call('prune', 'restore', FAST).catch(() => null);
        let r = null;
        for (let round = 1; round <= 3; round++) {
          const target = 1 - Math.pow(1 - s, round / 3);
          const p = params(FAST, target);
          p.level = 'weights';
          p.fromBase = false;
          r = await ctx.call('prune', 'apply', p);
          showReport(r);
          await drawViews();
          tr(status, 'prune.status.round', { round, target, acc: r.accuracy });
          const steps = Math.round((await stepsPerEpoch()) / 3);
          for (let done = 0; done < steps; done += CHUNK) {
            r = await ctx.call('prune', 'fineTune', Math.min(CHUNK, steps - done), 0.01, round === 3 && done + CHUNK >= steps ? 0 : FAST);
            showReport(r);
            await drawViews();
          }
        }
        ctx.emit('weightsChanged', { by: 'prune' });
        await drawCurve(2000);
        tr(status, 'prune.status.rounds', { sparsity: r.totalSparsity, acc: r.accuracy, n: r.evaluated });
        root.dataset.iterated = '1';
      } finally {
        iterate.disabled = false;
      }
    });
  restore.onclick = () =>
    run(async () => {
      showReport(await ctx.call('prune', 'restore', 0));
      ctx.emit('weightsChanged', { by: 'prune' });
      await drawViews();
    });
  // Every button that disables itself re-enables in `finally`: after an error (or a worker
  // restart, which rejects the call in flight) the panel must stay usable.
  timeBtn.onclick = () =>
    run(async () => {
      timeBtn.disabled = true;
      try {
        await measure();
      } finally {
        timeBtn.disabled = !ready;
      }
    });
  async function measure() {
      const t = await ctx.call('prune', 'timings', 150);
      timeTable.replaceChildren(el('tr', {}, el('th'), ...['prune.col.dense', 'prune.col.sparse', 'prune.col.speedup'].map((k) => lt('th', k))));
      const us = (ms) => lt('td', 'prune.us', {}, { us: ms * 1000 });
      const times = (x) => lt('td', 'prune.times', {}, { x });
      t.batch.forEach((b, i) => {
        for (const [key, d, s] of [['prune.t.layer1', t.layer1DenseMs[i], t.layer1SparseMs[i]], ['prune.t.layer1Skip', t.layer1DenseMs[i], t.layer1SkipMs[i]], ['prune.t.model', t.modelDenseMs[i], t.modelSparseMs[i]]]) {
          timeTable.append(el('tr', {}, lt('td', key, {}, { b }), us(d), us(s), times(d / s)));
        }
        if (t.referenceDenseMs.length) {
          const [r, d] = [t.referenceDenseMs[i], t.modelDenseMs[i]];
          timeTable.append(el('tr', { className: 'prune-ref' }, lt('td', 'prune.t.reference', {}, { b }), us(r), us(d), times(r / d)));
        }
      });
  }
  sensBtn.onclick = () =>
    run(async () => {
      sensBtn.disabled = true;
      try {
        const chart = await ctx.call('prune', 'sensitivity', 1000);
        lastSens = chart;
        fit(sens);
        ctx.charts.drawLineChart('prune-sens', localChart(chart));
      } finally {
        sensBtn.disabled = !ready;
      }
    });
  pitBtn.onclick = () =>
    run(async () => {
      pitBtn.disabled = true;
      try {
        await pitfall();
      } finally {
        pitBtn.disabled = !ready;
      }
    });
  async function pitfall() {
      const s = Number(slider.value) / 100;
      const epochSteps = await stepsPerEpoch();
      tr(pitOut, 'prune.pitfallRunning', { steps: epochSteps });
      const p = { criterion: criterion.value, scope: scope.value, sparsity: [s] };
      const r = await ctx.call('prune', 'pitfall', p, epochSteps, 0.01, 0);
      untr(pitOut).replaceChildren(
        el('div', { className: 'prune-side good', id: 'prune-pitfall-held' },
          lt('strong', 'prune.held'),
          lt('span', 'prune.sparsityArrow', {}, { from: r.sparsityPruned, to: r.held.sparsityAfter }),
          lt('span', 'prune.accuracyIs', {}, { acc: r.held.accuracyAfter })),
        el('div', { className: 'prune-side bad', id: 'prune-pitfall-loose' },
          tr(el('strong'), 'prune.notHeld', {}, { isRich: true }),
          lt('span', 'prune.sparsityArrow', {}, { from: r.sparsityPruned, to: r.notHeld.sparsityAfter }),
          lt('span', 'prune.accuracyIs', {}, { acc: r.notHeld.accuracyAfter })));
      pitOut.dataset.notHeld = String(r.notHeld.sparsityAfter);
  }

  /** The model as it stands (nothing pruned by this): stats and heatmaps before the slider moves. */
  const showCurrent = () =>
    run(async () => {
      const r = await ctx.call('prune', 'report', 0);
      showReport(r);
      await drawViews();
      await drawCurve(2000);
      tr(status, r.totalSparsity > 0 ? 'prune.status.currentSparse' : 'prune.status.current', { sparsity: r.totalSparsity });
    }, true);

  function enable(on) {
    ready = on;
    for (const b of [fine, iterate, timeBtn, sensBtn, pitBtn]) b.disabled = !on;
  }
  ctx.on('state', (s) => {
    enable(!s.running);
    if (!s.running) showCurrent();
  });
  // A restarted worker has a fresh PruneLab: nothing is pruned any more, and every control
  // works again once the new worker has the data.
  ctx.on('restart', () => enable(false));
  ctx.on('restarted', () => {
    enable(true);
    restore.disabled = true;
    acc.textContent = '—';
    tr(status, 'prune.status.restarted');
  });
  ctx.on('modelChanged', () => {
    restore.disabled = true;
    acc.textContent = '—';
    if (ready) showCurrent();
  });
  ctx.on('weightsChanged', (d) => {
    if (ready && d && d.by !== 'prune') showCurrent();
  });
  ctx.whenReady.then(() => {
    enable(true);
    showCurrent();
  }).catch(() => {});
  // Menus follow the model's own sizes; Han et al.'s 92/91/74 % preset is for three layers.
  onModelSizes(ctx, (sizes) => {
    fillLayerSelect(heatLayer, sizes, { tiles: true });
    han.hidden = sizes.length !== 4;
    root.dataset.layers = String(sizes.length - 1);
  });
}
