// The Compare panel: every version on one chart of test accuracy against true bytes (log x),
// coloured by method, with the Pareto frontier; a second chart against the measured time per
// batch; a sortable table of the same figures; and the first-layer heatmaps of any two
// versions side by side. Charts are drawn by plotters on this thread (render/pareto.rs); all
// numbers come from the worker's `versions` lab.

import { el, blit, pct, bytes, ms, versionLabel, METHOD_COLORS, describe } from '../ui.js';

const COLUMNS = [
  { key: 'id', label: '#', value: (v) => v.id, show: (v) => `#${v.id}` },
  { key: 'name', label: 'Version', value: (v) => v.name, show: (v) => v.name },
  { key: 'parent', label: 'From', value: (v) => v.parent ?? 0, show: (v) => (v.parent == null ? '—' : `#${v.parent}`) },
  { key: 'method', label: 'Method', value: (v) => v.method, show: (v) => v.method },
  { key: 'accuracy', label: 'Test accuracy', value: (v) => v.figures.accuracy, show: (v) => pct(v.figures.accuracy) },
  { key: 'dense', label: 'Dense fp32', value: (v) => v.figures.size.denseFp32Bytes, show: (v) => bytes(v.figures.size.denseFp32Bytes) },
  { key: 'zeros', label: 'Dense with zeros', value: (v) => v.figures.size.denseWithZerosBytes, show: (v) => bytes(v.figures.size.denseWithZerosBytes) },
  { key: 'packed', label: 'True bytes', value: (v) => v.figures.size.packedBytes, show: (v) => bytes(v.figures.size.packedBytes) },
  { key: 'ratio', label: 'Ratio', value: (v) => v.figures.ratio, show: (v) => `${v.figures.ratio.toFixed(1)}×` },
  { key: 'b1', label: 'Batch 1', value: (v) => v.figures.msBatch1, show: (v) => ms(v.figures.msBatch1) },
  { key: 'b64', label: 'Batch 64', value: (v) => v.figures.msBatch64, show: (v) => ms(v.figures.msBatch64) },
  { key: 'kernel', label: 'Kernel', value: (v) => v.figures.kernel, show: (v) => v.figures.kernel },
];

export function mount(root, ctx) {
  const bytesCanvas = el('canvas', { id: 'compare-bytes', width: 560, height: 360, className: 'chart' });
  const timeCanvas = el('canvas', { id: 'compare-time', width: 560, height: 360, className: 'chart' });
  const batchSel = el('select', { id: 'compare-batch', ariaLabel: 'Batch size of the timed chart' },
    el('option', { value: '64', textContent: 'batch of 64' }), el('option', { value: '1', textContent: 'batch of 1' }));
  const note = el('p', { className: 'caption', id: 'compare-note' });
  const table = el('table', { className: 'versions-table', id: 'compare-table' });
  const leftSel = el('select', { id: 'compare-left', ariaLabel: 'Left heatmap version' });
  const rightSel = el('select', { id: 'compare-right', ariaLabel: 'Right heatmap version' });
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
      el('figure', {}, timeCanvas, el('figcaption', {}, el('label', {}, 'Time per ', batchSel)))),
    table,
    el('h3', { className: 'compare-maps-title', textContent: 'First layer, side by side' }),
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
      yLabel: 'test accuracy (%)',
      points: list.map((v) => ({ x: x(v), y: 100 * v.figures.accuracy, label: ` #${v.id}`, color: METHOD_COLORS[v.method] || '#000000' })),
      keys: methods.map((m) => ({ name: m, color: METHOD_COLORS[m] || '#000000' })),
      frontierLabel: 'Pareto frontier',
      legend: 'lowerRight',
      xUnit,
    };
    try {
      ctx.charts.drawParetoChartOn(canvas, spec);
    } catch (e) {
      ctx.showError(`The Compare chart could not be drawn: ${e.message}`);
    }
  }

  function drawCharts() {
    const n = list.length;
    note.textContent = n
      ? `${n} version${n === 1 ? '' : 's'}; accuracy on ${list[0].figures.testCount.toLocaleString('en-US')} test digits, times measured in this browser. Ringed points are on the frontier: no other version is both smaller (or faster) and at least as accurate.`
      : 'No versions yet: save or make some in the Versions panel.';
    const batch = batchSel.value;
    chart(bytesCanvas, 'Accuracy against true size', 'true bytes (log scale)', (v) => v.figures.size.packedBytes, 'bytes');
    chart(timeCanvas, `Accuracy against time per batch of ${batch}`, `ms per batch of ${batch} (log scale)`,
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
      const arrow = c.key === sort.key ? (sort.dir > 0 ? ' ▲' : ' ▼') : '';
      const b = el('button', { type: 'button', className: 'sort', textContent: `${c.label}${arrow}` });
      b.dataset.key = c.key;
      b.onclick = () => {
        sort = { key: c.key, dir: sort.key === c.key ? -sort.dir : 1 };
        drawTable();
      };
      return el('th', { scope: 'col' }, b);
    }));
    table.replaceChildren(el('thead', {}, head),
      el('tbody', {}, ...rows.map((v) => el('tr', { title: v.recipe }, ...COLUMNS.map((c) => el('td', { textContent: c.show(v) }))))));
    table.hidden = list.length === 0;
  }

  // Until the learner picks, the left map shows the first version and the right one the newest.
  const picked = new Set();
  function fillSelect(sel, fallback) {
    const keep = picked.has(sel) ? sel.value : '';
    sel.replaceChildren(...list.map((v) => el('option', { value: String(v.id), textContent: versionLabel(v) })));
    if (list.some((v) => String(v.id) === keep)) sel.value = keep;
    else if (fallback) sel.value = String(fallback.id);
  }

  async function heatmap(sel, canvas, cap) {
    const v = list.find((x) => String(x.id) === sel.value);
    if (!v) {
      canvas.hidden = true;
      cap.textContent = '';
      return;
    }
    try {
      const n = v.figures.sizes[1] || 1;
      const img = await ctx.call('versions', 'heatmap', v.id, Math.max(1, Math.min(128, Math.ceil(Math.sqrt(n)))));
      blit(canvas, img);
      canvas.hidden = false;
      const kept = v.figures.keptFraction < 1 ? `, ${pct(v.figures.keptFraction, 1)} of weights kept` : '';
      cap.textContent = `${versionLabel(v)}: ${n} first-layer neurons${kept}, ${v.figures.kernel}`;
    } catch (e) {
      cap.textContent = `${versionLabel(v)}: ${e.message}`;
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
