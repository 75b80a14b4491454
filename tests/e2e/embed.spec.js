// Embedding across origins, the way an author's docs site does it. A sample docs page is served
// on one origin (http://localhost:A/guide/) and the `cargo xtask dist` folder on another
// (http://127.0.0.1:B/docs/shrink/, a subpath, from a plain static server with no special
// headers). The page has two panels made by shrink-embed.js: Train (a div) and Prune (a
// <shrink-panel>), both on data=small. We train in one and prune in the other, check that each
// iframe took its content's height (no inner scrollbar), that the panels say which data set and
// which network they use, and that no frame logs a console error. Then the same with a docs
// site that is itself cross-origin isolated (COOP + COEP require-corp): that needs the panels'
// host to send CORP cross-origin (as `cargo xtask serve` does), and the frames are isolated too,
// so threads stay possible. And the same two panels with lang=zh.
// Needs the dist folder: SHRINK_DIST, or target/dist/shrink (`cargo xtask dist`).
const fs = require('fs');
const path = require('path');
const { test, expect, waitReady, ARTIFACTS } = require('./fixtures');
const { serve } = require('./support/static-server');

const ROOT = path.join(__dirname, '..', '..');
const DIST = process.env.SHRINK_DIST || path.join(ROOT, 'target', 'dist', 'shrink');
const PREFIX = '/docs/shrink/';

