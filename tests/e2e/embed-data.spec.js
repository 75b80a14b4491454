// data=small against the full set, measured on an embedded Prune panel served out of the dist
// folder by a plain static server: bytes downloaded (every response body, html to wasm to data
// to model) and the time until the panel is ready (window.shrinkTimings.readyToTrain, ms after
// navigation), once over loopback and once over an emulated 20 Mbit/s, 40 ms link. Times are
// reported, never asserted; the test asserts only the bytes and what the panel says.
// Figures: tests/e2e/artifacts/embed-data.json and the test's annotations.
const fs = require('fs');
const path = require('path');
const { test, expect, waitReady, ARTIFACTS } = require('./fixtures');
const { serve } = require('./support/static-server');

const ROOT = path.join(__dirname, '..', '..');
const DIST = process.env.SHRINK_DIST || path.join(ROOT, 'target', 'dist', 'shrink');
const PREFIX = '/docs/shrink/';
const LINK = { offline: false, latency: 40, downloadThroughput: (20e6 / 8), uploadThroughput: (5e6 / 8) };

async function measure(browser, url, throttle) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  if (throttle) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', LINK);
  }
  const bodies = [];
  page.on('requestfinished', async (req) => {
    const sizes = await req.sizes().catch(() => null);
    if (sizes) bodies.push({ url: req.url(), bytes: sizes.responseBodySize });
  });
  await page.goto(url);
  const t = await waitReady(page, 240_000);
  const status = await page.locator('#data-status').textContent();
  await page.waitForTimeout(300); // let the last requestfinished events land
  await context.close();
  expect(errors).toEqual([]);
  const total = bodies.reduce((a, b) => a + b.bytes, 0);
  const data = bodies.filter((b) => b.url.includes('/data/')).reduce((a, b) => a + b.bytes, 0);
  return { total, data, readyMs: t.readyToTrain, dataSet: t.dataSet, status, pretrained: t.pretrained };
}

test('data=small downloads a fraction of the full set and says so', async ({ browser }) => {
  test.setTimeout(600_000);
  if (!fs.existsSync(path.join(DIST, 'embed.html'))) throw new Error(`no dist folder at ${DIST}: run \`cargo xtask dist\``);
  const host = await serve({ root: DIST, prefix: PREFIX, headers: 'plain' });
  const rows = {};
  try {
    for (const throttle of [false, true]) {
      for (const set of ['small', 'full']) {
        const m = await measure(browser, host.url(`${PREFIX}embed.html#panel=prune&data=${set}`), throttle);
        rows[`${set}${throttle ? ' @20Mbit/s' : ' loopback'}`] = m;
      }
    }
  } finally {
    await host.close();
  }
  const small = rows['small loopback'];
  const full = rows['full loopback'];
  const gz = (dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.gz')).reduce((a, f) => a + fs.statSync(path.join(dir, f)).size, 0);
  const testGz = ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].reduce((a, f) => a + fs.statSync(path.join(DIST, 'data', f)).size, 0);
  // The data bytes are exactly the files: full = the four .gz, small = its two + the test pair.
  expect(full.data).toBe(gz(path.join(DIST, 'data')));
  expect(small.data).toBe(gz(path.join(DIST, 'data', 'small')) + testGz);
  expect(small.data).toBeLessThan(0.25 * full.data);
  expect(full.total - small.total).toBe(full.data - small.data); // the rest is the same page
  expect(small.dataSet).toBe('small');
  expect(small.status).toContain('Small set: the first 6,000');
  expect(full.status).not.toContain('Small set');

  const table = Object.entries(rows).map(([k, m]) => `${k}: ${m.total} B in all (${m.data} B of MNIST), ready after ${m.readyMs} ms`);
  for (const line of table) test.info().annotations.push({ type: 'data', description: line });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, 'embed-data.json'), JSON.stringify(rows, null, 1));
  console.log(table.join('\n'));
});
