// The core's (Rust's) errors in the page's language. Real mistakes made through the page — a
// hostile address, a bad temperature (Distill), a recipe step with an unknown option (Versions),
// a truncated safetensors file and an ONNX graph with a Conv node (Files), training that
// diverges (Train), recipe steps the version chain refuses (Versions) — must read fully in
// Chinese under lang=zh: no Latin word of 4+ letters but the names of formats and operators,
// and the learner's own tokens, a file's tensor names or a version's name (quoted). The same mistakes under lang=en read as the core's English sentences, and a
// switch of language re-renders a shown notice in place. The error reaches the page as a code
// with its fields, not as English to pattern-match (crate/wasm/dto.rs, www/rustmsg.js).
const fs = require('fs');
const path = require('path');
const { test, expect, openPage, openWithVersions, shot } = require('./fixtures');

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'pytorch');
/** Names a Chinese sentence keeps in Latin letters (and the catalogue's gloss of 轮数). */
const KEPT = new Set(['MNIST', 'ONNX', 'safetensors', 'int8', 'fp16', 'IDX', 'SVD', 'Gemm', 'MatMul', 'Relu', 'Conv', 'PyTorch', 'Shrink', 'epoch',
  // recipe steps: syntax the learner types, the same in every language
  'train', 'prune', 'neurons', 'quantize', 'share', 'huffman', 'lowrank', 'distill', 'binarize', 'finetune']);

/**
 * Latin words of 4+ letters that are neither kept names, nor inside quotes (data: a learner's
 * token, a node's name), nor an address key such as quantize.bits.
 */
function englishWords(text) {
  const prose = text.replace(/“[^”]*”|'[^']*'|"[^"]*"/g, ' ').replace(/\b[a-z]+\.[a-zA-Z]+\b/g, ' ');
  return (prose.match(/[A-Za-z][A-Za-z0-9_-]*/g) || []).filter((w) => (w.match(/[A-Za-z]/g) || []).length >= 4 && !KEPT.has(w));
}

/** A valid file cut short, and an ONNX MLP whose ReLU nodes became Conv (same byte length). */
function badFiles() {
  const safetensors = fs.readFileSync(path.join(FIXTURES, 'mlp_784_100_10.safetensors')).subarray(0, 2000);
  const onnx = Buffer.from(fs.readFileSync(path.join(FIXTURES, 'mlp_784_100_10.onnx')).toString('latin1').replaceAll('Relu', 'Conv'), 'latin1');
  return [
    { name: 'cut.safetensors', mimeType: 'application/octet-stream', buffer: safetensors },
    { name: 'conv.onnx', mimeType: 'application/octet-stream', buffer: onnx },
  ];
}

/** Makes each mistake once and returns the text of the notice it raised, by name. */
async function makeMistakes(page) {
  const notices = page.locator('#notices .notice');
  const out = {};
  const next = async (name, act) => {
    const before = await notices.count();
    await act();
    await expect(notices).toHaveCount(before + 1, { timeout: 60_000 });
    out[name] = (await notices.last().locator('p').textContent()).trim();
  };
  out.address = (await notices.allTextContents()).join('\n');
  await next('distill', async () => {
    await page.fill('#ds-temperature', '0');
    await page.click('#ds-run');
  });
  await next('recipe', async () => {
    await page.fill('#versions-step', 'prune:zz');
    await page.click('#versions-run');
  });
  const [safetensors, onnx] = badFiles();
  await next('safetensors', () => page.locator('#files-upload').setInputFiles(safetensors));
  await next('onnx', () => page.locator('#files-upload').setInputFiles(onnx));
  // Not shown by a panel, but the typed error crosses the worker intact: code and fields.
  out.noLayer = await page.evaluate(() =>
    window.shrinkDebug.call('session', 'layerHeatmap', 5).then(
      () => null,
      (e) => ({ message: e.message, code: e.code, args: e.args }),
    ),
  );
  return out;
}

const HOSTILE = 'hidden=4096,4096,4096,4096,4096,4096,4096,4096&epochs=0&lr=1e999&quantize.bits=99';

