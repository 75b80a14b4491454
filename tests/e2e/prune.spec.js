// End-to-end tests of the Prune panel on the served page (SHRINK_URL):
// train one epoch, prune 90% by magnitude, fine-tune one epoch -> >= 95% on all 10,000 test
// digits; the mask heatmap's pruned cells match the sparsity. (The tutorial has its own specs:
// tutorial.spec.js, tutorial-screens.spec.js.) Any console error fails. Screenshots: tests/e2e/artifacts/.
const { test, expect, openPage, shot } = require('./fixtures');

const PRUNED = [24, 24, 24];

async function trainOneEpoch(page) {
  await page.click('#btn-play');
  const acc = page.locator('#stat-test-acc[data-epoch="1"]');
  await expect(acc).toBeVisible({ timeout: 240_000 });
  await expect(page.locator('#btn-play')).toHaveText('Train again', { timeout: 30_000 });
  return Number(await acc.getAttribute('data-value'));
}

/** Counts pixels of `rgb` on a canvas. */
function countColour(page, selector, rgb) {
  return page.locator(selector).evaluate((c, rgb) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] === rgb[0] && d[i + 1] === rgb[1] && d[i + 2] === rgb[2] && d[i + 3] === 255) n++;
    return n;
  }, rgb);
}

test('train 1 epoch, prune 90% by magnitude, fine-tune 1 epoch: >= 95%, mask heatmap counts match', async ({ page }) => {
  test.setTimeout(600_000);
  await openPage(page, '#hidden=300,100&epochs=1&seed=1');
  const dense = await trainOneEpoch(page);
  const panel = page.locator('#panel-prune');
  await panel.scrollIntoViewIfNeeded();
  await page.selectOption('#prune-criterion', 'magnitude');
  await expect(panel).toHaveAttribute('data-busy', '0', { timeout: 60_000 });

  // Drag: input events evaluate on the fast subset; release evaluates all 10,000.
  await page.locator('#prune-slider').evaluate((s) => {
    for (const v of [30, 60, 90]) {
      s.value = String(v);
      s.dispatchEvent(new Event('input', { bubbles: true }));
    }
    s.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await expect(panel).toHaveAttribute('data-applied', '0.9', { timeout: 60_000 });
  await expect(page.locator('#prune-acc')).toHaveAttribute('data-evaluated', '10000');
  const pruned = Number(await page.locator('#prune-acc').getAttribute('data-value'));
  await expect(page.locator('#prune-layer-0')).toHaveAttribute('data-pruned', '211680');

  // The mask heatmap of layer 1: one pruned-colour pixel per pruned weight.
  await page.selectOption('#prune-view', 'mask');
  await expect(page.locator('#prune-heatmap')).toHaveAttribute('data-view', 'mask', { timeout: 30_000 });
  await expect(panel).toHaveAttribute('data-busy', '0');
  const cells = await countColour(page, '#prune-heatmap', PRUNED);
  expect(cells).toBe(211680);
  expect(Math.abs(cells / 235200 - 0.9)).toBeLessThan(1e-5);
  await shot(panel, 'prune-90-mask');
  await page.selectOption('#prune-view', 'weights');
  await expect(page.locator('#prune-heatmap')).toHaveAttribute('data-view', 'weights', { timeout: 30_000 });

  // Fine-tune one epoch with the mask held.
  await page.click('#prune-finetune');
  await expect(panel).toHaveAttribute('data-finetuned', '1', { timeout: 300_000 });
  const acc = Number(await page.locator('#prune-acc').getAttribute('data-value'));
  await expect(page.locator('#prune-acc')).toHaveAttribute('data-evaluated', '10000');
  const sparsity = Number(await page.locator('#prune-sparsity').getAttribute('data-value'));
  console.log(`dense 1 epoch ${(100 * dense).toFixed(2)}%, pruned 90% ${(100 * pruned).toFixed(2)}%, fine-tuned ${(100 * acc).toFixed(2)}% at sparsity ${(100 * sparsity).toFixed(2)}%`);
  expect(acc).toBeGreaterThanOrEqual(0.95);
  expect(sparsity).toBeGreaterThan(0.899);
  expect(await countColour(page, '#prune-heatmap', PRUNED)).toBe(211680);

  // Measured speed, shown in a table.
  await page.click('#prune-time');
  await expect(page.locator('#prune-times tr')).toHaveCount(7, { timeout: 60_000 });
  console.log((await page.locator('#prune-times').innerText()).replace(/\n/g, ' | '));
  await shot(panel, 'prune-finetuned');

  // Neuron level at 50%: a physically smaller model, removed tiles greyed, full vs smaller time.
  await page.locator('#prune-slider').evaluate((s) => {
    s.value = '50';
    s.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.selectOption('#prune-level', 'neurons');
  await expect(page.locator('#prune-shape')).toHaveText('784-150-50-10', { timeout: 60_000 });
  await expect(panel).toHaveAttribute('data-removed', '200');
  await expect(panel).toHaveAttribute('data-busy', '0', { timeout: 60_000 });
  expect(await countColour(page, '#prune-heatmap', [150, 150, 150])).toBe(150 * 784);
  const structured = Number(await page.locator('#prune-acc').getAttribute('data-value'));
  await page.click('#prune-time');
  await expect(page.locator('#prune-times tr.prune-ref')).toHaveCount(2, { timeout: 60_000 });
  console.log(`50% of neurons removed: ${(100 * structured).toFixed(2)}% before fine-tuning; ` + (await page.locator('#prune-times').innerText()).replace(/\n/g, ' | '));
  await shot(panel, 'prune-neurons');

  // Iterative: three rounds of prune + retrain on the weights, heatmaps redrawn as they go.
  await page.click('#prune-iterate');
  await expect(panel).toHaveAttribute('data-iterated', '1', { timeout: 300_000 });
  const it = Number(await page.locator('#prune-sparsity').getAttribute('data-value'));
  const itAcc = Number(await page.locator('#prune-acc').getAttribute('data-value'));
  console.log(`iterative 3 rounds to 50%: sparsity ${(100 * it).toFixed(2)}%, accuracy ${(100 * itAcc).toFixed(2)}%`);
  expect(Math.abs(it - 0.5)).toBeLessThan(0.001);
  await expect(page.locator('#prune-shape')).toHaveText('784-300-100-10');
  await shot(panel, 'prune-iterative');
});
