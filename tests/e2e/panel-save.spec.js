// Every result becomes a version (issue 10): the Quantize, Low-rank, Distill and Binarize panels
// each save their result with "Save … as version". One trained version is picked as the input;
// each panel runs with small settings and saves; the Versions list and the Compare table then
// show four new versions whose parent is the input and whose method is the panel's, with the
// recipe step the settings spell; a reload restores all of them with the same chain.
const { test, expect, openWithVersions, versions, shot } = require('./fixtures');

const HASH = '#hidden=64&bin.method=bnn&bin.warm=true&bin.epochs=1';

async function save(page, target) {
  const button = page.locator(`#${target}-save-version`);
  await expect(button).toBeEnabled({ timeout: 120_000 });
  await button.click();
  await expect(button).toHaveAttribute('data-saved', /\d+/, { timeout: 60_000 });
  return Number(await button.getAttribute('data-saved'));
}

test('Quantize, Low-rank, Distill and Binarize save their results as versions of their input', async ({ page }) => {
  test.setTimeout(480_000);
  await openWithVersions(page, HASH);
  // The input: a short trained run, picked for every panel.
  await page.fill('#versions-recipe', 'train:64,e0.3');
  await page.click('#versions-run-recipe');
  await expect(page.locator('#versions-status')).toContainText('Done', { timeout: 120_000 });
  const [root] = await versions(page);
  await page.locator(`#versions-table tr[data-id="${root.id}"] button`, { hasText: 'Use as input' }).click();
  await expect(page.locator('#panel-quantize .input-badge')).toHaveAttribute('data-version', String(root.id));

  // Quantize: int4 weights, post-training. The button names the model it saves.
  await page.locator('#q-bits').evaluate((e) => {
    e.value = '4';
    e.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await expect(page.locator('#quantize-save-version')).toContainText('int4', { timeout: 60_000 });
  const q = await save(page, 'quantize');

  // Low-rank: decompose; the first layer is cut at rank 32 by default.
  await page.click('#lr-analyze');
  await expect(page.locator('#lowrank-save-version')).toContainText('ranks 32/full', { timeout: 60_000 });
  const lr = await save(page, 'lowrank');

  // Distill: the input as teacher, a 784-16-10 student for one epoch.
  await page.selectOption('#ds-teacher', 'current');
  await page.fill('#ds-student', '16');
  await page.fill('#ds-epochs', '1');
  await page.click('#ds-run');
  await expect(page.locator('#panel-distill')).toHaveAttribute('data-phase', 'done', { timeout: 240_000 });
  const ds = await save(page, 'distill');

  // Binarize: a BNN warm-started from the input's weights (an untrained warm start follows the
  // version picked above, no Reset), one epoch.
  await expect(page.locator('#bin-status')).toContainText(`Starting from version #${root.id}`, { timeout: 60_000 });
  await expect(page.locator('#bin-train')).toBeEnabled({ timeout: 60_000 });
  await page.click('#bin-train');
  await expect(page.locator('#panel-binarize')).toHaveAttribute('data-done', 'true', { timeout: 240_000 });
  const bin = await save(page, 'binarize');

  const list = await versions(page);
  const byId = new Map(list.map((v) => [v.id, v]));
  const want = [[q, 'quantize', 'quantize:int4'], [lr, 'lowrank', 'lowrank:32'], [ds, 'distill', 'distill:16,e1,t2,a0.5,lr0.02'], [bin, 'binarize', 'binarize:bnn,e1']];
  for (const [id, method, step] of want) {
    const v = byId.get(id);
    expect(v, `version #${id}`).toBeTruthy();
    expect(v.parent, `${method}: parent`).toBe(root.id);
    expect(v.method).toBe(method);
    expect(v.recipe).toBe(`${root.recipe};${step}`);
    expect(v.figures.testCount).toBe(10000);
    expect(v.figures.accuracy, `${method}: accuracy`).toBeGreaterThan(0.5);
    // In the Versions list with its parent and method, and in the Compare table.
    const row = page.locator(`#versions-table tr[data-id="${id}"]`);
    await expect(row).toContainText(`#${root.id}`);
    await expect(row.locator('.method-dot')).toHaveText(method);
    await expect(page.locator('#compare-table')).toContainText(`#${id}`);
  }
  expect(list.length).toBe(5);
  await shot(page.locator('#panel-versions'), 'panel-save-versions');
  for (const panel of ['quantize', 'lowrank', 'distill', 'binarize']) {
    await shot(page.locator(`#${panel}-save-version`).locator('xpath=..'), `panel-save-${panel}-button`);
  }

  // A reload restores the five, each child still under the restored input.
  await expect(page.locator('html')).toHaveAttribute('data-versions-saved', '5', { timeout: 60_000 });
  await page.goto('about:blank');
  await openWithVersions(page, HASH);
  await expect(page.locator('html')).toHaveAttribute('data-versions-restored', '5');
  const after = await versions(page);
  const restoredRoot = after.find((v) => v.recipe === root.recipe);
  for (const [, method, step] of want) {
    const v = after.find((x) => x.method === method);
    expect(v.parent, `${method} after reload`).toBe(restoredRoot.id);
    expect(v.recipe).toBe(`${root.recipe};${step}`);
    expect(v.figures.accuracy).toBe(list.find((x) => x.method === method).figures.accuracy);
  }
});
