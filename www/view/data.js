// The data strip: a byte-counting progress bar while the ~11.4 MB of gzipped MNIST downloads,
// then a one-line summary (sizes, times, and how long the page took to be ready to train).

import { tr } from '../i18n.js';
import { fillBar } from '../ui.js';

/** Megabytes (1 MB = 10⁶ B); the unit itself is written in the catalogue's strings. */
const mb = (b) => b / 1e6;

export function mount(root, ctx) {
  root.classList.add('data-strip');
  const row = document.createElement('div');
  row.className = 'data-row';
  const label = document.createElement('div');
  label.className = 'data-label';
  label.id = 'data-status';
  tr(label, 'data.downloading');
  const bar = document.createElement('div');
  bar.className = 'bar';
  bar.setAttribute('role', 'progressbar');
  tr(bar, 'data.bar', {}, { attr: 'aria-label' });
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', '100');
  const fill = document.createElement('div');
  fill.className = 'bar-fill';
  bar.append(fill);
  row.append(label, bar);
  // Which network an embedded panel starts from (www/pretrained.js), when it is pretrained.
  const preLine = document.createElement('p');
  preLine.className = 'data-label data-pretrained';
  preLine.id = 'data-pretrained';
  preLine.hidden = true;
  root.append(row, preLine);

  let frame = 0;
  let last = null;
  const paint = () => {
    frame = 0;
    const p = last;
    const pct = p.total > 0 ? Math.min(100, (100 * p.loaded) / p.total) : 0;
    fillBar(fill, pct / 100);
    bar.setAttribute('aria-valuenow', pct.toFixed(0));
    if (p.phase === 'download') {
      tr(label, 'data.progress', { loaded: mb(p.loaded), total: mb(p.total) });
    } else if (p.phase === 'worker' || p.phase === 'done') {
      tr(label, 'data.checking', { total: mb(p.total) });
    } else if (p.phase === 'ready') {
      const t = p.timings || {};
      root.classList.add('is-ready');
      // The counts come from the session; `small` is the embed set (data=small in the address).
      root.dataset.set = p.dataSet || 'full';
      tr(label, p.dataSet === 'small' ? 'data.readySmall' : 'data.ready', {
        train: p.trainCount || 60000,
        test: p.testCount || 10000,
        total: mb(p.total),
        down: (t.downloadMs || 0) / 1000,
        after: (t.readyAfterDataMs || 0) / 1000,
      });
      const pre = p.pretrained;
      if (pre) {
        // Which network the panels start from, in words, with the accuracy measured here.
        tr(preLine, 'data.pretrained', { sizes: pre.sizes.join('-'), recipe: pre.recipe, acc: pre.accuracy, tested: pre.tested });
        preLine.hidden = false;
        root.dataset.pretrained = String(pre.accuracy);
      }
      root.dataset.ready = 'true';
    }
  };
  ctx.on('dataProgress', (p) => {
    last = p;
    if (p.phase !== 'download') paint();
    else if (!frame) frame = requestAnimationFrame(paint);
  });
}
