// The Low-rank panel: decompose the current model's layers by SVD (timed in the worker), show
// each layer's singular values on a log scale with the cut marked, and move a rank slider per
// layer. Every move factors W ≈ U_kΣ_kV_kᵀ into two thin layers in the worker and reports test
// accuracy, parameters, true bytes, reconstruction error and the measured time of the chosen
// layer (dense against factored). Fine-tune retrains the factored net; the heatmap shows W,
// U_kΣ_kV_kᵀ and their difference on one colour scale.

const COLORS = { sigma: '#4f46e5' };
import { el, stat, blit, bytes as formatBytes, describe, text, saveResultButton } from '../ui.js';
import { t, tr, onLocale } from '../i18n.js';

export function mount(root, ctx) {
  // The panel's layout lives in lowrank.css (the CSP allows no inline <style> element).
  if (!document.getElementById('lowrank-css')) {
    document.head.append(el('link', { id: 'lowrank-css', rel: 'stylesheet', href: new URL('./lowrank.css', import.meta.url).href }));
  }
  const analyze = text('button', 'lr.analyze', { type: 'button', className: 'button primary', id: 'lr-analyze' });
  const svdNote = el('span', { className: 'caption', id: 'lr-svd-time' });
  const layerSel = el('select', { id: 'lr-layer' });
  const ftEpochs = el('input', { id: 'lr-ft-epochs', type: 'number', min: '1', max: '20', step: '1', value: '1' });
  ftEpochs.style.width = '4em';
  const scopeSel = el('select', { id: 'lr-ft-scope' });
  scopeSel.append(text('option', 'lr.scope.all', { value: 'all' }), text('option', 'lr.scope.factored', { value: 'factored' }));
  const finetune = text('button', 'lr.finetune', { type: 'button', className: 'button', id: 'lr-finetune', disabled: true });
  const ftNote = el('span', { className: 'caption', id: 'lr-ft-status' });
  // The factored model as it stands becomes a version (child of the decomposed input).
  const saveResult = saveResultButton(ctx, 'lowrank', 'save.lowrank');
  const tools = el('div', { className: 'controls' }, analyze, svdNote);

  const acc = stat('lr-acc', 'lr.stat.acc');
  const params = stat('lr-params', 'lr.stat.params');
  const bytes = stat('lr-bytes', 'lr.stat.bytes');
  const time = stat('lr-time', 'lr.stat.time');
  const stats = el('div', { className: 'stats lr-stats' }, acc.box, params.box, bytes.box, time.box);

  const layersBox = el('div', { className: 'lr-layers', id: 'lr-layers' });
  const heat = el('canvas', { id: 'lr-heatmap', className: 'heatmap' });
  heat.width = 10;
  heat.height = 10;
  const heatCaption = el('p', { className: 'caption', id: 'lr-heat-caption' });
  describe(heat, 'lr.a11y.heatEmpty');
  const label = (key, control) => el('label', { className: 'caption' }, text('span', key), ' ', control);
  const ftRow = el('div', { className: 'controls lr-ft-row' },
    label('lr.layerShown', layerSel),
    label('lr.epochs', ftEpochs),
    label('lr.train', scopeSel),
    finetune, ftNote, saveResult.button);
  const detail = el('div', { className: 'lr-detail', hidden: true },
    stats, layersBox, ftRow,
    el('div', { className: 'heatmap-frame' }, heat),
    el('div', { className: 'legend' },
      el('span', { textContent: 'W' }), text('span', 'lr.legend')),
    heatCaption);
  root.append(tools, detail);

  let spectra = [];
  let sliders = [];
  let busy = false;
  let again = false;
  let tuning = false;
  let tuned = false;

  const cut = () => sliders.map((s, l) => (Number(s.value) >= spectra[l].singularValues.length ? 'full' : { rank: Number(s.value) }));

  function drawSpectrum(l) {
    const s = spectra[l].singularValues;
    const k = Number(sliders[l].value);
    try {
      ctx.charts.drawLineChart(`lr-spectrum-${l}`, {
        title: t('lr.chart.title', { n: l + 1, nIn: spectra[l].nIn, nOut: spectra[l].nOut }),
        xLabel: t('lr.chart.x'),
        yLabel: 'σᵢ',
        logY: true,
        vLines: k < s.length ? [k + 0.5] : [],
        series: [{ name: t('lr.chart.series'), color: COLORS.sigma, points: s.map((v, i) => [i + 1, Math.max(v, 1e-12)]) }],
      });
    } catch (e) {
      ctx.showError(e);
    }
  }

  let lastReport = null;
  function show(r) {
    const ranks = cut().map((c) => (c === 'full' ? 'full' : c.rank)).join('/');
    saveResult.ready({ what: ranks }, tuned ? 'save.lowrankTuned' : 'save.lowrank');
    lastReport = r;
    tr(acc.v, 'lr.pct', { v: r.accuracy });
    acc.v.dataset.value = String(r.accuracy);
    tr(params.v, 'lr.params', { n: r.params, dense: r.denseParams });
    params.v.dataset.value = String(r.params);
    tr(bytes.v, 'lr.bytes', { size: formatBytes(r.size.packedBytes), x: r.size.denseFp32Bytes / r.size.packedBytes });
    if (r.timing) {
      const tm = r.timing;
      tr(time.v, 'lr.time', { dense: tm.denseMs, factored: tm.factoredMs, x: tm.denseMs / tm.factoredMs });
      tr(time.v, 'lr.timeTitle', { layer: tm.layer + 1, batch: tm.batch }, { attr: 'title' });
    }
    r.layers.forEach((L, l) => {
      const info = root.querySelector(`#lr-info-${l}`);
      if (!info) return;
      const p = { rank: L.rank, full: L.fullRank, params: L.params, fewer: L.denseParams / L.params, energy: L.energy, err: L.reconError };
      tr(info, L.rank == null ? 'lr.info.dense' : 'lr.info.rank', p);
    });
    root.dataset.evals = String(Number(root.dataset.evals || 0) + 1);
  }
  onLocale(() => {
    if (spectra.length) sliders.forEach((_, l) => drawSpectrum(l));
  });

  async function heatmap() {
    const l = Number(layerSel.value);
    const img = await ctx.call('lowrank', 'heatmap', l);
    blit(heat, img);
    tr(heatCaption, 'lr.heatCaption', { layer: l + 1, rows: img.height });
    describe(heat, 'lr.a11y.heat', { layer: l + 1, rows: img.height });
  }

  async function update() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        tuned = false;
        sliders.forEach((_, l) => drawSpectrum(l));
        const r = await ctx.call('lowrank', 'apply', { layers: cut(), evalLimit: 0, timeLayer: Number(layerSel.value) });
        show(r);
        await heatmap();
      } while (again);
    } catch (e) {
      ctx.showError(e);
    } finally {
      busy = false;
    }
  }

  analyze.onclick = async () => {
    analyze.disabled = true;
    try {
      const a = await ctx.call('lowrank', 'analyze');
      spectra = a.spectra;
      const largest = spectra.reduce((m, s) => Math.max(m, s.nIn * s.nOut), 0);
      const big = spectra.find((s) => s.nIn * s.nOut === largest);
      tr(svdNote, 'lr.svd', { nIn: big.nIn, nOut: big.nOut, ms: big.svdMs, layers: spectra.length, allMs: a.svdMs });
      svdNote.dataset.ms = String(big.svdMs);
      layersBox.replaceChildren();
      layerSel.replaceChildren();
      sliders = spectra.map((s, l) => {
        const full = s.singularValues.length;
        const slider = el('input', { type: 'range', id: `lr-rank-${l}`, min: '1', max: String(full), step: '1' });
        slider.value = String(l === 0 ? Math.min(32, full) : full);
        tr(slider, 'lr.a11y.rank', { n: l + 1 }, { attr: 'aria-label' });
        slider.style.width = '100%';
        const canvas = el('canvas', { id: `lr-spectrum-${l}` });
        canvas.width = 380;
        canvas.height = 220;
        const info = el('p', { className: 'caption', id: `lr-info-${l}` });
        slider.oninput = () => {
          drawSpectrum(l);
          update();
        };
        layersBox.append(el('figure', { className: 'chart lr-layer' }, canvas, slider, info));
        layerSel.append(text('option', 'layers.option', { value: String(l) }, { n: l + 1, nIn: s.nIn, nOut: s.nOut }));
        return slider;
      });
      detail.hidden = false;
      finetune.disabled = false;
      await update();
    } catch (e) {
      ctx.showError(e);
    } finally {
      analyze.disabled = false;
      tr(analyze, 'lr.analyzeAgain');
    }
  };

  layerSel.onchange = () => update();

  finetune.onclick = async () => {
    if (tuning) return;
    tuning = true;
    finetune.disabled = true;
    try {
      await ctx.call('lowrank', 'fineTuneStart', { epochs: Number(ftEpochs.value) || 1, lr: 0.01, scope: scopeSel.value });
      for (;;) {
        const p = await ctx.call('lowrank', 'fineTuneSteps', 100);
        const total = Number(ftEpochs.value) || 1;
        const done = p.done ? 1 : (p.epoch + (p.epochEnded ? 0 : p.epochFraction)) / total;
        tr(ftNote, 'lr.tuning', { done, loss: p.loss });
        if (p.done) break;
      }
      tuned = true;
      const r = await ctx.call('lowrank', 'report', { evalLimit: 0, timeLayer: Number(layerSel.value) });
      show(r);
      await heatmap();
      tr(ftNote, 'lr.tuned', { acc: r.accuracy });
    } catch (e) {
      ctx.showError(e);
    } finally {
      tuning = false;
      finetune.disabled = false;
    }
  };

  ctx.on('modelChanged', () => {
    if (spectra.length) tr(svdNote, 'lr.changed');
    saveResult.stale();
  });
  // A restarted worker has a fresh LowRankLab with no decomposition: decompose again first.
  ctx.on('restarted', () => {
    if (spectra.length) tr(svdNote, 'lr.restarted');
    finetune.disabled = true;
    analyze.disabled = false;
    saveResult.stale();
  });
}
