// The threaded module (www/pkg-threads: rayon on web workers, shared memory) against the
// single-thread one, in the served page (cross-origin isolated: `cargo xtask serve` sends COOP and
// COEP). Both train LeNet-300-100 from the same seed on the real MNIST files through the Session
// API (bench.html?part=agree) and must agree. The threaded module trains with the data-parallel
// step (crate/train/parallel.rs: examples split across threads for forward and deltas, neurons
// split for the weight gradients and the update, so no gradient is summed across threads): every
// number is the same sum in the same order as on one thread, so the documented tolerance is 1e-5
// relative on losses (we expect, and the native test `shards_give_the_serial_numbers_exactly`
// checks, exact equality) and identical confusion matrices. The threaded module run twice from the
// same seed must give the same numbers exactly. The page's worker must pick the threaded module
// and say so on the kernel badge.
// Any console error or uncaught exception fails the test (shared fixture).
const { test, expect } = require('./fixtures');

const TOL = 1e-5;

test('1 and 2 threads agree, and the same seed gives the same numbers', async ({ page }) => {
  test.setTimeout(600 * 1000);
  await page.goto('/bench.html?part=agree&threads=2&steps=150');
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  await page.waitForFunction(() => window.benchResult !== undefined, null, { timeout: 540 * 1000, polling: 500 });
  const r = await page.evaluate(() => window.benchResult);
  expect(r.error).toBeUndefined();
  expect(r.kernels[0]).toBe('simd128');
  expect(r.kernels[1]).toBe('simd128 × 2 threads');
  expect(r.one.losses.length).toBe(3);
  r.one.losses.forEach((l, i) => {
    expect(Math.abs(r.many.losses[i] - l)).toBeLessThanOrEqual(TOL * Math.abs(l));
  });
  expect(Math.abs(r.many.loss - r.one.loss)).toBeLessThanOrEqual(TOL * Math.abs(r.one.loss));
  expect(r.many.confusion).toEqual(r.one.confusion);
  expect(r.again).toEqual(r.many);
  // it learned something, so the comparison is not between two untrained nets
  expect(r.one.accuracy).toBeGreaterThan(0.85);
});

test('the page trains on the threaded module and the badge says so', async ({ page }) => {
  await page.goto('/#hidden=300,100&epochs=1&seed=1');
  await expect(page.locator('#kernel')).toContainText('threads', { timeout: 120 * 1000 });
  await expect(page.locator('#kernel')).toContainText('simd128');
});
