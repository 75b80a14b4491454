// Test digits with the network's predictions (the first 32, or the first 32 it gets wrong).
// Raw 0–255 pixels come from the worker and are drawn dark-on-light, 28×28, scaled by CSS.
// Refreshes every ~1.5 s while training and whenever the model changes.

import { tr, untr } from '../i18n.js';
import { describe } from '../ui.js';

const N = 32;
const REFRESH_MS = 1500;

export function mount(root, ctx) {
  const tools = document.createElement('div');
  tools.className = 'panel-tools segmented';
  tools.setAttribute('role', 'group');
  tr(tools, 'gallery.which', {}, { attr: 'aria-label' });
  const allB = tr(Object.assign(document.createElement('button'), { type: 'button', className: 'active' }), 'gallery.all');
  const wrongB = tr(Object.assign(document.createElement('button'), { type: 'button', id: 'gallery-mistakes' }), 'gallery.mistakes');
  tools.append(allB, wrongB);
  const grid = document.createElement('div');
  grid.className = 'gallery';
  grid.id = 'gallery';
  const caption = document.createElement('p');
  caption.className = 'caption';
  root.append(tools, grid, caption);

  const tiles = [];
  for (let i = 0; i < N; i++) {
    const fig = document.createElement('figure');
    fig.className = 'digit empty';
    const c = document.createElement('canvas');
    c.width = 28;
    c.height = 28;
    const label = document.createElement('figcaption');
    fig.append(c, label);
    grid.append(fig);
    describe(c, 'a11y.digitEmpty');
    tiles.push({ fig, c, g: c.getContext('2d'), label });
  }
  const img = new ImageData(28, 28);

  let mistakes = false;
  let busy = false;
  let last = 0;
  let timer = 0;

  async function refresh() {
    timer = 0;
    if (busy) return;
    busy = true;
    try {
      const r = await ctx.call('session', 'gallery', N, mistakes);
      const n = r.labels.length;
      for (let i = 0; i < N; i++) {
        const t = tiles[i];
        if (i >= n) {
          t.fig.className = 'digit empty';
          untr(t.label);
          t.g.clearRect(0, 0, 28, 28);
          continue;
        }
        for (let p = 0; p < 784; p++) {
          const v = 255 - r.images[i * 784 + p];
          img.data[4 * p] = v;
          img.data[4 * p + 1] = v;
          img.data[4 * p + 2] = v;
          img.data[4 * p + 3] = 255;
        }
        t.g.putImageData(img, 0, 0);
        describe(t.c, 'a11y.galleryDigit', { index: r.indices[i], label: r.labels[i], pred: r.predictions[i], p: r.confidence[i] });
        const wrong = r.predictions[i] !== r.labels[i];
        t.fig.className = wrong ? 'digit wrong' : 'digit';
        if (wrong) tr(t.label, 'gallery.wrong', { pred: r.predictions[i], label: r.labels[i] });
        else untr(t.label).textContent = String(r.predictions[i]);
        tr(t.fig, 'gallery.tile', { index: r.indices[i], label: r.labels[i], pred: r.predictions[i], p: r.confidence[i] }, { attr: 'title' });
      }
      const wrongCount = [...r.labels].filter((l, i) => l !== r.predictions[i]).length;
      tr(caption, mistakes ? (n === 0 ? 'gallery.none' : 'gallery.firstWrong') : 'gallery.first', { n, wrong: wrongCount });
      root.dataset.shown = String(n);
    } catch (e) {
      if (!/not ready|interrupted/.test(e.message)) ctx.showError(e);
    } finally {
      busy = false;
      last = performance.now();
    }
  }

  function request(delay = REFRESH_MS) {
    if (timer) return;
    timer = setTimeout(refresh, Math.max(0, delay - (performance.now() - last)));
  }

  allB.onclick = () => {
    mistakes = false;
    allB.classList.add('active');
    wrongB.classList.remove('active');
    request(0);
  };
  wrongB.onclick = () => {
    mistakes = true;
    wrongB.classList.add('active');
    allB.classList.remove('active');
    request(0);
  };

  ctx.on('progress', () => request());
  ctx.on('evaluation', () => request(0));
  ctx.on('modelChanged', () => request(0));
  ctx.on('ready', () => request(0));
  ctx.on('restarted', () => request(0));
  ctx.on('weightsChanged', () => request(0));
  ctx.on('state', (s) => !s.running && request(0));
}
