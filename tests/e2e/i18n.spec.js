// Languages. With lang=zh, no visible text in the converted views is English outside the
// catalogue: every Latin word on screen must occur in some string of www/i18n/zh.js (technical
// names such as ReLU, SGD or MNIST are kept in Latin there on purpose). Code listings (<pre>,
// <code>) are exempt: they quote code; so is text marked translate="no" (a version's name and
// recipe: the learner's own words). Also: both catalogues have the same keys, the browser's
// language is the default, the top-bar switch re-renders the page in place without a new model,
// and the checkers' messages (state.js, check.js) come out in Chinese, naming the setting as
// the page labels it.
const { test, expect, openPage, shot } = require('./fixtures');
const { runStep } = require('./tutorial.helpers');

/** Every view of the page: all of them go through the catalogue. */
const CONVERTED = ['header.topbar', '.intro', '#notices', '#panel-data', '#panel-train', '#panel-tutorial', '#panel-prune', '#panel-quantize', '#panel-lowrank', '#panel-distill', '#panel-binarize', '#panel-versions', '#panel-compare', '#panel-weights', '#panel-draw', '#panel-gallery', '#panel-confusion', '.part-title', '.part-lede', 'section.panel > h2', 'section.panel > .lede', 'footer'];

/** Visible Latin words in `selectors` that occur in no string of the zh catalogue. */
function foreignWords(page, selectors) {
  return page.evaluate(async (selectors) => {
    const zh = (await import('/i18n/zh.js')).default;
    // Placeholders ({weights:int}) are not text: an unfilled one must not count as known.
    const known = Object.values(zh)
      .map((v) => (typeof v === 'string' ? v : Object.values(v).join(' ')))
      .join('\n')
      .replace(/\{\w+(?::\w+)?\}/g, ' ');
    const out = new Set();
    const check = (text, where) => {
      for (const m of text.match(/\{\w+(?::\w+)?\}/g) || []) out.add(`unfilled ${m} (${where}: ${text.trim().slice(0, 60)})`);
      for (const w of text.match(/[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]/g) || []) {
        if (!known.includes(w)) out.add(`${w} (${where}: ${text.trim().slice(0, 60)})`);
      }
    };
    const visible = (e) => {
      const r = e.getBoundingClientRect();
      const cs = getComputedStyle(e);
      return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none';
    };
    for (const sel of selectors) {
      for (const root of document.querySelectorAll(sel)) {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const parent = n.parentElement;
          if (!parent || parent.closest('pre, code, script, style, option, [translate="no"]') || !visible(parent)) continue;
          check(n.textContent, sel);
        }
        for (const e of root.querySelectorAll('[title], [aria-label], [placeholder], option')) {
          if (e.closest('pre, code, [translate="no"]')) continue;
          for (const a of ['title', 'aria-label', 'placeholder']) if (e.getAttribute(a)) check(e.getAttribute(a), `${sel} @${a}`);
          if (e.tagName === 'OPTION') check(e.textContent, `${sel} option`);
        }
      }
    }
    return [...out];
  }, selectors);
}

test('the catalogues have the same keys and every placeholder on both sides', async ({ page }) => {
  await page.goto('/#lang=en');
  const diff = await page.evaluate(async () => {
    const en = (await import('/i18n/en.js')).default;
    const zh = (await import('/i18n/zh.js')).default;
    const ph = (v) => [...String(typeof v === 'string' ? v : JSON.stringify(v)).matchAll(/\{(\w+)(?::\w+)?\}/g)].map((m) => m[1]).sort().join(',');
    const out = [];
    for (const k of Object.keys(en)) if (!(k in zh)) out.push(`zh lacks ${k}`);
    for (const k of Object.keys(zh)) if (!(k in en)) out.push(`en lacks ${k}`);
    for (const k of Object.keys(en)) if (k in zh && ph(en[k]) !== ph(zh[k])) out.push(`${k}: {${ph(en[k])}} vs {${ph(zh[k])}}`);
    return out;
  });
  expect(diff).toEqual([]);
});

