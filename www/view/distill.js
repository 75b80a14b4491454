// The Distill panel: pick a teacher (the model trained above, or a new one trained here) and a
// student architecture, then train the same student twice in the worker, from scratch and
// distilled (Hinton et al. 2015), with the same seed, batches and epochs. Both test-accuracy
// curves share one chart and one table. The teacher's soft targets for a chosen test digit at
// the current temperature are drawn as bars ("dark knowledge"), and the sizes and measured
// speed of teacher and student sit side by side.

import { onScreenRefresh } from '../onscreen.js';
import { t, tr, untr, fmt, msg, onLocale } from '../i18n.js';

/** Below this test accuracy a teacher is called weak: README's 784-30-10 student reaches 96.9 %
 *  alone after 10 epochs (313 errors), so a teacher under 97 % has little to pass on to it. */
const WEAK_TEACHER = 0.97;
const COLORS = { scratch: '#e4572e', distilled: '#4f46e5' };
import { el, field, pct, count as int, bytes, describe, saveResultButton } from '../ui.js';

const widths = (s) => String(s).split(',').map((p) => Number(p.trim())).filter((n) => Number.isFinite(n));

export function mount(root, ctx) {
  // The panel's layout lives in distill.css (the CSP allows no inline <style> element).
  if (!document.getElementById('distill-css')) {
    document.head.append(el('link', { id: 'distill-css', rel: 'stylesheet', href: new URL('./distill.css', import.meta.url).href }));
  }
  const teacherSel = el('select', { id: 'ds-teacher' });
  teacherSel.append(
    tr(el('option', { value: 'current' }), 'ds.teacher.current'),
    tr(el('option', { value: 'train' }), 'ds.teacher.train'),
  );
  const teacherHidden = el('input', { id: 'ds-teacher-hidden', type: 'text', value: '1200,1200' });
  // Defaults that demonstrate the method (README, "Knowledge distillation": distilled better on 5
  // of 5 seeds): a strong dense teacher (the trained network above, or 784-1200-1200-10 trained
  // 10 epochs here) and a 784-30-10 student, small enough for the gap to show, T = 2, α = 0.5,
  // student lr 0.02, 10 epochs.
  const teacherEpochs = el('input', { id: 'ds-teacher-epochs', type: 'number', min: '1', max: '50', value: '10' });
  const studentHidden = el('input', { id: 'ds-student', type: 'text', value: '30' });
  const epochs = el('input', { id: 'ds-epochs', type: 'number', min: '1', max: '50', value: '10' });
  const temp = el('input', { id: 'ds-temperature', type: 'number', min: '0.5', max: '100', step: 'any', value: '2' });
  const alpha = el('input', { id: 'ds-alpha', type: 'number', min: '0', max: '1', step: '0.05', value: '0.5' });
  const lr = el('input', { id: 'ds-lr', type: 'number', min: '0', max: '10', step: 'any', value: '0.02' });
  const seed = el('input', { id: 'ds-seed', type: 'number', min: '0', step: '1', value: '1' });
  const run = tr(el('button', { type: 'button', className: 'button primary', id: 'ds-run' }), 'ds.run');
  const status = tr(el('p', { className: 'caption', id: 'ds-status' }), 'ds.status.start');
  // The teacher menu takes two columns of the grid: its options are longer than a number.
  const teacherField = field('ds.teacher', teacherSel);
  teacherField.classList.add('ds-teacher-field');
  // The new teacher's widths and epochs count only when one is trained here: with the model
  // trained above as the teacher they are hidden (their values kept for when they count again).
  const newTeacherFields = [field('ds.teacherHidden', teacherHidden), field('ds.teacherEpochs', teacherEpochs)];
  const syncTeacherFields = () => {
    for (const f of newTeacherFields) f.hidden = teacherSel.value !== 'train';
  };
  syncTeacherFields();
  teacherSel.addEventListener('change', syncTeacherFields);
  const settings = el('div', { className: 'field-grid ds-settings' },
    teacherField, ...newTeacherFields,
    field('ds.studentHidden', studentHidden), field('ds.epochs', epochs), field('ds.temperature', temp),
    field('ds.alpha', alpha), field('ds.lr', lr), field('ds.seed', seed));

  // Until the first points the chart is a line saying what it will show and when (its text
  // alternative, shown), not a blank canvas.
  const chart = el('canvas', { id: 'ds-chart', hidden: true });
  const chartEmpty = tr(el('p', { className: 'ds-empty', id: 'ds-chart-empty' }), 'a11y.distillChartEmpty');
  describe(chart, 'a11y.distillChartEmpty');
  chart.width = 560;
  chart.height = 260;
  const table = el('table', { className: 'ds-table', id: 'ds-table' });

  const digit = el('input', { id: 'ds-digit', type: 'number', min: '0', max: '9999', step: '1', value: '0' });
  const digitCanvas = el('canvas', { id: 'ds-digit-canvas', width: 28, height: 28 });
  // Blank until the panel is first on screen (soft() draws it then): nothing to say till then.
  digitCanvas.setAttribute('aria-hidden', 'true');
  const bars = el('div', { id: 'ds-bars' });
  const softNote = el('p', { className: 'caption', id: 'ds-soft-caption' });

  const left = el('div', { className: 'ds-results' }, el('figure', { className: 'chart' }, chartEmpty, chart,
    tr(el('figcaption'), 'ds.chartCaption', { n: 2000 })), el('div', { className: 'ds-table-scroll' }, table));
  const right = el('div', { className: 'ds-dark' },
    tr(el('h3'), 'ds.dark'),
    el('div', { className: 'controls' }, field('ds.digit', digit), digitCanvas),
    el('div', { className: 'ds-bars-row' }, bars), softNote);
  // Side by side on a wide screen, one above the other on a phone (distill.css).
  const grid = el('div', { className: 'ds-grid' }, left, right);
  const teacherNote = el('p', { className: 'caption', id: 'ds-teacher-note' });
  // The distilled student becomes a version (child of the teacher version).
  const saveResult = saveResultButton(ctx, 'distill', 'save.distill');
  root.append(settings, el('div', { className: 'controls' }, run, saveResult.button, status), teacherNote, grid);

  /**
   * Says in words what kind of teacher the run uses: distillation passes on what the teacher
   * knows, so a pruned (or barely trained) teacher may make the student worse, not better.
   */
  let noteSeq = 0;
  async function describeTeacher() {
    // Only the newest call writes: switching to "train a new teacher here" while the model above
    // was still being described left that description in place.
    const seq = ++noteSeq;
    if (teacherSel.value !== 'current') {
      tr(teacherNote, 'ds.note.new', { arch: [784, ...widths(teacherHidden.value), 10].join('-'), epochs: teacherEpochs.value });
      teacherNote.dataset.kind = 'new';
      return;
    }
    try {
      const info = await ctx.call('session', 'info');
      const r = await ctx.call('prune', 'report', 2000);
      if (seq !== noteSeq) return;
      const arch = info.sizes.join('-');
      const epochsDone = (info.steps * info.config.batchSize) / Math.max(1, info.trainCount);
      if (r.totalSparsity > 0) {
        tr(teacherNote, 'ds.note.pruned', { arch, sparsity: r.totalSparsity, acc: r.accuracy, n: r.evaluated });
        teacherNote.dataset.kind = 'pruned';
      } else if (r.accuracy < WEAK_TEACHER) {
        tr(teacherNote, 'ds.note.weak', { arch, epochs: epochsDone, acc: r.accuracy, n: r.evaluated });
        teacherNote.dataset.kind = 'weak';
      } else {
        tr(teacherNote, 'ds.note.dense', { arch, acc: r.accuracy, n: r.evaluated });
        teacherNote.dataset.kind = 'dense';
      }
    } catch {
      if (seq === noteSeq) untr(teacherNote);
    }
  }
  for (const input of [teacherSel, teacherHidden, teacherEpochs]) input.addEventListener('change', describeTeacher);
  // The teacher's description (a report on 2,000 test digits, 40–90 ms of the worker) and the
  // soft targets are redrawn for a changed model only while the panel is on screen: done for a
  // panel nobody sees, they made Play and training wait (see onscreen.js). Meanwhile the note
  // is cleared rather than left describing an earlier model.
  const background = onScreenRefresh(root, () => {
    soft();
    return describeTeacher();
  }, { always: Boolean(ctx.embed), onDeferred: () => untr(teacherNote) });
  ctx.on('weightsChanged', () => background.request());
  ctx.on('modelChanged', () => {
    background.request();
    saveResult.stale();
  });
  ctx.on('restarted', () => saveResult.stale());

  const hist = { scratch: [], distilled: [] };
  let running = false;

  function drawChart() {
    const total = Number(epochs.value) || 1;
    const ys = hist.scratch.concat(hist.distilled).map((p) => p[1]).filter((v) => v > 0.5);
    const lo = ys.length ? Math.max(0, Math.floor((Math.min(...ys) - 0.01) * 50) / 50) : 0;
    // Shown before drawing: the chart sizes itself for the screen from its laid-out width.
    chart.hidden = false;
    chartEmpty.hidden = true;
    try {
      ctx.charts.drawLineChart('ds-chart', {
        xLabel: t('chart.epoch'),
        yLabel: t('ds.chart.acc'),
        xRange: [0, total],
        yRange: [Math.min(lo, 0.9), 1],
        series: [
          { name: t('ds.chart.scratch'), color: COLORS.scratch, points: hist.scratch, markers: true },
          { name: t('ds.chart.distilled'), color: COLORS.distilled, points: hist.distilled, markers: true },
        ],
      });
    } catch (e) {
      ctx.showError(e);
    }
  }

  function row(cells, head = false) {
    const tr = el('tr');
    for (const c of cells) {
      tr.append(el(head ? 'th' : 'td', { textContent: c }));
    }
    return tr;
  }

  let lastFacts = null;
  /** The table of the last run; `f` (the worker's facts) is fetched once, so a language switch renders at once. */
  async function fillTable(s, f = null) {
    if (!f) f = await ctx.call('distill', 'facts');
    lastFacts = f;
    const last = (h) => (h.length ? h[h.length - 1][1] : NaN);
    const arch = (m) => (m ? m.sizes.join('-') : '—');
    table.replaceChildren(row(['ds.col.model', 'ds.col.layers', 'ds.col.params', 'ds.col.bytes', 'ds.col.acc', 'ds.col.ms'].map((k) => t(k)), true));
    if (f.teacher) {
      table.append(row([t('ds.row.teacher'), arch(f.teacher), int(f.teacher.params), bytes(f.teacher.size.packedBytes),
        s.teacherAccuracy != null ? pct(s.teacherAccuracy) : '—', fmt.fix(f.teacher.ms, 2)]));
    }
    if (f.student) {
      const errs = s.finalErrors;
      const a = (i, h) => (errs ? t('ds.accErrors', { acc: 1 - errs[i] / 10000, errors: errs[i] }) : pct(last(h)));
      table.append(row([t('ds.row.scratch'), arch(f.student), int(f.student.params), bytes(f.student.size.packedBytes), a(0, hist.scratch), fmt.fix(f.student.ms, 2)]));
      table.append(row([t('ds.row.distilled'), arch(f.student), int(f.student.params), bytes(f.student.size.packedBytes), a(1, hist.distilled), fmt.fix(f.student.ms, 2)]));
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
      describe(digitCanvas, 'a11y.digit', { index: Number(digit.value) || 0, label: r.label });
      digitCanvas.removeAttribute('aria-hidden');
      bars.replaceChildren(...r.probs.map((p, c) => {
        const bar = el('div', { className: 'ds-bar', title: `${c}: ${pct(p)}` });
        bar.style.height = `${Math.max(1, 100 * p)}px`;
        bar.style.background = c === r.label ? COLORS.distilled : '#a5b4fc';
        return el('div', { className: 'ds-bar-col' }, bar, el('span', { textContent: String(c) }));
      }));
      const order = r.probs.map((p, c) => [p, c]).filter(([, c]) => c !== r.label).sort((a, b) => b[0] - a[0]);
      tr(softNote, 'ds.soft', { label: r.label, T: temp.value, p: r.probs[r.label], c1: order[0][1], p1: order[0][0], c2: order[1][1], p2: order[1][0] });
    } catch (e) {
      if (!/not ready|no model/.test(e.message)) ctx.showError(e);
    }
  }

  run.onclick = async () => {
    if (running) return;
    running = true;
    run.disabled = true;
    saveResult.stale();
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
        const what = msg(`ds.phase.${s.phase}`);
        tr(status, s.teacherAccuracy != null ? 'ds.status.phaseTeacher' : 'ds.status.phase', { what, frac: s.fraction, acc: s.teacherAccuracy });
        if (s.points.length) drawChart();
        if (s.phase === 'done') break;
      }
      const [es, ed] = s.finalErrors;
      const why = { pruned: 'ds.why.pruned', weak: 'ds.why.weak' }[teacherNote.dataset.kind] || 'ds.why.noise';
      tr(status, ed > es ? 'ds.status.doneWorse' : 'ds.status.done', { es, ed, T: temp.value, alpha: alpha.value, seed: seed.value, why: msg(why) });
      lastStatus = s;
      await fillTable(s);
      await soft();
      saveResult.ready({ what: `784-${params.studentHidden.join('-')}-10, T = ${params.distill.temperature}, α = ${params.distill.alpha}` });
      root.dataset.phase = 'done';
    } catch (e) {
      root.dataset.phase = 'error';
      ctx.showError(e);
    } finally {
      running = false;
      run.disabled = false;
    }
  };

  let lastStatus = null;
  onLocale(() => {
    if (hist.scratch.length) drawChart();
    if (lastStatus && lastFacts) fillTable(lastStatus, lastFacts).catch(() => {});
  });

  digit.onchange = soft;
  temp.onchange = soft;
  ctx.on('ready', () => background.request());
  ctx.on('state', (st) => {
    if (!st.running) background.request();
  });
}
