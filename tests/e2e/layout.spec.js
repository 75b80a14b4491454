// The page's width with realistic tables: a small network and six more versions (prune, int8,
// low-rank, fp16, binarize, a second prune) fill the Versions and Compare tables, in English
// and in Chinese. At 1280 × 800 the page has no horizontal scroll and no table is wider than its
// panel's content box (nor does a panel scroll sideways); at 390 px (a phone) the page still has
// no horizontal scroll and the two wide tables scroll inside their own box.
// Before the fix, at 1280 px: Versions 1431 px (en) / 1197 px (zh) in a 1158 px box, Compare
// 1257 px (en) in a 1160 px panel, which scrolled sideways.
//
// Menus: every visible <select>, on a fresh page and with a trained model (versions saved, the
// Low-rank panel analysed, then the Quantize panel's float scheme, whose format menu shows only
// then), shows its longest option whole, in en and zh, at 1280 and 390 px. With quantize.js and
// distill.js as before cf30da2 it reports, at 1280 px in English, six cut menus (the Quantize
// grid's 185 px cells: "weights + activations (int8)" needs 251 px, "quantization-aware (QAT)"
// 234, "layer 1 (784 → 300)" 190, "asymmetric (affine)" 190, "per output channel" 186; the
// Distill teacher menu 157 px for "train a new teacher here", 228), in Chinese three (量化感知训练
// （QAT） 193, 第 1 层（784 → 300） 201, 在这里训练一个新的教师网络 237), and at 390 px the teacher
// menu in both (163 px for 216 / 224).
//
// Fields that do nothing in the current mode are hidden, and keep their values and address keys:
// Quantize's zero point and scales (fixed-point int only), QAT steps (QAT only), bits (not for
// float) and format (float only); Distill's new-teacher widths and epochs (teacher trained here).
const { test, expect, openPage, openWithVersions, versions, pageShot } = require('./fixtures');

const RECIPE = 'train:64,e0.3;prune:magnitude,0.9,ft0.1;quantize:int8';
// Run on the first version, each a child of it: every method's row in both tables.
const MORE = ['lowrank:16', 'quantize:fp16', 'binarize:bc,64,e0.1', 'prune:magnitude,0.5'];

/** Widths the browser laid out: the page's, and each visible table's against its panel. */
function measure(page) {
  return page.evaluate(() => {
    const de = document.documentElement;
    const tables = [...document.querySelectorAll('table')].filter((t) => t.getClientRects().length).map((t) => {
      const panel = t.closest('.panel');
      const cs = getComputedStyle(panel);
      const box = panel.getBoundingClientRect();
      const inner = box.width - parseFloat(cs.borderLeftWidth) - parseFloat(cs.borderRightWidth)
        - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      // The nearest ancestor inside the panel that scrolls sideways, if any.
      let box2 = t.parentElement;
      while (box2 !== panel && !/(auto|scroll)/.test(getComputedStyle(box2).overflowX)) box2 = box2.parentElement;
      return {
        table: t.id || t.className,
        panel: panel.id,
        width: Math.round(t.getBoundingClientRect().width),
        inner: Math.round(inner),
        panelScroll: panel.scrollWidth,
        panelClient: panel.clientWidth,
        scroller: box2 === panel ? null : box2.className,
      };
    });
    return { scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, tables };
  });
}

