// `cargo xtask soak --minutes N`: one long Playwright run (tests/soak/soak.spec.js) on the page
// served by xtask (SHRINK_URL). Not part of `cargo xtask test` (it runs for minutes on purpose).
const path = require('path');
const base = require('../e2e/playwright.config.js');

module.exports = {
  ...base,
  testDir: __dirname,
  testMatch: 'soak.spec.js',
  outputDir: path.join(__dirname, '..', 'e2e', 'artifacts', 'soak'),
  timeout: (Number(process.env.SHRINK_SOAK_MINUTES || 30) * 60 + 600) * 1000,
};
