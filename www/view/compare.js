// The Compare panel: every version on one chart of test accuracy against true bytes (log x),
// coloured by method, with the Pareto frontier; a second chart against the measured time per
// batch; a sortable table of the same figures; and the first-layer heatmaps of any two
// versions side by side. Charts are drawn by plotters on this thread (render/pareto.rs); all
// numbers come from the worker's `versions` lab.

import { el, blit, pct, bytes, versionLabel, ratioText, METHOD_COLORS, describe, text, verbatim, methodName, kernelName } from '../ui.js';
import { t, tr, msg, reason, onLocale } from '../i18n.js';
import { ratioCell } from './versions.js';

/** Milliseconds with 3 significant digits, the unit in the page's language. */
const ms = (v) => t('cmp.ms', { v: Number(v).toPrecision(3) });

/** A version's name with a line-break opportunity after each comma and semicolon: names are
 *  often recipe text ("prune:magnitude,0.9,ft0.1"), better wrapped there than mid-number. */
function nameCell(v) {
  const cell = verbatim('td', '', { title: v.recipe, className: 'version-label' });
  v.name.split(/(?<=[,;])/).forEach((part, i) => cell.append(...(i ? [el('wbr'), part] : [part])));
  return cell;
}

// `label` is a catalogue key; `verbatim` cells hold the learner's own names (kept as written);
// `num` columns hold figures, right-aligned and never wrapped (style.css).
const COLUMNS = [
  { key: 'id', label: null, value: (v) => v.id, show: (v) => `#${v.id}`, verbatim: true },
  { key: 'name', label: 'cmp.col.name', value: (v) => v.name, show: (v) => v.name, verbatim: true },
  { key: 'parent', label: 'cmp.col.from', value: (v) => v.parent ?? 0, show: (v) => (v.parent == null ? '—' : `#${v.parent}`) },
  { key: 'method', label: 'ver.col.method', value: (v) => v.method, show: (v) => methodName(v.method) },
  { key: 'accuracy', label: 'ver.col.acc', value: (v) => v.figures.accuracy, show: (v) => pct(v.figures.accuracy), num: true },
  { key: 'dense', label: 'cmp.col.dense', value: (v) => v.figures.size.denseFp32Bytes, show: (v) => bytes(v.figures.size.denseFp32Bytes), num: true },
  { key: 'zeros', label: 'cmp.col.zeros', value: (v) => v.figures.size.denseWithZerosBytes, show: (v) => bytes(v.figures.size.denseWithZerosBytes), num: true },
  { key: 'packed', label: 'ver.col.bytes', value: (v) => v.figures.size.packedBytes, show: (v) => bytes(v.figures.size.packedBytes), num: true },
  { key: 'ratio', label: 'ver.col.ratio', value: (v) => v.figures.ratio, show: (v, all) => ratioText(v, all).text, title: (v, all) => ratioText(v, all).title },
  { key: 'b1', label: 'cmp.col.b1', value: (v) => v.figures.msBatch1, show: (v) => ms(v.figures.msBatch1), num: true },
  { key: 'b64', label: 'cmp.col.b64', value: (v) => v.figures.msBatch64, show: (v) => ms(v.figures.msBatch64), num: true },
  { key: 'kernel', label: 'cmp.col.kernel', value: (v) => v.figures.kernel, show: (v) => kernelName(v.figures.kernel) },
];

