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

/// Setup (without the browser), then the wasm build: the single-thread module, then the
/// threaded one (a failure there is reported and the page keeps its single-thread module).
pub fn run_all() -> Result {
    setup::run_all(Browser::Skip)?;
    build_wasm()?;
    if let Err(e) = build_threads() {
        let _ = std::fs::remove_dir_all(threads_pkg_dir());
        note(&format!(
            "no threaded module (the page runs single-threaded everywhere): {e}"
        ));
    }
    crate::models::pretrained(&|| Ok(crate::util::cargo_fast_release()))
}

/// The threaded module's files (loaded by the worker only when the page is cross-origin
/// isolated).
pub fn threads_pkg_dir() -> PathBuf {
    root().join("www").join("pkg-threads")
}

/// Link arguments that make the memory shared and export the TLS symbols wasm-bindgen needs.
/// Since rust-lang/rust#147225 `+atomics` alone no longer makes the memory shared (the build
/// succeeds and the page then fails): every flag here is needed. 1 GiB is the most memory the
/// shared module can grow to (training on full MNIST peaks far below it).
const THREADS_RUSTFLAGS: &str =
    "-C target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128 \
-C link-arg=--shared-memory -C link-arg=--import-memory -C link-arg=--max-memory=1073741824 \
-C link-arg=--export=__wasm_init_tls -C link-arg=--export=__tls_size \
-C link-arg=--export=__tls_align -C link-arg=--export=__tls_base";

/// The threaded module in `www/pkg-threads/`: the pinned nightly, `-Z build-std` (std itself
/// must be rebuilt with atomics), cargo feature `threads` (rayon + wasm-bindgen-rayon), shared
/// memory. Its own target dir keeps the stable build's artifacts fresh.
pub fn build_threads() -> Result {
    step("cargo build (wasm32, release, threads: nightly + build-std + shared memory)");
    let target_dir = util::target_dir().join("threads");
    let mut cmd = Command::new("rustup");
    cmd.current_dir(root())
        .args([
            "run",
            setup::NIGHTLY,
            "cargo",
            "build",
            "--release",
            "--lib",
        ])
        .args([
            "--package",
            "shrink",
            "--target",
            TARGET,
            "--features",
            "threads",
        ])
        .args(["-Z", "build-std=panic_abort,std"])
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("RUSTFLAGS", THREADS_RUSTFLAGS);
    // The outer `cargo run` of xtask points these at the stable toolchain.
    for var in [
        "RUSTC",
        "RUSTDOC",
        "CARGO",
        "RUSTUP_TOOLCHAIN",
        "RUSTC_WRAPPER",
    ] {
        cmd.env_remove(var);
    }
    run(&mut cmd)?;
    let artifact = target_dir.join(TARGET).join("release").join("shrink.wasm");
    let pkg = threads_pkg_dir();
    let wasm = pkg.join("shrink_bg.wasm");
    if pkg.join("shrink.js").exists() && util::up_to_date(&wasm, &[&artifact]) {
        note("www/pkg-threads is newer than the cargo artifact: nothing to do");
        return report_size(&wasm);
    }
    bindgen(&artifact, &pkg)?;
    optimise_with(&wasm, &["--enable-threads"])?;
    report_size(&wasm)
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

/// The `+relaxed-simd` twin of the module in `www/pkg-relaxed/`, built for `cargo xtask bench`
/// only: it measures whether f32x4.relaxed_madd pays before the page would ship a second module
/// (issue 12 asks for ≥ 5 %). Its own target dir keeps the main build's artifacts fresh.
pub fn build_relaxed() -> Result {
    step("cargo build (wasm32, release, +relaxed-simd) for the bench");
    let target_dir = util::target_dir().join("relaxed");
    run(util::cargo()
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("RUSTFLAGS", "-C target-feature=+simd128,+relaxed-simd")
        .args([
            "build",
            "--release",
            "--lib",
            "--package",
            "shrink",
            "--target",
            TARGET,
        ]))?;
    let artifact = target_dir.join(TARGET).join("release").join("shrink.wasm");
    let pkg = root().join("www").join("pkg-relaxed");
    let wasm = pkg.join("shrink_bg.wasm");
    if pkg.join("shrink.js").exists() && util::up_to_date(&wasm, &[&artifact]) {
        note("www/pkg-relaxed is newer than the cargo artifact: nothing to do");
        return Ok(());
    }
    bindgen(&artifact, &pkg)?;
    optimise_with(&wasm, &["--enable-relaxed-simd"])
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
    optimise_with(wasm, &[])
}

fn optimise_with(wasm: &std::path::Path, extra: &[&str]) -> Result {
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
        .args(extra)
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
