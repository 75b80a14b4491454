// The Distill panel: pick a teacher (the model trained above, or a new one trained here) and a
// student architecture, then train the same student twice in the worker, from scratch and
// distilled (Hinton et al. 2015), with the same seed, batches and epochs. Both test-accuracy
// curves share one chart and one table. The teacher's soft targets for a chosen test digit at
// the current temperature are drawn as bars ("dark knowledge"), and the sizes and measured
// speed of teacher and student sit side by side.

const COLORS = { scratch: '#e4572e', distilled: '#4f46e5' };
import { el, field, pct, count as int, bytes, describe } from '../ui.js';

const widths = (s) => String(s).split(',').map((p) => Number(p.trim())).filter((n) => Number.isFinite(n));

export function mount(root, ctx) {
  const teacherSel = el('select', { id: 'ds-teacher' });
  teacherSel.append(
    el('option', { value: 'current', textContent: 'the model trained above' }),
    el('option', { value: 'train', textContent: 'train a new teacher here' }),
  );
  const teacherHidden = el('input', { id: 'ds-teacher-hidden', type: 'text', value: '1200,1200' });
  const teacherEpochs = el('input', { id: 'ds-teacher-epochs', type: 'number', min: '1', max: '50', value: '1' });
  const studentHidden = el('input', { id: 'ds-student', type: 'text', value: '30' });
  const epochs = el('input', { id: 'ds-epochs', type: 'number', min: '1', max: '50', value: '2' });
  const temp = el('input', { id: 'ds-temperature', type: 'number', min: '0.5', max: '100', step: 'any', value: '4' });
  const alpha = el('input', { id: 'ds-alpha', type: 'number', min: '0', max: '1', step: '0.05', value: '0.5' });
  const lr = el('input', { id: 'ds-lr', type: 'number', min: '0', max: '10', step: 'any', value: '0.05' });
  const seed = el('input', { id: 'ds-seed', type: 'number', min: '0', step: '1', value: '1' });
  const run = el('button', { type: 'button', className: 'button primary', id: 'ds-run', textContent: 'Train both students' });
  const status = el('p', { className: 'caption', id: 'ds-status', textContent: 'Train a model above (or pick “train a new teacher”), then train both students.' });
  const settings = el('div', { className: 'field-grid' },
    field('Teacher', teacherSel), field('Teacher hidden widths', teacherHidden), field('Teacher epochs', teacherEpochs),
    field('Student hidden widths', studentHidden), field('Student epochs', epochs), field('Temperature T', temp),
    field('α (soft-target weight)', alpha), field('Student learning rate', lr), field('Seed', seed));
  settings.style.cssText = 'display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px';

  const chart = el('canvas', { id: 'ds-chart' });
  describe(chart, 'Chart of test accuracy of the student from scratch and distilled, drawn as they train');
  chart.width = 560;
  chart.height = 260;
  const table = el('table', { className: 'ds-table', id: 'ds-table' });
  table.style.cssText = 'border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:14px';

  const digit = el('input', { id: 'ds-digit', type: 'number', min: '0', max: '9999', step: '1', value: '0' });
  const digitCanvas = el('canvas', { id: 'ds-digit-canvas', width: 28, height: 28 });
  digitCanvas.style.cssText = 'width:84px;height:84px;image-rendering:pixelated;border:1px solid #e5e7eb;border-radius:6px';
  const bars = el('div', { id: 'ds-bars' });
  bars.style.cssText = 'display:flex;align-items:flex-end;gap:6px;height:120px;flex:1';
  const softNote = el('p', { className: 'caption', id: 'ds-soft-caption' });

  const left = el('div', {}, el('figure', { className: 'chart' }, chart,
    el('figcaption', { textContent: 'Test accuracy (first 2,000 test digits) of the same student, from scratch and distilled.' })), table);
  const right = el('div', {},
    el('h3', { textContent: 'Dark knowledge: the teacher’s soft targets at T' }),
    el('div', { className: 'controls' }, field('Test digit', digit), digitCanvas),
    el('div', { style: 'display:flex;gap:12px;align-items:flex-end;margin-top:8px' }, bars), softNote);
  const grid = el('div', {}, left, right);
  grid.style.cssText = 'display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:20px';
  root.append(settings, el('div', { className: 'controls' }, run, status), grid);

  const hist = { scratch: [], distilled: [] };
  let running = false;

  function drawChart() {
    const total = Number(epochs.value) || 1;
    const ys = hist.scratch.concat(hist.distilled).map((p) => p[1]).filter((v) => v > 0.5);
    const lo = ys.length ? Math.max(0, Math.floor((Math.min(...ys) - 0.01) * 50) / 50) : 0;
    try {
      ctx.charts.drawLineChart('ds-chart', {
        xLabel: 'epoch',
        yLabel: 'test accuracy',
        xRange: [0, total],
        yRange: [Math.min(lo, 0.9), 1],
        series: [
          { name: 'from scratch', color: COLORS.scratch, points: hist.scratch, markers: true },
          { name: 'distilled', color: COLORS.distilled, points: hist.distilled, markers: true },
        ],
      });
    } catch (e) {
      ctx.showError(e);
    }
  }

  function row(cells, head = false) {
    const tr = el('tr');
    for (const c of cells) {
      const td = el(head ? 'th' : 'td', { textContent: c });
      td.style.cssText = 'padding:4px 10px;border-bottom:1px solid #e5e7eb;text-align:right';
      tr.append(td);
    }
    return tr;
  }

  async function fillTable(s) {
    const f = await ctx.call('distill', 'facts');
    const last = (h) => (h.length ? h[h.length - 1][1] : NaN);
    const arch = (m) => (m ? m.sizes.join('-') : '—');
    table.replaceChildren(row(['model', 'layers', 'params', 'bytes', 'test acc.', 'ms / 64 digits'], true));
    if (f.teacher) {
      table.append(row(['teacher', arch(f.teacher), int(f.teacher.params), bytes(f.teacher.size.packedBytes),
        s.teacherAccuracy != null ? pct(s.teacherAccuracy) : '—', f.teacher.ms.toFixed(2)]));
    }
    if (f.student) {
      const errs = s.finalErrors;
      const a = (i, h) => (errs ? `${pct(1 - errs[i] / 10000)} (${errs[i]} errors)` : pct(last(h)));
      table.append(row(['student, scratch', arch(f.student), int(f.student.params), bytes(f.student.size.packedBytes), a(0, hist.scratch), f.student.ms.toFixed(2)]));
      table.append(row(['student, distilled', arch(f.student), int(f.student.params), bytes(f.student.size.packedBytes), a(1, hist.distilled), f.student.ms.toFixed(2)]));
    }
  }

  async function soft() {
    try {
      const r = await ctx.call('distill', 'softTargets', { index: Number(digit.value) || 0, temperature: Number(temp.value) });
      const img = new ImageData(28, 28);
      r.image.forEach((v, i) => {
        img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = 255 - v;
        img.data[4 * i + 3] = 255;
      });
      digitCanvas.getContext('2d').putImageData(img, 0, 0);
      describe(digitCanvas, `Test digit #${Number(digit.value) || 0}, a ${r.label}`);
      bars.replaceChildren(...r.probs.map((p, c) => {
        const bar = el('div', { title: `${c}: ${(100 * p).toFixed(2)}%` });
        bar.style.cssText = `width:100%;height:${Math.max(1, 100 * p)}px;border-radius:3px 3px 0 0;background:${c === r.label ? COLORS.distilled : '#a5b4fc'}`;
        return el('div', { style: 'display:flex;flex-direction:column;align-items:center;flex:1;font-size:12px' },
          bar, el('span', { textContent: String(c) }));
      }));
      const order = r.probs.map((p, c) => [p, c]).filter(([, c]) => c !== r.label).sort((a, b) => b[0] - a[0]);
      softNote.textContent = `Label ${r.label}. At T = ${temp.value} the teacher gives ${pct(r.probs[r.label])} to it; ` +
        `the closest wrong classes are ${order.slice(0, 2).map(([p, c]) => `${c} (${pct(p)})`).join(' and ')}.`;
    } catch (e) {
      if (!/not ready|no model/.test(e.message)) ctx.showError(e);
    }
  }

  run.onclick = async () => {
    if (running) return;
    running = true;
    run.disabled = true;
    hist.scratch = [];
    hist.distilled = [];
    root.dataset.phase = 'running';
    const params = {
      teacher: teacherSel.value,
      teacherHidden: widths(teacherHidden.value),
      teacherEpochs: Number(teacherEpochs.value),
      studentHidden: widths(studentHidden.value),
      epochs: Number(epochs.value),
      seed: Number(seed.value),
      lr: Number(lr.value),
      distill: { temperature: Number(temp.value), alpha: Number(alpha.value) },
      evalLimit: 2000,
    };
    try {
      await ctx.call('distill', 'start', params);
      let s;
      for (;;) {
        s = await ctx.call('distill', 'step', 50);
        // The untrained starting point (~10%) would sit far below the zoomed accuracy axis.
        for (const p of s.points.filter((q) => q.epoch > 0)) {
          hist.scratch.push([p.epoch, p.scratch]);
          hist.distilled.push([p.epoch, p.distilled]);
        }
        const what = { teacher: 'training the teacher', logits: 'storing the teacher’s logits', students: 'training both students', done: 'done' }[s.phase];
        status.textContent = `${what}: ${(100 * s.fraction).toFixed(0)}%` +
          (s.teacherAccuracy != null ? ` · teacher test accuracy ${pct(s.teacherAccuracy)}` : '');
        if (s.points.length) drawChart();
        if (s.phase === 'done') break;
      }
      const [es, ed] = s.finalErrors;
      status.textContent = `Done: ${es} test errors from scratch, ${ed} distilled (T = ${temp.value}, α = ${alpha.value}, seed ${seed.value}).`;
      await fillTable(s);
      await soft();
      root.dataset.phase = 'done';
    } catch (e) {
      root.dataset.phase = 'error';
      ctx.showError(e);
    } finally {
      running = false;
      run.disabled = false;
    }
  };

  digit.onchange = soft;
  temp.onchange = soft;
  ctx.on('ready', soft);
  ctx.on('state', (st) => !st.running && soft());
}
