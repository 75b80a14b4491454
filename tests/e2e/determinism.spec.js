// Determinism (issue 13): the same settings and seed give bit-identical metrics in two fresh
// pages (separate browser contexts, so nothing is shared), trained through the real Play
// button. The worker's chunk sizes adapt to the machine's speed, so this also shows that
// chunking does not change the numbers: only the seed does.
const { test, expect, openPage } = require('./fixtures');

const HASH = '#hidden=64,32&epochs=1&batch=128&seed=7&lr=0.05';

/** One epoch through the page, then the full test-set evaluation and a weight heatmap digest. */
async function runOnce(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await openPage(page, HASH);
  await page.click('#btn-play');
  const acc = page.locator('#stat-test-acc[data-epoch="1"]');
  await expect(acc).toBeVisible({ timeout: 180_000 });
  await expect(page.locator('#btn-play')).toHaveText('Train again');
  const shown = await acc.getAttribute('data-value');
  const result = await page.evaluate(async () => {
    const call = window.shrinkDebug.call;
    const ev = await call('session', 'evaluate', 0);
    const info = await call('session', 'info');
    const img = await call('session', 'layerHeatmap', 1);
    // FNV-1a over the RGBA bytes: equal weights draw equal heatmaps.
    let h = 0x811c9dc5;
    for (const b of img.rgba) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return { accuracy: ev.accuracy, loss: ev.loss, confusion: Array.from(ev.confusion), steps: info.steps, heat: h };
  });
  await context.close();
  expect(errors).toEqual([]);
  return { shown, ...result };
}

test('determinism: two fresh pages, same settings and seed, bit-identical metrics', async ({ browser }) => {
  const a = await runOnce(browser);
  const b = await runOnce(browser);
  console.log(`run A: ${JSON.stringify({ ...a, confusion: undefined })}`);
  console.log(`run B: ${JSON.stringify({ ...b, confusion: undefined })}`);
  expect(a.steps).toBe(Math.ceil(60000 / 128));
  expect(a.accuracy).toBeGreaterThan(0.9);
  // Exact equality of f32 values (as JS numbers): no tolerance.
  expect(b).toEqual(a);
});
