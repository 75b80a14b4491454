// A tour of chains (not in the default suite: set SHRINK_TOUR=1): one page builds versions from
// all five methods, with several chains of two or more steps sharing their trained prefix, and
// the Compare panel is screenshotted for the closing note (tests/e2e/artifacts/tour-*.png).
const { test, expect, openWithVersions, versions, colours, shot } = require('./fixtures');

const T = process.env.SHRINK_TOUR_TRAIN || 'train:300,100,e1';
const CHAINS = [
  `${T};prune:magnitude,0.9,ft0.5;quantize:int8`,
  `${T};prune:magnitude,0.9,ft0.5;share:5,ft0.2;huffman`,
  `${T};lowrank:32,ft0.3;quantize:int8`,
  `${T};distill:100,e1;prune:magnitude,0.8,ft0.3;quantize:int8`,
  `${T};neurons:0.5,ft0.3;quantize:int4`,
  `${T};binarize:bc,e1`,
];

test('eight-plus versions from all five methods on the Compare panel', async ({ page }) => {
  test.skip(!process.env.SHRINK_TOUR, 'set SHRINK_TOUR=1 to run the tour');
  test.setTimeout(1_500_000);
  await page.setViewportSize({ width: 1280, height: 1000 });
  await openWithVersions(page, '#hidden=300,100');
  for (const recipe of CHAINS) {
    await page.fill('#versions-recipe', recipe);
    await page.click('#versions-run-recipe');
    await expect(page.locator('#versions-status')).toContainText(`Done: ${recipe.split(';').length} step`, { timeout: 600_000 });
    await expect(page.locator('#panel-versions')).not.toHaveAttribute('data-busy', '1');
  }
  const list = await versions(page);
  console.log(list.map((v) => `#${v.id} ${v.recipe}: ${(100 * v.figures.accuracy).toFixed(2)}% ${v.figures.size.packedBytes} B ${v.figures.ratio.toFixed(1)}x ${v.figures.msBatch64.toFixed(3)} ms/64 ${v.figures.kernel}`).join('\n'));
  expect(list.length).toBeGreaterThanOrEqual(8);
  const methods = new Set(list.map((v) => v.method));
  for (const m of ['prune', 'quantize', 'lowrank', 'distill', 'binarize']) expect(methods.has(m), m).toBe(true);
  const panel = page.locator('#panel-compare');
  await panel.scrollIntoViewIfNeeded();
  await expect(panel).toHaveAttribute('data-points', String(list.length));
  expect(await colours(page.locator('#compare-bytes'))).toBeGreaterThan(20);
  await shot(panel, 'tour-compare');
  await shot(page.locator('.compare-charts'), 'tour-charts');
  await page.selectOption('#compare-batch', '1');
  await shot(page.locator('.compare-charts'), 'tour-charts-batch1');
  await shot(page.locator('#panel-versions'), 'tour-versions');
});
