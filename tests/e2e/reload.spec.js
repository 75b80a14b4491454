// History survives a reload: versions made by a recipe are kept in IndexedDB as model-file
// bytes; reloading the page without the recipe restores them, each measured again to the same
// accuracy, sizes and kernel. "Delete all versions" empties the list and the store.
const { test, expect, openWithVersions, versions, exact, shot } = require('./fixtures');

const RECIPE = process.env.SHRINK_TEST_RECIPE || 'train:300,100,e0.2;prune:magnitude,0.9,ft0.1;quantize:int8';

test('versions survive a reload with the same figures; one button clears them', async ({ page }) => {
  test.setTimeout(300_000);
  await openWithVersions(page, '#hidden=300,100');
  await page.fill('#versions-recipe', RECIPE);
  await page.click('#versions-run-recipe');
  await expect(page.locator('#versions-status')).toContainText('Done', { timeout: 200_000 });
  const before = await versions(page);
  expect(before.length).toBe(RECIPE.split(';').length);
  await expect(page.locator('html')).toHaveAttribute('data-versions-saved', String(before.length), { timeout: 60_000 });

  await page.goto('about:blank');
  await openWithVersions(page, '#hidden=300,100');
  await expect(page.locator('html')).toHaveAttribute('data-versions-restored', String(before.length));
  const after = await versions(page);
  const strip = (v) => { const { parent, ...rest } = exact(v); return rest; };
  expect(after.map(strip)).toEqual(before.map(strip));
  // The chain is kept: each restored version's parent is the one restored before it.
  after.slice(1).forEach((v, k) => expect(v.parent).toBe(after[k].id));
  await shot(page.locator('#panel-versions'), 'reload-versions');

  await page.click('#versions-clear');
  await expect(page.locator('#versions-table tbody tr')).toHaveCount(0);
  await page.reload();
  await openWithVersions(page, '#hidden=300,100');
  expect(await versions(page)).toEqual([]);
});
