// First-layer weights as a grid of 28×28 tiles, one per hidden neuron, computed in Rust as RGBA
// (fixed diverging palette; pruned weights and removed neurons have their own colours) and
// blitted with putImageData onto a small canvas that CSS scales up pixelated. While training,
// it refreshes at most every 400 ms and only while on screen.

import { tr } from '../i18n.js';

import { blit, describe } from '../ui.js';

const REFRESH_MS = 400;

export function mount(root, ctx) {
  const canvas = document.createElement('canvas');
  canvas.id = 'weights-canvas';
  canvas.className = 'heatmap';
  describe(canvas, 'a11y.weightsEmpty');
  // Until the first frame: LeNet-300-100's grid (22 tiles across, 14 rows of 29 px).
  canvas.width = 22 * 29 - 1;
  canvas.height = 14 * 29 - 1;
  const frame = document.createElement('div');
  frame.className = 'heatmap-frame';
  frame.append(canvas);
  const legend = document.createElement('div');
  legend.className = 'legend';
  const span = (key, className) => {
    const s = document.createElement('span');
    if (className) {
      s.className = className;
      s.setAttribute('aria-hidden', 'true');
    }
    return key ? tr(s, key) : s;
  };
  legend.append(span('prune.legend.negative'), span(null, 'legend-ramp'), span('prune.legend.positive'),
    span(null, 'legend-swatch pruned'), span('prune.legend.pruned'));
  const caption = document.createElement('p');
  caption.className = 'caption';
  caption.id = 'weights-caption';
  root.append(frame, legend, caption);

  let visible = true;
  let busy = false;
  let wanted = false;
  let last = 0;
  let timer = 0;

  const perRow = (n) => Math.max(1, Math.min(40, Math.ceil(Math.sqrt(n * 1.6))));

  async function refresh() {
    timer = 0;
    if (busy) {
      wanted = true;
      return;
    }
    busy = true;
    wanted = false;
    try {
      const info = await ctx.call('session', 'info');
      const n = info.sizes[1] || 1;
      const img = await ctx.call('session', 'firstLayerHeatmap', perRow(n));
      blit(canvas, img);
      tr(caption, 'weights.caption', { n, inputs: info.sizes[0], step: info.steps });
      describe(canvas, 'weights.caption', { n, inputs: info.sizes[0], step: info.steps });
      root.dataset.step = String(info.steps);
    } catch (e) {
      if (!/not ready|interrupted/.test(e.message)) ctx.showError(e);
    } finally {
      busy = false;
      last = performance.now();
      if (wanted) request();
    }
  }

  /** `always`: the model itself changed, so draw even if off screen (no stale tiles later). */
  function request(always = false) {
    if (!visible && always !== true) {
      wanted = true;
      return;
    }
    if (timer) return;
    timer = setTimeout(refresh, Math.max(0, REFRESH_MS - (performance.now() - last)));
  }

  new IntersectionObserver((entries) => {
    visible = entries.some((e) => e.isIntersecting);
    if (visible && wanted) request();
  }).observe(root);

  ctx.on('progress', () => request());
  ctx.on('state', (s) => !s.running && request(true));
  ctx.on('modelChanged', () => request(true));
  ctx.on('ready', () => request(true));
  ctx.on('restarted', () => request(true));
  ctx.on('weightsChanged', () => request(true)); // emitted by labs that change the model (prune, ...)
}
