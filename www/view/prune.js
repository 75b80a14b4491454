// The Prune panel. The worker's PruneLab prunes the session's model (every slider move re-prunes
// the dense model saved before the first cut, so dragging back restores weights), fine-tunes it
// with the masks held, and renders heatmaps of weights / mask / importance in Rust. While the
// slider is dragged, accuracy is measured on the first 1,000 test digits; on release on all
// 10,000. Sizes are the three honest figures; times are measured in the worker (simd128).
// Settings live in the URL hash under `prune.*`.

import { addressNumber } from '../check.js';
import { fillLayerSelect, onModelSizes } from '../layers.js';

const FAST = 1000;
const EPOCH_STEPS = 938; // 60,000 / 64
const CHUNK = 100;
const pct = (v, d = 2) => `${(100 * v).toFixed(d)}%`;
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const el = (tag, props = {}, ...kids) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids);
  return e;
};
const select = (id, options, value) => {
  const s = el('select', { id });
  for (const [v, t] of options) s.append(el('option', { value: v, textContent: t }));
  if (value != null) s.value = value;
  return s;
};
const field = (label, input) =>
  el('label', { className: 'field' }, el('span', { className: 'field-label', textContent: label }), input);

function loadCss() {
  if (document.getElementById('prune-css')) return;
  const link = el('link', { id: 'prune-css', rel: 'stylesheet', href: new URL('./prune.css', import.meta.url).href });
  document.head.append(link);
}

function blit(canvas, img) {
  if (canvas.width !== img.width || canvas.height !== img.height) {
    canvas.width = img.width;
    canvas.height = img.height;
  }
  canvas.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(img.rgba.buffer), img.width, img.height), 0, 0);
}

