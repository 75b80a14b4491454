// Worker recovery (issue 13): the worker is killed in the middle of training
// (worker.terminate(), through the ?testhooks=1 hook). The page starts a new worker, loads the
// data again, restores the last trained model (the snapshot it keeps as model-file bytes), says
// what happened in words, and every panel still works on the restored model — not on an
// untrained one (the bug: 97.92% -> 12.44%).
const { test, expect, openPage, pageShot } = require('./fixtures');

const stepCount = async (page) => Number(((await page.textContent('#stat-step')) || '').replace(/[^\d]/g, '')) || 0;

test('recovery: a worker killed mid-training comes back with the trained model and every panel works', async ({ page }) => {
  // Enough epochs that the kill lands mid-training: an epoch of this network takes ~0.2 s.
  await openPage(page, '?testhooks=1#hidden=64&epochs=20&batch=128&seed=3');
  await page.click('#btn-play');
  const acc1 = page.locator('#stat-test-acc[data-epoch="1"]');
  await expect(acc1).toBeVisible({ timeout: 180_000 });
  const before = Number(await acc1.getAttribute('data-value'));
  expect(before).toBeGreaterThan(0.9);
  // The snapshot of the epoch-1 model exists, then training goes on into epoch 2.
  await page.waitForFunction(() => window.shrinkSnapshot && window.shrinkSnapshot.epoch === 1, null, { timeout: 60_000 });
  const s1 = await stepCount(page);
  await expect.poll(() => stepCount(page), { timeout: 60_000 }).toBeGreaterThan(s1 + 30);

  await page.evaluate(() => window.shrinkDebug.kill());
  // The snapshot the page restores from: read after the kill, since training may have kept a
  // newer epoch's snapshot between any earlier read and the kill.
  const snap = await page.evaluate(() => ({ ...window.shrinkSnapshot }));
  const notice = page.locator('.notice', { hasText: 'was restored' });
  await expect(notice).toBeVisible({ timeout: 120_000 });
  await expect(notice).toContainText(`trained to epoch ${snap.epoch}`);
  await expect(notice).toContainText('data were loaded again');
  await page.waitForFunction(() => window.shrinkDebug.restarts() === 1, null, { timeout: 120_000 });

  // The restored model, measured by the new worker on all 10,000 test digits.
  const ev = await page.evaluate(() => window.shrinkDebug.call('session', 'evaluate', 0));
  console.log(`epoch 1: ${before}; snapshot (epoch ${snap.epoch}): ${snap.accuracy}; after the restart: ${ev.accuracy}`);
  expect(ev.accuracy).toBeGreaterThan(0.9);
  expect(Math.abs(ev.accuracy - snap.accuracy)).toBeLessThan(0.02);

  // Every panel works on it.
  await page.click('#btn-step');
  await expect(page.locator('#btn-step')).toBeEnabled();
  await page.locator('#panel-prune').scrollIntoViewIfNeeded();
  await page.locator('#prune-slider').evaluate((s) => {
    s.value = '50';
    s.dispatchEvent(new Event('change'));
  });
  await expect(page.locator('#panel-prune')).toHaveAttribute('data-applied', '0.5', { timeout: 60_000 });
  // An untrained network would score about 10 % here.
  expect(Number(await page.locator('#prune-acc').getAttribute('data-value'))).toBeGreaterThan(0.8);
  await page.click('#q-apply');
  await expect(page.locator('#q-acc')).toHaveAttribute('data-value', /\d/, { timeout: 60_000 });
  expect(Number(await page.locator('#q-acc').getAttribute('data-value'))).toBeGreaterThan(0.8);
  await page.click('#lr-analyze');
  await expect(page.locator('#lr-acc')).toHaveAttribute('data-value', /\d/, { timeout: 60_000 });
  await pageShot(page, 'recovery-after-kill');
});
