// Shared by the version specs (recipe, compare, reload): the console-error fixture, "wait until
// the page and its versions are ready", reading the version list, and counting the colours of
// a canvas (a blank chart has one or two).
const path = require('path');
const { test, expect } = require('@playwright/test');

const ARTIFACTS = path.join(__dirname, 'artifacts');

/** Fails the test on any console error or uncaught exception of the page. */
function failOnConsoleErrors() {
  test.beforeEach(async ({ page }, info) => {
    info.consoleErrors = [];
    page.on('console', (m) => {
      if (m.type() === 'error') info.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => info.consoleErrors.push(`uncaught: ${e.message}`));
  });
  test.afterEach(async ({}, info) => {
    expect(info.consoleErrors, 'console errors').toEqual([]);
  });
}

/** Watches a page for console errors (for pages of extra browser contexts). */
function watch(page, errors) {
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return page;
}

/** Opens `hash` and waits until the data, the model and the Versions panel are ready (and any recipe in the address has run). */
async function openReady(page, hash = '', timeout = 200_000) {
  await page.goto(`/${hash}`);
  await page.waitForFunction(() => window.shrinkTimings && window.shrinkTimings.readyToTrain > 0, null, { timeout: 90_000 });
  await expect(page.locator('#panel-versions')).toHaveAttribute('data-ready', '1', { timeout });
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

/** Distinct colours on a canvas. */
function colours(locator) {
  return locator.evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  });
}

async function shot(locator, name) {
  // The sticky top bar would cover the top of an element screenshot.
  // Through the CSSOM: the page's CSP refuses an injected <style> element.
  await locator.page().evaluate(() => document.querySelector('.topbar')?.style.setProperty('position', 'static', 'important'));
  await locator.scrollIntoViewIfNeeded();
  await locator.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

module.exports = { ARTIFACTS, failOnConsoleErrors, watch, openReady, versions, exact, colours, shot };
