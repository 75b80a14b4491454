// Soak (issue 13): cycles of train -> prune -> quantize -> low-rank -> distill -> binarize ->
// save a version -> delete it, for SHRINK_SOAK_MINUTES minutes in one page. Samples the worker's
// wasm memory (memory.buffer.byteLength) and the page's JS heap after every cycle, and fails on
// growth after the warm-up (> 5 % from minute 2 to the end), on any console error, or on a
// panel that does not finish its step in time (a stuck panel).
const { test, expect, open } = require('../e2e/fixture');

const MINUTES = Number(process.env.SHRINK_SOAK_MINUTES || 30);
const WARMUP_MS = Math.min(2, MINUTES / 2) * 60_000;
const STEP_MS = 120_000;

test(`soak: ${MINUTES} minutes of compression cycles without growth, errors or stuck panels`, async ({ page }) => {
  await open(page, '#hidden=64,32&epochs=1&batch=128&seed=11');
  const t0 = Date.now();
  const samples = [];
  const sample = async (cycle) => {
    const wasm = await page.evaluate(() => window.shrinkDebug.call('rpc', 'memoryBytes'));
    const heap = await page.evaluate(() => (performance.memory ? performance.memory.usedJSHeapSize : 0));
    const s = { minute: (Date.now() - t0) / 60_000, cycle, wasm, heap };
    samples.push(s);
    console.log(`SOAK cycle ${cycle} at ${s.minute.toFixed(1)} min: wasm ${(wasm / 1e6).toFixed(1)} MB, JS heap ${(heap / 1e6).toFixed(1)} MB`);
  };
  let cycle = 0;
  while (Date.now() - t0 < MINUTES * 60_000) {
    cycle += 1;
    // Train one epoch from a fresh network (Reset keeps the settings).
    await page.click('#btn-reset');
    await page.click('#btn-play');
    await expect(page.locator('#btn-play')).toHaveText('Train again', { timeout: STEP_MS });
    // Prune, quantize, decompose.
    await page.locator('#prune-slider').evaluate((s, v) => {
      s.value = String(v);
      s.dispatchEvent(new Event('change'));
    }, 60 + (cycle % 3) * 10);
    await expect(page.locator('#panel-prune')).toHaveAttribute('data-applied', String((60 + (cycle % 3) * 10) / 100), { timeout: STEP_MS });
    const q = Number((await page.locator('#panel-quantize').getAttribute('data-applied')) || 0);
    await page.click('#q-apply');
    await expect(page.locator('#panel-quantize')).toHaveAttribute('data-applied', String(q + 1), { timeout: STEP_MS });
    const lrEvals = Number((await page.locator('#panel-lowrank').getAttribute('data-evals')) || 0);
    await page.click('#lr-analyze');
    await expect.poll(async () => Number((await page.locator('#panel-lowrank').getAttribute('data-evals')) || 0), { timeout: STEP_MS }).toBeGreaterThan(lrEvals);
    // Distill and binarize through the worker (small settings, so a cycle stays short).
    await page.evaluate(async () => {
      const c = window.shrinkDebug.call;
      await c('distill', 'start', { studentHidden: [16], epochs: 1, evalLimit: 500 });
      for (let i = 0; i < 200; i++) {
        const s = await c('distill', 'step', 200);
        if (s.phase === 'done') break;
      }
      await c('binarize', 'configure', { train: { hidden: [64], epochs: 1, batchSize: 128 } });
      for (let i = 0; i < 100; i++) {
        const p = await c('binarize', 'trainSteps', 100);
        if (p.done) break;
      }
      // Save the current model as a version, then delete it.
      const v = await c('versions', 'saveCurrent', `soak ${Date.now()}`);
      const id = v && (v.id ?? (v.version && v.version.id));
      if (id !== undefined) await c('versions', 'delete', id);
    });
    await sample(cycle);
  }
  const warm = samples.find((s) => s.minute * 60_000 >= WARMUP_MS) || samples[0];
  const last = samples[samples.length - 1];
  const growth = (last.wasm - warm.wasm) / warm.wasm;
  console.log(`SOAK result: ${cycle} cycles in ${last.minute.toFixed(1)} min; wasm memory ${(warm.wasm / 1e6).toFixed(1)} MB at minute ${warm.minute.toFixed(1)} -> ${(last.wasm / 1e6).toFixed(1)} MB at the end (${(100 * growth).toFixed(1)} %); JS heap ${(warm.heap / 1e6).toFixed(1)} -> ${(last.heap / 1e6).toFixed(1)} MB`);
  expect(cycle).toBeGreaterThan(1);
  expect(growth).toBeLessThan(0.05);
  // The JS heap is garbage-collected: compare the end to the warm-up with a looser bound.
  if (warm.heap > 0) expect(last.heap).toBeLessThan(warm.heap * 1.5 + 20e6);
});
