// The data strip: a byte-counting progress bar while the ~11.4 MB of gzipped MNIST downloads,
// then a one-line summary (sizes, times, and how long the page took to be ready to train).

import { count, bytes } from '../ui.js';

export function mount(root, ctx) {
  root.classList.add('data-strip');
  const row = document.createElement('div');
  row.className = 'data-row';
  const label = document.createElement('div');
  label.className = 'data-label';
  label.id = 'data-status';
  label.textContent = 'Downloading MNIST…';
  const bar = document.createElement('div');
  bar.className = 'bar';
  bar.setAttribute('role', 'progressbar');
  bar.setAttribute('aria-label', 'MNIST download');
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', '100');
  const fill = document.createElement('div');
  fill.className = 'bar-fill';
  bar.append(fill);
  row.append(label, bar);
  root.append(row);

  let frame = 0;
  let last = null;
  const paint = () => {
    frame = 0;
    const p = last;
    const pct = p.total > 0 ? Math.min(100, (100 * p.loaded) / p.total) : 0;
    fill.style.width = `${pct.toFixed(1)}%`;
    bar.setAttribute('aria-valuenow', pct.toFixed(0));
    if (p.phase === 'download') {
      label.textContent = `Downloading MNIST · ${bytes(p.loaded)} of ${bytes(p.total)}`;
    } else if (p.phase === 'worker' || p.phase === 'done') {
      label.textContent = `Decompressing and checking ${bytes(p.total)} of digits…`;
    } else if (p.phase === 'ready') {
      const t = p.timings || {};
      root.classList.add('is-ready');
      // The counts come from the session; `small` is the embed set (data=small in the address).
      const info = p.info || {};
      const which = p.dataSet === 'small'
        ? `Small set: the first ${count(info.trainCount)} of MNIST's 60,000 training digits`
        : `${count(info.trainCount)} training digits`;
      root.dataset.set = p.dataSet || 'full';
      label.textContent =
        `${which} and ${count(info.testCount)} test digits ready · ${bytes(p.total)} downloaded in ` +
        `${((t.downloadMs || 0) / 1000).toFixed(1)} s · ready to train ` +
        `${((t.readyAfterDataMs || 0) / 1000).toFixed(2)} s after the data arrived`;
      const pre = p.pretrained;
      if (pre) {
        // Which network the panels start from, in words, with the accuracy measured here.
        label.textContent += ` · Starts from a pretrained ${pre.sizes.join('-')} network ` +
          `(\`${pre.recipe}\`, on the full 60,000 digits): ${(100 * pre.accuracy).toFixed(2)}% on ` +
          `${count(pre.tested)} test digits, before you change anything.`;
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
