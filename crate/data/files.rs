//! Loading the four MNIST files from a folder (native CLI and tests). Accepts the gzipped
//! names written by `cargo xtask setup` (`*.gz`) or the plain IDX names.

use super::mnist::Dataset;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The folder holding MNIST: `$SHRINK_DATA`, else `www/data` under the crate root.
pub fn default_dir() -> PathBuf {
    std::env::var_os("SHRINK_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("www/data"))
}

fn read_either(dir: &Path, stem: &str) -> Result<Vec<u8>> {
    for name in [format!("{stem}.gz"), stem.to_string()] {
        let p = dir.join(&name);
        if p.exists() {
            return std::fs::read(&p)
                .map_err(|e| Error::data(format!("cannot read {}: {e}", p.display())));
        }
    }
    Err(Error::data(format!(
        "{stem}(.gz) not found in {} — run `cargo xtask setup` first",
        dir.display()
    )))
}

/// Loads (train, test) from `dir`.
///
/// # Errors
/// `BadData` if a file is missing or corrupt.
pub fn load_mnist(dir: &Path) -> Result<(Dataset, Dataset)> {
    let train = Dataset::from_idx(
        &read_either(dir, "train-images-idx3-ubyte")?,
        &read_either(dir, "train-labels-idx1-ubyte")?,
    )?;
    let test = Dataset::from_idx(
        &read_either(dir, "t10k-images-idx3-ubyte")?,
        &read_either(dir, "t10k-labels-idx1-ubyte")?,
    )?;
    Ok((train, test))
}
