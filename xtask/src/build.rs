//! `cargo xtask build`: the wasm module and its JS glue in `www/pkg/`, and its threaded twin in
//! `www/pkg-threads/` (the bench adds the relaxed-simd twin in `www/pkg-relaxed/`). Every
//! variant goes the same way:
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

/// One build of the module: the page's single-thread module, its threaded twin, or the bench's
/// relaxed-simd twin. Each twin compiles into its own target dir (its own flags would otherwise
/// rebuild the main build's artifacts) and binds into its own `www/pkg-*` directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// `www/pkg/`: stable toolchain, simd128 (from `.cargo/config.toml`).
    Plain,
    /// `www/pkg-threads/`: loaded by the worker only when the page is cross-origin isolated.
    Threads,
    /// `www/pkg-relaxed/`: built for `cargo xtask bench` only, to measure whether
    /// f32x4.relaxed_madd pays before the page would ship a second module (issue 12 asks for
    /// ≥ 5 %).
    Relaxed,
}

impl Variant {
    /// Where its generated files go.
    pub fn pkg_dir(self) -> PathBuf {
        let name = match self {
            Variant::Plain => "pkg",
            Variant::Threads => "pkg-threads",
            Variant::Relaxed => "pkg-relaxed",
        };
        root().join("www").join(name)
    }

    fn target_dir(self) -> PathBuf {
        match self {
            Variant::Plain => util::target_dir(),
            Variant::Threads => util::target_dir().join("threads"),
            Variant::Relaxed => util::target_dir().join("relaxed"),
        }
    }

    /// What the step line says is being built.
    fn what(self) -> &'static str {
        match self {
            Variant::Plain => "wasm32, release",
            Variant::Threads => "wasm32, release, threads: nightly + build-std + shared memory",
            Variant::Relaxed => "wasm32, release, +relaxed-simd, for the bench",
        }
    }

    /// The wasm-opt features it needs beyond [`WASM_FEATURES`].
    fn opt_features(self) -> &'static [&'static str] {
        match self {
            Variant::Plain => &[],
            Variant::Threads => &["--enable-threads"],
            Variant::Relaxed => &["--enable-relaxed-simd"],
        }
    }

    /// The cargo command that compiles it.
    fn cargo(self) -> Command {
        let mut cmd = match self {
            Variant::Threads => {
                // The pinned nightly, `-Z build-std` (std itself must be rebuilt with atomics),
                // cargo feature `threads` (rayon + wasm-bindgen-rayon), shared memory.
                let mut cmd = Command::new("rustup");
                cmd.current_dir(root())
                    .args(["run", setup::NIGHTLY, "cargo"])
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
                cmd
            }
            Variant::Relaxed => {
                let mut cmd = util::cargo();
                cmd.env("RUSTFLAGS", "-C target-feature=+simd128,+relaxed-simd");
                cmd
            }
            Variant::Plain => util::cargo(),
        };
        cmd.args([
            "build",
            "--release",
            "--lib",
            "--package",
            "shrink",
            "--target",
            TARGET,
        ]);
        if self == Variant::Threads {
            cmd.args(["--features", "threads", "-Z", "build-std=panic_abort,std"]);
        }
        if self != Variant::Plain {
            cmd.env("CARGO_TARGET_DIR", self.target_dir());
        }
        cmd
    }
}

