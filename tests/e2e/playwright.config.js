// Playwright end-to-end tests on the served page. Run through `cargo xtask test`, which builds
// the page, serves www/ in-process on a free port and passes its address as SHRINK_URL.
// Uses the system Chromium (Debian's /usr/bin/chromium): Playwright's own browser download
// cannot work on a machine that reaches only package registries.
const path = require('path');
const { defineConfig } = require('@playwright/test');

module.exports = defineConfig({
  testDir: __dirname,
  testMatch: '**/*.spec.js',
  outputDir: path.join(__dirname, 'artifacts', 'results'),
  // The tests train on the full MNIST set in a 2-core machine's wasm worker.
  timeout: 240 * 1000,
  expect: { timeout: 30 * 1000 },
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: 'list',
  use: {
    baseURL: process.env.SHRINK_URL,
    browserName: 'chromium',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
