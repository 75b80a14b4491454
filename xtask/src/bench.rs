//! `cargo xtask bench`: speed, measured in one run on this machine.
//!
//! The native CLI's `shrink bench`, then `www/bench.html` in headless Chromium: the page sets
//! `window.benchResult` (rows of measurements) when done, and we print it as a table.

use std::process::Command;

use crate::util::{self, note, root, run, step, Context, Result};

/// Chromium flags for a closed network (see shared/TOOLCHAIN.md).
const CHROMIUM_ARGS: &str = "['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run',\
'--disable-background-networking','--disable-component-update','--disable-sync']";

/// Drives the page and prints `window.benchResult` as a table, then as one JSON line.
const DRIVER_JS: &str = r#"
const { chromium } = require('@playwright/test');
const table = (result) => {
  let rows = result;
  if (!Array.isArray(rows)) {
    rows = Object.entries(rows).map(([name, v]) =>
      v !== null && typeof v === 'object' ? { name, ...v } : { name, value: v });
  }
  rows = rows.map((r) => (r !== null && typeof r === 'object' ? r : { value: r }));
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v) => typeof v === 'number' && !Number.isInteger(v)
    ? (Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4)) : String(v ?? '');
  const cells = rows.map((r) => cols.map((c) => cell(r[c])));
  const width = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (vals) => vals.map((v, i) => i === 0 ? v.padEnd(width[i]) : v.padStart(width[i])).join('  ');
  console.log(line(cols));
  console.log(width.map((w) => '-'.repeat(w)).join('  '));
  cells.forEach((r) => console.log(line(r)));
};
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.error('[page error] ' + m.text()); });
  page.on('pageerror', (e) => console.error('[page exception] ' + e.message));
  page.on('response', (r) => { if (r.status() >= 400) console.error(`[page http ${r.status()}] ${r.url()}`); });
  await page.goto(process.env.SHRINK_URL + '/bench.html');
  await page.waitForFunction(() => window.benchResult !== undefined, null,
    { timeout: 20 * 60 * 1000, polling: 500 });
  const result = await page.evaluate(() => window.benchResult);
  table(result);
  console.log('JSON ' + JSON.stringify(result));
  // The real page: LeNet-300-100, 10 epochs, seed 1, trained in its worker; per-epoch test
  // accuracy and the samples/s it shows (issue 2's "98.0 % after 10 epochs in the page").
  const app = await browser.newPage();
  app.on('pageerror', (e) => console.error('[page exception] ' + e.message));
  await app.goto(process.env.SHRINK_URL + '/#hidden=300,100&epochs=10&seed=1');
  await app.waitForFunction(() => window.shrinkTimings && window.shrinkTimings.readyToTrain > 0, null, { timeout: 120000 });
  const ready = await app.evaluate(() => window.shrinkTimings.readyAfterDataMs);
  await app.click('#btn-play');
  const epochs = [];
  for (let e = 1; e <= 10; e++) {
    const acc = app.locator(`#stat-test-acc[data-epoch="${e}"]`);
    await acc.waitFor({ timeout: 600000 });
    const value = Number(await acc.getAttribute('data-value'));
    const rate = await app.locator('#samples-per-sec').getAttribute('data-value');
    epochs.push({ epoch: e, testAccuracy: (100 * value).toFixed(2) + ' %', samplesPerSec: Math.round(Number(rate)) });
  }
  console.log(`\npage: LeNet-300-100, 10 epochs, seed 1 (ready ${Math.round(ready)} ms after the data arrived)`);
  table(epochs);
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
"#;

pub fn run_all() -> Result {
    crate::build::run_all()?;
    native()?;
    browser()
}

/// `cargo run --release --bin shrink -- bench`, if the CLI has that subcommand yet.
fn native() -> Result {
    step("native bench (shrink bench)");
    if !cli_has_bench() {
        note("skipped: crate/bin has no `bench` subcommand yet");
        return Ok(());
    }
    run(util::cargo().args(["run", "--release", "--bin", "shrink", "--", "bench"]))
}

/// A cheap look at the CLI's source, so a missing subcommand is a notice and not a failure.
fn cli_has_bench() -> bool {
    let Ok(entries) = std::fs::read_dir(root().join("crate").join("bin")) else {
        return false;
    };
    entries
        .flatten()
        .any(|e| std::fs::read_to_string(e.path()).is_ok_and(|src| src.contains("\"bench\"")))
}

/// www/bench.html in headless Chromium, served in-process on a free port.
fn browser() -> Result {
    step("browser bench (www/bench.html, headless Chromium)");
    let www = root().join("www");
    if !www.join("bench.html").exists() {
        note("skipped: www/bench.html does not exist yet");
        return Ok(());
    }
    if !std::path::Path::new("/usr/bin/chromium").exists() {
        note("skipped: /usr/bin/chromium is missing (`cargo xtask test` installs it)");
        return Ok(());
    }
    let addr = crate::serve::start(&www, 0, false)?;
    let url = format!("http://{addr}");
    note(&format!("serving www/ at {url}"));
    let dir = util::target_dir().join("xtask");
    std::fs::create_dir_all(&dir).context(|| format!("cannot create {}", dir.display()))?;
    let driver = dir.join("bench-driver.cjs");
    std::fs::write(&driver, DRIVER_JS.replace("CHROMIUM_ARGS", CHROMIUM_ARGS))
        .context(|| format!("cannot write {}", driver.display()))?;
    run(Command::new("node")
        .current_dir(root())
        .arg(&driver)
        .env("SHRINK_URL", &url)
        // The driver lives under target/; let it find @playwright/test in the repo.
        .env("NODE_PATH", root().join("node_modules")))
}
