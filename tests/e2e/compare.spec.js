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

test('every ratio names the model it is against: the chain’s first model, and its own architecture after a distill', async ({ page }) => {
  test.setTimeout(300_000);
  // A wide first model and a narrower student: the two ratios differ, as after the README's
  // 1200-1200 teacher → 300-100 student chains.
  await openWithVersions(page, '#recipe=train:64,e0.1;distill:16,e0.1;quantize:int8');
  const list = await versions(page);
  expect(list.map((v) => v.figures.sizes.join('-'))).toEqual(['784-64-10', '784-16-10', '784-16-10']);
  const [root, student, int8] = list;
  const fix1 = (x) => x.toFixed(1);
  // The first model against itself; its descendants against it, in both tables.
  const first = `${fix1(root.figures.ratio)}× smaller than its own dense fp32`;
  const against = (v) => `${fix1(v.figures.ratio)}× smaller than #${root.id} (784-64-10, fp32)`;
  // The row whose id cell (second column in Versions, first in Compare) is exactly `#id`.
  const cell = (table, v) => page.locator(`${table} tbody tr`).filter({
    has: page.locator(table === '#versions-table' ? 'td:nth-child(2)' : 'td:nth-child(1)', { hasText: new RegExp(`^#${v.id}$`) }),
  });
  for (const table of ['#versions-table', '#compare-table']) {
    await expect(cell(table, root)).toContainText(first);
    for (const v of [student, int8]) {
      await expect(cell(table, v)).toContainText(against(v));
      // The figure `shrink recipe --seeds` prints: against the student's own dense fp32.
      const own = v.figures.size.denseFp32Bytes / v.figures.size.packedBytes;
      await expect(cell(table, v).locator(`td[title*="smaller than its own architecture (784-16-10)"]`)).toHaveAttribute('title', `${fix1(own)}× smaller than its own architecture (784-16-10) in dense fp32`);
    }
  }
  expect(int8.figures.ratio).toBeGreaterThan(student.figures.ratio);
  await shot(page.locator('#panel-versions'), 'ratio-baselines-versions');
});
