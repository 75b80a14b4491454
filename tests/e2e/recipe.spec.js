// A recipe in the address rebuilds the same versions with the same numbers: two fresh browser
// contexts (no shared storage) open the same `#recipe=` link; every version's accuracy, error
// count, three sizes, ratio, kernel and recipe agree exactly (times are measured, so they
// differ). Training is a fraction of an epoch to keep the test short.
const { test, expect, watch, openWithVersions, versions, exact, shot } = require('./fixtures');

const RECIPE = process.env.SHRINK_TEST_RECIPE || 'train:300,100,e0.2;prune:magnitude,0.9,ft0.1;quantize:int8';

test('a recipe link gives identical versions in two fresh browsers', async ({ browser }) => {
  test.setTimeout(420_000);
  const steps = RECIPE.split(';').length;
  const runs = [];
  for (let i = 0; i < 2; i += 1) {
    const context = await browser.newContext();
    const errors = [];
    const page = watch(await context.newPage(), errors);
    await openWithVersions(page, `#recipe=${RECIPE}`);
    const list = await versions(page);
    expect(list.length).toBe(steps);
    expect(list[list.length - 1].recipe).toBe(RECIPE);
    // Each version's parent is the one before it, and the table shows them all.
    list.forEach((v, k) => expect(v.parent).toBe(k === 0 ? null : list[k - 1].id));
    await expect(page.locator('#versions-table tbody tr')).toHaveCount(steps);
    await expect(page.locator('#versions-status')).toContainText('Done');
    if (i === 0) await shot(page.locator('#panel-versions'), 'recipe-versions');
    expect(errors, `console errors in browser ${i + 1}`).toEqual([]);
    runs.push(list.map(exact));
    await context.close();
  }
  console.log(runs[0].map((v) => `${v.recipe}: ${(100 * v.figures.accuracy).toFixed(2)}% ${v.figures.size.packedBytes} B`).join('\n'));
  expect(runs[1]).toEqual(runs[0]);
});
