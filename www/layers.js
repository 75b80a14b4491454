// Per-layer menus built from the model's own sizes (session.info().sizes, input first), so no
// panel assumes LeNet-300-100's three layers: a 784-100-10 net offers layers 1 and 2 only.
// Layers are numbered from 1 on screen; option values are the 0-based indices Rust takes.
// Option texts come from the catalogue (layers.option / layers.optionTiles), so a language
// switch re-renders them in place.
import { tr } from './i18n.js';

/**
 * Refills `select` with one option per layer, keeping the chosen layer if it still exists.
 * With `tiles`, a first layer fed by the 784 MNIST pixels says it is drawn as 28×28 tiles.
 */
export function fillLayerSelect(select, sizes, { tiles = false } = {}) {
  const keep = select.value;
  const options = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const params = { n: i + 1, nIn: sizes[i], nOut: sizes[i + 1] };
    const key = tiles && i === 0 && sizes[0] === 784 ? 'layers.optionTiles' : 'layers.option';
    options.push(tr(Object.assign(document.createElement('option'), { value: String(i) }), key, params));
  }
  select.replaceChildren(...options);
  select.value = options.some((o) => o.value === keep) ? keep : '0';
  select.dataset.layers = String(options.length);
}

/**
 * Calls `fn(sizes)` now (once the page is ready) and whenever the model may have changed shape:
 * new settings, a lab that changed the weights (structured pruning removes neurons), a restart.
 */
export function onModelSizes(ctx, fn) {
  const refresh = () =>
    ctx.call('session', 'info').then(
      (info) => fn(info.sizes),
      () => {},
    );
  ctx.whenReady.then(refresh, () => {});
  for (const event of ['info', 'modelChanged', 'weightsChanged', 'restarted']) ctx.on(event, refresh);
}
