// A draw-a-digit pad (mouse, touch and pen through pointer events). The drawing is turned into
// an MNIST-like input the way the dataset was made (LeCun et al.): the ink's bounding box is
// scaled to fit a 20×20 box (aspect kept, area-averaged, so edges stay grey), then placed in a
// 28×28 image with its centre of mass at the centre. The worker returns 10 probabilities.
// Drawing classifies at once; a new model (an epoch's evaluation, a pause, another panel's
// change, versions picked in the Versions panel) classifies the drawing again only while the
// panel is on screen or within a screen of it (www/onscreen.js), and once when it comes into
// view; meanwhile the bars are emptied, never an earlier model's answer shown as this one's.

import { tr, fmt } from '../i18n.js';
import { describe } from '../ui.js';
import { onScreenRefresh } from '../onscreen.js';

const SIZE = 280;
const INK = 22;

/** MNIST-style 784 intensities in [0, 1] from an alpha channel `w×h`, or null if blank. */
export function toMnist(alpha, w, h) {
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (alpha[y * w + x] > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = 20 / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale));
  const th = Math.max(1, Math.round(bh * scale));
  const small = new Float32Array(tw * th);
  for (let ty = 0; ty < th; ty++) {
    const sy0 = y0 + Math.floor((ty * bh) / th);
    const sy1 = Math.max(sy0 + 1, y0 + Math.floor(((ty + 1) * bh) / th));
    for (let tx = 0; tx < tw; tx++) {
      const sx0 = x0 + Math.floor((tx * bw) / tw);
      const sx1 = Math.max(sx0 + 1, x0 + Math.floor(((tx + 1) * bw) / tw));
      let sum = 0;
      for (let y = sy0; y < sy1; y++) for (let x = sx0; x < sx1; x++) sum += alpha[y * w + x];
      small[ty * tw + tx] = sum / ((sy1 - sy0) * (sx1 - sx0) * 255);
    }
  }
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  const ox = Math.round(14 - (mass > 0 ? mx / mass : tw / 2));
  const oy = Math.round(14 - (mass > 0 ? my / mass : th / 2));
  const out = new Float32Array(784);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const X = x + ox;
      const Y = y + oy;
      if (X >= 0 && X < 28 && Y >= 0 && Y < 28) out[Y * 28 + X] = Math.min(1, small[y * tw + x]);
    }
  }
  return out;
}

