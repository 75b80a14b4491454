// Per-layer menus built from the model's own sizes (session.info().sizes, input first), so no
// panel assumes LeNet-300-100's three layers: a 784-100-10 net offers layers 1 and 2 only.
// Layers are numbered from 1 on screen; option values are the 0-based indices Rust takes.

/** `[784, 100, 10]` -> ["layer 1 (784 → 100)", "layer 2 (100 → 10)"]. */
export function layerNames(sizes, detail = (i, nIn, nOut) => `${nIn} → ${nOut}`) {
  const out = [];
  for (let i = 0; i + 1 < sizes.length; i++) out.push(`layer ${i + 1} (${detail(i, sizes[i], sizes[i + 1])})`);
  return out;
}

/** Refills `select` with one option per layer, keeping the chosen layer if it still exists. */
export function fillLayerSelect(select, sizes, detail) {
  const keep = select.value;
  const names = layerNames(sizes, detail);
  select.replaceChildren(
    ...names.map((name, i) => Object.assign(document.createElement('option'), { value: String(i), textContent: name })),
  );
  select.value = names.some((_, i) => String(i) === keep) ? keep : '0';
  select.dataset.layers = String(names.length);
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
