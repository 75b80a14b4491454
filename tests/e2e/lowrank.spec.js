// End-to-end test of the Low-rank panel: after a quick training run, decomposing the model shows
// the spectra and the factored first layer's accuracy and parameter count, and moving the rank
// slider changes both. Any console error fails the test. Screenshots go to tests/e2e/artifacts/.
const path = require('path');
const { test, expect, openPage, ARTIFACTS } = require('./fixtures');


test('the rank slider changes the shown accuracy and parameter count', async ({ page }) => {
  await openPage(page, '#hidden=300,100&epochs=1&seed=1');
  await page.click('#btn-play');
  await expect(page.locator('#btn-play')).toHaveText('Train again', { timeout: 180_000 });

  await page.locator('#panel-lowrank').scrollIntoViewIfNeeded();
  await page.click('#lr-analyze');
  const acc = page.locator('#lr-acc');
  const params = page.locator('#lr-params');
  await expect(acc).toHaveAttribute('data-value', /\d/, { timeout: 60_000 });
  const svdMs = Number(await page.locator('#lr-svd-time').getAttribute('data-ms'));
  const a32 = Number(await acc.getAttribute('data-value'));
  const p32 = Number(await params.getAttribute('data-value'));
  const time32 = await page.locator('#lr-time').textContent();
  console.log(`SVD of the 784×300 layer ${svdMs.toFixed(0)} ms; rank 32: accuracy ${a32}, params ${p32}, first layer ${time32}`);
  // Not a time bound: the note names the largest layer and every layer of this model.
  expect(Number.isFinite(svdMs)).toBe(true);
  await expect(page.locator('#lr-svd-time')).toContainText('784×300');
  await expect(page.locator('#lr-svd-time')).toContainText('all 3 layers');
  expect(a32).toBeGreaterThan(0.9);
  expect(p32).toBe(32 * (784 + 300) + 32 + 300 + 300 * 100 + 100 + 100 * 10 + 10);
  await page.locator('#panel-lowrank').screenshot({ path: path.join(ARTIFACTS, 'lowrank-rank32.png') });

  const evals = Number(await page.locator('#panel-lowrank').getAttribute('data-evals'));
  await page.locator('#lr-rank-0').evaluate((s) => {
    s.value = '2';
    s.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction(
    ([n]) => {
      const p = document.querySelector('#panel-lowrank');
      return Number(p.dataset.evals) > n && document.querySelector('#lr-params').dataset.value === String(2 * (784 + 300) + 2 + 300 + 300 * 100 + 100 + 100 * 10 + 10);
    },
    [evals],
    { timeout: 60_000 },
  );
  const a2 = Number(await acc.getAttribute('data-value'));
  const p2 = Number(await params.getAttribute('data-value'));
  console.log(`rank 2: accuracy ${a2}, params ${p2}`);
  expect(p2).toBeLessThan(p32);
  expect(a2).toBeLessThan(a32 - 0.05);
  await expect(page.locator('#lr-info-0')).toContainText('rank 2 of 300');
  // The heatmap (W | approximation | difference) is drawn and not blank.
  const colours = await page.locator('#lr-heatmap').evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4 * 97) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
    return { w: c.width, n: seen.size };
  });
  expect(colours.w).toBe(3 * 784 + 8);
  expect(colours.n).toBeGreaterThan(20);
  await page.locator('#panel-lowrank').screenshot({ path: path.join(ARTIFACTS, 'lowrank-rank2.png') });

  // Fine-tuning the rank-2 net for one epoch recovers much of the loss.
  await page.click('#lr-finetune');
  await expect(page.locator('#lr-ft-status')).toContainText('fine-tuned', { timeout: 120_000 });
  const tuned = Number(await acc.getAttribute('data-value'));
  console.log(`rank 2 after one epoch of fine-tuning: accuracy ${tuned}`);
  expect(tuned).toBeGreaterThan(a2 + 0.2);
  await page.locator('#panel-lowrank').screenshot({ path: path.join(ARTIFACTS, 'lowrank-finetuned.png') });
});