test('with lang=zh no converted view shows English outside the catalogue', async ({ page }) => {
  test.setTimeout(300_000);
  await openPage(page, '#lang=zh&hidden=100&epochs=1&tutorial.steps=100&tutorial=5');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  // Fill the dynamic text: one training step, then the whole tutorial from step 5.
  await page.click('#btn-step');
  await expect(page.locator('#stat-step')).toHaveText('1');
  await runStep(page, 5, 60);
  await page.click('#tut-copy');
  await expect(page.locator('#tut-link-note')).not.toBeEmpty();
  // The Prune panel's dynamic text: per-layer table, sizes, measured times, the pitfall (its
  // report of the model as it stands is measured once the panel is on screen).
  await page.locator('#panel-prune').scrollIntoViewIfNeeded();
  await expect(page.locator('#prune-layers tr')).toHaveCount(3);
  await page.click('#prune-time');
  await expect(page.locator('#prune-times tr').nth(1)).toBeVisible({ timeout: 60_000 });
  await page.click('#prune-pitfall-btn');
  await expect(page.locator('#prune-pitfall-held')).toBeVisible({ timeout: 120_000 });
  await expect(page.locator('#panel-prune')).toHaveAttribute('data-busy', '0');
  // The Distill panel after a short run (one student epoch) on the network trained above.
  await page.fill('#ds-epochs', '1');
  await page.click('#ds-run');
  await expect(page.locator('#panel-distill')).toHaveAttribute('data-phase', 'done', { timeout: 180_000 });
  await expect(page.locator('#ds-teacher-note')).not.toBeEmpty();
  for (const step of [5, 1, 2, 3, 4]) {
    await page.locator('.tutorial-steps .chip').nth(step - 1).click();
    await expect(page.locator('#panel-tutorial')).toHaveAttribute('data-step', String(step));
    const words = await foreignWords(page, CONVERTED);
    // The rendered address (a link) is exempt: it is a URL.
    expect(words.filter((w) => !w.includes('http')), `step ${step}`).toEqual([]);
  }
  await expect(page.locator('#tut-title')).toHaveText('4. 保持掩码，重新训练');
});

test('with lang=zh the checkers’ messages are in Chinese and name the setting as the page labels it', async ({ page }) => {
  // Address values rejected by state.js (Train settings) and check.js (a panel's own keys).
  await openPage(page, '#lang=zh&epochs=0&lr=-1&quantize.bits=99&prune.sparsity=5');
  const notices = page.locator('#notices .notice');
  await expect(notices.filter({ hasText: '网址中的轮数' })).toContainText('必须是介于 1 到 1,000 之间的整数（收到的是 0）');
  await expect(notices.filter({ hasText: '网址中的学习率' })).toContainText('必须是大于 0 且不超过 10 的数（收到的是 -1）');
  await expect(notices.filter({ hasText: '网址中的每个权重的比特数（quantize.bits）' })).toContainText('介于 1 到 8 之间的整数（收到的是 99）');
  await expect(notices.filter({ hasText: 'prune.sparsity' })).toContainText('介于 0 到 0.99 之间的数（收到的是 5）');
  // A field checked when a button is pressed (check.js) and a Train setting (state.js).
  await page.fill('#dc-retrain', '-5');
  await page.click('#dc-run');
  await expect(notices.filter({ hasText: '重新训练步数必须是介于 0 到 20,000 之间的整数（收到的是 -5）' })).toBeVisible();
  await page.fill('#set-lr', '');
  await page.locator('#set-lr').dispatchEvent('change');
  await expect(notices.filter({ hasText: '学习率必须是大于 0 且不超过 10 的数（字段为空）' })).toBeVisible();
  expect(await foreignWords(page, ['#notices'])).toEqual([]);
  // The same notices in English after a switch, re-rendered in place.
  await page.click('.lang-button[data-lang="en"]');
  await expect(notices.filter({ hasText: 'Retrain steps must be a whole number from 0 to 20,000 (got -5)' })).toBeVisible();
  await expect(notices.filter({ hasText: 'Epochs in the address must be a whole number from 1 to 1,000 (got 0)' })).toBeVisible();
});

/** The compression panels in the states a learner reaches: each run once with small settings. */
const COMPRESSION = ['#notices', '#panel-quantize', '#panel-lowrank', '#panel-distill', '#panel-binarize', '#panel-versions', '#panel-compare'];

