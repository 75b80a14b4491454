// Issue 13, defects 2 and 5-7, tried on the served page as a learner would:
//   2. every RPC target is called through the worker (not only through Rust), and the
//      low-rank heatmap draws the layer it is asked for;
//   5. after an error or a worker restart every panel works again, and the test hooks exist
//      only with ?testhooks=1;
//   6. menus, labels and per-layer lists follow the model (1, 2 and 4 hidden layers);
//   7. messages name the setting as the page labels it, with its range, keep the other
//      settings, and nothing from the address is clamped silently.
// Any console error fails a test (fixtures.js).
const { test, expect, openPage, trainSteps, pageShot } = require('./fixtures');

const PRUNE = (sparsity, evalLimit = 500) => ({
  level: 'weights',
  weights: { criterion: 'magnitude', scope: 'layer', sparsity: [sparsity], holdMask: true, gradBatches: 10 },
  neurons: { criterion: 'l1', fraction: [0.5] },
  fromBase: true,
  evalLimit,
});

test('defect 2: every RPC target answers through the worker; low-rank heatmaps follow their layer', async ({ page }) => {
  await openPage(page, '#hidden=32,16&epochs=1&seed=2');
  await trainSteps(page, 200);
  const d = await page.evaluate(() => window.shrinkDebug.call('rpc', 'describe'));
  expect(d.mismatches).toEqual([]);
  const targets = [...new Set(d.targets.map((t) => t.target))].sort();
  // No `debug` target without ?testhooks=1.
  expect(targets).toEqual(['binarize', 'distill', 'jobs', 'loop', 'lowrank', 'prune', 'quantize', 'rpc', 'session', 'versions']);
  for (const t of d.targets) {
    if (['prune', 'quantize', 'lowrank', 'distill', 'binarize'].includes(t.target)) expect(t.takesSession, `${t.target}.${t.method}`).toBe(true);
    if (['session', 'loop', 'rpc', 'jobs'].includes(t.target)) expect(t.takesSession, `${t.target}.${t.method}`).toBe(false);
  }
  // The methods the page calls on each lab are all there.
  const has = (target, method) => d.targets.some((t) => t.target === target && t.method === method);
  for (const [target, method] of [['lowrank', 'heatmap'], ['distill', 'facts'], ['versions', 'saveCurrent'], ['versions', 'parseRecipe'], ['jobs', 'recipe']]) {
    expect(has(target, method), `${target}.${method}`).toBe(true);
  }
  const r = await page.evaluate(async (prune) => {
    const c = window.shrinkDebug.call;
    const out = {};
    out.sizes = (await c('session', 'info')).sizes;
    out.loop = await c('loop', 'status');
    out.prune = (await c('prune', 'apply', prune)).totalSparsity;
    const ph = await c('prune', 'heatmap', 1, 'weights', 'magnitude', 20);
    out.pruneHeat = [ph.width, ph.height];
    out.quantize = (await c('quantize', 'apply', { bits: 4 })).bits;
    out.quantizeLevels = (await c('quantize', 'histogram', 2, 40)).levels.length;
    await c('lowrank', 'analyze');
    await c('lowrank', 'apply', { layers: [{ rank: 4 }, 'full', 'full'], evalLimit: 200, timeLayer: 0 });
    out.lowrank = [];
    for (const l of [0, 1, 2]) {
      const img = await c('lowrank', 'heatmap', l);
      out.lowrank.push([img.width, img.height]);
    }
    out.distill = await c('distill', 'facts');
    out.binarize = (await c('binarize', 'configure', { train: { hidden: [16], epochs: 1 } })).sizes;
    out.debug = await c('debug', 'trap').then(() => 'ran', (e) => e.message);
    return out;
  }, PRUNE(0.5));
  expect(r.sizes).toEqual([784, 32, 16, 10]);
  expect(r.loop.running).toBe(false);
  expect(r.prune).toBeGreaterThan(0.49);
  expect(r.pruneHeat[1]).toBeGreaterThan(0);
  expect(r.quantize).toBe(4);
  expect(r.quantizeLevels).toBe(16);
  // W | Ŵ | W − Ŵ side by side, 4 px gaps: width 3·n_in + 8, height n_out — per layer.
  expect(r.lowrank).toEqual([[3 * 784 + 8, 32], [3 * 32 + 8, 16], [3 * 16 + 8, 10]]);
  expect(r.distill).toEqual({ teacher: null, student: null });
  expect(r.binarize).toEqual([784, 16, 10]);
  expect(r.debug).toContain('there is no method debug.trap');
});

