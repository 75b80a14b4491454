// End-to-end test of the Quantize panel on the served page (SHRINK_URL): train one epoch of
// LeNet-300-100, quantize at 8 bits, move the bits slider to 4; accuracy and the three sizes
// update, the histogram shows 2^4 = 16 levels and the error heatmap is drawn; then int8 vs
// f32 speed is measured and a short Deep Compression flow reports its stages. Any console
// error fails the test. Screenshots go to tests/e2e/artifacts/.
const { test, expect, openPage, shot, pageShot } = require('./fixtures');


test('train, quantize to 4 bits: accuracy and sizes update, 16 levels, int8 speed, Deep Compression', async ({ page }) => {
  test.setTimeout(420_000);
  await openPage(page, '#hidden=300,100&epochs=1&seed=1');
  await page.click('#btn-play');
  await expect(page.locator('#stat-test-acc[data-epoch="1"]')).toBeVisible({ timeout: 200_000 });

  const panel = page.locator('#panel-quantize');
  await panel.scrollIntoViewIfNeeded();
  await page.click('#q-apply');
  await expect(panel).toHaveAttribute('data-bits', '8', { timeout: 60_000 });
  const acc8 = Number(await page.locator('#q-acc').getAttribute('data-value'));
  const packed8 = Number(await page.locator('#q-size-packed').getAttribute('data-value'));
  expect(acc8).toBeGreaterThan(0.95);
  await expect(page.locator('#q-hist')).toHaveAttribute('data-levels', '256');

  await page.locator('#q-bits').fill('4');
  await expect(panel).toHaveAttribute('data-bits', '4', { timeout: 60_000 });
  await expect(page.locator('#q-hist')).toHaveAttribute('data-levels', '16');
  const acc4 = Number(await page.locator('#q-acc').getAttribute('data-value'));
  const packed4 = Number(await page.locator('#q-size-packed').getAttribute('data-value'));
  console.log(`8-bit: ${(100 * acc8).toFixed(2)}% ${packed8} B; 4-bit: ${(100 * acc4).toFixed(2)}% ${packed4} B`);
  expect(acc4).toBeGreaterThan(0.9);
  expect(packed4).toBeLessThan(packed8 * 0.6);
  await expect(page.locator('#q-size-fp32')).toHaveText('1.07 MB');
  await expect(page.locator('#q-acc')).toHaveText(/^\d\d\.\d\d%$/);

  // The histogram and the error heatmap are drawn: many colours on both canvases.
  const colours = (sel) => page.locator(sel).evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  });
  await shot(panel, 'quantize-4bit');
  const [histColours, errColours] = [await colours('#q-hist'), await colours('#q-error')];
  console.log(`histogram ${histColours} colours, error heatmap ${errColours} colours`);
  expect(histColours).toBeGreaterThan(8);
  expect(errColours).toBeGreaterThan(8);

  await page.click('#q-speed');
  await expect(page.locator('#q-speed-out')).toHaveAttribute('data-value', /\d/, { timeout: 60_000 });
  console.log(await page.locator('#q-speed-out').textContent());

  await page.click('#dc-run');
  await expect(page.locator('#dc-table')).toHaveAttribute('data-stages', '4', { timeout: 240_000 });
  console.log((await page.locator('#dc-table').innerText()).replace(/\t/g, ' | '));
  await shot(panel, 'quantize-deep-compression');
});

test('the Quantize panel embeds alone', async ({ page }) => {
  await page.goto('/embed.html#panel=quantize');
  const panel = page.locator('#panel-quantize');
  await expect(panel).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('#q-apply')).toBeEnabled({ timeout: 90_000 });
  await expect(page.locator('#q-bits')).toBeVisible();
  await pageShot(page, 'quantize-embed');
});

test('quantize settings live in the address; hostile values are ignored', async ({ page }) => {
  await page.goto('/embed.html#panel=quantize&quantize.scheme=kMeans&quantize.bits=3&quantize.zero=<script>&quantize.qatSteps=99999');
  await expect(page.locator('#q-apply')).toBeEnabled({ timeout: 90_000 });
  await expect(page.locator('#q-scheme')).toHaveValue('kMeans');
  await expect(page.locator('#q-bits')).toHaveValue('3');
  await expect(page.locator('#q-symmetry')).toHaveValue('symmetric');
  // Out of range: never clamped silently; the default stays and a notice says why.
  await expect(page.locator('#q-qat-steps')).toHaveValue('200');
  await expect(page.locator('.notice').filter({ hasText: 'quantize.qatSteps' })).toContainText('99999');
  await page.locator('#q-bits').fill('5');
  await expect(page).toHaveURL(/quantize\.bits=5/);
});