test('with lang=zh the core’s errors read in Chinese; with lang=en in its English', async ({ page }) => {
  test.setTimeout(300_000);
  await openPage(page, `#lang=zh&${HOSTILE}`);
  const zh = await makeMistakes(page);
  console.log(JSON.stringify(zh, null, 1));
  for (const [name, text] of Object.entries(zh)) {
    if (name === 'noLayer') continue;
    expect(text.length, name).toBeGreaterThan(8);
    expect(englishWords(text), `${name}: ${text}`).toEqual([]);
  }
  expect(zh.distill).toContain('温度 = 0 无效');
  expect(zh.recipe).toContain('不是这个步骤的选项');
  expect(zh.safetensors).toContain('不是有效的 safetensors 文件');
  expect(zh.onnx).toContain('不是多层感知机');
  expect(zh.onnx).toContain('Conv');
  expect(zh.noLayer).toEqual({
    message: 'there is no layer 6: this model has 3 layers (numbered 1 to 3)',
    code: 'noLayer',
    args: { n: 6, count: 3 },
  });
  await shot(page.locator('#notices'), 'errors-zh-notices');

  // The same notices in English after a switch, re-rendered in place (Rust's own sentences).
  await page.click('.lang-button[data-lang="en"]');
  const notices = page.locator('#notices .notice');
  await expect(notices.filter({ hasText: 'invalid temperature = 0: must be a finite number greater than zero' })).toHaveCount(1);
  await expect(notices.filter({ hasText: 'bad data: the ONNX graph is not an MLP' })).toHaveCount(1);
});

test('with lang=en the same mistakes read as the core’s English sentences', async ({ page }) => {
  test.setTimeout(300_000);
  await openPage(page, `#lang=en&${HOSTILE}`);
  const en = await makeMistakes(page);
  expect(en.distill).toContain('invalid temperature = 0: must be a finite number greater than zero');
  expect(en.recipe).toContain("invalid recipe step = prune: 'zz': is not an option of this step");
  expect(en.safetensors).toContain('bad data: not a valid safetensors file');
  expect(en.onnx).toContain("bad data: the ONNX graph is not an MLP: node '/1/Conv' is a Conv (expected Gemm, MatMul, Add, Relu)");
  expect(en.address).toContain('Hidden layer widths');
  for (const text of Object.values(en).filter((t) => typeof t === 'string')) expect(text).not.toMatch(/[\u4e00-\u9fff]/);
});

test('with lang=zh training that diverges says so in Chinese', async ({ page }) => {
  test.setTimeout(300_000);
  await openPage(page, '#lang=zh&lr=10&epochs=2&seed=1');
  await page.click('#btn-play');
  const notice = page.locator('.notice', { hasText: '发散' });
  await expect(notice).toBeVisible({ timeout: 120_000 });
  const text = await notice.locator('p').textContent();
  console.log(text);
  expect(englishWords(text), text).toEqual([]);
  await expect(notice).toContainText('恢复了最后一组正常的权重');
  await shot(notice, 'errors-zh-diverged');
  await page.click('.lang-button[data-lang="en"]');
  await expect(page.locator('.notice', { hasText: 'training diverged at step' })).toContainText('last good weights were restored');
});

test('with lang=zh a recipe step the version chain refuses says why in Chinese', async ({ page }) => {
  test.setTimeout(300_000);
  await openWithVersions(page, '#lang=zh&seed=1');
  const notices = page.locator('#notices .notice');
  const refusal = async (recipe) => {
    const before = await notices.count();
    await page.fill('#versions-recipe', recipe);
    await page.click('#versions-run-recipe');
    await expect(notices).toHaveCount(before + 1, { timeout: 120_000 });
    return (await notices.last().locator('p').textContent()).trim();
  };
  // Low-rank on a pruned version; pruning int8 codes (the step, what the version stores and
  // what to do instead are ids, said in Chinese inside the sentence).
  const lowRank = await refusal('train:32,e0.05;prune:magnitude,0.5;lowrank:4');
  const prune = await refusal('train:32,e0.05;quantize:int8;prune:magnitude,0.5');
  console.log(`${lowRank}\n${prune}`);
  for (const text of [lowRank, prune]) expect(englishWords(text), text).toEqual([]);
  expect(lowRank).toContain('配方未能运行');
  expect(lowRank).toMatch(/低秩分解需要稠密权重；版本 #\d+“[^”]+”已剪枝/);
  expect(prune).toMatch(/剪枝需要浮点权重；版本 #\d+“[^”]+”存储的是 int8 编码——请改为剪枝它的父版本/);
  await shot(page.locator('#notices'), 'errors-zh-recipe-refused');

  // Rust's English sentences after a switch, re-rendered in place.
  await page.click('.lang-button[data-lang="en"]');
  await expect(notices.filter({ hasText: /Low-rank needs dense weights; version #\d+ '[^']+' is pruned/ })).toHaveCount(1);
  await expect(notices.filter({ hasText: /Prune needs float weights; version #\d+ '[^']+' stores int8 codes — prune its parent instead/ })).toHaveCount(1);
});