test('defect 5: every panel is usable after an error and after a worker restart', async ({ page }) => {
  await openPage(page, '?testhooks=1#hidden=32,16&epochs=1&seed=3');
  await trainSteps(page, 300);
  await page.locator('#panel-prune').scrollIntoViewIfNeeded();
  // On screen, the panel measures the model as it stands (as a reader sees it before clicking).
  await expect(page.locator('#prune-status')).toContainText('The current model', { timeout: 60_000 });
  await expect(page.locator('#panel-prune')).toHaveAttribute('data-busy', '0');
  const pruneButtons = ['#prune-finetune', '#prune-iterate', '#prune-time', '#prune-sens-btn', '#prune-pitfall-btn'];
  for (const b of pruneButtons) await expect(page.locator(b)).toBeEnabled();
  // An action in flight when the worker dies: its call is rejected (an error, in words).
  // Click and kill in one turn of the page's event loop: on a fast machine the small net's
  // pitfall run could otherwise finish before the kill (the button is disabled synchronously).
  const disabledWhileRunning = await page.evaluate(() => {
    const b = document.querySelector('#prune-pitfall-btn');
    b.click();
    const disabled = b.disabled;
    window.shrinkDebug.kill();
    return disabled;
  });
  expect(disabledWhileRunning, 'the pitfall button is disabled while its job runs').toBe(true);
  await expect(page.locator('.notice', { hasText: 'interrupted' })).toBeVisible();
  await page.waitForFunction(() => window.shrinkDebug.restarts() === 1, null, { timeout: 120_000 });
  for (const b of pruneButtons) await expect(page.locator(b)).toBeEnabled();
  await expect(page.locator('#prune-status')).toContainText('restarted');
  await page.click('#prune-sens-btn');
  await expect(page.locator('#prune-sens-btn')).toBeEnabled({ timeout: 60_000 });
  await page.click('#q-apply');
  await expect(page.locator('#q-acc')).toHaveAttribute('data-value', /\d/, { timeout: 60_000 });
  await page.click('#lr-analyze');
  await expect(page.locator('#lr-acc')).toHaveAttribute('data-value', /\d/, { timeout: 60_000 });
  await page.click('#btn-step');
  await expect(page.locator('#btn-step')).toBeEnabled();
  await pageShot(page, 'reliability-after-restart');
});

