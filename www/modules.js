// Which WebAssembly module the worker runs. The threaded one (rayon on a pool of web workers,
// www/pkg-threads) needs SharedArrayBuffer, which only a cross-origin-isolated page has
// (`cargo xtask serve` sends COOP and COEP). Anywhere else, or if its pool does not start, the
// single-thread module (www/pkg) runs, silently: a static host without those headers, or an
// iframe in someone's docs.

/** How long the thread pool may take to start before the page runs on one thread. */
const POOL_TIMEOUT_MS = 8000;

/**
 * Loads the wasm module the worker runs: `{ wasm, exports }` (the glue and its instance).
 */
export async function loadModule() {
  if (self.crossOriginIsolated) {
    try {
      const threaded = await import('./pkg-threads/shrink.js');
      const exports = await threaded.default();
      // A pool that never starts (seen once after integration: the page waited forever) must
      // not hold the page: after POOL_TIMEOUT_MS the single-thread module runs instead.
      const started = threaded.initThreadPool(Math.max(1, navigator.hardwareConcurrency || 1)).then(() => true);
      const late = new Promise((resolve) => setTimeout(() => resolve(false), POOL_TIMEOUT_MS));
      if (!(await Promise.race([started, late]))) throw new Error('the thread pool did not start');
      return { wasm: threaded, exports };
    } catch (err) {
      // fall through to the single-thread module
    }
  }
  const single = await import('./pkg/shrink.js');
  return { wasm: single, exports: await single.default() };
}
