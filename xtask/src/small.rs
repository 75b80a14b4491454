//! The `data=small` split for embedded panels: the first `SMALL_TRAIN` training digits of MNIST
//! (images and labels, in their original order) gzipped into `www/data/small/`. The test set is
//! not cut: embeds score on all 10,000 test digits, as the full page does.
//!
//! An IDX file is a big-endian header (magic, count, then rows and cols for images) followed by
//! one byte per pixel or label (LeCun et al., 1998), so a prefix is the header with a smaller
//! count plus the first `count × item` bytes.

use std::path::{Path, PathBuf};

use crate::fail;
use crate::mnist::{data_dir, gzip, write_atomic};
use crate::util::{self, note, step, Context, Result};

/// Training digits in the small split: a tenth of MNIST, enough for ~95% after one epoch.
pub const SMALL_TRAIN: u32 = 6_000;

/// Where the small training files go; the page asks for `data/small/<name>.gz`.
pub fn small_dir() -> PathBuf {
    data_dir().join("small")
}

/// Writes the small split's two training files unless they are newer than the full ones.
pub fn prepare() -> Result {
    step(&format!(
        "MNIST small split (first {SMALL_TRAIN} training digits) into www/data/small"
    ));
    let out = small_dir();
    std::fs::create_dir_all(&out).context(|| format!("cannot create {}", out.display()))?;
    for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"] {
        let src = data_dir().join(format!("{name}.gz"));
        let dst = out.join(format!("{name}.gz"));
        if dst.exists() && util::up_to_date(&dst, &[&src]) {
            note(&format!("small/{name}.gz is up to date"));
            continue;
        }
        let raw = gunzip(&src)?;
        let cut = idx_prefix(&raw, SMALL_TRAIN).map_err(|e| fail!("{}: {e}", src.display()))?;
        let gz = gzip(&cut, 9)?;
        write_atomic(&dst, &gz)?;
        note(&format!("small/{name}.gz: {} bytes", gz.len()));
    }
    Ok(())
}

fn gunzip(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).context(|| format!("cannot read {}", path.display()))?;
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut raw)
        .context(|| format!("{} is not valid gzip", path.display()))?;
    Ok(raw)
}

/// The first `count` items of an IDX1 (labels, magic 2049) or IDX3 (images, magic 2051) file,
/// with the header's count rewritten.
pub fn idx_prefix(raw: &[u8], count: u32) -> std::result::Result<Vec<u8>, String> {
    let be = |at: usize| -> Option<u32> {
        let b: [u8; 4] = raw.get(at..at + 4)?.try_into().ok()?;
        Some(u32::from_be_bytes(b))
    };
    let (magic, total) = be(0).zip(be(4)).ok_or("shorter than an IDX header")?;
    let (header, item) = match magic {
        2049 => (8, 1usize),
        2051 => {
            let (rows, cols) = be(8).zip(be(12)).ok_or("shorter than an IDX3 header")?;
            (16, rows as usize * cols as usize)
        }
        other => {
            return Err(format!(
                "magic {other} is neither 2049 (labels) nor 2051 (images)"
            ))
        }
    };
    if count > total {
        return Err(format!("asked for {count} items of {total}"));
    }
    let end = header + count as usize * item;
    let mut out = raw
        .get(..end)
        .ok_or("truncated: fewer bytes than its count says")?
        .to_vec();
    out[4..8].copy_from_slice(&count.to_be_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::idx_prefix;

    fn idx3(count: u32, rows: u32, cols: u32) -> Vec<u8> {
        let mut v = Vec::new();
        for x in [2051, count, rows, cols] {
            v.extend_from_slice(&x.to_be_bytes());
        }
        v.extend((0..count * rows * cols).map(|i| i as u8));
        v
    }

    #[test]
    fn a_prefix_keeps_the_first_items_and_rewrites_the_count() -> Result<(), String> {
        let raw = idx3(5, 2, 3);
        let cut = idx_prefix(&raw, 2)?;
        assert_eq!(cut.len(), 16 + 2 * 6);
        assert_eq!(&cut[4..8], &2u32.to_be_bytes());
        assert_eq!(&cut[8..16], &raw[8..16]);
        assert_eq!(&cut[16..], &raw[16..28]);
        let mut labels = vec![0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1];
        labels[..4].copy_from_slice(&2049u32.to_be_bytes());
        assert_eq!(idx_prefix(&labels, 2)?, vec![0, 0, 8, 1, 0, 0, 0, 2, 7, 2]);
        Ok(())
    }

    #[test]
    fn bad_files_are_refused_in_words() {
        assert!(idx_prefix(&idx3(5, 2, 3), 6).is_err_and(|e| e.contains("6 items of 5")));
        assert!(idx_prefix(&[0, 0, 8], 1).is_err());
        assert!(idx_prefix(&idx3(5, 2, 3)[..20], 3).is_err_and(|e| e.contains("truncated")));
        let mut bad = idx3(1, 1, 1);
        bad[2] = 9;
        assert!(idx_prefix(&bad, 1).is_err_and(|e| e.contains("magic")));
    }
}