for (const lang of ['en', 'zh']) {
  test(`no sideways scroll and no table wider than its panel at 1280 px, phones scroll the tables in their box (${lang})`, async ({ page }) => {
    test.setTimeout(300_000);
    await page.setViewportSize({ width: 1280, height: 800 });
    await openWithVersions(page, `#lang=${lang}&recipe=${RECIPE}`);
    for (const step of MORE) await page.evaluate((s) => window.shrinkDebug.call('jobs', 'recipe', s, 1), step);
    const n = (await versions(page)).length;
    expect(n).toBe(3 + MORE.length);
    await expect(page.locator('#versions-table tbody tr')).toHaveCount(n);
    await expect(page.locator('#compare-table tbody tr')).toHaveCount(n);
    await expect(page.locator('html')).toHaveAttribute('lang', lang === 'zh' ? 'zh-CN' : 'en');

    const wide = await measure(page);
    console.log(`${lang} 1280: page ${wide.scrollWidth}/${wide.clientWidth}; ${wide.tables.map((t) => `${t.table} ${t.width}/${t.inner}`).join(', ')}`);
    expect(wide.scrollWidth, 'the page scrolls sideways at 1280 px').toBeLessThanOrEqual(wide.clientWidth);
    for (const id of ['versions-table', 'compare-table']) expect(wide.tables.map((t) => t.table)).toContain(id);
    for (const t of wide.tables) {
      expect(t.width, `${t.table} is wider than #${t.panel}`).toBeLessThanOrEqual(t.inner + 1);
      expect(t.panelScroll, `#${t.panel} scrolls sideways`).toBeLessThanOrEqual(t.panelClient);
    }
    await pageShot(page, `layout-1280-${lang}`);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => document.documentElement.clientWidth === 390);
    const phone = await measure(page);
    expect(phone.scrollWidth, 'the page scrolls sideways at 390 px').toBeLessThanOrEqual(phone.clientWidth);
    for (const id of ['versions-table', 'compare-table']) {
      const t = phone.tables.find((x) => x.table === id);
      expect(t.scroller, `${id} scrolls in its own box on a phone`).toBe('table-scroll');
      expect(t.panelScroll, `#${t.panel} scrolls sideways on a phone`).toBeLessThanOrEqual(t.panelClient);
    }
    await pageShot(page, `layout-390-${lang}`);
  });
}

/**
 * The visible menus whose longest option is wider than the menu: for each, its id (or its
 * panel's), its width, the width it needs and that option's text. The width needed is a copy's
 * at `width: max-content` (the browser's own measure of the widest option, padding and arrow
 * included), beside the menu so the same rules style it.
 */
function cutMenus(page) {
  return page.evaluate(() => {
    const cut = [];
    for (const s of document.querySelectorAll('select')) {
      if (!s.options.length || !s.checkVisibility({ visibilityProperty: true })) continue;
      const probe = s.cloneNode(true);
      probe.removeAttribute('id');
      probe.setAttribute('aria-hidden', 'true');
      for (const [k, v] of Object.entries({ position: 'fixed', left: '0', top: '0', width: 'max-content', minWidth: '0', maxWidth: 'none', visibility: 'hidden' })) {
        probe.style.setProperty(k, v, 'important');
      }
      s.after(probe);
      const need = probe.getBoundingClientRect().width;
      probe.remove();
      const has = s.getBoundingClientRect().width;
      if (need <= has + 0.5) continue;
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = getComputedStyle(s).font;
      const longest = [...s.options].map((o) => o.text).sort((a, b) => ctx.measureText(b).width - ctx.measureText(a).width)[0];
      cut.push({ menu: s.id || `${s.closest('[id]')?.id} ${s.className}`.trim(), width: Math.round(has), needs: Math.round(need), longest });
    }
    return cut;
  });
}

/** Checks the menus at 1280 and at 390 px wide; `what` names the state for the messages. */
async function menusFit(page, lang, what) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width > 400 ? 800 : 844 });
    await page.waitForFunction((w) => document.documentElement.clientWidth <= w, width);
    const cut = await cutMenus(page);
    const n = await page.evaluate(() => [...document.querySelectorAll('select')].filter((s) => s.checkVisibility()).length);
    console.log(`${lang} ${width} px, ${what}: ${n} menus visible, ${cut.length} cut${cut.length ? `: ${JSON.stringify(cut)}` : ''}`);
    expect(n, 'no menu is visible: the page did not render').toBeGreaterThan(3);
    expect.soft(cut, `menus that cut their longest option at ${width} px (${lang}, ${what})`).toEqual([]);
    await pageShot(page, `layout-menus-${what.replace(/\W+/g, '-')}-${width}-${lang}`);
  }
}

