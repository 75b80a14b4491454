//! `cargo xtask test`: every test the project has, in order, failing fast.
//!
//! build -> native (clippy `-D warnings` on all targets, then `cargo test`) -> wasm (clippy's
//! safety lints, then wasm-bindgen-test in headless Chromium) -> Playwright on the served page.
//! Clippy runs inside the test builds (see `util::cargo_linted`), not as a separate
//! `cargo clippy` that would compile every dependency again. Ends with one `N passed, M failed` line over the stages, for people and CI. A stage
//! whose tests are missing fails: a suite that silently shrinks would otherwise still pass.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::fail;
use crate::setup::{self, Browser};
use crate::util::{self, note, paint, root, run, step, Result};

/// How one stage ended.
enum Outcome {
    Passed,
    Failed(String),
}

type Stage = (&'static str, fn() -> Result);

/// Every stage must run and pass; one with nothing to run is a failure.
const STAGES: &[Stage] = &[
    ("setup + build", build),
    ("native (clippy -D warnings, cargo test)", native),
    ("wasm (clippy safety lints, wasm-bindgen-test)", wasm),
    ("end-to-end (Playwright)", e2e),
];

pub fn run_all() -> Result {
    let mut results: Vec<(&str, Outcome, f64)> = Vec::new();
    for (name, stage) in STAGES {
        step(&format!("stage: {name}"));
        let start = Instant::now();
        let outcome = match stage() {
            Ok(()) => Outcome::Passed,
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
    let (mut passed, mut failed) = (0, 0);
    for (name, outcome, secs) in results {
        let (tag, detail) = match outcome {
            Outcome::Passed => {
                passed += 1;
                (paint("32", "PASS"), String::new())
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
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        Err(fail!("{failed} stage(s) failed"))
    } else {
        Ok(())
    }
}

fn build() -> Result {
    setup::run_all(Browser::Needed)?;
    crate::build::build_wasm()?;
    // Required here: tests/e2e/threads.spec.js checks the threaded module against this one.
    crate::build::build_threads()?;
    crate::models::pretrained(&|| util::cargo_linted(util::NATIVE_LINTS))?;
    // Required here: tests/e2e/embed*.spec.js serve this folder from a second origin and a subpath.
    crate::dist::write_dist().map(|_| ())
}

/// Native: clippy with warnings as errors on every target of the workspace (test code may
/// unwrap: see the `allow`s at the top of crate/lib.rs and tests/*.rs), compiled once, then
/// every test. `--no-run` first, so a lint reads as a lint and not as a failed test.
fn native() -> Result {
    let python = crate::models::ort_python()?;
    let tests = ["test", "--workspace", "--release", "--all-targets"];
    run(util::cargo_linted(util::NATIVE_LINTS)?
        .args(tests)
        .arg("--no-run"))
    .map_err(|e| fail!("clippy or the native build failed: {e}"))?;
    run(util::cargo_linted(util::NATIVE_LINTS)?
        .env("SHRINK_ORT_PYTHON", python)
        .args(tests)
        .env("SHRINK_DATA", crate::mnist::data_dir()))
}

fn wasm() -> Result {
    if web_test_names().is_empty() {
        return Err(fail!("no browser tests: tests/web*.rs is missing"));
    }
    // Clippy's safety lints run on the library as it compiles for wasm32 (util::WASM_LINTS).
    let mut cmd = util::cargo_linted(util::WASM_LINTS)?;
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
    run(&mut cmd)
}

fn e2e() -> Result {
    require_specs(&root().join("tests").join("e2e"))?;
    let addr = crate::serve::start(&root().join("www"), 0, false)?;
    let url = format!("http://{addr}");
    note(&format!("serving www/ at {url}"));
    // The local binary directly: `npx` would be the same file, minus a chance of a registry call.
    run(Command::new(root().join("node_modules/.bin/playwright"))
        .current_dir(root())
        .args(["test", "--config", "tests/e2e/playwright.config.js"])
        .env("SHRINK_URL", &url)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))
}

/// A missing suite fails the stage (it used to print SKIP and pass).
fn require_specs(dir: &Path) -> Result {
    if has_specs(dir) {
        Ok(())
    } else {
        Err(fail!(
            "no end-to-end tests: {}/*.spec.js is missing",
            dir.display()
        ))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_stage_fails_instead_of_skipping() {
        let dir = std::env::temp_dir().join(format!("shrink-xtask-empty-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        assert!(require_specs(&dir).is_err());
        assert!(require_specs(&dir.join("absent")).is_err());
        assert!(require_specs(&root().join("tests").join("e2e")).is_ok());
        let failed = [("x", Outcome::Failed("boom".into()), 0.0)];
        assert!(summarise(&failed).is_err());
        assert!(summarise(&[("x", Outcome::Passed, 0.0)]).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
