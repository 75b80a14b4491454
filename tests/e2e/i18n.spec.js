// Languages. With lang=zh, no visible text in the converted views is English outside the
// catalogue: every Latin word on screen must occur in some string of www/i18n/zh.js (technical
// names such as ReLU, SGD or MNIST are kept in Latin there on purpose). Code listings (<pre>,
// <code>) are exempt: they quote code. Also: both catalogues have the same keys, the browser's
// language is the default, and the top-bar switch re-renders the page in place without a new model.
const { test, expect, openPage } = require('./fixtures');
const { runStep } = require('./tutorial.helpers');

/** The views whose every string goes through the catalogue. */
const CONVERTED = ['header.topbar', '.intro', '#notices', '#panel-data', '#panel-train', '#panel-tutorial', '#panel-prune', '#panel-distill', '#panel-weights', '#panel-draw', '#panel-gallery', '#panel-confusion', '.part-title', '.part-lede', 'section.panel > h2', 'section.panel > .lede', 'footer'];

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
          if (!parent || parent.closest('pre, code, script, style, option') || !visible(parent)) continue;
          check(n.textContent, sel);
        }
        for (const e of root.querySelectorAll('[title], [aria-label], [placeholder], option')) {
          if (e.closest('pre, code')) continue;
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
  // The Prune panel's dynamic text: per-layer table, sizes, measured times, the pitfall.
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

test('with lang=zh a notice about the address is in Chinese around the checker’s own message', async ({ page }) => {
  // state.js's reasons ("must be …") are not in the catalogue yet: they are quoted, in English,
  // inside the Chinese sentence, and this test says so rather than hiding it.
  await openPage(page, '#lang=zh&epochs=0');
  await expect(page.locator('#notices')).toContainText('网址中有问题：');
  const words = await foreignWords(page, ['#notices']);
  expect(words.length).toBeGreaterThan(0);
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
