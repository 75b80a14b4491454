// The page's width with realistic tables: a small network and six more versions (prune, int8,
// low-rank, fp16, binarize, a second prune) fill the Versions and Compare tables, in English
// and in Chinese. At 1280 × 800 the page has no horizontal scroll and no table is wider than its
// panel's content box (nor does a panel scroll sideways); at 390 px (a phone) the page still has
// no horizontal scroll and the two wide tables scroll inside their own box.
// Before the fix, at 1280 px: Versions 1431 px (en) / 1197 px (zh) in a 1158 px box, Compare
// 1257 px (en) in a 1160 px panel, which scrolled sideways.
const { test, expect, openWithVersions, versions, pageShot } = require('./fixtures');

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
