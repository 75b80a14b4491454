// End-to-end test of the Binarize panel on the served page (SHRINK_URL): a short BNN training
// run completes in the worker, the bit-packed network predicts exactly what the float
// simulation predicts, every first-layer heatmap tile holds exactly two colours (±α), the
// XNOR-popcount speed is measured, and a drawn digit gets dense and binary predictions.
// Any console error fails the test. Screenshots go to tests/e2e/artifacts/.
const path = require('path');
const { test, expect, openPage, openWithVersions, waitReady, versions, shot, ARTIFACTS } = require('./fixtures');


/** Distinct opaque colours in each 28×28 tile of the heatmap canvas. */
async function tileColours(page) {
  return page.evaluate(() => {
    const c = document.getElementById('bin-heatmap');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const perRow = Math.round((c.width + 1) / 29);
    const rows = Math.round((c.height + 1) / 29);
    const counts = [];
    for (let t = 0; t < perRow * rows; t++) {
      const ox = (t % perRow) * 29;
      const oy = Math.floor(t / perRow) * 29;
      const seen = new Set();
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const i = 4 * ((oy + y) * c.width + ox + x);
          if (d[i + 3] === 255) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        }
      }
      if (seen.size) counts.push(seen.size);
    }
    return counts;
  });
}

test('a short BNN run completes; packed = simulation; two colours per neuron; speed; pad', async ({ page }) => {
  await openPage(page, '#bin.method=bnn&bin.hidden=64,64&bin.epochs=1&bin.seed=1');
  const panel = page.locator('#panel-binarize');
  await panel.scrollIntoViewIfNeeded();
  await expect(page.locator('#bin-train')).toBeEnabled();
  await expect(page.locator('#bin-status')).toContainText('BNN 784 → 64 → 64 → 10');

  await page.click('#bin-train');
  await expect(panel).toHaveAttribute('data-done', 'true', { timeout: 200_000 });
  await expect(panel).toHaveAttribute('data-identical', 'true');
  const sim = parseFloat(await page.locator('#bin-stat-sim').textContent());
  const packed = parseFloat(await page.locator('#bin-stat-packed').textContent());
  console.log(`BNN 784-64-64-10, 1 epoch in the browser: simulation ${sim}%, packed ${packed}%`);
  expect(sim).toBeGreaterThanOrEqual(85);
  expect(packed).toBe(sim);
  await expect(page.locator('#bin-layers tr.binary')).toHaveCount(3);
  await expect(page.locator('#bin-layers')).toContainText('32.0×');

  // First layer: 64 tiles, each exactly two colours (+α and −α of that neuron).
  await expect(page.locator('#bin-heatmap')).toHaveAttribute('data-layer', '0');
  const counts = await tileColours(page);
  expect(counts.length).toBe(64);
  expect(counts.every((n) => n === 2), `colours per tile: ${counts.join(',')}`).toBe(true);

  // Measured speed of the XNOR-popcount layer against the f32 dense layer, in this browser.
  await page.click('#bin-speed-run');
  await expect(page.locator('#bin-speed')).toHaveAttribute('data-speedup', /\d/, { timeout: 30_000 });
  const speedup = Number(await page.locator('#bin-speed').getAttribute('data-speedup'));
  console.log(`XNOR-popcount vs f32 dense, batch 64, 1024→1024: ${speedup.toFixed(1)}×; ${await page.locator('#bin-speed').textContent()}`);
  // No timing is asserted (speed belongs to `cargo xtask bench`), but the figure must be the
  // ratio of the two times the panel prints: a swapped, NaN or made-up ratio fails here.
  const text = await page.locator('#bin-speed').textContent();
  const f32 = Number(/f32 dense ([\d.]+) ms/.exec(text)?.[1]);
  const xnor = Number(/XNOR-popcount ([\d.]+) ms/.exec(text)?.[1]);
  expect(Number.isFinite(f32) && f32 > 0 && Number.isFinite(xnor) && xnor > 0, text).toBe(true);
  expect(Math.abs(speedup - f32 / xnor) / (f32 / xnor), `${speedup} vs ${f32}/${xnor}`).toBeLessThan(0.05);

  // Draw a "1" on the pad: both the dense and the binary network answer.
  const box = await page.locator('#bin-pad').boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.15 + 0.07 * i));
  await page.mouse.up();
  await expect(page.locator('#bin-probs-binary')).toHaveAttribute('data-best', /\d/);
  await expect(page.locator('#bin-probs-dense')).toHaveAttribute('data-best', /\d/);
  await panel.screenshot({ path: path.join(ARTIFACTS, 'binarize-panel.png') });

  // Layer 2 is a 64×64 matrix: still two values per neuron (row).
  await page.selectOption('#bin-heatmap-layer', '1');
  await expect(page.locator('#bin-heatmap')).toHaveAttribute('data-layer', '1');
  const rows = await page.evaluate(() => {
    const c = document.getElementById('bin-heatmap');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const out = [];
    for (let y = 0; y < c.height; y++) {
      const seen = new Set();
      for (let x = 0; x < c.width; x++) {
        const i = 4 * (y * c.width + x);
        seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      }
      out.push(seen.size);
    }
    return out;
  });
  expect(rows.length).toBe(64);
  expect(rows.every((n) => n === 2), `colours per row: ${rows.join(',')}`).toBe(true);
});