/** The sample docs page: prose, the script tag, two placeholders. */
function docsPage(embedBase, extra = '') {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pruning, a sample docs page</title>
<link rel="icon" href="data:,">
<style>
  body { font: 16px/1.55 system-ui, sans-serif; color: #1f2430; background: #f6f5f0; margin: 0; }
  main { max-width: 900px; margin: 0 auto; padding: 24px 20px 60px; }
  h1 { font-size: 28px; margin: 0 0 8px; } .crumbs { color: #6b7280; font-size: 13px; }
  .panel-host { margin: 18px 0 28px; border-radius: 12px; overflow: hidden; border: 1px solid #e2e0d8; background: #fff; }
</style>
<script src="${embedBase}shrink-embed.js" defer></script>
</head><body><main>
<p class="crumbs">Docs › Compression › Pruning</p>
<h1>Pruning a network</h1>
<p>First train the network on the small set of digits: press Play and watch the loss fall.</p>
<div class="panel-host" id="host-train" data-shrink-panel="train" data-settings="data=small&epochs=1&hide=seed,wd${extra}"></div>
<p>Now prune a trained network. The panel below starts from a pretrained LeNet-300-100; move the
slider and watch the test accuracy.</p>
<shrink-panel class="panel-host" id="host-prune" panel="prune" settings="data=small&hide=sensitivity,pitfall${extra}"></shrink-panel>
<p>That is all: two panels, one script tag.</p>
</main></body></html>`;
}

async function startSites(docsHeaders, embedHeaders, extra) {
  if (!fs.existsSync(path.join(DIST, 'embed.html'))) {
    throw new Error(`no dist folder at ${DIST}: run \`cargo xtask dist\` (or set SHRINK_DIST)`);
  }
  const embed = await serve({ root: DIST, prefix: PREFIX, host: '127.0.0.1', headers: embedHeaders });
  const docs = await serve({
    host: 'localhost',
    headers: docsHeaders,
    routes: { '/guide/pruning.html': () => docsPage(embed.url(PREFIX), extra) },
  });
  return { embed, docs };
}

/** The iframe element and its frame for one host element (found by the panel in its URL, since a
 *  cross-origin frame may be swapped for a new one when it navigates). */
async function panelFrame(page, hostId, panel) {
  const iframe = page.locator(`#${hostId} iframe`);
  await expect(iframe).toHaveCount(1);
  let frame = null;
  await expect
    .poll(() => {
      frame = page.frames().find((f) => f.url().includes('/embed.html#') && new URLSearchParams(f.url().split('#')[1]).get('panel') === panel);
      return Boolean(frame);
    }, { timeout: 30_000 })
    .toBe(true);
  return { iframe, frame };
}

/**
 * The iframe's height equals the height its page posted, and the page inside has no scrollbar
 * (polled: a panel that grows posts again and the iframe follows). Returns the height.
 */
async function expectFitted(iframe, frame) {
  let last = null;
  await expect
    .poll(async () => {
      const inside = await frame.evaluate(() => ({
        posted: Number(document.documentElement.dataset.postedHeight || 0),
        scroll: document.documentElement.scrollHeight,
        inner: window.innerHeight,
      }));
      const shown = await iframe.evaluate((f) => f.getBoundingClientRect().height);
      last = { ...inside, shown };
      return inside.posted > 0 && Math.abs(shown - inside.posted) <= 1 && inside.scroll <= inside.inner + 1;
    }, { timeout: 20_000, message: 'the iframe fits its panel' })
    .toBe(true);
  return last.shown;
}

/**
 * The whole docs page in one picture. The viewport is made as tall as the page first: Chromium
 * paints a cross-origin frame only where it is on screen, so a full-page capture of a short
 * viewport shows the frames blank below the fold.
 */
async function shootWhole(page, name) {
  const { width } = page.viewportSize();
  const height = await page.evaluate(() => Math.min(8000, document.documentElement.scrollHeight));
  await page.setViewportSize({ width, height });
  await page.waitForTimeout(800); // the frames repaint at the new size
  await page.screenshot({ path: path.join(ARTIFACTS, name) });
}

test('two panels from another origin and a subpath: train in one, prune in the other, iframes fit', async ({ page }) => {
  test.setTimeout(300_000);
  const { embed, docs } = await startSites('plain', 'plain', '');
  try {
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.goto(docs.url('/guide/pruning.html'));
    const train = await panelFrame(page, 'host-train', 'train');
    const prune = await panelFrame(page, 'host-prune', 'prune');
    expect(new URL(train.frame.url()).origin).toBe(embed.origin);
    expect(new URL(page.url()).origin).not.toBe(embed.origin);
    expect(train.frame.url()).toContain(`${PREFIX}embed.html#`);
    expect(train.frame.url()).toContain('panel=train');
    await waitReady(train.frame);
    await waitReady(prune.frame);

    // Each panel says which data set it uses; the hidden controls are gone.
    for (const { frame } of [train, prune]) {
      await expect(frame.locator('#data-status')).toContainText('Small set: the first 6,000');
      expect((await frame.evaluate(() => window.shrinkTimings)).dataSet).toBe('small');
    }
    await expect(train.frame.locator('#set-seed')).toBeHidden();
    await expect(train.frame.locator('#set-lr')).toBeVisible();
    await expect(prune.frame.locator('#prune-sens-btn')).toBeHidden();

    // Train one epoch in the Train panel.
    await train.frame.click('#btn-play');
    const acc = train.frame.locator('#stat-test-acc[data-epoch="1"]');
    await expect(acc).toBeVisible({ timeout: 240_000 });
    expect(Number(await acc.getAttribute('data-value'))).toBeGreaterThan(0.8);

    // Prune 80% in the Prune panel, which starts from the pretrained network and says so.
    await expect(prune.frame.locator('#data-pretrained')).toContainText('pretrained 784-300-100-10 network');
    // Unasked, at load, the panel reports that network as it stands (an embedded panel is the
    // whole page, so it does not wait to be scrolled to as the full page's panel does).
    await expect(prune.frame.locator('#prune-status')).toContainText('The current model', { timeout: 60_000 });
    await expect(prune.frame.locator('#prune-acc')).toHaveAttribute('data-evaluated', '10000');
    expect(Number(await prune.frame.locator('#prune-acc').getAttribute('data-value'))).toBeGreaterThan(0.95);
    const before = await expectFitted(prune.iframe, prune.frame);
    const slider = prune.frame.locator('#prune-slider');
    await slider.fill('80');
    await slider.dispatchEvent('change');
    await expect(prune.frame.locator('#panel-prune')).toHaveAttribute('data-applied', '0.8', { timeout: 120_000 });
    const pruned = Number(await prune.frame.locator('#prune-acc').getAttribute('data-value'));
    expect(pruned, 'a pretrained LeNet-300-100 at 80% sparsity still reads digits').toBeGreaterThan(0.9);

    // Both iframes took their content's height, and followed it when it changed.
    const trainHeight = await expectFitted(train.iframe, train.frame);
    const after = await expectFitted(prune.iframe, prune.frame);
    expect(trainHeight).toBeGreaterThan(480);
    expect(after).toBeGreaterThan(480);
    test.info().annotations.push({ type: 'iframe heights', description: `train ${trainHeight}px, prune ${before}px -> ${after}px` });

    await shootWhole(page, 'embed-docs-page.png');
  } finally {
    await docs.close();
    await embed.close();
  }
});

for (const embedHeaders of ['isolated']) {
  test(`an isolated docs site (COOP + COEP) frames the panels from a host with CORP cross-origin`, async ({ page }) => {
    test.setTimeout(180_000);
    const { embed, docs } = await startSites('isolated', embedHeaders, '');
    try {
      await page.goto(docs.url('/guide/pruning.html'));
      expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
      const train = await panelFrame(page, 'host-train', 'train');
      const prune = await panelFrame(page, 'host-prune', 'prune');
      await waitReady(train.frame);
      await waitReady(prune.frame);
      await expectFitted(train.iframe, train.frame);
      await expectFitted(prune.iframe, prune.frame);
      // With the host's own COEP the frame is isolated too, so threads would be allowed there.
      const isolated = await train.frame.evaluate(() => window.crossOriginIsolated);
      test.info().annotations.push({ type: 'frame crossOriginIsolated', description: String(isolated) });
      expect(isolated).toBe(true);
    } finally {
      await docs.close();
      await embed.close();
    }
  });
}

test('the same two panels in Chinese (lang=zh)', async ({ page }) => {
  test.setTimeout(180_000);
  const { embed, docs } = await startSites('plain', 'plain', '&lang=zh');
  try {
    await page.goto(docs.url('/guide/pruning.html'));
    const train = await panelFrame(page, 'host-train', 'train');
    const prune = await panelFrame(page, 'host-prune', 'prune');
    await waitReady(train.frame);
    await waitReady(prune.frame);
    expect(await train.frame.evaluate(() => document.documentElement.lang)).toMatch(/^zh/);
    await expect(train.frame.locator('#data-status')).toContainText('小数据集');
    await expect(prune.frame.locator('#data-pretrained')).toContainText('预训练');
    await expect(prune.frame.locator('#prune-status')).toContainText('当前模型', { timeout: 60_000 });
    await expectFitted(train.iframe, train.frame);
    await expectFitted(prune.iframe, prune.frame);
    await shootWhole(page, 'embed-docs-page-zh.png');
  } finally {
    await docs.close();
    await embed.close();
  }
});
