// Worker recovery (issue 13): the worker is killed in the middle of training
// (worker.terminate(), through the ?testhooks=1 hook). The page starts a new worker, loads the
// data again, restores the last training snapshot (weights, optimizer state, step, epoch and
// place in it), says what happened in words, and the Train panel shows the restored epoch.
// Play then trains the remaining epochs only (20 configured, killed after epoch k: the run ends
// at epoch 20, not k + 20), to the very numbers of an uninterrupted run with the same seed, and
// every panel works on the restored model — not on an untrained one (the first bug: 97.92% ->
// 12.44%; the second: the restored model trained 20 more epochs from step 0).
const { test, expect, openPage, pageShot, shot } = require('./fixtures');

const EPOCHS = 20;
const SETTINGS = `?testhooks=1#hidden=64&epochs=${EPOCHS}&batch=128&seed=3`;
const STEPS_PER_EPOCH = Math.ceil(60000 / 128);

const stepCount = async (page) => Number(((await page.textContent('#stat-step')) || '').replace(/[^\d]/g, '')) || 0;

/** Plays until the last epoch's evaluation; returns its test accuracy (exact) and the step count. */
async function playToTheEnd(page) {
  await page.click('#btn-play');
  const last = page.locator(`#stat-test-acc[data-epoch="${EPOCHS}"]`);
  await expect(last).toBeVisible({ timeout: 200_000 });
  await expect(page.locator('#stat-epoch')).toHaveText(`${EPOCHS}/${EPOCHS}`);
  await expect(page.locator('#panel-train')).toHaveAttribute('data-running', 'false');
  return { accuracy: Number(await last.getAttribute('data-value')), steps: await stepCount(page) };
}

test('recovery: a worker killed mid-training comes back with its training state, finishes the same run, and every panel works', async ({ page }) => {
  test.setTimeout(480_000);
  // Enough epochs that the kill lands mid-training: an epoch of this network takes ~0.2 s.
  await openPage(page, SETTINGS);
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
  expect(snap.epoch).toBeGreaterThanOrEqual(1);
  expect(snap.epoch).toBeLessThan(EPOCHS);
  const notice = page.locator('.notice', { hasText: 'was restored' });
  await expect(notice).toBeVisible({ timeout: 120_000 });
  await expect(notice).toContainText(`trained to epoch ${snap.epoch} of ${EPOCHS}`);
  await expect(notice).toContainText('data were loaded again');
  await expect(notice).toContainText('Play continues the run');
  await page.waitForFunction(() => window.shrinkDebug.restarts() === 1, null, { timeout: 120_000 });

  // The Train panel shows the restored run: its epoch and step count, not a fresh model's.
  await expect(page.locator('#stat-epoch')).toHaveText(`${snap.epoch}/${EPOCHS}`);
  await expect(page.locator('#epoch-label')).toContainText(`${snap.epoch}`);
  expect(await stepCount(page)).toBe(snap.epoch * STEPS_PER_EPOCH);
  const info = await page.evaluate(() => window.shrinkDebug.call('session', 'info'));
  expect([info.epoch, info.steps]).toEqual([snap.epoch, snap.epoch * STEPS_PER_EPOCH]);
  await shot(page.locator('#panel-train'), 'recovery-train-restored');

  // The restored model, measured by the new worker on all 10,000 test digits: the snapshot was
  // taken right after its epoch's evaluation, so it scores exactly what that evaluation said.
  const ev = await page.evaluate(() => window.shrinkDebug.call('session', 'evaluate', 0));
  console.log(`epoch 1: ${before}; snapshot (epoch ${snap.epoch}, ${snap.bytes} B, ${snap.ms.toFixed(2)} ms): ${snap.accuracy}; after the restart: ${ev.accuracy}`);
  expect(ev.accuracy).toBe(snap.accuracy);
  await expect(page.locator(`#stat-test-acc[data-epoch="${snap.epoch}"]`)).toHaveAttribute('data-value', String(ev.accuracy));

  // One step, then Play: the remaining epochs only, each evaluated once, ending at epoch 20.
  await page.click('#btn-step');
  await expect(page.locator('#btn-step')).toBeEnabled();
  await expect.poll(() => stepCount(page)).toBe(snap.epoch * STEPS_PER_EPOCH + 1);
  await page.evaluate(() => {
    window.epochsSeen = [];
    new MutationObserver(() => window.epochsSeen.push(Number(document.querySelector('#stat-test-acc').dataset.epoch)))
      .observe(document.querySelector('#stat-test-acc'), { attributes: true, attributeFilter: ['data-epoch'] });
  });
  const resumed = await playToTheEnd(page);
  const seen = await page.evaluate(() => window.epochsSeen);
  const rest = Array.from({ length: EPOCHS - snap.epoch }, (_, i) => snap.epoch + 1 + i);
  expect(seen).toEqual(rest);
  expect(resumed.steps).toBe(EPOCHS * STEPS_PER_EPOCH);
  await pageShot(page, 'recovery-resumed-run');

  // Every panel works on it.
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

  // The same seed's run without a crash ends at the very same test accuracy.
  await page.locator('#panel-train').scrollIntoViewIfNeeded();
  await page.click('#btn-reset');
  await expect(page.locator('#stat-epoch')).toHaveText('—');
  const whole = await playToTheEnd(page);
  console.log(`epoch ${EPOCHS}: resumed run ${resumed.accuracy}, uninterrupted run ${whole.accuracy}`);
  expect(whole).toEqual(resumed);
});

test('recovery: a corrupt snapshot is refused in words and the model starts again from its seed', async ({ page }) => {
  await openPage(page, SETTINGS);
  await page.click('#btn-play');
  await page.waitForFunction(() => window.shrinkSnapshot && window.shrinkSnapshot.epoch >= 1, null, { timeout: 180_000 });
  // One flipped bit in the weights, then the crash, in one turn of the page's event loop (so no
  // newer snapshot replaces the damaged one in between).
  const flipped = await page.evaluate(() => {
    const ok = window.shrinkRecovery.flipBit(50_000);
    window.shrinkDebug.kill();
    return ok;
  });
  expect(flipped).toBe(true);
  const notice = page.locator('.notice', { hasText: 'could not be restored' });
  await expect(notice).toBeVisible({ timeout: 120_000 });
  await expect(notice).toContainText('the snapshot is corrupt: its checksum does not match its contents');
  await expect(notice).toContainText('starts again from its seed');
  await page.waitForFunction(() => window.shrinkDebug.restarts() === 1, null, { timeout: 120_000 });
  // A fresh model from the seed: nothing trained, and a step is its first.
  const info = await page.evaluate(() => window.shrinkDebug.call('session', 'info'));
  expect([info.epoch, info.steps]).toEqual([0, 0]);
  await expect(page.locator('#stat-epoch')).toHaveText('—');
  await page.click('#btn-step');
  await expect.poll(() => stepCount(page)).toBe(1);
  await expect(page.locator('#epoch-label')).toContainText(`1 of ${EPOCHS}`);
});
