//! `cargo xtask build`: the wasm module and its JS glue in `www/pkg/`.
//!
//! cargo (wasm32, +simd128) -> wasm-bindgen `--target web` -> wasm-opt -O3 from npm binaryen.
//! Debian's binaryen 108 corrupts wasm-bindgen 0.2.130 output (it points the externref table
//! export at the funcref table), so only `node_modules/.bin/wasm-opt` is ever used.

use std::path::PathBuf;
use std::process::Command;

use crate::fail;
use crate::mnist::gzip;
use crate::setup::{self, Browser};
use crate::util::{self, note, root, run, step, tools_bin, Context, Result};

const TARGET: &str = "wasm32-unknown-unknown";

/// Features that rustc's default wasm32 CPU emits and wasm-bindgen's output keeps; wasm-opt must
/// be told, or it rejects the module ("all used features should be allowed").
const WASM_FEATURES: &[&str] = &[
    "--enable-simd",
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-call-indirect-overlong",
];

/// The page's generated files.
pub fn pkg_dir() -> PathBuf {
    root().join("www").join("pkg")
}

/// Setup (without the browser), then the wasm build.
pub fn run_all() -> Result {
    setup::run_all(Browser::Skip)?;
    build_wasm()?;
    crate::models::pretrained()
}

/// Builds, binds and optimises the module, skipping bindgen + opt when `www/pkg` is current.
pub fn build_wasm() -> Result {
    step("cargo build (wasm32, release)");
    run(util::cargo().args([
        "build",
        "--release",
        "--lib",
        "--package",
        "shrink",
        "--target",
        TARGET,
    ]))?;
    let artifact = util::target_dir()
        .join(TARGET)
        .join("release")
        .join("shrink.wasm");
    if !artifact.exists() {
        return Err(fail!("cargo did not produce {}", artifact.display()));
    }

    let pkg = pkg_dir();
    let wasm = pkg.join("shrink_bg.wasm");
    let glue = pkg.join("shrink.js");
    step("wasm-bindgen + wasm-opt into www/pkg");
    if glue.exists() && util::up_to_date(&wasm, &[&artifact, &root().join("package-lock.json")]) {
        note("www/pkg is newer than the cargo artifact: nothing to do");
    } else {
        bindgen(&artifact, &pkg)?;
        if let Err(e) = optimise(&wasm) {
            // An unoptimised module must not look up to date next time.
            let _ = std::fs::remove_file(&wasm);
            return Err(e);
        }
    }
    report_size(&wasm)
}

fn bindgen(artifact: &std::path::Path, pkg: &std::path::Path) -> Result {
    let bin = tools_bin().join("wasm-bindgen");
    run(Command::new(&bin)
        .current_dir(root())
        .args(["--target", "web", "--out-name", "shrink", "--out-dir"])
        .arg(pkg)
        .arg(artifact))
}

fn optimise(wasm: &std::path::Path) -> Result {
    let opt = root().join("node_modules").join(".bin").join("wasm-opt");
    if !opt.exists() {
        return Err(fail!(
            "{} is missing: run `cargo xtask setup` (npm binaryen)",
            opt.display()
        ));
    }
    let tmp = wasm.with_extension("opt.wasm");
    let before = std::fs::metadata(wasm)?.len();
    run(Command::new(&opt)
        .current_dir(root())
        .arg("-O3")
        .args(WASM_FEATURES)
        .arg(wasm)
        .arg("-o")
        .arg(&tmp))?;
    std::fs::rename(&tmp, wasm).context(|| format!("cannot replace {}", wasm.display()))?;
    let after = std::fs::metadata(wasm)?.len();
    note(&format!(
        "wasm-opt: {} -> {}",
        util::human_bytes(before),
        util::human_bytes(after)
    ));
    Ok(())
}

/// Prints the module's size raw and gzipped: the number a visitor actually downloads.
fn report_size(wasm: &std::path::Path) -> Result {
    let bytes = std::fs::read(wasm).context(|| format!("cannot read {}", wasm.display()))?;
    let gz = gzip(&bytes, 9)?;
    println!(
        "    {}: {} bytes raw ({}), {} bytes gzipped ({})",
        wasm.strip_prefix(root()).unwrap_or(wasm).display(),
        bytes.len(),
        util::human_bytes(bytes.len() as u64),
        gz.len(),
        util::human_bytes(gz.len() as u64)
    );
    Ok(())
}
