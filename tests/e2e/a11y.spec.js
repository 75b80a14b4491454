// Accessibility and high-DPI drawing on the served page (SHRINK_URL):
// - axe-core (WCAG 2.1 A/AA rules) finds no serious or critical violation, on the full page and
//   on an embedded panel; a screenshot shows the run's summary over the page;
// - the first Tab stop is a skip link that puts the focus on Play;
// - the controls the issue named have labels, every canvas has a text alternative, and the
//   progress bars tell screen readers their value;
// - at deviceScaleFactor 2 the charts hold twice the pixels they show (and heatmaps scale
//   pixelated), so they are crisp on high-DPI screens; a screenshot of the loss chart shows it.
const fs = require('fs');
const path = require('path');
const AxeBuilder = require('@axe-core/playwright').default;
const { test, expect, waitReady, ARTIFACTS } = require('./fixtures');

const NAMED = ['#set-seed', '#prune-slider', '#prune-heat-layer', '#prune-view', '#bin-speed-shape'];

/** Runs axe with the WCAG 2.1 A/AA rules; returns the result and its serious/critical violations. */
async function axe(page, include) {
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  if (include) builder = builder.include(include);
  const result = await builder.analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return { result, serious };
}

/** Lays the axe summary over the page (top right) so the screenshot shows what ran. */
async function showSummary(page, result, serious) {
  const lines = [
    `axe-core ${result.testEngine.version} · WCAG 2.1 A/AA`,
    `${result.passes.length} rules passed · ${result.incomplete.length} need review`,
    `${serious.length} serious or critical violations`,
    ...result.violations.map((v) => `${v.impact}: ${v.id} (${v.nodes.length})`),
  ];
  await page.evaluate((text) => {
    const box = document.createElement('pre');
    box.id = 'axe-summary';
    box.textContent = text.join('\n');
    box.style.cssText = 'position:fixed;top:70px;right:16px;z-index:1000;margin:0;padding:12px 16px;background:#0f172a;color:#e2e8f0;font:13px/1.5 monospace;border-radius:10px;box-shadow:0 8px 24px #0004;max-width:460px;white-space:pre-wrap';
    document.body.append(box);
  }, lines);
}

test('axe: no serious violations on the page; skip link, labels, canvas text, progress values', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/#epochs=1');
  await waitReady(page);

  // The first Tab stop is the skip link; Enter puts the focus on Play.
  await page.keyboard.press('Tab');
  await expect(page.locator('#skip-to-play')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#btn-play')).toBeFocused();
  expect(page.url(), 'the skip link leaves the settings in the address alone').toContain('epochs=1');

  // The controls the issue named have a label, by the label element (not just a title).
  for (const sel of NAMED) {
    const labels = await page.locator(sel).evaluate((e) => [...e.labels].map((l) => l.textContent.trim()));
    expect(labels.length, `${sel} has a <label>`).toBeGreaterThan(0);
    await expect(page.locator(sel)).toHaveAccessibleName(/\S/);
  }

  // Train a little so the charts and heatmaps hold something, then check every canvas.
  await page.click('#btn-play');
  await expect(page.locator('#stat-test-acc[data-epoch="1"]')).toBeVisible({ timeout: 180_000 });
  const bare = await page.evaluate(() =>
    [...document.querySelectorAll('canvas')]
      .filter((c) => !(c.getAttribute('aria-label') || c.getAttribute('aria-labelledby') || c.getAttribute('aria-hidden') === 'true'))
      .map((c) => c.id || c.className || c.outerHTML.slice(0, 60)));
  expect(bare, 'canvases without a text alternative').toEqual([]);
  // Charts redraw at most every 250 ms, so the label catches up with the epoch's end shortly after.
  await expect(page.locator('#chart-loss')).toHaveAttribute('aria-label', /train loss: \d+ points?, the last [\d.]+ at epoch 1\b/);

  // Progress bars carry their value.
  await expect(page.locator('#epoch-bar')).toHaveAttribute('aria-valuenow', '100');
  await expect(page.locator('#epoch-bar')).toHaveAttribute('aria-valuetext', /Epoch 1 of 1/);
  await expect(page.locator('.data-strip [role="progressbar"]')).toHaveAttribute('aria-valuenow', '100');

  const { result, serious } = await axe(page);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, 'axe-page.json'), JSON.stringify({ violations: result.violations, passes: result.passes.length }, null, 1));
  await showSummary(page, result, serious);
  await page.screenshot({ path: path.join(ARTIFACTS, 'axe-page.png') });
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`)).toEqual([]);
});

test('axe: no serious violations on an embedded panel', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/embed.html#panel=prune&data=small');
  await waitReady(page);
  const { result, serious } = await axe(page);
  await showSummary(page, result, serious);
  await page.screenshot({ path: path.join(ARTIFACTS, 'axe-embed-prune.png') });
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});

test.describe('high-DPI', () => {
  test.use({ deviceScaleFactor: 2 });

  test('charts hold devicePixelRatio × their CSS pixels; heatmaps scale pixelated', async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto('/embed.html#panel=train&data=small&epochs=1');
    await waitReady(page);
    expect(await page.evaluate(() => window.devicePixelRatio)).toBe(2);
    await page.click('#btn-play');
    await expect(page.locator('#stat-test-acc[data-epoch="1"]')).toBeVisible({ timeout: 120_000 });
    // Charts redraw at most 4× a second: wait for the last one.
    await page.waitForTimeout(600);
    for (const id of ['chart-loss', 'chart-acc']) {
      const size = await page.locator(`#${id}`).evaluate((c) => ({
        w: c.width, h: c.height, cssW: c.getBoundingClientRect().width, cssH: c.getBoundingClientRect().height,
      }));
      expect(Math.abs(size.w - 2 * size.cssW), `${id}: ${JSON.stringify(size)}`).toBeLessThanOrEqual(2);
      expect(Math.abs(size.h - 2 * size.cssH), `${id}: ${JSON.stringify(size)}`).toBeLessThanOrEqual(2);
    }
    await page.locator('#chart-loss').screenshot({ path: path.join(ARTIFACTS, 'hidpi-loss-chart@2x.png') });
    await page.locator('figure.chart').first().screenshot({ path: path.join(ARTIFACTS, 'hidpi-loss-figure@2x.png') });

    await page.goto('about:blank');
    await page.goto('/embed.html#panel=weights&data=small&pretrained=no');
    await waitReady(page);
    const rendering = await page.locator('#weights-canvas').evaluate((c) => getComputedStyle(c).imageRendering);
    expect(['pixelated', 'crisp-edges'], 'nearest-neighbour scaling').toContain(rendering);
  });
});
