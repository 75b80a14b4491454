// What every end-to-end spec shares, in one place:
// - `test`: Playwright's test whose `page` fails the test on any console error or uncaught
//   exception (a test that expects some sets `page.allowConsole = (text) => bool`); `watch`
//   does the same collecting for pages of extra browser contexts;
// - opening the page and waiting until it is ready: `openPage` (ready to train),
//   `openWithVersions` (and the Versions panel ready, any recipe in the address run),
//   `waitReady` (a page or an embedded panel's frame);
// - reading what the page shows: `statNumber`, `versions`, `exact`, `colours`; driving the
//   worker directly: `trainSteps`;
// - screenshots under tests/e2e/artifacts/ (git-ignored): `shot` (one element, with the sticky
//   top bar unstuck so it does not cover the element) and `pageShot` (the whole page).
const path = require('path');
const { test: base, expect } = require('@playwright/test');

const ARTIFACTS = path.join(__dirname, 'artifacts');

/** Collects the console errors and uncaught exceptions of `page` into `errors`; returns `page`. */
function watch(page, errors) {
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return page;
}

const test = base.extend({
  page: async ({ page }, use, info) => {
    const errors = [];
    watch(page, errors);
    page.consoleErrors = errors;
    await use(page);
    const allowed = page.allowConsole || (() => false);
    expect(errors.filter((e) => !allowed(e)), `console errors in "${info.title}"`).toEqual([]);
  },
});

const isReady = () => window.shrinkTimings && window.shrinkTimings.readyToTrain > 0;

/**
 * Waits until a page or a frame (an embedded panel) has its data and model and returns its
 * `window.shrinkTimings`. Polls on a timer, not on animation frames: Chromium throttles those in
 * cross-origin iframes.
 */
async function waitReady(pageOrFrame, timeout = 120_000) {
  await pageOrFrame.waitForFunction(isReady, null, { timeout, polling: 200 });
  return pageOrFrame.evaluate(() => window.shrinkTimings);
}

/** Opens `/${suffix}` (query and/or hash), waits until the page is ready to train and returns
 *  its `window.shrinkTimings`. */
async function openPage(page, suffix = '') {
  await page.goto(`/${suffix}`);
  await page.waitForFunction(isReady, null, { timeout: 120_000 });
  await expect(page.locator('#btn-play')).toBeEnabled();
  return page.evaluate(() => window.shrinkTimings);
}

/** Opens `/${hash}` and waits until the data, the model and the Versions panel are ready (and
 *  any recipe in the address has run). */
async function openWithVersions(page, hash = '', timeout = 200_000) {
  await page.goto(`/${hash}`);
  await page.waitForFunction(isReady, null, { timeout: 120_000 });
  await expect(page.locator('#panel-versions')).toHaveAttribute('data-ready', '1', { timeout });
}

/** Trains `steps` mini-batches through the worker (no UI), returning the last progress. */
async function trainSteps(page, steps) {
  return page.evaluate((n) => window.shrinkDebug.call('session', 'trainSteps', n), steps);
}

/** The number shown in a stat like "1,234". */
async function statNumber(page, selector) {
  return Number(((await page.textContent(selector)) || '').replace(/[^\d.]/g, '')) || 0;
}

/** The version summaries, straight from the worker. */
function versions(page) {
  return page.evaluate(() => window.shrinkDebug.call('versions', 'list'));
}

/** Everything measured about a version except the times (which no two runs share). */
function exact(v) {
  const { msBatch1, msBatch64, ...rest } = v.figures;
  return { name: v.name, parent: v.parent, method: v.method, recipe: v.recipe, seed: v.seed, figures: rest };
}

/** Distinct colours on a canvas (a blank chart has one or two). */
function colours(locator) {
  return locator.evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  });
}

/** Saves a screenshot of the element `locator` as artifacts/<name>.png and returns the file. */
async function shot(locator, name) {
  // The sticky top bar would cover the top of an element screenshot.
  // Through the CSSOM: the page's CSP refuses an injected <style> element.
  await locator.page().evaluate(() => document.querySelector('.topbar')?.style.setProperty('position', 'static', 'important'));
  await locator.scrollIntoViewIfNeeded();
  const file = path.join(ARTIFACTS, `${name}.png`);
  await locator.screenshot({ path: file });
  return file;
}

/** Saves a screenshot of the whole page as artifacts/<name>.png and returns the file. */
async function pageShot(page, name) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

module.exports = {
  test,
  expect,
  ARTIFACTS,
  watch,
  waitReady,
  openPage,
  openWithVersions,
  trainSteps,
  statNumber,
  versions,
  exact,
  colours,
  shot,
  pageShot,
};
