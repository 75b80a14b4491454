// Shared Playwright fixtures: `test` fails on any console error or uncaught exception of the
// page, `openPage` loads the page at a hash and waits until data and model are in, `shot` saves
// a screenshot under tests/e2e/artifacts/ (git-ignored) with the sticky top bar unstuck, so it
// does not cover the element being photographed.
const path = require('path');
const { test: base, expect } = require('@playwright/test');

const ARTIFACTS = path.join(__dirname, 'artifacts');

const test = base.extend({
  page: async ({ page }, use) => {
    const errors = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
    await use(page);
    expect(errors, 'console errors').toEqual([]);
  },
});

/** Opens `/${hash}` and waits until the page is ready to train. */
async function openPage(page, hash = '') {
  await page.goto(`/${hash}`);
  await page.waitForFunction(() => window.shrinkTimings && window.shrinkTimings.readyToTrain > 0, null, { timeout: 90_000 });
  await expect(page.locator('#btn-play')).toBeEnabled();
}

/**
 * Waits until a page or a frame (an embedded panel) has its data and model and returns its
 * `window.shrinkTimings`. Polls on a timer, not on animation frames: Chromium throttles those in
 * cross-origin iframes.
 */
async function waitReady(pageOrFrame, timeout = 120_000) {
  await pageOrFrame.waitForFunction(() => window.shrinkTimings && window.shrinkTimings.readyToTrain > 0, null, { timeout, polling: 200 });
  return pageOrFrame.evaluate(() => window.shrinkTimings);
}

/** Saves a screenshot of `locator` as artifacts/<name>.png. */
async function shot(page, locator, name) {
  // Through the CSSOM: the page's CSP refuses an injected <style> element.
  await page.evaluate(() => document.querySelector('.topbar')?.style.setProperty('position', 'static', 'important'));
  const file = path.join(ARTIFACTS, `${name}.png`);
  await locator.screenshot({ path: file });
  return file;
}

module.exports = { test, expect, openPage, waitReady, shot, ARTIFACTS };
