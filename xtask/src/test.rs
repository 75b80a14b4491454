//! `cargo xtask test`: every test the project has, in order, failing fast.
//!
//! build -> native `cargo test` -> wasm-bindgen-test in headless Chromium -> Playwright on the
//! served page. Ends with one `N passed, M failed` line over the stages, for people and CI.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::fail;
use crate::setup::{self, Browser};
use crate::util::{self, note, paint, root, run, step, Result};

/// How one stage ended.
enum Outcome {
    Passed,
    Skipped(String),
    Failed(String),
}

type Stage = (&'static str, fn() -> Result<Option<String>>);

/// A stage returns `Ok(None)` when it ran and passed, `Ok(Some(why))` when it had nothing to
/// run yet.
const STAGES: &[Stage] = &[
    ("setup + build", build),
    ("native tests (cargo test)", native),
    ("wasm tests (wasm-bindgen-test, headless Chromium)", wasm),
    ("end-to-end (Playwright)", e2e),
];

pub fn run_all() -> Result {
    let mut results: Vec<(&str, Outcome, f64)> = Vec::new();
    for (name, stage) in STAGES {
        step(&format!("stage: {name}"));
        let start = Instant::now();
        let outcome = match stage() {
            Ok(None) => Outcome::Passed,
            Ok(Some(why)) => {
                note(&format!("skipped: {why}"));
                Outcome::Skipped(why)
            }
            Err(e) => Outcome::Failed(e.to_string()),
        };
        let failed = matches!(outcome, Outcome::Failed(_));
        results.push((name, outcome, start.elapsed().as_secs_f64()));
        if failed {
            break;
        }
    }
    summarise(&results)
}

fn summarise(results: &[(&str, Outcome, f64)]) -> Result {
    println!("\n{}", paint("1", "Summary"));
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for (name, outcome, secs) in results {
        let (tag, detail) = match outcome {
            Outcome::Passed => {
                passed += 1;
                (paint("32", "PASS"), String::new())
            }
            Outcome::Skipped(why) => {
                skipped += 1;
                (paint("33", "SKIP"), format!(" ({why})"))
            }
            Outcome::Failed(err) => {
                failed += 1;
                (paint("31", "FAIL"), format!("\n         {err}"))
            }
        };
        println!("  {tag} {name:<52} {secs:>7.1} s{detail}");
    }
    for (name, _) in STAGES.iter().skip(results.len()) {
        println!("  ---- {name:<52} not run");
    }
    let skipped = if skipped > 0 {
        format!(", {skipped} skipped")
    } else {
        String::new()
    };
    println!("{passed} passed, {failed} failed{skipped}");
    if failed > 0 {
        Err(fail!("{failed} stage(s) failed"))
    } else {
        Ok(())
    }
}

fn build() -> Result<Option<String>> {
    setup::run_all(Browser::Needed)?;
    crate::build::build_wasm()?;
    // Required here: tests/e2e/threads.spec.js checks the threaded module against this one.
    crate::build::build_threads()?;
    crate::models::pretrained()?;
    Ok(None)
}

fn native() -> Result<Option<String>> {
    let python = crate::models::ort_python()?;
    run(util::cargo()
        .env("SHRINK_ORT_PYTHON", python)
        .args(["test", "--workspace", "--release"])
        .env("SHRINK_DATA", crate::mnist::data_dir()))?;
    Ok(None)
}

fn wasm() -> Result<Option<String>> {
    if !root().join("tests").join("web.rs").exists() {
        return Ok(Some("tests/web.rs does not exist yet".into()));
    }
    let mut cmd = util::cargo();
    cmd.args(["test", "--release", "--target", "wasm32-unknown-unknown"])
        // Every browser test binary: tests/web.rs plus one tests/web_<method>.rs per method.
        .args(
            web_test_names()
                .iter()
                .flat_map(|n| ["--test".to_string(), n.clone()]),
        )
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        // Browser even if a test file forgets `wasm_bindgen_test_configure!(run_in_browser)`.
        .env("WASM_BINDGEN_USE_BROWSER", "1")
        .env("PATH", util::path_with_tools())
        .env("SHRINK_DATA", crate::mnist::data_dir());
    // The runner's default per-test timeout (20 s) is too short for tests that train.
    if std::env::var_os("WASM_BINDGEN_TEST_TIMEOUT").is_none() {
        cmd.env("WASM_BINDGEN_TEST_TIMEOUT", "300");
    }
    run(&mut cmd)?;
    Ok(None)
}

fn e2e() -> Result<Option<String>> {
    let dir = root().join("tests").join("e2e");
    if !has_specs(&dir) {
        return Ok(Some("no tests/e2e/*.spec.js yet".into()));
    }
    let addr = crate::serve::start(&root().join("www"), 0, false)?;
    let url = format!("http://{addr}");
    note(&format!("serving www/ at {url}"));
    // The local binary directly: `npx` would be the same file, minus a chance of a registry call.
    run(Command::new(root().join("node_modules/.bin/playwright"))
        .current_dir(root())
        .args(["test", "--config", "tests/e2e/playwright.config.js"])
        .env("SHRINK_URL", &url)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))?;
    Ok(None)
}

fn has_specs(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".spec.js"))
    })
}

/// Names of the wasm-bindgen test binaries: `tests/web*.rs`.
fn web_test_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with("web") && n.ends_with(".rs"))
        .map(|n| n.trim_end_matches(".rs").to_string())
        .collect();
    names.sort();
    names
}
