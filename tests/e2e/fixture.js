// Shared by the reliability specs: a `test` whose every page fails on a console error or an
// uncaught exception, "open and wait until ready to train", a notice finder, and screenshots.
const path = require('path');
const base = require('@playwright/test');

const ARTIFACTS = path.join(__dirname, 'artifacts');

/** `test` with a console-error check after each test (opt out per test with `allowConsole`). */
const test = base.test.extend({
  page: async ({ page }, use, info) => {
    const errors = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
    page.consoleErrors = errors;
    await use(page);
    const allowed = page.allowConsole || (() => false);
    base.expect(errors.filter((e) => !allowed(e)), `console errors in "${info.title}"`).toEqual([]);
  },
});

/** Opens `/${suffix}` (query and/or hash) and waits until the page is ready to train. */
async function open(page, suffix = '') {
  await page.goto(`/${suffix}`);
  await page.waitForFunction(() => window.shrinkTimings && window.shrinkTimings.readyToTrain > 0, null, {
    timeout: 120_000,
  });
  await base.expect(page.locator('#btn-play')).toBeEnabled();
}

/** Trains `steps` mini-batches through the worker (no UI), returning the last progress. */
async function trainSteps(page, steps) {
  return page.evaluate((n) => window.shrinkDebug.call('session', 'trainSteps', n), steps);
}

/** The number shown in a stat like "1,234". */
async function statNumber(page, selector) {
  return Number(((await page.textContent(selector)) || '').replace(/[^\d.]/g, '')) || 0;
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

module.exports = { test, expect: base.expect, open, trainSteps, statNumber, shot };