export function mount(root, ctx) {
  loadCss();
  for (const p of root.querySelectorAll('.placeholder')) p.remove();
  const st = ctx.state;
  const saved = (k, d) => (st.get(`prune.${k}`) ?? d);

  // ---------- controls ----------
  const level = select('prune-level', [['weights', 'Weights (masks)'], ['neurons', 'Whole neurons']], saved('level', 'weights'));
  const criterion = select('prune-criterion', [['magnitude', '|w| magnitude'], ['gradient', '|∂L/∂w| gradient'], ['taylor', '|w·∂L/∂w| Taylor'], ['random', 'random (control)']], saved('criterion', 'magnitude'));
  const ncrit = select('prune-ncrit', [['l1', 'L1 of incoming weights'], ['l2', 'L2 of incoming weights'], ['gradient', 'summed |gradient|']], saved('ncrit', 'l1'));
  const scope = select('prune-scope', [['layer', 'each layer'], ['global', 'one global threshold']], saved('scope', 'layer'));
  const hold = el('input', { type: 'checkbox', id: 'prune-hold', checked: saved('hold', '1') !== '0' });
  // prune.sparsity from the address: reported in words when out of range, never clamped.
  const fromHash = addressNumber(st, 'prune.sparsity', 'Sparsity (the How much slider, as a fraction)', 0.5, { min: 0, max: 0.99 });
  if (fromHash.warning) ctx.notice(fromHash.warning, 'warn');
  const slider = el('input', { type: 'range', id: 'prune-slider', min: '0', max: '99', step: '1', value: String(Math.round(100 * fromHash.value)) });
  const sliderLabel = el('output', { id: 'prune-slider-label' });
  const han = el('button', { type: 'button', className: 'chip', id: 'prune-han', textContent: 'Han 2015: 92 / 91 / 74 %' });
  const fine = el('button', { type: 'button', className: 'button primary', id: 'prune-finetune', textContent: 'Fine-tune 1 epoch', disabled: true });
  const restore = el('button', { type: 'button', className: 'button', id: 'prune-restore', textContent: 'Restore dense', disabled: true });
  const iterate = el('button', { type: 'button', className: 'button', id: 'prune-iterate', textContent: 'Iterative: 3 rounds of prune + retrain', disabled: true });
  const status = el('p', { className: 'caption', id: 'prune-status' });

  const controls = el('div', { className: 'settings prune-controls' },
    el('h3', { textContent: 'What to prune' }),
    field('Level', level),
    field('Rank weights by', criterion),
    field('Rank neurons by', ncrit),
    field('Threshold', scope),
    el('label', { className: 'field prune-check' }, hold, el('span', { textContent: 'hold the mask while retraining' })),
    el('h3', { textContent: 'How much' }),
    el('div', { className: 'prune-slider-row' }, slider, sliderLabel),
    han,
    el('div', { className: 'buttons' }, fine, restore),
    iterate,
    status,
  );

  // ---------- results ----------
  const acc = el('div', { className: 'stat-value', id: 'prune-acc', textContent: '—' });
  const spars = el('div', { className: 'stat-value', id: 'prune-sparsity', textContent: '—' });
  const shape = el('div', { className: 'stat-value', id: 'prune-shape', textContent: '—' });
  const stats = el('div', { className: 'stats' },
    el('div', { className: 'stat' }, el('div', { className: 'stat-label', textContent: 'Test accuracy' }), acc),
    el('div', { className: 'stat' }, el('div', { className: 'stat-label', textContent: 'Weights pruned' }), spars),
    el('div', { className: 'stat' }, el('div', { className: 'stat-label', textContent: 'Model' }), shape));
  const layerTable = el('table', { className: 'prune-table', id: 'prune-layers' });
  const sizeTable = el('table', { className: 'prune-table', id: 'prune-sizes' });
  const timeTable = el('table', { className: 'prune-table', id: 'prune-times' });
  const timeBtn = el('button', { type: 'button', className: 'button small', id: 'prune-time', textContent: 'Measure speed', disabled: true });

  const view = select('prune-view', [['weights', 'weights'], ['mask', 'mask'], ['importance', 'importance']], 'weights');
  // One option per layer of the current model (onModelSizes below).
  const heatLayer = select('prune-heat-layer', [], '0');
  const heat = el('canvas', { className: 'heatmap', id: 'prune-heatmap' });
  const survival = el('canvas', { className: 'heatmap prune-survival', id: 'prune-survival', width: 28, height: 28 });
  const survivalCaption = el('p', { className: 'caption', id: 'prune-survival-caption' });
  const curve = el('canvas', { id: 'prune-curve', width: 360, height: 223 });
  const sens = el('canvas', { id: 'prune-sens', width: 360, height: 223 });
  const sensBtn = el('button', { type: 'button', className: 'button small', id: 'prune-sens-btn', textContent: 'Run sensitivity', disabled: true });

  const pitBtn = el('button', { type: 'button', className: 'button', id: 'prune-pitfall-btn', textContent: 'Compare: mask held vs multiplied once', disabled: true });
  const pitOut = el('div', { className: 'prune-pitfall', id: 'prune-pitfall' });

  const main = el('div', { className: 'prune-main' },
    stats,
    el('div', { className: 'prune-cols' },
      el('div', {}, el('h3', { textContent: 'Per layer' }), layerTable),
      el('div', {}, el('h3', { textContent: 'True size' }), sizeTable),
      el('div', {}, el('h3', { textContent: 'Measured inference time' }), timeTable, timeBtn)),
    el('div', { className: 'panel-tools prune-tools' }, el('h3', { textContent: 'Heatmap' }), heatLayer, view),
    el('div', { className: 'heatmap-frame' }, heat),
    el('div', { className: 'legend' },
      el('span', { textContent: 'negative' }), el('span', { className: 'legend-ramp' }), el('span', { textContent: 'positive' }),
      el('span', { className: 'legend-swatch pruned' }), el('span', { textContent: 'pruned' }),
      el('span', { className: 'legend-swatch prune-removed' }), el('span', { textContent: 'removed neuron' })),
    el('div', { className: 'prune-survival-row' },
      survival,
      el('div', {}, el('h3', { textContent: 'Surviving weights per input pixel' }), survivalCaption)),
    el('div', { className: 'prune-charts' },
      el('div', {}, el('h3', { textContent: 'Accuracy vs sparsity' }), curve),
      el('div', {}, el('h3', { textContent: 'Sensitivity per layer' }), sens, sensBtn)),
    el('h3', { textContent: 'The tutorial’s pitfall' }),
    el('p', { className: 'caption', textContent: 'The article prunes with param.data *= mask once, then retrains. Nothing stops the gradient from moving the zeros again. Here both run side by side from the same pruned weights.' }),
    pitBtn, pitOut);
  root.append(el('div', { className: 'prune-layout' }, controls, main));

  // ---------- state ----------
  root.dataset.busy = '0';
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
    acc.title = `on ${r.evaluated.toLocaleString('en-US')} test digits`;
    spars.textContent = pct(r.totalSparsity, 1);
    spars.dataset.value = String(r.totalSparsity);
    shape.textContent = r.modelSizes.join('-');
    layerTable.replaceChildren(el('tr', {}, ...['layer', 'weights', 'pruned', 'sparsity'].map((t) => el('th', { textContent: t }))));
    for (const l of r.layers) {
      const tr = el('tr', {}, ...[`${l.layer + 1}`, l.weights.toLocaleString('en-US'), l.pruned.toLocaleString('en-US'), pct(l.sparsity, 1)].map((t) => el('td', { textContent: t })));
      tr.dataset.pruned = String(l.pruned);
      tr.id = `prune-layer-${l.layer}`;
      layerTable.append(tr);
    }
    const s = r.size;
    sizeTable.replaceChildren(
      el('tr', {}, el('td', { textContent: 'dense fp32 (before pruning)' }), el('td', { textContent: kb(s.denseFp32Bytes) })),
      el('tr', {}, el('td', { textContent: 'dense with zeros (what PyTorch shows; smaller only when neurons go)' }), el('td', { textContent: kb(s.denseWithZerosBytes) })),
      el('tr', {}, el('td', { textContent: 'packed: CSR (fp32 values + 16-bit column index + row pointers), or plain dense if that is smaller' }), el('td', { textContent: `${kb(s.packedBytes)} (${(s.denseFp32Bytes / Math.max(1, s.packedBytes)).toFixed(1)}×)` })));
    sizeTable.dataset.packed = String(s.packedBytes);
    root.dataset.removed = String(r.removedNeurons);
  }

  async function drawViews() {
    const crit = criterion.value;
    const layer = Number(heatLayer.value);
    const img = await ctx.call('prune', 'heatmap', layer, view.value, crit, 20);
    blit(heat, img);
    heat.dataset.layer = String(layer);
    heat.dataset.view = view.value;
    const sv = await ctx.call('prune', 'survivalMap');
    blit(survival, sv);
    survivalCaption.textContent = `darkest = the best-kept pixel, white = every weight from that pixel pruned. Border pixels keep ${pct(sv.border, 0)}, the centre ${pct(sv.centre, 0)}.`;
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
    ctx.charts.drawLineChart('prune-curve', chart);
  }

  /** Runs `job` now or after the current one; only the newest waiting job survives. */
  async function run(job) {
    if (busy) {
      pending = job;
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
      status.textContent = `Pruned; accuracy on all ${r.evaluated.toLocaleString('en-US')} test digits.`;
    }
    restore.disabled = false;
  }

  const labelSlider = () => (sliderLabel.textContent = `${slider.value}%`);
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
        for (let done = 0; done < EPOCH_STEPS; done += CHUNK) {
          const n = Math.min(CHUNK, EPOCH_STEPS - done);
          const last = done + n >= EPOCH_STEPS;
          r = await ctx.call('prune', 'fineTune', n, 0.01, last ? 0 : FAST);
          status.textContent = `Fine-tuning: ${done + n} / ${EPOCH_STEPS} steps, masks ${hold.checked ? 'held' : 'NOT held'}.`;
          showReport(r);
          await drawViews();
        }
        ctx.emit('weightsChanged', { by: 'prune' });
        await drawCurve(2000);
        root.dataset.finetuned = String((Number(root.dataset.finetuned) || 0) + 1);
        status.textContent = `Fine-tuned one epoch: ${pct(r.accuracy)} on all 10,000 test digits, ${pct(r.totalSparsity, 1)} of weights still zero.`;
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
          status.textContent = `Round ${round}/3: pruned to ${pct(target, 1)}, accuracy ${pct(r.accuracy)}; retraining…`;
          const steps = Math.round(EPOCH_STEPS / 3);
          for (let done = 0; done < steps; done += CHUNK) {
            r = await ctx.call('prune', 'fineTune', Math.min(CHUNK, steps - done), 0.01, round === 3 && done + CHUNK >= steps ? 0 : FAST);
            showReport(r);
            await drawViews();
          }
        }
        ctx.emit('weightsChanged', { by: 'prune' });
        await drawCurve(2000);
        status.textContent = `3 rounds done: ${pct(r.totalSparsity, 1)} pruned, ${pct(r.accuracy)} on all 10,000 test digits.`;
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
      timeTable.replaceChildren(el('tr', {}, ...['', 'dense', 'sparse', 'speed-up'].map((x) => el('th', { textContent: x }))));
      t.batch.forEach((b, i) => {
        for (const [name, d, s] of [[`layer 1, batch ${b}`, t.layer1DenseMs[i], t.layer1SparseMs[i]], [`layer 1, batch ${b}, blank pixels skipped`, t.layer1DenseMs[i], t.layer1SkipMs[i]], [`model, batch ${b}`, t.modelDenseMs[i], t.modelSparseMs[i]]]) {
          timeTable.append(el('tr', {}, ...[name, `${(d * 1000).toFixed(0)} µs`, `${(s * 1000).toFixed(0)} µs`, `${(d / s).toFixed(1)}×`].map((x) => el('td', { textContent: x }))));
        }
        if (t.referenceDenseMs.length) {
          const [r, d] = [t.referenceDenseMs[i], t.modelDenseMs[i]];
          timeTable.append(el('tr', { className: 'prune-ref' }, ...[`full → smaller model, batch ${b}`, `${(r * 1000).toFixed(0)} µs`, `${(d * 1000).toFixed(0)} µs`, `${(r / d).toFixed(1)}×`].map((x) => el('td', { textContent: x }))));
        }
      });
  }
  sensBtn.onclick = () =>
    run(async () => {
      sensBtn.disabled = true;
      try {
        const chart = await ctx.call('prune', 'sensitivity', 1000);
        fit(sens);
        ctx.charts.drawLineChart('prune-sens', chart);
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
      pitOut.textContent = `Retraining two copies for one epoch (${EPOCH_STEPS} steps each)…`;
      const p = { criterion: criterion.value, scope: scope.value, sparsity: [s] };
      const r = await ctx.call('prune', 'pitfall', p, EPOCH_STEPS, 0.01, 0);
      pitOut.replaceChildren(
        el('div', { className: 'prune-side good', id: 'prune-pitfall-held' },
          el('strong', { textContent: 'mask held' }),
          el('span', { textContent: `sparsity ${pct(r.sparsityPruned, 0)} → ${pct(r.held.sparsityAfter, 0)}` }),
          el('span', { textContent: `accuracy ${pct(r.held.accuracyAfter)}` })),
        el('div', { className: 'prune-side bad', id: 'prune-pitfall-loose' },
          el('strong', { textContent: 'mask not held (param.data *= mask once)' }),
          el('span', { textContent: `sparsity ${pct(r.sparsityPruned, 0)} → ${pct(r.notHeld.sparsityAfter, 0)}` }),
          el('span', { textContent: `accuracy ${pct(r.notHeld.accuracyAfter)}` })));
      pitOut.dataset.notHeld = String(r.notHeld.sparsityAfter);
  }

  function enable(on) {
    ready = on;
    for (const b of [fine, iterate, timeBtn, sensBtn, pitBtn]) b.disabled = !on;
  }
  ctx.on('ready', () => enable(true));
  ctx.on('state', (s) => enable(!s.running));
  // A restarted worker has a fresh PruneLab: nothing is pruned any more, and every control
  // works again once the new worker has the data.
  ctx.on('restart', () => enable(false));
  ctx.on('restarted', () => {
    enable(true);
    restore.disabled = true;
    acc.textContent = '—';
    status.textContent = 'The worker restarted: move the slider to prune the model again.';
  });
  ctx.on('modelChanged', () => {
    restore.disabled = true;
    acc.textContent = '—';
  });
  ctx.whenReady.then(() => enable(true)).catch(() => {});
  // Menus follow the model's own sizes; Han et al.'s 92/91/74 % preset is for three layers.
  onModelSizes(ctx, (sizes) => {
    fillLayerSelect(heatLayer, sizes, (i, nIn, nOut) => (i === 0 && nIn === 784 ? `${nIn} → ${nOut}, 28×28 tiles` : `${nIn} → ${nOut}`));
    han.hidden = sizes.length !== 4;
    root.dataset.layers = String(sizes.length - 1);
  });
}
