//! `cargo xtask bench`: speed, measured in one run on this machine.
//!
//! The native CLI's `shrink bench`, then `www/bench.html` in headless Chromium: the page sets
//! `window.benchResult` (rows of measurements) when done, and we print it as a table. Then the
//! real page trains LeNet-300-100 for 10 epochs as served (threads) and with the threaded module
//! blocked (1 thread), and the ratio is printed. `SHRINK_BENCH_ONLY=page cargo xtask bench`
//! runs only those two page runs.

use std::process::Command;

use crate::util::{self, note, root, run, step, Context, Result};

/// Chromium flags for a closed network (see shared/TOOLCHAIN.md).
const CHROMIUM_ARGS: &str = "['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run',\
'--disable-background-networking','--disable-component-update','--disable-sync']";

/// Drives www/bench.html one part per fresh page (TF.js fixes its thread count when its backend
/// starts) and prints every measurement as one table, then as one JSON line.
const DRIVER_JS: &str = r#"
const { chromium } = require('@playwright/test');
const fmt = (v) => typeof v === 'number' ? (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3)) : String(v ?? '');
const table = (rows) => {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => cols.map((c) => fmt(r[c])));
  const width = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (vals) => vals.map((v, i) => i === 0 ? v.padEnd(width[i]) : v.padStart(width[i])).join('  ');
  console.log(line(cols));
  console.log(width.map((w) => '-'.repeat(w)).join('  '));
  cells.forEach((r) => console.log(line(r)));
};
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const part = async (query) => {
    const page = await browser.newPage();
    page.on('console', (m) => { if (m.type() === 'error') console.error(`[${query} error] ` + m.text()); });
    page.on('pageerror', (e) => console.error(`[${query} exception] ` + e.message));
    page.on('response', (r) => { if (r.status() >= 400) console.error(`[${query} http ${r.status()}] ${r.url()}`); });
    await page.goto(process.env.SHRINK_URL + '/bench.html?' + query);
    await page.waitForFunction(() => window.benchResult !== undefined, null, { timeout: 30 * 60 * 1000, polling: 500 });
    const r = await page.evaluate(() => window.benchResult);
    await page.close();
    if (r.error) console.error(`[${query}] ${r.error}`);
    return r;
  };
  const isolated = await (async () => { const p = await browser.newPage(); await p.goto(process.env.SHRINK_URL + '/bench.html?part=none'); const v = await p.evaluate(() => self.crossOriginIsolated); await p.close(); return v; })();
  const threadedPkg = process.env.SHRINK_THREADED_PKG;
  // SHRINK_BENCH_ONLY=page: only the page runs (1 and 2 threads), for a quick rerun.
  if (process.env.SHRINK_BENCH_ONLY !== 'page') {
  const kern = await part('part=kernels');
  const relaxedPkg = process.env.SHRINK_RELAXED_PKG;
  const kernRelaxed = relaxedPkg ? await part('part=kernels&pkg=' + relaxedPkg) : null;
  const ours1 = await part('part=ours');
  const ours2 = threadedPkg ? await part('part=ours&threads=2&pkg=' + threadedPkg) : null;
  // The threaded module on 1 thread: what build-std + atomics cost against the plain module.
  const ours1t = threadedPkg ? await part('part=ours&threads=1&pkg=' + threadedPkg) : null;
  // The data-parallel step against the serial one, and one fork-join, in the threaded module.
  const kernThreads = threadedPkg ? await part('part=kernels&threads=2&pkg=' + threadedPkg) : null;
  const torch = process.env.SHRINK_TORCH_JSON ? JSON.parse(process.env.SHRINK_TORCH_JSON) : null;
  const tf1 = await part('part=tfjs&threads=1');
  const tf2 = await part('part=tfjs&threads=2');
  const rows = [];
  const ratio = (a, b) => (a && b) ? (a / b).toFixed(2) + '×' : '';
  const by = (r, model) => r && r.rows ? r.rows.find((x) => x.model === model) : undefined;
  for (const [label, key] of [['training, 1 epoch, SGD batch 64', 'trainSamplesPerSec'], ['inference, 10,000 test digits, batch 1000', 'inferSamplesPerSec']]) {
    for (const model of ['LeNet-300-100', '784-100-10']) {
      const [a, b, c, d] = [ours1, ours2, tf1, tf2].map((r) => by(r, model)?.[key]);
      rows.push({ measure: `${model} ${label} (samples/s)`, 'ours 1 thr': a, 'ours 2 thr': b ?? 'n/a', 'TF.js 1 thr': c, 'TF.js 2 thr': d,
        'ours÷TF.js 1 thr': ratio(a, c), 'ours÷TF.js 2 thr': ratio(b, d),
        note: [b ? `ours 2÷1 thr ${ratio(b, a)}` : '', by(ours1t, model) ? `threaded module on 1 thr ${fmt(by(ours1t, model)[key])} = ${ratio(by(ours1t, model)[key], a)} the simd128 module` : ''].filter(Boolean).join('; ') });
    }
  }
  const lenet2 = by(ours2, 'LeNet-300-100')?.trainSamplesPerSec;
  rows.push({ measure: 'native PyTorch eager, 1 core: LeNet-300-100 training, 1 epoch, SGD batch 64 (samples/s)',
    'ours 1 thr': torch ? torch.trainSamplesPerSec : 'n/a', 'ours 2 thr': '',
    note: torch ? `torch ${torch.torch}, ${torch.threads} thread; ours 1 thr ÷ PyTorch ${ratio(by(ours1, 'LeNet-300-100')?.trainSamplesPerSec, torch.trainSamplesPerSec)}, ours 2 thr ÷ PyTorch ${ratio(lenet2, torch.trainSamplesPerSec)}` : (process.env.SHRINK_TORCH_NOTE || 'skipped') });
  const acc = (r, m) => { const x = by(r, m); return x ? (100 * x.testAccuracy).toFixed(2) + ' %' : ''; };
  for (const model of ['LeNet-300-100', '784-100-10']) {
    rows.push({ measure: `${model} test accuracy after that epoch`, 'ours 1 thr': acc(ours1, model), 'ours 2 thr': acc(ours2, model) || 'n/a', 'TF.js 1 thr': acc(tf1, model), 'TF.js 2 thr': acc(tf2, model) });
  }
  const peak = kern.rows.find((r) => r.name.startsWith('peak simd128'));
  for (const r of (kernThreads ? kernThreads.rows.filter((x) => /threads|fork-join/.test(x.name)) : [])) {
    rows.push({ measure: `${r.name} (${r.name.startsWith('fork') ? 'ms' : 'GFLOP/s'}, threaded module)`, 'ours 2 thr': r.name.startsWith('fork') ? r.ms : r.gflops, note: r.note });
  }
  for (const r of kern.rows) {
    const simd = r.name.endsWith('simd128');
    const twin = kernRelaxed ? kernRelaxed.rows.find((x) => x.name === r.name) : null;
    rows.push({ measure: `${r.name} (GFLOP/s)`, 'ours 1 thr': r.gflops,
      'ours÷TF.js 1 thr': '', note: [r.note, twin && simd ? `relaxed build ${fmt(twin.gflops)} GFLOP/s = ${ratio(twin.gflops, r.gflops)} simd128 build` : ''].filter(Boolean).join('; ') });
  }
  rows.push({ measure: 'peak wasm memory, both models trained 1 epoch + evaluated (MB)', 'ours 1 thr': ours1.peakWasmBytes / 1e6, 'ours 2 thr': ours2 ? ours2.peakWasmBytes / 1e6 : 'n/a', note: 'full MNIST loaded (train + test)' });
  console.log(`\none run, headless Chromium; kernels: ${kern.kernel}; TF.js ${tf1.version} ${tf1.backend} (threads ${tf1.threads} / ${tf2.threads}); crossOriginIsolated ${isolated}`);
  table(rows);
  console.log('JSON ' + JSON.stringify({ kern, kernRelaxed, kernThreads, ours1, ours1t, ours2, tf1, tf2, torch }));
  }
  if (process.env.SHRINK_BENCH_PAGE === '0') { await browser.close(); return; }
  // The real page: LeNet-300-100, 10 epochs, seed 1, trained in its worker; per-epoch test
  // accuracy and the samples/s it shows (issue 2's "98.0 % after 10 epochs in the page"). Run
  // twice: as served (threaded module, one thread per core) and with the threaded module
  // blocked, so the worker falls back to the single-thread module as on a host without COOP/COEP
  // (issue 12's "2 threads against 1 thread, in the page").
  const pageRun = async (oneThread) => {
    const ctx = await browser.newContext();
    if (oneThread) await ctx.route('**/pkg-threads/**', (route) => route.abort());
    const app = await ctx.newPage();
    app.on('pageerror', (e) => console.error('[page exception] ' + e.message));
    await app.goto(process.env.SHRINK_URL + '/#hidden=300,100&epochs=10&seed=1');
    await app.waitForFunction(() => window.shrinkTimings && window.shrinkTimings.readyToTrain > 0, null, { timeout: 120000 });
    const ready = await app.evaluate(() => window.shrinkTimings.readyAfterDataMs);
    const kernel = await app.locator('#kernel').textContent().catch(() => '');
    // The panels' first reports on the fresh model (Prune's report, curve and heatmaps: ~0.5 s
    // of worker time) are queued at ready; let them finish, as a reader would before pressing
    // Play, so the run times training, the same way for both thread counts.
    await app.waitForTimeout(2000);
    const t0 = Date.now();
    await app.click('#btn-play');
    // The page's own clock: Play click → each epoch's test accuracy shown (www/view/train.js),
    // read once at the end. A Playwright wait on the DOM adds its polling delay (40–450 ms
    // measured) to whichever run it falls on, and polling every epoch is work on the page's
    // main thread; one slow poll for the last epoch is neither.
    await app.waitForFunction(() => (window.shrinkTimings.epochsShown || {})[10], null, { timeout: 600000, polling: 1000 });
    const shown = await app.evaluate(() => window.shrinkTimings.epochsShown);
    const epochs = [];
    for (let e = 1; e <= 10; e++) {
      const s = shown[e] || {};
      epochs.push({ epoch: e, testAccuracy: (100 * s.accuracy).toFixed(2) + ' %', samplesPerSec: s.samplesPerSec, wallSeconds: (s.ms / 1000).toFixed(2) });
    }
    const wall = shown[10].ms / 1000;
    if (!(wall > 0)) throw new Error('the page did not record when epoch 10 was shown');
    const seen = (Date.now() - t0) / 1000;
    await ctx.close();
    console.log(`\npage: LeNet-300-100, 10 epochs, seed 1, ${oneThread ? 'threaded module blocked (1 thread)' : 'as served'}; kernel badge "${(kernel || '').trim()}" (ready ${Math.round(ready)} ms after the data arrived); Play → epoch 10 shown ${wall.toFixed(2)} s by the page's clock (${seen.toFixed(2)} s until Playwright saw it)`);
    table(epochs);
    return { wall, rate: 600000 / wall, epochs };
  };
  if (!(isolated && threadedPkg)) {
    await pageRun(false);
  } else {
    // Two pairs in the order 2, 1, 1, 2 threads, so a drift of the shared host's speed during
    // the bench (its second core runs 10–40 % slower at times) weighs on both sides equally.
    const a2 = await pageRun(false);
    const a1 = await pageRun(true);
    const b1 = await pageRun(true);
    const b2 = await pageRun(false);
    const line = (two, one) => `${fmt(two.rate)} vs ${fmt(one.rate)} samples/s = ${(two.rate / one.rate).toFixed(2)}× (${two.wall.toFixed(2)} s vs ${one.wall.toFixed(2)} s)`;
    console.log(`\npage, 2 threads vs 1 thread (10 epochs of 60,000, evaluations included, by the page's clock):`);
    console.log(`  first pair:  ${line(a2, a1)}`);
    console.log(`  second pair: ${line(b2, b1)}`);
    const sum = (x, y) => ({ wall: x.wall + y.wall, rate: 1200000 / (x.wall + y.wall) });
    console.log(`  both pairs:  ${line(sum(a2, b2), sum(a1, b1))}`);
  }
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
"#;

