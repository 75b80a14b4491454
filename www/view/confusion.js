// The 10×10 confusion matrix of the last evaluation on the 10,000 test digits: rows are the
// true digit, columns the prediction. Cells are shaded by their share of the row, green on the
// diagonal and red off it, with the count in each cell.

import { tr } from '../i18n.js';
import { onScreenRefresh } from '../onscreen.js';

export function mount(root, ctx) {
  const table = document.createElement('table');
  table.className = 'confusion';
  table.id = 'confusion';
  const caption = document.createElement('p');
  caption.className = 'caption';
  caption.id = 'confusion-caption';
  tr(caption, 'confusion.empty');
  const evalButton = document.createElement('button');
  evalButton.type = 'button';
  evalButton.className = 'button small';
  tr(evalButton, 'confusion.evaluate');
  evalButton.disabled = true;
  const head = document.createElement('div');
  head.className = 'panel-tools';
  head.append(evalButton);
  const wrap = document.createElement('div');
  wrap.className = 'confusion-wrap';
  wrap.append(table);
  root.append(head, wrap, caption);

  const cells = [];
  const thead = table.createTHead().insertRow();
  thead.append(tr(Object.assign(document.createElement('th'), { className: 'corner' }), 'confusion.corner'));
  for (let c = 0; c < 10; c++) thead.append(Object.assign(document.createElement('th'), { textContent: c, scope: 'col' }));
  const body = table.createTBody();
  for (let r = 0; r < 10; r++) {
    const row = body.insertRow();
    row.append(Object.assign(document.createElement('th'), { textContent: r, scope: 'row' }));
    for (let c = 0; c < 10; c++) {
      const td = row.insertCell();
      td.textContent = '';
      cells.push(td);
    }
  }

  function show(ev) {
    const m = ev.confusion;
    for (let r = 0; r < 10; r++) {
      let rowSum = 0;
      for (let c = 0; c < 10; c++) rowSum += m[r * 10 + c];
      for (let c = 0; c < 10; c++) {
        const v = m[r * 10 + c];
        const share = rowSum ? v / rowSum : 0;
        const td = cells[r * 10 + c];
        td.textContent = v ? String(v) : '';
        tr(td, 'confusion.cell', { r, c, v, share }, { attr: 'title' });
        const hue = r === c ? 150 : 4;
        // Capped so the dark digits keep a 4.5:1 contrast on every cell (WCAG AA).
        const alpha = r === c ? 0.12 + 0.6 * share : Math.min(0.6, v ? 0.1 + 4 * share : 0);
        td.style.background = v ? `hsla(${hue}, 70%, 45%, ${alpha.toFixed(3)})` : '';
        td.classList.toggle('strong', alpha > 0.5);
      }
    }
    const errors = ev.count - Math.round(ev.accuracy * ev.count);
    tr(caption, ev.epoch != null ? 'confusion.captionEpoch' : 'confusion.caption', { acc: ev.accuracy, errors, count: ev.count, epoch: ev.epoch });
  }

  function clear() {
    for (const td of cells) {
      td.textContent = '';
      td.style.background = '';
      td.title = '';
      delete td.dataset.i18nTitle;
    }
    tr(caption, 'confusion.empty');
  }

  evalButton.onclick = async () => {
    evalButton.disabled = true;
    try {
      const ev = await ctx.call('session', 'evaluate', 0);
      show(ev);
      ctx.emit('evaluatedNow', ev);
    } catch (e) {
      ctx.showError(e);
    } finally {
      evalButton.disabled = false;
    }
  };

  // Each epoch's evaluation is drawn when the table is on screen (or comes into view): 100
  // cells restyled once an epoch relaid out the page while training, for nobody to see.
  let latest = null;
  const drawn = onScreenRefresh(root, () => latest && show(latest), { always: Boolean(ctx.embed) });
  ctx.on('evaluation', (ev) => {
    latest = ev;
    drawn.request();
  });
  ctx.on('modelChanged', () => {
    latest = null;
    drawn.settle();
    clear();
  });
  ctx.on('ready', () => (evalButton.disabled = false));
}
