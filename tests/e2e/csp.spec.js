// Content-Security-Policy (issue 13): `cargo xtask serve` sends it as a header and index.html
// carries it as a meta tag for static hosts. The page must fully work under it (no violation
// reported while training and compressing), and injected inline code must not run, with the
// header and with the meta tag alone.
const { test, expect, openPage, pageShot } = require('./fixtures');

const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'";

/** Records every CSP violation the page (and its worker, via the page) reports. */
async function watchViolations(page) {
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI || ''} ${e.sample || ''}`.trim()),
    );
  });
}

/** Injects an inline script and an inline handler; returns whether either ran. */
async function inject(page) {
  return page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.injectedRan = true;';
    document.body.append(s);
    const b = document.createElement('button');
    b.setAttribute('onclick', 'window.handlerRan = true;');
    document.body.append(b);
    b.click();
    await new Promise((r) => setTimeout(r, 100));
    return { script: window.injectedRan === true, handler: window.handlerRan === true, violations: window.cspViolations.length };
  });
}

const refused = (e) => /Content Security Policy|Refused to execute inline/.test(e);

test('csp: the page trains, prunes and quantizes under the policy with no violation', async ({ page }) => {
  await watchViolations(page);
  for (const path of ['/', '/embed.html', '/worker.js']) {
    expect((await page.request.get(path)).headers()['content-security-policy'], path).toBe(POLICY);
  }
  // Several epochs, so the second click pauses a run: one epoch of this small network can end
  // before it, and the click would then start a new run that the slider below must wait for.
  await openPage(page, '#hidden=64,32&epochs=20&seed=5');
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', POLICY);
  await page.click('#btn-play');
  await expect.poll(async () => Number((await page.textContent('#stat-step')).replace(/,/g, '')) || 0, { timeout: 60_000 }).toBeGreaterThan(200);
  await page.click('#btn-play');
  await expect(page.locator('#btn-play')).toHaveText('Play');
  await page.locator('#panel-prune').scrollIntoViewIfNeeded();
  await page.locator('#prune-slider').evaluate((s) => {
    s.value = '80';
    s.dispatchEvent(new Event('change'));
  });
  await expect(page.locator('#panel-prune')).toHaveAttribute('data-applied', '0.8', { timeout: 60_000 });
  await page.click('#q-apply');
  await expect(page.locator('#q-acc')).toHaveAttribute('data-value', /\d/, { timeout: 60_000 });
  // The heatmaps were drawn (pixels, not a blank canvas).
  const painted = await page.locator('#weights-canvas').evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) n += d[i] > 0 ? 1 : 0;
    return n;
  });
  expect(painted).toBeGreaterThan(1000);
  expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
  await pageShot(page, 'csp-page-works');
});

test('csp: an injected inline script or handler does not run (header)', async ({ page }) => {
  page.allowConsole = refused;
  await watchViolations(page);
  await openPage(page, '#hidden=32&epochs=1');
  const r = await inject(page);
  expect(r.script).toBe(false);
  expect(r.handler).toBe(false);
  expect(r.violations).toBeGreaterThanOrEqual(2);
});

test('csp: the meta tag alone (a static host without the header) also blocks inline code', async ({ page }) => {
  page.allowConsole = refused;
  await watchViolations(page);
  // Serve index.html without its CSP header: only the <meta> tag remains.
  let stripped = 0;
  await page.route(/\/(index\.html)?$/, async (route) => {
    const res = await route.fetch();
    const headers = { ...res.headers() };
    delete headers['content-security-policy'];
    stripped += 1;
    await route.fulfill({ response: res, headers });
  });
  await openPage(page, '#hidden=32&epochs=1');
  expect(stripped).toBe(1);
  const r = await inject(page);
  expect(r.script).toBe(false);
  expect(r.handler).toBe(false);
  expect(r.violations).toBeGreaterThanOrEqual(2);
});
