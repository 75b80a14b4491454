// Shared by the end-to-end specs: a console-error fixture (any console error or uncaught
// exception, in the page or in any of its frames, fails the test) and "wait until ready".
const path = require('path');
const base = require('@playwright/test');

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

const test = base.test.extend({
  consoleErrors: [
    async ({ page }, use) => {
      const errors = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`${m.location().url || 'page'}: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
      await use(errors);
      base.expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});

/**
 * Resolves once the page (or frame) has its data and model: `window.shrinkTimings`. Polls on a
 * timer, not on animation frames: Chromium throttles those in cross-origin iframes.
 */
async function waitReady(pageOrFrame, timeout = 120_000) {
  await pageOrFrame.waitForFunction(() => window.shrinkTimings && window.shrinkTimings.readyToTrain > 0, null, { timeout, polling: 200 });
  return pageOrFrame.evaluate(() => window.shrinkTimings);
}

module.exports = { test, expect: base.expect, waitReady, ARTIFACTS };