for (const lang of ['en', 'zh']) {
  test(`every visible menu shows its longest option whole at 1280 and 390 px, fresh and trained (${lang})`, async ({ page }) => {
    test.setTimeout(300_000);
    await page.setViewportSize({ width: 1280, height: 800 });
    await openPage(page, `#lang=${lang}`);
    await menusFit(page, lang, 'fresh page');

    await page.setViewportSize({ width: 1280, height: 800 });
    await openWithVersions(page, `#lang=${lang}&recipe=${RECIPE}`);
    // Menus that appear with results: the Low-rank panel's, once it has analysed the model.
    await page.locator('#lr-analyze').click();
    await expect(page.locator('#lr-acc')).toHaveAttribute('data-value', /\d/, { timeout: 120_000 });
    await menusFit(page, lang, 'trained model');
    // The float quantizer's format menu shows only in its mode.
    await page.selectOption('#q-scheme', 'float');
    await expect(page.locator('#q-format')).toBeVisible();
    await menusFit(page, lang, 'float quantizer');
  });
}

test('fields that do nothing in the current mode are hidden, their values and address kept', async ({ page }) => {
  await openPage(page, '#quantize.zero=affine&quantize.qatSteps=321');
  const visible = async (ids) => {
    const out = {};
    for (const id of ids) out[id] = await page.locator(`#${id}`).isVisible();
    return out;
  };
  const q = ['q-bits', 'q-format', 'q-symmetry', 'q-granularity', 'q-qat-steps'];
  // Fixed-point int, post-training: no QAT steps, no float format.
  expect(await visible(q)).toEqual({ 'q-bits': true, 'q-format': false, 'q-symmetry': true, 'q-granularity': true, 'q-qat-steps': false });
  await page.selectOption('#q-training', 'qat');
  await expect(page.locator('#q-qat-steps')).toBeVisible();
  await expect(page.locator('#q-qat-steps')).toHaveValue('321');
  await page.selectOption('#q-training', 'ptq');
  // k-means: bits, but no zero point or scales; float: the format only.
  await page.selectOption('#q-scheme', 'kMeans');
  expect(await visible(q)).toEqual({ 'q-bits': true, 'q-format': false, 'q-symmetry': false, 'q-granularity': false, 'q-qat-steps': false });
  await page.selectOption('#q-scheme', 'float');
  expect(await visible(q)).toEqual({ 'q-bits': false, 'q-format': true, 'q-symmetry': false, 'q-granularity': false, 'q-qat-steps': false });
  // Hidden is not forgotten: the address keeps every setting, and int shows them again as set.
  await expect(page).toHaveURL(/quantize\.zero=affine/);
  await expect(page).toHaveURL(/quantize\.qatSteps=321/);
  await page.selectOption('#q-scheme', 'int');
  await expect(page.locator('#q-symmetry')).toBeVisible();
  await expect(page.locator('#q-symmetry')).toHaveValue('affine');

  // Distill: the new teacher's widths and epochs only when a teacher is trained here.
  const d = ['ds-teacher-hidden', 'ds-teacher-epochs', 'ds-student', 'ds-temperature'];
  await expect(page.locator('#ds-teacher')).toHaveValue('current');
  expect(await visible(d)).toEqual({ 'ds-teacher-hidden': false, 'ds-teacher-epochs': false, 'ds-student': true, 'ds-temperature': true });
  await page.selectOption('#ds-teacher', 'train');
  expect(await visible(d)).toEqual({ 'ds-teacher-hidden': true, 'ds-teacher-epochs': true, 'ds-student': true, 'ds-temperature': true });
  await page.fill('#ds-teacher-hidden', '800');
  await page.selectOption('#ds-teacher', 'current');
  await expect(page.locator('#ds-teacher-hidden')).toBeHidden();
  await page.selectOption('#ds-teacher', 'train');
  await expect(page.locator('#ds-teacher-hidden')).toHaveValue('800');
  await expect(page.locator('#ds-teacher-note')).toContainText('784-800-10');
});
