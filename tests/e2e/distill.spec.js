// End-to-end test of the Distill panel: with the quickly trained model as teacher, a short run
// trains the same small student from scratch and distilled; both curves are drawn on the chart,
// the table fills in, and the teacher's soft targets show as bars. Any console error fails.
const path = require('path');
const { test, expect, openPage, ARTIFACTS } = require('./fixtures');


/** Pixels of the canvas within a small distance of `hex`. */
function countColour(page, selector, hex) {
  return page.locator(selector).evaluate((c, hex) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 40) n++;
    }
    return n;
  }, hex);
}

test('a short distillation run completes and both curves are drawn', async ({ page }) => {
  await openPage(page, '#hidden=300,100&epochs=1&seed=1');
  await page.click('#btn-play');
  await expect(page.locator('#btn-play')).toHaveText('Train again', { timeout: 180_000 });

  const panel = page.locator('#panel-distill');
  await panel.scrollIntoViewIfNeeded();
  await page.fill('#ds-student', '10');
  await page.fill('#ds-epochs', '1');
  await page.click('#ds-run');
  await expect(panel).toHaveAttribute('data-phase', 'done', { timeout: 180_000 });
  const status = await page.locator('#ds-status').textContent();
  console.log(status);
  expect(status).toMatch(/Done: \d+ test errors from scratch, \d+ distilled/);
  expect(await countColour(page, '#ds-chart', '#e4572e')).toBeGreaterThan(50);
  expect(await countColour(page, '#ds-chart', '#4f46e5')).toBeGreaterThan(50);
  await expect(page.locator('#ds-table tr')).toHaveCount(4);
  await expect(page.locator('#ds-bars > div')).toHaveCount(10);
  console.log((await page.locator('#ds-table').innerText()).replace(/\t/g, ' | '));
  await panel.screenshot({ path: path.join(ARTIFACTS, 'distill-done.png') });

  // A bad temperature is reported in words and the lab keeps working.
  await page.fill('#ds-temperature', '0');
  await page.click('#ds-run');
  await expect(page.locator('.notice-error')).toContainText('temperature');
});