export function mount(root, ctx) {
  const pad = document.createElement('canvas');
  pad.width = SIZE;
  pad.height = SIZE;
  pad.className = 'pad';
  pad.id = 'draw-pad';
  pad.setAttribute('role', 'img');
  tr(pad, 'draw.pad', {}, { attr: 'aria-label' });
  const hint = document.createElement('div');
  hint.className = 'pad-hint';
  tr(hint, 'draw.hint');
  const padWrap = document.createElement('div');
  padWrap.className = 'pad-wrap';
  padWrap.append(pad, hint);

  const preview = document.createElement('canvas');
  preview.width = 28;
  preview.height = 28;
  preview.className = 'preview';
  tr(preview, 'draw.preview', {}, { attr: 'title' });
  describe(preview, 'draw.preview');
  const clearB = tr(Object.assign(document.createElement('button'), { type: 'button', className: 'button small', id: 'draw-clear' }), 'draw.clear');
  const side = document.createElement('div');
  side.className = 'pad-side';
  const seen = document.createElement('div');
  seen.className = 'preview-box';
  seen.append(preview, tr(Object.assign(document.createElement('span'), { className: 'caption' }), 'draw.input'));
  const bars = document.createElement('ol');
  bars.className = 'probs';
  bars.id = 'draw-probs';
  const rows = [];
  for (let d = 0; d < 10; d++) {
    const li = document.createElement('li');
    const digit = Object.assign(document.createElement('span'), { className: 'prob-digit', textContent: d });
    const track = Object.assign(document.createElement('span'), { className: 'prob-track' });
    const fill = Object.assign(document.createElement('span'), { className: 'prob-fill' });
    track.append(fill);
    const val = Object.assign(document.createElement('span'), { className: 'prob-value', textContent: '' });
    li.append(digit, track, val);
    bars.append(li);
    rows.push({ li, fill, val });
  }
  side.append(seen, bars, clearB);
  // The versions selected in the Versions panel, each predicting the same drawing on its own kernel.
  const others = Object.assign(document.createElement('div'), { className: 'draw-versions', id: 'draw-versions' });
  let selectedIds = [];
  const layout = document.createElement('div');
  layout.className = 'draw-layout';
  layout.append(padWrap, side);
  root.append(layout, others);

  const g = pad.getContext('2d', { willReadFrequently: true });
  g.lineCap = 'round';
  g.lineJoin = 'round';
  g.lineWidth = INK;
  g.strokeStyle = '#111827';
  const pg = preview.getContext('2d');
  const pimg = new ImageData(28, 28);

  let drawing = false;
  let emptied = 0; // counts the times the bars were emptied while the panel was away
  let lastPt = null;
  let busy = false;
  let again = false;
  let frame = 0;

  const point = (e) => {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) * SIZE) / r.width, ((e.clientY - r.top) * SIZE) / r.height];
  };

  function showProbs(p) {
    let best = 0;
    for (let d = 1; d < 10; d++) if (p[d] > p[best]) best = d;
    for (let d = 0; d < 10; d++) {
      rows[d].fill.style.width = `${(100 * p[d]).toFixed(1)}%`;
      rows[d].val.textContent = fmt.pct(p[d], 1);
      rows[d].li.classList.toggle('best', d === best);
    }
    bars.dataset.best = String(best);
  }

  function clearProbs() {
    for (const r of rows) {
      r.fill.style.width = '0%';
      r.val.textContent = '';
      r.li.classList.remove('best');
    }
    delete bars.dataset.best;
  }

  async function classify() {
    frame = 0;
    if (busy) {
      again = true;
      return;
    }
    const data = g.getImageData(0, 0, SIZE, SIZE).data;
    const alpha = new Uint8Array(SIZE * SIZE);
    for (let i = 0; i < alpha.length; i++) alpha[i] = data[4 * i + 3];
    const x = toMnist(alpha, SIZE, SIZE);
    if (!x) {
      clearProbs();
      pg.clearRect(0, 0, 28, 28);
      return;
    }
    for (let i = 0; i < 784; i++) {
      const v = Math.round(255 * (1 - x[i]));
      pimg.data.set([v, v, v, 255], 4 * i);
    }
    pg.putImageData(pimg, 0, 0);
    busy = true;
    // Bars emptied meanwhile (the model changed while the panel was away): this answer is an
    // earlier model's, so it is not shown; the refresh owed when the panel is back is.
    const asked = emptied;
    try {
      const p = await ctx.call('session', 'predict', x);
      if (asked === emptied) showProbs(p);
      const v = selectedIds.length ? await ctx.call('versions', 'predict', selectedIds, x) : null;
      if (asked !== emptied) return;
      if (v) showVersions(v);
      else others.replaceChildren();
      redo.settle(); // the model as it stands answered: nothing owed
    } catch (e) {
      if (/not ready/.test(e.message)) ctx.notice('draw.notReady', 'warn', {});
      else if (!/interrupted/.test(e.message)) ctx.showError(e);
    } finally {
      busy = false;
      if (again) {
        again = false;
        request();
      }
    }
  }

  /** One row per selected version: its name, its predicted digit and a bar per class. */
  function showVersions(preds) {
    const head = tr(Object.assign(document.createElement('p'), { className: 'caption' }), 'draw.versions', { n: preds.length });
    others.replaceChildren(head, ...preds.map((p) => {
      const row = Object.assign(document.createElement('div'), { className: 'draw-version' });
      row.dataset.id = String(p.id);
      row.dataset.digit = String(p.digit);
      const name = Object.assign(document.createElement('span'), { className: 'draw-version-name', textContent: `#${p.id} ${p.name}` });
      name.setAttribute('translate', 'no'); // the version's own name, kept as written
      const digit = Object.assign(document.createElement('strong'), { className: 'draw-version-digit', textContent: String(p.digit) });
      const conf = Object.assign(document.createElement('span'), { className: 'caption', textContent: `${(100 * p.probabilities[p.digit]).toFixed(1)}%` });
      const spark = Object.assign(document.createElement('span'), { className: 'draw-spark' });
      for (let d = 0; d < 10; d++) {
        const b = Object.assign(document.createElement('span'), { title: `${d}: ${(100 * p.probabilities[d]).toFixed(1)}%` });
        b.style.height = `${Math.max(1, Math.round(100 * p.probabilities[d]))}%`;
        if (d === p.digit) b.className = 'best';
        spark.append(b);
      }
      row.append(name, digit, conf, spark);
      return row;
    }));
  }

  const request = () => {
    if (!frame) frame = requestAnimationFrame(classify);
  };

  pad.addEventListener('pointerdown', (e) => {
    e.preventDefault();
    pad.setPointerCapture(e.pointerId);
    drawing = true;
    hint.hidden = true;
    lastPt = point(e);
    g.beginPath();
    g.arc(lastPt[0], lastPt[1], INK / 2, 0, 2 * Math.PI);
    g.fillStyle = '#111827';
    g.fill();
    request();
  });
  pad.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    e.preventDefault();
    const p = point(e);
    g.beginPath();
    g.moveTo(lastPt[0], lastPt[1]);
    g.lineTo(p[0], p[1]);
    g.stroke();
    lastPt = p;
    request();
  });
  const end = () => {
    drawing = false;
    lastPt = null;
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);
  clearB.onclick = () => {
    g.clearRect(0, 0, SIZE, SIZE);
    hint.hidden = false;
    request();
  };
  // A new or retrained model answers differently: classify the same drawing again, while the
  // panel is near (a blank pad asks the worker nothing either way). An embed is always near.
  const redo = onScreenRefresh(root, request, {
    always: Boolean(ctx.embed),
    onDeferred: () => {
      emptied += 1;
      clearProbs();
      others.replaceChildren();
    },
  });
  const background = () => redo.request();
  ctx.on('evaluation', background);
  ctx.on('versionsSelected', (ids) => {
    selectedIds = ids.slice(0, 16);
    background();
  });
  ctx.on('modelChanged', background);
  ctx.on('weightsChanged', background);
  ctx.on('state', (s) => !s.running && background());
}
