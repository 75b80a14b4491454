// The Compare panel: a recipe makes three versions (train → prune → int8); both Pareto charts
// are drawn (many colours, not a blank canvas) with every version and the frontier, the table
// lists them and sorts by a clicked column, the two first-layer heatmaps are drawn, and the
// Draw pad predicts one digit with every selected version side by side.
const { test, expect, openWithVersions, versions, colours, shot } = require('./fixtures');

const RECIPE = process.env.SHRINK_TEST_RECIPE || 'train:300,100,e0.2;prune:magnitude,0.9,ft0.1;quantize:int8';

test('Compare plots every version with the frontier; Draw predicts with the selected ones', async ({ page }) => {
  test.setTimeout(300_000);
  await openWithVersions(page, `#recipe=${RECIPE}`);
  const list = await versions(page);
  const n = list.length;
  expect(n).toBeGreaterThanOrEqual(3);

  const panel = page.locator('#panel-compare');
  await panel.scrollIntoViewIfNeeded();
  await expect(panel).toHaveAttribute('data-points', String(n));
  for (const id of ['#compare-bytes', '#compare-time']) {
    expect(await colours(page.locator(id)), `${id} is drawn`).toBeGreaterThan(20);
  }
  await expect(panel.locator('#compare-note')).toContainText(`${n} versions`);

  // The table: one row per version; sorting by accuracy puts the most accurate last.
  const rows = page.locator('#compare-table tbody tr');
  await expect(rows).toHaveCount(n);
  await page.click('#compare-table button.sort[data-key="accuracy"]');
  const best = [...list].sort((a, b) => a.figures.accuracy - b.figures.accuracy).pop();
  await expect(rows.last().locator('td').first()).toHaveText(`#${best.id}`);

  // Heatmaps of the first and last version, side by side.
  for (const id of ['#compare-left-map', '#compare-right-map']) {
    await expect(page.locator(id)).toBeVisible();
    expect(await colours(page.locator(id))).toBeGreaterThan(20);
  }
  await shot(panel, 'compare-panel');

  // Select every version, then draw a "1": one prediction row per selected version.
  await page.locator('#panel-versions').scrollIntoViewIfNeeded();
  for (const box of await page.locator('#versions-table tbody input[type=checkbox]').all()) await box.check();
  const pad = page.locator('#draw-pad');
  await pad.scrollIntoViewIfNeeded();
  const b = await pad.boundingBox();
  await page.mouse.move(b.x + b.width * 0.5, b.y + b.height * 0.15);
  await page.mouse.down();
  for (let k = 1; k <= 10; k += 1) await page.mouse.move(b.x + b.width * 0.5, b.y + b.height * (0.15 + 0.07 * k));
  await page.mouse.up();
  const preds = page.locator('#draw-versions .draw-version');
  await expect(preds).toHaveCount(n);
  for (const v of list) await expect(page.locator(`#draw-versions .draw-version[data-id="${v.id}"]`)).toContainText(`#${v.id}`);
  await shot(page.locator('#panel-draw'), 'draw-versions');
});
