// Model files in the page (issue 11): the committed PyTorch fixture (784-100-10, trained once by
// PyTorch, 95.36% as PyTorch printed) is uploaded as a safetensors state_dict and as ONNX; each
// becomes a version with PyTorch's accuracy and says which input scaling it used. The imported
// net is then pruned 90% and int8-quantized in the page, and the result is downloaded as a
// Shrink file and as ONNX. On a Chinese page the worker's note on each added file (Rust's, typed
// as ids with arguments) reads in Chinese, and in English again after a switch of language.
const path = require('path');
const fs = require('fs');
const { test, expect, openWithVersions, versions, shot } = require('./fixtures');

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'pytorch');
const PYTORCH_CORRECT = Number(fs.readFileSync(path.join(FIXTURES, 'accuracy.txt'), 'utf8').trim());

async function upload(page, file) {
  const before = (await versions(page)).length;
  await page.locator('#files-upload').setInputFiles(path.join(FIXTURES, file));
  await page.waitForFunction((n) => document.querySelector('#panel-versions').dataset.count === String(n), before + 1, { timeout: 120_000 });
  const list = await versions(page);
  return list[list.length - 1];
}

async function step(page, parent, text) {
  const before = (await versions(page)).length;
  await page.locator('#versions-parent').selectOption(String(parent.id));
  await page.locator('#versions-step').fill(text);
  await page.locator('#versions-run').click();
  await page.waitForFunction((n) => document.querySelector('#panel-versions').dataset.count === String(n), before + 1, { timeout: 300_000 });
  const list = await versions(page);
  return list[list.length - 1];
}

test('a PyTorch MLP comes in, is pruned and int8-quantized, and goes out', async ({ page }) => {
  test.setTimeout(600_000);
  await openWithVersions(page);

  const torch = await upload(page, 'mlp_784_100_10.safetensors');
  await expect(page.locator('#files-status')).toContainText('p/255');
  await expect(page.locator('#files-status')).toContainText('metadata');
  const onnx = await upload(page, 'mlp_784_100_10.onnx');
  for (const v of [torch, onnx]) {
    expect(v.figures.testCount).toBe(10000);
    const correct = 10000 - v.figures.errors;
    console.log(`${v.name}: ${(100 * v.figures.accuracy).toFixed(2)}% (${correct} correct; PyTorch printed ${PYTORCH_CORRECT})`);
    expect(Math.abs(correct - PYTORCH_CORRECT)).toBeLessThanOrEqual(1);
  }
  await expect(page.locator(`#versions-table tr[data-id="${torch.id}"] td`).nth(5)).toHaveText(/95\.3\d%/);

  const pruned = await step(page, torch, 'prune:magnitude,0.9,ft1');
  const int8 = await step(page, pruned, 'quantize:int8');
  console.log(`pruned 90%: ${(100 * pruned.figures.accuracy).toFixed(2)}%, ${pruned.figures.size.packedBytes} B`);
  console.log(`pruned 90% → int8: ${(100 * int8.figures.accuracy).toFixed(2)}%, ${int8.figures.size.packedBytes} B, ${int8.figures.ratio.toFixed(1)}× smaller than the import (${int8.figures.kernel})`);
  expect(int8.parent).toBe(pruned.id);
  expect(int8.figures.accuracy).toBeGreaterThan(0.9);
  expect(int8.figures.size.packedBytes).toBeLessThan(torch.figures.size.packedBytes / 8);

  const row = page.locator(`#versions-table tr[data-id="${int8.id}"]`);
  for (const kind of ['safetensors', 'onnx']) {
    const [download] = await Promise.all([page.waitForEvent('download'), row.locator(`button[data-download="${kind}"]`).click()]);
    const file = await download.path();
    const size = fs.statSync(file).size;
    console.log(`download ${kind}: ${download.suggestedFilename()} ${size} B`);
    expect(download.suggestedFilename()).toMatch(new RegExp(`\\.${kind}$`));
    expect(size).toBeGreaterThan(1000);
    if (kind === 'safetensors') expect(size).toBeLessThan(int8.figures.size.packedBytes * 1.05 + 8192);
  }
  await shot(page.locator('#panel-versions'), 'files-versions');
});

test('with lang=zh the note on an added file reads in Chinese, and in English after a switch', async ({ page }) => {
  test.setTimeout(300_000);
  await openWithVersions(page, '#lang=zh');
  const status = page.locator('#files-status');
  const torch = await upload(page, 'mlp_784_100_10.safetensors');
  await expect(status).toContainText('已导入 PyTorch 多层感知机 [784, 100, 10]');
  await expect(status).toContainText('像素除以 255（p/255）（读自文件的元数据），已并入第 1 层');
  // A Shrink model file: the version just added, downloaded and added again.
  const row = page.locator(`#versions-table tr[data-id="${torch.id}"]`);
  const [download] = await Promise.all([page.waitForEvent('download'), row.locator('button[data-download="safetensors"]').click()]);
  const before = (await versions(page)).length;
  await page.locator('#files-upload').setInputFiles({ name: 'again.safetensors', mimeType: 'application/octet-stream', buffer: fs.readFileSync(await download.path()) });
  await page.waitForFunction((n) => document.querySelector('#panel-versions').dataset.count === String(n), before + 1, { timeout: 120_000 });
  await expect(status).toContainText('Shrink 模型文件：按保存时的原样载入');
  await shot(page.locator('#panel-versions'), 'files-note-zh');
  await page.click('.lang-button[data-lang="en"]');
  await expect(status).toContainText('a Shrink model file: loaded as saved');
});
