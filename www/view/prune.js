// The Prune panel. The worker's PruneLab prunes the session's model (every slider move re-prunes
// the dense model saved before the first cut, so dragging back restores weights), fine-tunes it
// with the masks held, and renders heatmaps of weights / mask / importance in Rust. While the
// slider is dragged, accuracy is measured on the first 1,000 test digits; on release on all
// 10,000. Sizes are the three honest figures; times are measured in the worker (simd128).
// Settings live in the URL hash under `prune.*`. Every string comes from the catalogues
// (www/i18n/*.js, keys `prune.*`); numbers are formatted per locale. The report of the model as
// it stands is refreshed by itself only while the panel is on screen (www/onscreen.js); what the
// reader does in the panel runs at once. The layout is built by prunelayout.js and the results
// drawn by prunereport.js.

import { t, tr, onLocale } from '../i18n.js';

import { el, blit, pct, describe } from '../ui.js';
import { fillLayerSelect, onModelSizes } from '../layers.js';
import { pruneLayout } from './prunelayout.js';
import { onScreenRefresh } from '../onscreen.js';
import { localChart, renderReport, renderTimings, renderPitfall } from './prunereport.js';

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

  const {
    level, criterion, ncrit, scope, hold, slider, sliderLabel, han, fine, restore, iterate, status,
    acc, spars, shape, layerTable, sizeTable, timeTable, timeBtn,
    view, heatLayer, heat, survival, survivalCaption, curve, sens, sensHint, sensBtn, pitBtn, pitOut,
  } = pruneLayout(root, ctx);

  // ---------- state ----------
  root.dataset.busy = '0';
  let lastCurve = null;
  let lastSens = null;

  /** Steps in one epoch at this run's batch size (not a fixed 938). */
  async function stepsPerEpoch() {
    const info = await ctx.call('session', 'info');
    return Math.max(1, Math.ceil(info.trainCount / info.config.batchSize));
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
  let started = false; // the data and model are in (whenReady)
  let restarting = false; // between a worker's crash and its replacement having the data

  const params = (limit, sparsity = Number(slider.value) / 100, layerwise = null) => ({
    level: level.value,
    weights: { criterion: criterion.value, scope: scope.value, sparsity: layerwise || [sparsity], holdMask: hold.checked, gradBatches: 10 },
    neurons: { criterion: ncrit.value, fraction: [Math.min(sparsity, 0.95)] },
    fromBase: true,
    evalLimit: limit,
  });

  function showReport(r) {
    // The panel now shows the model as it stands: a refresh owed while away is not needed.
    current.settle();
    renderReport({ root, acc, spars, shape, layerTable, sizeTable }, r);
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

  async function drawCurve(limit) {
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
    renderTimings(timeTable, await ctx.call('prune', 'timings', 150));
  }
  sensBtn.onclick = () =>
    run(async () => {
      sensBtn.disabled = true;
      try {
        const chart = await ctx.call('prune', 'sensitivity', 1000);
        lastSens = chart;
        sens.hidden = false;
        sensHint.hidden = true;
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
    renderPitfall(pitOut, await ctx.call('prune', 'pitfall', p, epochSteps, 0.01, 0));
  }

  /** The model as it stands (nothing pruned by this): stats and heatmaps before the slider moves. */
  const showCurrent = () =>
    run(async () => {
      root.dataset.busy = '1';
      tr(status, 'prune.status.measuring');
      const r = await ctx.call('prune', 'report', 0);
      showReport(r);
      await drawViews();
      await drawCurve(2000);
      tr(status, r.totalSparsity > 0 ? 'prune.status.currentSparse' : 'prune.status.current', { sparsity: r.totalSparsity });
    }, true);

  // ---------- background refreshes: only while the panel is on screen ----------
  // The report, heatmaps and accuracy curve of the model as it stands cost ~0.5 s of the
  // worker: at page load, and at each pause or end of training, they made Play and training
  // wait even when nobody could see them. They run while the panel is on screen or within a
  // screen of it, and once when it comes into view if the model changed meanwhile (until then
  // no accuracy is shown: it would be an earlier model's). An embedded panel counts as on screen.
  const current = onScreenRefresh(root, showCurrent, {
    always: Boolean(ctx.embed),
    canRun: () => started && !restarting,
    onDeferred: () => (acc.textContent = '—'),
  });
  const refreshCurrent = current.request;

  function enable(on) {
    ready = on;
    for (const b of [fine, iterate, timeBtn, sensBtn, pitBtn]) b.disabled = !on;
  }
  ctx.on('state', (s) => {
    enable(!s.running);
    if (!s.running) refreshCurrent();
  });
  // A restarted worker has a fresh PruneLab: nothing is pruned any more, and every control
  // works again once the new worker has the data.
  ctx.on('restart', () => {
    restarting = true;
    enable(false);
  });
  ctx.on('restarted', () => {
    restarting = false;
    enable(true);
    restore.disabled = true;
    acc.textContent = '—';
    tr(status, 'prune.status.restarted');
  });
  ctx.on('modelChanged', () => {
    restore.disabled = true;
    acc.textContent = '—';
    if (ready) refreshCurrent();
  });
  ctx.on('weightsChanged', (d) => {
    if (ready && d && d.by !== 'prune') refreshCurrent();
  });
  ctx.whenReady.then(() => {
    started = true;
    enable(true);
    refreshCurrent();
  }).catch(() => {});
  // Menus follow the model's own sizes; Han et al.'s 92/91/74 % preset is for three layers.
  onModelSizes(ctx, (sizes) => {
    fillLayerSelect(heatLayer, sizes, { tiles: true });
    han.hidden = sizes.length !== 4;
    root.dataset.layers = String(sizes.length - 1);
  });
}
