//! The pretrained network that embedded panels start from: LeNet-300-100 trained by the native
//! CLI from a fixed seed and saved as safetensors into `www/models/` (not committed: the same
//! command gives the same file, so it is made here when absent).

use std::path::PathBuf;

use crate::util::{self, note, root, run, step, Result};

/// The command's arguments after `shrink`; www/pretrained.js names the same recipe.
pub const ARGS: &[&str] = &[
    "train", "--hidden", "300,100", "--epochs", "3", "--seed", "1",
];

/// Where the page looks for it (`models/lenet-300-100.safetensors` next to index.html).
pub fn path() -> PathBuf {
    root()
        .join("www")
        .join("models")
        .join("lenet-300-100.safetensors")
}

/// Trains and saves the model unless the file exists (delete it to make it again).
pub fn ensure() -> Result {
    step("pretrained LeNet-300-100 for embedded panels (www/models)");
    let file = path();
    if file.exists() {
        note("www/models/lenet-300-100.safetensors exists");
        return Ok(());
    }
    run(util::cargo()
        .args(["run", "--release", "--quiet", "--bin", "shrink", "--"])
        .args(ARGS)
        .arg("--save")
        .arg(&file)
        .env("SHRINK_DATA", crate::mnist::data_dir()))
}
