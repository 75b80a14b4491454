// The Low-rank panel: decompose the current model's layers by SVD (timed in the worker), show
// each layer's singular values on a log scale with the cut marked, and move a rank slider per
// layer. Every move factors W ≈ U_kΣ_kV_kᵀ into two thin layers in the worker and reports test
// accuracy, parameters, true bytes, reconstruction error and the measured time of the chosen
// layer (dense against factored). Fine-tune retrains the factored net; the heatmap shows W,
// U_kΣ_kV_kᵀ and their difference on one colour scale.

const COLORS = { sigma: '#4f46e5' };
import { el, stat, blit, pct, count as int, bytes as formatBytes, describe, saveResultButton } from '../ui.js';

export function mount(root, ctx) {
  const analyze = el('button', { type: 'button', className: 'button primary', id: 'lr-analyze', textContent: 'Decompose the model' });
  const svdNote = el('span', { className: 'caption', id: 'lr-svd-time' });
  const layerSel = el('select', { id: 'lr-layer' });
  const ftEpochs = el('input', { id: 'lr-ft-epochs', type: 'number', min: '1', max: '20', step: '1', value: '1' });
  ftEpochs.style.width = '4em';
  const scopeSel = el('select', { id: 'lr-ft-scope' });
  scopeSel.append(el('option', { value: 'all', textContent: 'all layers' }), el('option', { value: 'factored', textContent: 'factors only' }));
  const finetune = el('button', { type: 'button', className: 'button', id: 'lr-finetune', textContent: 'Fine-tune', disabled: true });
  const ftNote = el('span', { className: 'caption', id: 'lr-ft-status' });
  // The factored model as it stands becomes a version (child of the decomposed input).
  const saveResult = saveResultButton(ctx, 'lowrank', 'save.lowrank');
  const tools = el('div', { className: 'controls' }, analyze, svdNote);

  const acc = stat('lr-acc', 'test accuracy');
  const params = stat('lr-params', 'parameters');
  const bytes = stat('lr-bytes', 'true bytes (fp32)');
  const time = stat('lr-time', 'layer time, dense → factored');
  const stats = el('div', { className: 'stats' }, acc.box, params.box, bytes.box, time.box);

  const layersBox = el('div', { className: 'lr-layers', id: 'lr-layers' });
  layersBox.style.cssText = 'display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:16px';
  const heat = el('canvas', { id: 'lr-heatmap', className: 'heatmap' });
  heat.width = 10;
  heat.height = 10;
  const heatCaption = el('p', { className: 'caption', id: 'lr-heat-caption' });
  describe(heat, 'Heatmap of a layer, its low-rank approximation and their difference, drawn once you decompose');
  const ftRow = el('div', { className: 'controls' },
    el('label', { className: 'caption', textContent: 'Layer shown and timed ' }, layerSel),
    el('label', { className: 'caption', textContent: 'Epochs ' }, ftEpochs),
    el('label', { className: 'caption', textContent: 'Train ' }, scopeSel),
    finetune, ftNote, saveResult.button);
  const detail = el('div', { className: 'lr-detail', hidden: true },
    stats, layersBox, ftRow,
    el('div', { className: 'heatmap-frame' }, heat),
    el('div', { className: 'legend' },
      el('span', { textContent: 'W' }), el('span', { textContent: '·  U_kΣ_kV_kᵀ  ·  W − U_kΣ_kV_kᵀ (same colour scale)' })),
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
        title: `layer ${l + 1}: ${spectra[l].nIn} → ${spectra[l].nOut}`,
        xLabel: 'index i',
        yLabel: 'σᵢ',
        logY: true,
        vLines: k < s.length ? [k + 0.5] : [],
        series: [{ name: 'singular values', color: COLORS.sigma, points: s.map((v, i) => [i + 1, Math.max(v, 1e-12)]) }],
      });
    } catch (e) {
      ctx.showError(e);
    }
  }

  function show(r) {
    const ranks = cut().map((c) => (c === 'full' ? 'full' : c.rank)).join('/');
    saveResult.ready({ what: `ranks ${ranks}${tuned ? ', fine-tuned' : ''}` });
    acc.v.textContent = pct(r.accuracy);
    acc.v.dataset.value = String(r.accuracy);
    params.v.textContent = `${int(r.params)} / ${int(r.denseParams)}`;
    params.v.dataset.value = String(r.params);
    bytes.v.textContent = `${formatBytes(r.size.packedBytes)} (${(r.size.denseFp32Bytes / r.size.packedBytes).toFixed(1)}×)`;
    if (r.timing) {
      const t = r.timing;
      time.v.textContent = `${t.denseMs.toFixed(2)} → ${t.factoredMs.toFixed(2)} ms (${(t.denseMs / t.factoredMs).toFixed(1)}×)`;
      time.v.title = `one forward pass of layer ${t.layer + 1} on ${t.batch} digits, measured in this worker`;
    }
    r.layers.forEach((L, l) => {
      const info = root.querySelector(`#lr-info-${l}`);
      if (!info) return;
      const fewer = L.rank == null ? '' : ` (${(L.denseParams / L.params).toFixed(1)}× fewer)`;
      info.textContent = `${L.rank == null ? 'dense' : `rank ${L.rank} of ${L.fullRank}`} · ${int(L.params)} params${fewer}` +
        ` · energy kept ${pct(L.energy)} · ‖W − Ŵ‖/‖W‖ = ${L.reconError.toFixed(3)}`;
    });
    root.dataset.evals = String(Number(root.dataset.evals || 0) + 1);
  }

  async function heatmap() {
    const l = Number(layerSel.value);
    const img = await ctx.call('lowrank', 'heatmap', l);
    blit(heat, img);
    heatCaption.textContent = `Layer ${l + 1}: W, its approximation and their difference, one pixel per weight (${img.height} rows).`;
    describe(heat, `Heatmap of ${heatCaption.textContent}`);
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
      svdNote.textContent = `SVD of the ${big.nIn}×${big.nOut} layer in ${big.svdMs.toFixed(0)} ms, ` +
        `all ${spectra.length} layers in ${a.svdMs.toFixed(0)} ms, measured in this browser.`;
      svdNote.dataset.ms = String(big.svdMs);
      layersBox.replaceChildren();
      layerSel.replaceChildren();
      sliders = spectra.map((s, l) => {
        const full = s.singularValues.length;
        const slider = el('input', { type: 'range', id: `lr-rank-${l}`, min: '1', max: String(full), step: '1' });
        slider.value = String(l === 0 ? Math.min(32, full) : full);
        slider.setAttribute('aria-label', `rank of layer ${l + 1}`);
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
        layerSel.append(el('option', { value: String(l), textContent: `layer ${l + 1} (${s.nIn}→${s.nOut})` }));
        return slider;
      });
      detail.hidden = false;
      finetune.disabled = false;
      await update();
    } catch (e) {
      ctx.showError(e);
    } finally {
      analyze.disabled = false;
      analyze.textContent = 'Decompose again';
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
        ftNote.textContent = `fine-tuning: ${(100 * done).toFixed(0)}%, loss ${p.loss.toFixed(3)}`;
        if (p.done) break;
      }
      tuned = true;
      const r = await ctx.call('lowrank', 'report', { evalLimit: 0, timeLayer: Number(layerSel.value) });
      show(r);
      await heatmap();
      ftNote.textContent = `fine-tuned: test accuracy ${pct(r.accuracy)}`;
    } catch (e) {
      ctx.showError(e);
    } finally {
      tuning = false;
      finetune.disabled = false;
    }
  };

  ctx.on('modelChanged', () => {
    if (spectra.length) svdNote.textContent = 'The model changed: decompose it again.';
    saveResult.stale();
  });
  // A restarted worker has a fresh LowRankLab with no decomposition: decompose again first.
  ctx.on('restarted', () => {
    if (spectra.length) svdNote.textContent = 'The worker restarted: decompose the model again.';
    finetune.disabled = true;
    analyze.disabled = false;
    saveResult.stale();
  });
}
