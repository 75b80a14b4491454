// Test digits with the network's predictions (the first 32, or the first 32 it gets wrong).
// Raw 0–255 pixels come from the worker and are drawn dark-on-light, 28×28, scaled by CSS.
// Refreshes every ~1.5 s while training and whenever the model changes, but only while the
// panel is on screen or within a screen of it (www/onscreen.js): the worker answers one call at
// a time, and 3-60 ms of predictions nobody sees made Play and training wait. Away, the tiles
// are emptied (never an earlier model's predictions shown as this one's) and refreshed once
// when the panel comes into view. The All / Mistakes buttons run at once.

import { tr, untr } from '../i18n.js';
import { describe } from '../ui.js';
import { onScreenRefresh } from '../onscreen.js';

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
  let again = false; // asked for while a refresh ran: run once more after it
  let last = 0;
  let timer = 0;
  let stale = false; // the tiles were emptied while away
  let emptied = 0; // how many times

  async function refresh() {
    timer = 0;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    const asked = emptied;
    try {
      const r = await ctx.call('session', 'gallery', N, mistakes);
      // Emptied meanwhile (the model changed while the panel was away): these predictions are an
      // earlier model's; the refresh owed when the panel is back shows the current one.
      if (asked !== emptied) return;
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
      stale = false;
      shown.settle(); // the model as it stands is on show: nothing owed
    } catch (e) {
      if (!/not ready|interrupted/.test(e.message)) ctx.showError(e);
    } finally {
      busy = false;
      last = performance.now();
      if (again) {
        again = false;
        request(0);
      }
    }
  }

  function request(delay = REFRESH_MS) {
    if (timer) return;
    timer = setTimeout(refresh, Math.max(0, delay - (performance.now() - last)));
  }

  /** Empty tiles and a "predicting" caption: what is shown until the model as it stands is. */
  function emptyTiles() {
    for (const t of tiles) {
      t.fig.className = 'digit empty';
      t.fig.removeAttribute('title');
      delete t.fig.dataset.i18nTitle;
      untr(t.label);
      t.g.clearRect(0, 0, 28, 28);
      describe(t.c, 'a11y.digitEmpty');
    }
    tr(caption, 'gallery.measuring');
    delete root.dataset.shown;
    stale = true;
    emptied += 1;
  }

  // ---------- background refreshes: only while the panel is on screen ----------
  let started = false; // the data and model are in (whenReady)
  let restarting = false; // between a worker's crash and its replacement having the data
  let wantDelay = 0;
  const shown = onScreenRefresh(root, () => request(wantDelay), {
    always: Boolean(ctx.embed),
    canRun: () => started && !restarting,
    onDeferred: () => {
      if (!stale) emptyTiles();
    },
  });
  /** A refresh the reader did not ask for: `delay` ms after the last one, and only while near. */
  function background(delay = 0) {
    // Before ready each data file makes a new model, and a restarting worker replays them:
    // `whenReady` and 'restarted' ask once.
    if (!started || restarting) return;
    wantDelay = delay;
    shown.request();
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

  ctx.on('progress', () => background(REFRESH_MS));
  ctx.on('evaluation', () => background());
  ctx.on('modelChanged', () => background());
  ctx.on('weightsChanged', () => background());
  ctx.on('state', (s) => !s.running && background());
  ctx.on('restart', () => {
    restarting = true;
  });
  ctx.on('restarted', () => {
    restarting = false;
    background();
  });
  ctx.whenReady.then(() => {
    started = true;
    background();
  }).catch(() => {});
}