pub fn run_all() -> Result {
    crate::build::run_all()?;
    if std::env::var("SHRINK_BENCH_ONLY").as_deref() == Ok("page") {
        // The page at 2 threads and at 1 (issue 12's ratio), nothing else.
        return browser(Err("skipped".to_string()));
    }
    if let Err(e) = crate::build::build_relaxed() {
        note(&format!(
            "no relaxed-simd module, its rows are skipped: {e}"
        ));
    }
    native()?;
    let torch = torch();
    browser(torch)
}

/// Where `cargo xtask bench` looks for an optional PyTorch (never needed by `cargo xtask test`).
/// Made by hand: `python3 -m venv target/torch-venv`, then
/// `target/torch-venv/bin/pip install torch numpy` (2026-11-30: torch 2.15.0 with its CUDA runtime
/// wheels, ~4 GB from PyPI, which it loads even on a CPU).
fn torch_python() -> std::path::PathBuf {
    util::target_dir()
        .join("torch-venv")
        .join("bin")
        .join("python")
}

/// Native PyTorch eager on one core (xtask/torch_bench.py): its JSON line, or a note why not.
fn torch() -> std::result::Result<String, String> {
    step("native PyTorch eager, one core (xtask/torch_bench.py)");
    let python = torch_python();
    if !python.exists() {
        let why = format!(
            "skipped: no {} (optional, see xtask/src/bench.rs)",
            python.display()
        );
        note(&why);
        return Err(why);
    }
    let out = Command::new(&python)
        .current_dir(root())
        .arg(root().join("xtask").join("torch_bench.py"))
        .arg(root().join("www").join("data"))
        .arg("1")
        .output()
        .map_err(|e| format!("could not run {}: {e}", python.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    match stdout.lines().rev().find(|l| l.starts_with('{')) {
        Some(line) if out.status.success() => {
            note(line);
            Ok(line.to_string())
        }
        _ => {
            let why = format!(
                "PyTorch failed: {}",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            );
            note(&why);
            Err(why)
        }
    }
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
fn browser(torch: std::result::Result<String, String>) -> Result {
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
    vendor_tfjs(&www)?;
    let addr = crate::serve::start(&www, 0, false)?;
    let url = format!("http://{addr}");
    note(&format!("serving www/ at {url}"));
    let dir = util::target_dir().join("xtask");
    std::fs::create_dir_all(&dir).context(|| format!("cannot create {}", dir.display()))?;
    let driver = dir.join("bench-driver.cjs");
    std::fs::write(&driver, DRIVER_JS.replace("CHROMIUM_ARGS", CHROMIUM_ARGS))
        .context(|| format!("cannot write {}", driver.display()))?;
    let mut cmd = Command::new("node");
    if www.join("pkg-relaxed").join("shrink.js").exists() {
        cmd.env("SHRINK_RELAXED_PKG", "pkg-relaxed");
    }
    if www.join("pkg-threads").join("shrink.js").exists() {
        cmd.env("SHRINK_THREADED_PKG", "pkg-threads");
    }
    match torch {
        Ok(json) => cmd.env("SHRINK_TORCH_JSON", json),
        Err(why) => cmd.env("SHRINK_TORCH_NOTE", why),
    };
    let before = crate::host::say("before the browser part");
    note(&before);
    run(cmd
        .current_dir(root())
        .arg(&driver)
        .env("SHRINK_URL", &url)
        // The driver lives under target/; let it find @playwright/test in the repo.
        .env("NODE_PATH", root().join("node_modules")))?;
    note(&before);
    note(&crate::host::say("after it"));
    Ok(())
}

/// Copies TF.js and its wasm backend (npm dev dependencies, pinned in package.json) into
/// `www/vendor/tfjs/`, so the bench page loads the peer from this server, like our module.
fn vendor_tfjs(www: &std::path::Path) -> Result {
    let nm = root().join("node_modules").join("@tensorflow");
    let out = www.join("vendor").join("tfjs");
    std::fs::create_dir_all(&out).context(|| format!("cannot create {}", out.display()))?;
    let files = [
        ("tfjs/dist", "tf.min.js"),
        ("tfjs-backend-wasm/dist", "tf-backend-wasm.min.js"),
        ("tfjs-backend-wasm/dist", "tfjs-backend-wasm.wasm"),
        ("tfjs-backend-wasm/dist", "tfjs-backend-wasm-simd.wasm"),
        (
            "tfjs-backend-wasm/dist",
            "tfjs-backend-wasm-threaded-simd.wasm",
        ),
    ];
    for (dir, name) in files {
        let from = nm.join(dir).join(name);
        std::fs::copy(&from, out.join(name)).context(|| {
            format!(
                "cannot copy {} (run `cargo xtask setup` for the npm dev dependencies)",
                from.display()
            )
        })?;
    }
    Ok(())
}