for (const hidden of [[64], [100], [64, 32, 32, 16]]) {
  const sizes = [784, ...hidden, 10];
  const L = sizes.length - 1;
  test(`defect 6: menus and lists follow a ${sizes.join('-')} model (${hidden.length} hidden)`, async ({ page }) => {
    await openPage(page, `#hidden=${hidden.join(',')}&epochs=1&seed=4`);
    await trainSteps(page, 200);
    const names = sizes.slice(0, -1).map((n, i) => `layer ${i + 1} (${n} → ${sizes[i + 1]}`);
    await expect(page.locator('#panel-quantize')).toHaveAttribute('data-layers', String(L));
    const qOptions = await page.locator('#q-layer option').allTextContents();
    expect(qOptions.length).toBe(L);
    qOptions.forEach((t, i) => expect(t).toContain(names[i]));
    await page.locator('#panel-prune').scrollIntoViewIfNeeded();
    const pOptions = await page.locator('#prune-heat-layer option').allTextContents();
    expect(pOptions.length).toBe(L);
    pOptions.forEach((t, i) => expect(t).toContain(names[i]));
    await expect(page.locator('#prune-han')).toBeVisible({ visible: L === 3 });
    expect((await page.inputValue('#dc-sparsity')).split(',').length).toBe(L);

    // Prune, then show the last layer: no "invalid layer" on later changes.
    await page.locator('#prune-slider').evaluate((s) => {
      s.value = '60';
      s.dispatchEvent(new Event('input'));
      s.dispatchEvent(new Event('change'));
    });
    await expect(page.locator('#prune-layers tr')).toHaveCount(L + 1, { timeout: 60_000 });
    await page.selectOption('#prune-heat-layer', String(L - 1));
    await expect(page.locator('#prune-heatmap')).toHaveAttribute('data-layer', String(L - 1));
    await page.locator('#prune-slider').evaluate((s) => {
      s.value = '70';
      s.dispatchEvent(new Event('change'));
    });
    await expect(page.locator('#panel-prune')).toHaveAttribute('data-applied', '0.7', { timeout: 60_000 });

    // Quantize the last layer's view.
    await page.click('#q-apply');
    await expect(page.locator('#q-acc')).toHaveAttribute('data-value', /\d/, { timeout: 60_000 });
    await page.selectOption('#q-layer', String(L - 1));
    await expect(page.locator('#q-error-caption')).toContainText(`${sizes[L]} × ${sizes[L - 1]} weights`);

    // Deep Compression wants one fraction per layer of this model, and says so in words.
    await page.fill('#dc-sparsity', Array(L + 1).fill('0.9').join(','));
    await page.click('#dc-run');
    await expect(page.locator('.notice', { hasText: 'Pruned fraction per layer' })).toContainText(
      `needs ${L} value${L === 1 ? '' : 's'}, one per layer of this ${sizes.join('-')} model`,
    );
    await expect(page.locator('.notice', { hasText: /invalid layer|no such layer/ })).toHaveCount(0);
    await pageShot(page, `reliability-layers-${sizes.join('-')}`);
  });
}

test('defect 7: messages in words with the range; other settings kept; nothing clamped silently', async ({ page }) => {
  await openPage(page, '#hidden=4096,4096,4096,4096,4096,4096,4096,4096&lr=0.2&epochs=3&quantize.bits=99&prune.sparsity=5');
  const notices = page.locator('.notice');
  await expect(notices.filter({ hasText: 'Hidden layer widths' })).toContainText('12,000,000 weights and biases');
  await expect(notices.filter({ hasText: 'Bits per weight in the address (quantize.bits)' })).toContainText('a whole number from 1 to 8 (got 99)');
  await expect(notices.filter({ hasText: 'Sparsity' })).toContainText('a number from 0 to 0.99 (got 5)');
  // The other settings are kept.
  await expect(page.locator('#set-hidden')).toHaveValue('300,100');
  await expect(page.locator('#set-lr')).toHaveValue('0.2');
  await expect(page.locator('#set-epochs')).toHaveValue('3');
  expect(page.url()).toContain('lr=0.2');

  // An emptied field: named as labelled, with its range; never `lr = ""` or NaN.
  await page.fill('#set-lr', '');
  await page.locator('#set-lr').dispatchEvent('change');
  await expect(notices.filter({ hasText: 'Learning rate must be a number above 0 and at most 10 (the field is empty)' })).toBeVisible();
  await expect(page.locator('#set-lr')).toHaveValue('0.2');

  // A negative step count: not serde's "invalid type: floating point `-5.0`, expected usize".
  await page.fill('#dc-retrain', '-5');
  await page.click('#dc-run');
  await expect(notices.filter({ hasText: 'Retrain steps must be a whole number from 0 to 20,000 (got -5)' })).toBeVisible();

  // Layers are numbered from 1 in the core's messages too.
  await trainSteps(page, 20);
  const e = await page.evaluate(() => window.shrinkDebug.call('quantize', 'histogram', 5, 10).then(() => '', (x) => x.message));
  expect(e).toMatch(/no layer 6|quantize the model first|not ready/);
  const e2 = await page.evaluate(() => window.shrinkDebug.call('session', 'layerHeatmap', 5).then(() => '', (x) => x.message));
  expect(e2).toContain('there is no layer 6: this model has 3 layers (numbered 1 to 3)');

  const all = (await notices.allTextContents()).join('\n');
  for (const jargon of ['parameter count', 'invalid type', 'expected usize', 'lr = ', 'NaN', 'layer = ']) expect(all).not.toContain(jargon);
  await pageShot(page, 'reliability-messages');
});
