// A small drawing pad for the Binarize panel: the same drawing goes to the dense network (the
// Train panel's session model) and to the binary network (the bit-packed net in the worker's
// BinarizeLab), and both probability lists are shown side by side. The drawing becomes an
// MNIST-like input through the Draw panel's `toMnist` (20×20 box, centred by mass).

import { toMnist } from './draw.js';

import { el, describe, text } from '../ui.js';
import { tr, untr, fmt } from '../i18n.js';

function probList(id) {
  const ol = el('ol', { className: 'probs', id });
  const rows = [];
  for (let d = 0; d < 10; d++) {
    const fill = el('span', { className: 'prob-fill' });
    const val = el('span', { className: 'prob-value' });
    const li = el('li', {}, el('span', { className: 'prob-digit', textContent: d }), el('span', { className: 'prob-track' }, fill), val);
    ol.append(li);
    rows.push({ li, fill, val });
  }
  const show = (p) => {
    let best = -1;
    if (p) for (let d = 0; d < 10; d++) if (best < 0 || p[d] > p[best]) best = d;
    rows.forEach((r, d) => {
      r.fill.style.width = p ? `${(100 * p[d]).toFixed(1)}%` : '0%';
      r.val.textContent = p ? fmt.pct(p[d], 1) : '';
      r.li.classList.toggle('best', d === best);
    });
    if (best >= 0) ol.dataset.best = String(best);
    else delete ol.dataset.best;
  };
  return { ol, show };
}

/** The pad and both lists; `binaryPredict(pixels)` asks the binary network. Returns `{box,
 *  redraw, clear}`: `redraw()` classifies the drawing again (nothing is asked of a blank pad),
 *  `clear()` empties both lists. */
export function comparePad(ctx, binaryPredict) {
  const pad = el('canvas', { className: 'pad bin-pad', id: 'bin-pad', width: 168, height: 168 });
  describe(pad, 'bin.pad.a11y');
  const dense = probList('bin-probs-dense');
  const binary = probList('bin-probs-binary');
  const clear = text('button', 'draw.clear', { type: 'button', className: 'button small', id: 'bin-pad-clear' });
  const denseHint = el('p', { className: 'caption', id: 'bin-dense-hint' });
  const box = el(
    'div',
    {},
    text('h3', 'bin.pad.title'),
    el('div', { className: 'bin-pads' }, pad, el('div', {}, text('h4', 'bin.pad.dense'), dense.ol, denseHint), el('div', {}, text('h4', 'bin.pad.binary'), binary.ol)),
    clear,
  );
  const g = pad.getContext('2d', { willReadFrequently: true });
  g.lineCap = 'round';
  g.lineJoin = 'round';
  g.lineWidth = 14;
  g.strokeStyle = '#111827';
  let last = null;
  const pt = (e) => {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) * pad.width) / r.width, ((e.clientY - r.top) * pad.height) / r.height];
  };
  let pending = false;
  let cleared = 0; // how many times the lists were emptied by `emptyLists()`
  let hintStale = true; // the dense network's step count may have changed since the hint
  for (const ev of ['modelChanged', 'weightsChanged', 'evaluation', 'state', 'restarted']) ctx.on(ev, () => (hintStale = true));
  async function classify() {
    pending = false;
    const data = g.getImageData(0, 0, pad.width, pad.height).data;
    const alpha = new Uint8Array(pad.width * pad.height);
    for (let i = 0; i < alpha.length; i++) alpha[i] = data[4 * i + 3];
    const x = toMnist(alpha, pad.width, pad.height);
    if (!x) {
      dense.show(null);
      binary.show(null);
      return;
    }
    const asked = cleared;
    const [d, b] = await Promise.allSettled([ctx.call('session', 'predict', x), binaryPredict(x)]);
    // Cleared meanwhile (a model changed while the panel was away): an earlier model's answer.
    if (asked !== cleared) return;
    dense.show(d.status === 'fulfilled' ? d.value : null);
    binary.show(b.status === 'fulfilled' ? b.value : null);
    // How trained the dense network is: asked once per model change, not once per stroke.
    if (hintStale) {
      hintStale = false;
      ctx.call('session', 'info').then(
        (i) => tr(denseHint, i.steps > 0 ? 'bin.pad.trained' : 'bin.pad.untrained', { steps: i.steps }),
        () => (hintStale = true),
      );
    }
  }
  function redraw() {
    if (!pending) {
      pending = true;
      requestAnimationFrame(classify);
    }
  }
  pad.addEventListener('pointerdown', (e) => {
    e.preventDefault();
    pad.setPointerCapture(e.pointerId);
    last = pt(e);
    g.beginPath();
    g.arc(last[0], last[1], 7, 0, 2 * Math.PI);
    g.fillStyle = '#111827';
    g.fill();
    redraw();
  });
  pad.addEventListener('pointermove', (e) => {
    if (!last) return;
    const p = pt(e);
    g.beginPath();
    g.moveTo(last[0], last[1]);
    g.lineTo(p[0], p[1]);
    g.stroke();
    last = p;
    redraw();
  });
  const end = () => (last = null);
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);
  clear.onclick = () => {
    g.clearRect(0, 0, pad.width, pad.height);
    redraw();
  };
  /** Empties both lists (until `redraw()`): a model changed while nobody could see them. */
  function emptyLists() {
    cleared += 1;
    dense.show(null);
    binary.show(null);
    untr(denseHint);
    hintStale = true;
  }
  return { box, redraw, clear: emptyLists };
}