/// The threaded module's files (loaded by the worker only when the page is cross-origin
/// isolated).
pub fn threads_pkg_dir() -> PathBuf {
    Variant::Threads.pkg_dir()
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

/// Link arguments that make the memory shared and export the TLS symbols wasm-bindgen needs.
/// Since rust-lang/rust#147225 `+atomics` alone no longer makes the memory shared (the build
/// succeeds and the page then fails): every flag here is needed. 1 GiB is the most memory the
/// shared module can grow to (training on full MNIST peaks far below it).
const THREADS_RUSTFLAGS: &str =
    "-C target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128 \
-C link-arg=--shared-memory -C link-arg=--import-memory -C link-arg=--max-memory=1073741824 \
-C link-arg=--export=__wasm_init_tls -C link-arg=--export=__tls_size \
-C link-arg=--export=__tls_align -C link-arg=--export=__tls_base";

/// Compiles `variant`, then binds and optimises it into its `www/pkg*` directory, skipping
/// bindgen + opt when that directory is newer than the cargo artifact (and the npm lock, which
/// pins wasm-opt).
pub fn build(variant: Variant) -> Result {
    step(&format!("cargo build ({})", variant.what()));
    run(&mut variant.cargo())?;
    let artifact = variant
        .target_dir()
        .join(TARGET)
        .join("release")
        .join("shrink.wasm");
    if !artifact.exists() {
        return Err(fail!("cargo did not produce {}", artifact.display()));
    }
    let pkg = variant.pkg_dir();
    let shown = pkg
        .strip_prefix(root())
        .unwrap_or(&pkg)
        .display()
        .to_string();
    let wasm = pkg.join("shrink_bg.wasm");
    step(&format!("wasm-bindgen + wasm-opt into {shown}"));
    if pkg.join("shrink.js").exists()
        && util::up_to_date(&wasm, &[&artifact, &root().join("package-lock.json")])
    {
        note(&format!(
            "{shown} is newer than the cargo artifact: nothing to do"
        ));
    } else {
        bindgen(&artifact, &pkg)?;
        if let Err(e) = optimise(&wasm, variant.opt_features()) {
            // An unoptimised module must not look up to date next time.
            let _ = std::fs::remove_file(&wasm);
            return Err(e);
        }
    }
    report_size(&wasm)
}

/// The page's single-thread module in `www/pkg/`.
pub fn build_wasm() -> Result {
    build(Variant::Plain)
}

/// The threaded module in `www/pkg-threads/`.
pub fn build_threads() -> Result {
    build(Variant::Threads)
}

/// The `+relaxed-simd` module in `www/pkg-relaxed/`, for the bench.
pub fn build_relaxed() -> Result {
    build(Variant::Relaxed)
}

fn bindgen(artifact: &std::path::Path, pkg: &std::path::Path) -> Result {
    let bin = tools_bin().join("wasm-bindgen");
    run(Command::new(&bin)
        .current_dir(root())
        .args(["--target", "web", "--out-name", "shrink", "--out-dir"])
        .arg(pkg)
        .arg(artifact))
}

fn optimise(wasm: &std::path::Path, extra: &[&str]) -> Result {
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

/// Most gzipped bytes a module may have: a visitor downloads it before the page can train.
/// Today's modules are ~650 KiB gzipped (the threaded one ~10 KiB more); a change that grows
/// one past this (a new dependency pulling in formatting or unicode tables, a debug build
/// slipping through) fails the build, and so `cargo xtask test`, instead of going unnoticed.
const GZIP_BUDGET: usize = 800 * 1024;

/// An error when a module of `gz` gzipped bytes is over [`GZIP_BUDGET`].
fn check_budget(name: &str, gz: usize) -> Result {
    if gz > GZIP_BUDGET {
        return Err(fail!(
            "{name} is {} gzipped, over the {} budget (GZIP_BUDGET in xtask/src/build.rs): find what grew (twiggy, or `wasm-opt --metrics`) before raising it",
            util::human_bytes(gz as u64),
            util::human_bytes(GZIP_BUDGET as u64)
        ));
    }
    Ok(())
}

/// Prints the module's size raw and gzipped (the number a visitor actually downloads) and
/// holds it to [`GZIP_BUDGET`].
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
    check_budget(&wasm.display().to_string(), gz.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_size_budget_refuses_a_module_one_byte_over() {
        assert!(check_budget("m.wasm", 650 * 1024).is_ok());
        assert!(check_budget("m.wasm", GZIP_BUDGET).is_ok());
        let over = check_budget("m.wasm", GZIP_BUDGET + 1)
            .unwrap_err()
            .to_string();
        assert!(over.contains("m.wasm") && over.contains("budget"), "{over}");
    }
}