export function mount(root, ctx) {
  const bytesCanvas = el('canvas', { id: 'compare-bytes', width: 560, height: 360, className: 'chart' });
  const timeCanvas = el('canvas', { id: 'compare-time', width: 560, height: 360, className: 'chart' });
  const batchSel = tr(el('select', { id: 'compare-batch' },
    text('option', 'cmp.batchOf', { value: '64' }, { n: 64 }), text('option', 'cmp.batchOf', { value: '1' }, { n: 1 })), 'cmp.batchLabel', {}, { attr: 'aria-label' });
  const note = el('p', { className: 'caption', id: 'compare-note' });
  const table = el('table', { className: 'versions-table', id: 'compare-table' });
  const leftSel = tr(el('select', { id: 'compare-left' }), 'cmp.left', {}, { attr: 'aria-label' });
  const rightSel = tr(el('select', { id: 'compare-right' }), 'cmp.right', {}, { attr: 'aria-label' });
  const leftMap = el('canvas', { className: 'heatmap', id: 'compare-left-map', width: 1, height: 1 });
  const rightMap = el('canvas', { className: 'heatmap', id: 'compare-right-map', width: 1, height: 1 });
  // Text alternatives (issue 14): what each canvas shows.
  describe(bytesCanvas, 'a11y.compareBytes');
  describe(timeCanvas, 'a11y.compareTime');
  describe(leftMap, 'a11y.compareMap');
  describe(rightMap, 'a11y.compareMap');
  const leftCap = el('p', { className: 'caption' });
  const rightCap = el('p', { className: 'caption' });
  root.append(
    note,
    el('div', { className: 'compare-charts' },
      el('figure', {}, bytesCanvas),
      el('figure', {}, timeCanvas, el('figcaption', {}, el('label', {}, text('span', 'cmp.timePer'), ' ', batchSel)))),
    // The table scrolls in its own box on a phone rather than widening the page.
    el('div', { className: 'table-scroll' }, table),
    text('h3', 'cmp.maps', { className: 'compare-maps-title' }),
    el('div', { className: 'compare-maps' },
      el('figure', {}, leftSel, leftMap, leftCap),
      el('figure', {}, rightSel, rightMap, rightCap)),
  );

  let list = [];
  let sort = { key: 'packed', dir: 1 };

  function chart(canvas, title, xLabel, x, xUnit) {
    const methods = [...new Set(list.map((v) => v.method))];
    const spec = {
      title,
      xLabel,
      yLabel: t('prune.chart.acc'),
      points: list.map((v) => ({ x: x(v), y: 100 * v.figures.accuracy, label: ` #${v.id}`, color: METHOD_COLORS[v.method] || '#000000' })),
      keys: methods.map((m) => ({ name: methodName(m), color: METHOD_COLORS[m] || '#000000' })),
      frontierLabel: t('cmp.frontier'),
      legend: 'lowerRight',
      xUnit,
    };
    try {
      ctx.charts.drawParetoChartOn(canvas, spec);
    } catch (e) {
      ctx.notice('cmp.chartFailed', 'error', { reason: reason(e) });
    }
  }

  function drawCharts() {
    const n = list.length;
    if (n) tr(note, n === 1 ? 'cmp.note1' : 'cmp.note', { n, tests: list[0].figures.testCount });
    else tr(note, 'cmp.empty');
    const batch = batchSel.value;
    chart(bytesCanvas, t('cmp.chart.bytes'), t('cmp.chart.bytesX'), (v) => v.figures.size.packedBytes, 'bytes');
    chart(timeCanvas, t('cmp.chart.time', { n: batch }), t('cmp.chart.timeX', { n: batch }),
      (v) => (batch === '1' ? v.figures.msBatch1 : v.figures.msBatch64), 'ms');
    root.dataset.points = String(n);
  }

  function drawTable() {
    const col = COLUMNS.find((c) => c.key === sort.key) || COLUMNS[0];
    const rows = [...list].sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      return (x < y ? -1 : x > y ? 1 : 0) * sort.dir;
    });
    const head = el('tr', {}, ...COLUMNS.map((c) => {
      // A no-break space: a wrapped header keeps its arrow beside its last word.
      const arrow = c.key === sort.key ? (sort.dir > 0 ? '\u00a0▲' : '\u00a0▼') : '';
      const b = el('button', { type: 'button', className: 'sort', textContent: `${c.label ? t(c.label) : '#'}${arrow}` });
      b.dataset.key = c.key;
      b.onclick = () => {
        sort = { key: c.key, dir: sort.key === c.key ? -sort.dir : 1 };
        drawTable();
      };
      return el('th', { scope: 'col', className: c.num ? 'num' : '' }, b);
    }));
    table.replaceChildren(el('thead', {}, head),
      el('tbody', {}, ...rows.map((v) => el('tr', {}, ...COLUMNS.map((c) => (c.verbatim
        ? (c.key === 'name' ? nameCell(v) : verbatim('td', c.show(v, list), { title: v.recipe }))
        : c.key === 'ratio' ? ratioCell(ratioText(v, list))
          : el('td', { textContent: c.show(v, list), title: c.title ? c.title(v, list) : '', className: c.num ? 'num' : c.key === 'kernel' ? 'version-kernel' : '' })))))));
    table.hidden = list.length === 0;
  }

  // Until the learner picks, the left map shows the first version and the right one the newest.
  const picked = new Set();
  function fillSelect(sel, fallback) {
    const keep = picked.has(sel) ? sel.value : '';
    sel.replaceChildren(...list.map((v) => verbatim('option', versionLabel(v), { value: String(v.id) })));
    if (list.some((v) => String(v.id) === keep)) sel.value = keep;
    else if (fallback) sel.value = String(fallback.id);
  }

  async function heatmap(sel, canvas, cap) {
    const v = list.find((x) => String(x.id) === sel.value);
    if (!v) {
      canvas.hidden = true;
      cap.replaceChildren();
      return;
    }
    try {
      const n = v.figures.sizes[1] || 1;
      const img = await ctx.call('versions', 'heatmap', v.id, Math.max(1, Math.min(128, Math.ceil(Math.sqrt(n)))));
      blit(canvas, img);
      canvas.hidden = false;
      const kept = v.figures.keptFraction < 1 ? msg('cmp.kept', { f: v.figures.keptFraction }) : '';
      cap.replaceChildren(verbatim('span', versionLabel(v)), text('span', 'cmp.mapCaption', {}, { n, kept, kernel: kernelName(v.figures.kernel) }));
    } catch (e) {
      cap.replaceChildren(verbatim('span', versionLabel(v)), text('span', 'cmp.mapFailed', {}, { reason: reason(e) }));
    }
  }

  async function drawMaps() {
    fillSelect(leftSel, list[0]);
    fillSelect(rightSel, list[list.length - 1]);
    await Promise.all([heatmap(leftSel, leftMap, leftCap), heatmap(rightSel, rightMap, rightCap)]);
  }

  ctx.on('versionsListed', (l) => {
    list = l;
    drawCharts();
    drawTable();
    drawMaps();
  });
  batchSel.onchange = drawCharts;
  onLocale(() => {
    drawCharts();
    drawTable();
  });
  leftSel.onchange = () => {
    picked.add(leftSel);
    heatmap(leftSel, leftMap, leftCap);
  };
  rightSel.onchange = () => {
    picked.add(rightSel);
    heatmap(rightSel, rightMap, rightCap);
  };
  drawCharts();
  drawTable();
}