test('with lang=zh the compression panels, run once each, show no English outside the catalogue', async ({ page }) => {
  test.setTimeout(600_000);
  // The pretrained LeNet-300-100 (no training here); a recipe in the address makes two versions.
  await openPage(page, '#lang=zh&pretrained=yes&bin.hidden=32,32&bin.epochs=1&recipe=train:32,e0.05;quantize:int8');
  await expect(page.locator('#panel-versions')).toHaveAttribute('data-ready', '1', { timeout: 200_000 });
  await expect(page.locator('#versions-table tbody tr')).toHaveCount(2);
  await expect(page.locator('#panel-compare')).toHaveAttribute('data-points', '2');
  await page.check('#versions-table tbody tr:first-child input[type="checkbox"]');

  // Quantize: apply, measure, Deep Compression with few steps.
  await page.click('#q-apply');
  await expect(page.locator('#q-acc')).toHaveAttribute('data-value', /\d/, { timeout: 60_000 });
  await page.click('#q-speed');
  await expect(page.locator('#q-speed-out')).toHaveAttribute('data-value', /\d/, { timeout: 60_000 });
  await page.fill('#dc-retrain', '20');
  await page.fill('#dc-finetune', '10');
  await page.click('#dc-run');
  await expect(page.locator('#dc-table')).toHaveAttribute('data-stages', /\d/, { timeout: 120_000 });

  // Low-rank: decompose, then fine-tune one epoch.
  await page.click('#lr-analyze');
  await expect(page.locator('#panel-lowrank')).toHaveAttribute('data-evals', /\d/, { timeout: 60_000 });
  await page.click('#lr-finetune');
  await expect(page.locator('#lr-ft-status')).toContainText('微调完成', { timeout: 180_000 });

  // Distill: one student epoch, the pretrained network as the teacher.
  await page.fill('#ds-epochs', '1');
  await page.click('#ds-run');
  await expect(page.locator('#panel-distill')).toHaveAttribute('data-phase', 'done', { timeout: 180_000 });

  // Binarize: one epoch of a small BNN, and its measured speed.
  await expect(page.locator('#bin-train')).toBeEnabled({ timeout: 60_000 });
  await page.click('#bin-train');
  await expect(page.locator('#panel-binarize')).toHaveAttribute('data-done', 'true', { timeout: 180_000 });
  await page.selectOption('#bin-speed-shape', '64,256,256');
  await page.click('#bin-speed-run');
  await expect(page.locator('#bin-speed')).toHaveAttribute('data-speedup', /\d/, { timeout: 60_000 });

  const words = await foreignWords(page, COMPRESSION);
  expect(words).toEqual([]);
  for (const [name, sel] of [['quantize', '#panel-quantize'], ['lowrank', '#panel-lowrank'], ['distill', '#panel-distill'], ['binarize', '#panel-binarize'], ['versions', '#panel-versions'], ['compare', '#panel-compare']]) {
    await shot(page.locator(sel), `${name}-zh`);
  }

  // A switch re-renders the run's figures in place, in English and back.
  await page.click('.lang-button[data-lang="en"]');
  await expect(page.locator('#q-status')).toContainText('-bit weights');
  await expect(page.locator('#lr-ft-status')).toContainText('fine-tuned');
  await expect(page.locator('#bin-status')).toContainText('Done:');
  await expect(page.locator('#compare-note')).toContainText('2 versions');
  await page.click('.lang-button[data-lang="zh"]');
  await expect(page.locator('#q-status')).toContainText('比特权重');
  expect(await foreignWords(page, COMPRESSION)).toEqual([]);
});

test.describe('the browser language', () => {
  test.use({ locale: 'zh-CN' });
  test('is the default when the address names none', async ({ page }) => {
    await openPage(page, '');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.locator('#btn-play')).toHaveText('开始');
    await expect(page.locator('.lang-button[data-lang="zh"]')).toHaveAttribute('aria-pressed', 'true');
  });
});

test('the top-bar switch re-renders the page in place and keeps the model', async ({ page }) => {
  await openPage(page, '#lang=en&hidden=100');
  await page.click('#btn-step');
  await page.click('#btn-step');
  await expect(page.locator('#stat-step')).toHaveText('2');
  await expect(page.locator('#btn-play')).toHaveText('Play');
  await page.click('.lang-button[data-lang="zh"]');
  await expect(page.locator('#btn-play')).toHaveText('开始');
  await expect(page.locator('#nav .nav-link').first()).toHaveText('训练');
  await expect(page.locator('#tut-title')).toHaveText('1. 训练网络');
  expect(page.url()).toContain('lang=zh');
  const info = await page.evaluate(() => window.shrinkDebug.call('session', 'info'));
  expect(info.steps).toBe(2);
  await page.click('.lang-button[data-lang="en"]');
  await expect(page.locator('#btn-play')).toHaveText('Play');
  await expect(page.locator('#tut-title')).toHaveText('1. Train the network');
});
