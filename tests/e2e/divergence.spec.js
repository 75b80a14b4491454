// Divergence (issue 13): a learning rate of 10 ends training with the last good weights
// restored and a message in words; no NaN or infinity reaches any panel, heatmap or chart.
const { test, expect, openPage, pageShot } = require('./fixtures');

/** All text the page shows. */
async function pageText(page) {
  return page.evaluate(() => document.body.innerText);
}

test('divergence: lr = 10 stops with the last good weights and says so; no NaN anywhere', async ({ page }) => {
  await openPage(page, '#lr=10&epochs=2&seed=1');
  await page.click('#btn-play');
  const notice = page.locator('.notice', { hasText: 'diverged' });
  await expect(notice).toBeVisible({ timeout: 120_000 });
  await expect(notice).toContainText('last good weights were restored');
  await expect(notice).toContainText('smaller learning rate');
  await expect(notice).not.toContainText('NaN');
  await expect(page.locator('#btn-play')).not.toHaveText('Pause');

  // The restored weights are finite: evaluation and every layer's heatmap are numbers.
  const ev = await page.evaluate(() => window.shrinkDebug.call('session', 'evaluate', 2000));
  expect(Number.isFinite(ev.loss)).toBe(true);
  expect(Number.isFinite(ev.accuracy)).toBe(true);
  const heat = await page.evaluate(async () => {
    const img = await window.shrinkDebug.call('session', 'firstLayerHeatmap', 20);
    return { w: img.width, h: img.height, len: img.rgba.length };
  });
  expect(heat.len).toBe(heat.w * heat.h * 4);

  // Panels that read the model show numbers, not NaN: quantize and prune on the restored net.
  await page.click('#q-apply');
  await expect(page.locator('#q-acc')).toHaveAttribute('data-value', /^\d/, { timeout: 60_000 });
  await page.locator('#panel-prune').scrollIntoViewIfNeeded();
  await page.locator('#prune-slider').evaluate((s) => {
    s.value = '50';
    s.dispatchEvent(new Event('change'));
  });
  await expect(page.locator('#panel-prune')).toHaveAttribute('data-applied', '0.5', { timeout: 60_000 });
  const text = await pageText(page);
  expect(text).not.toMatch(/\bNaN\b|Infinity/);
  // Every data-value on the page is a finite number.
  const values = await page.evaluate(() => [...document.querySelectorAll('[data-value]')].map((e) => e.dataset.value));
  for (const v of values) expect(Number.isFinite(Number(v)), `data-value ${v}`).toBe(true);
  await pageShot(page, 'divergence');
});
