//! Model files the page and the tests need that are made, not committed:
//! `www/models/lenet-300-100.safetensors`, the pretrained LeNet-300-100 that embedded panels
//! start from (`shrink train --epochs 10 --seed 1 --save …`: the same seed gives the same file),
//! and the Python venv with PyPI `onnxruntime` + numpy that checks our ONNX exports.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use crate::fail;
use crate::util::{self, note, root, run, step, Result};

/// The pretrained model file.
pub fn pretrained_path() -> PathBuf {
    root()
        .join("www")
        .join("models")
        .join("lenet-300-100.safetensors")
}

/// Trains and saves LeNet-300-100 if the file is absent (seeded: reproducible). `cargo` makes
/// the cargo command: [`util::cargo_fast_release`] for `cargo xtask build`, the linted one for
/// `cargo xtask test`, so that the native tests reuse this build.
pub fn pretrained(cargo: &dyn Fn() -> Result<Command>) -> Result {
    let path = pretrained_path();
    if path.exists() {
        note(&format!("{} exists", path.display()));
        return Ok(());
    }
    step("pretrained LeNet-300-100 into www/models (shrink train --epochs 10 --seed 1)");
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| fail!("cannot create {}: {e}", dir.display()))?;
    }
    let tmp = path.with_extension("partial");
    run(cargo()?
        .args([
            "run",
            "--release",
            "--quiet",
            "--bin",
            "shrink",
            "--",
            "train",
            "--epochs",
            "10",
            "--seed",
            "1",
            "--save",
        ])
        .arg(&tmp)
        .env("SHRINK_DATA", crate::mnist::data_dir()))?;
    std::fs::rename(&tmp, &path).map_err(|e| fail!("cannot move the model into place: {e}"))?;
    Ok(())
}

/// The venv's python, creating the venv (onnxruntime + numpy from PyPI) if needed.
pub fn ort_python() -> Result<PathBuf> {
    let venv = util::target_dir().join("ort-venv");
    let python = venv.join("bin").join("python");
    let ok = |p: &PathBuf| {
        Command::new(p)
            .args(["-c", "import onnxruntime, numpy"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if ok(&python) {
        return Ok(python);
    }
    step("python venv with onnxruntime + numpy (PyPI) for the ONNX check");
    let start = Instant::now();
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    run(Command::new(venv.join("bin").join("pip")).args([
        "install",
        "--quiet",
        "onnxruntime==1.32.0",
        "numpy==2.4.6",
    ]))?;
    note(&format!(
        "venv ready in {:.0} s",
        start.elapsed().as_secs_f64()
    ));
    if !ok(&python) {
        return Err(fail!("onnxruntime does not import in {}", venv.display()));
    }
    Ok(python)
}