test('binarize the network the Train panel trained (warm start)', async ({ page }) => {
  await openPage(page, '#hidden=64&epochs=1&seed=1&bin.method=binaryconnect&bin.epochs=1&bin.warm=true');
  await page.click('#btn-play');
  await expect(page.locator('#stat-test-acc[data-epoch="1"]')).toBeVisible({ timeout: 180_000 });
  const dense = Number(await page.locator('#stat-test-acc').getAttribute('data-value'));
  await page.locator('#panel-binarize').scrollIntoViewIfNeeded();
  await expect(page.locator('#bin-hidden')).toBeDisabled();
  // No Reset: an untrained warm start follows the Train panel's network as it trains.
  await expect(page.locator('#bin-status')).toContainText("Starting from the Train panel's network");
  await expect(page.locator('#bin-status')).not.toContainText('(0 steps trained)');
  await expect(page.locator('#bin-status')).toContainText('784 → 64 → 10');
  await page.click('#bin-train');
  await expect(page.locator('#panel-binarize')).toHaveAttribute('data-done', 'true', { timeout: 200_000 });
  const sim = parseFloat(await page.locator('#bin-stat-sim').textContent());
  console.log(`dense 784-64-10 after 1 epoch: ${(100 * dense).toFixed(2)}%; BinaryConnect from it, 1 epoch: ${sim}%`);
  expect(sim).toBeGreaterThanOrEqual(90);
  await expect(page.locator('#panel-binarize')).toHaveAttribute('data-identical', 'true');
});

test('a warm start follows the version picked with "Use as input", without Reset, and saves as its child', async ({ page }) => {
  await openWithVersions(page, '#hidden=64&bin.method=binaryconnect&bin.epochs=1&bin.warm=true&recipe=train:32,e0.2');
  const status = page.locator('#bin-status');
  // The panel builds its network when it comes into view, as a reader scrolls to it.
  await page.locator('#panel-binarize').scrollIntoViewIfNeeded();
  await expect(status).toContainText('784 → 64 → 10');
  await page.locator('#versions-table tr[data-id="1"] button', { hasText: 'Use as input' }).click();
  await expect(status).toContainText('784 → 32 → 10');
  await expect(status).toContainText('Starting from version #1');
  await expect(page.locator('#bin-hidden')).toHaveValue('32');
  await shot(page.locator('#panel-binarize'), 'binarize-follows-input');
  await page.click('#bin-train');
  await expect(page.locator('#panel-binarize')).toHaveAttribute('data-done', 'true', { timeout: 200_000 });
  const save = page.locator('#binarize-save-version');
  await expect(save).toBeEnabled({ timeout: 60_000 });
  await save.click();
  await expect(save).toHaveAttribute('data-saved', /\d+/, { timeout: 60_000 });
  const id = Number(await save.getAttribute('data-saved'));
  const saved = (await versions(page)).find((v) => v.id === id);
  expect(saved.parent).toBe(1);
  expect(saved.recipe).toBe('train:32,e0.2;binarize:bc,e1');
  expect(saved.figures.sizes).toEqual([784, 32, 10]);
  // Another input now: the trained network keeps its origin and says how to start from the new one.
  await page.locator('#versions-table tr[data-id="1"] button', { hasText: 'Use as input' }).click();
  await expect(status).toContainText('Press Reset to start from the new input');
});

test('the Binarize panel embeds alone, and bad hash values are reported in words', async ({ page }) => {
  await page.goto('/embed.html#panel=binarize&bin.hidden=abc&bin.epochs=1');
  await waitReady(page);
  await expect(page.locator('#panel-binarize')).toBeVisible();
  await expect(page.locator('.notice')).toContainText('bin.hidden');
  await expect(page.locator('#bin-hidden')).toHaveValue('256,256');
  await expect(page.locator('#bin-train')).toBeEnabled();
  // An embedded panel is the whole page: it builds its network at load, without observations.
  await expect(page.locator('#bin-status')).toContainText('BNN 784 → 256 → 256 → 10');
  await expect(page.locator('#bin-heatmap')).toHaveAttribute('data-layer', '0');
  await page.screenshot({ path: path.join(ARTIFACTS, 'binarize-embed.png'), fullPage: true });
});
