//! MNIST in the IDX format (LeCun et al. 1998), plain or gzipped, validated into a `Dataset`.
//!
//! IDX: big-endian u32 magic (2051 images, 2049 labels), u32 count, [u32 rows, u32 cols],
//! then the bytes. Every header field is checked against the payload size before use, and gzip
//! output is capped, so a corrupt or hostile file gives `BadData`, never a panic or a huge alloc.

use crate::error::bad_data;
use crate::error::{Error, Fault, Result};
use flate2::read::GzDecoder;
use std::io::Read;

/// Magic number of an IDX image file (unsigned bytes, 3 dimensions).
pub const IMAGES_MAGIC: u32 = 2051;
/// Magic number of an IDX label file (unsigned bytes, 1 dimension).
pub const LABELS_MAGIC: u32 = 2049;
/// Largest decompressed file we accept (the training images are 47 MB).
pub const MAX_DECOMPRESSED: usize = 64 << 20;

/// Mean of MNIST training pixels in [0, 1].
pub const PIXEL_MEAN: f32 = 0.1307;
/// Standard deviation of MNIST training pixels in [0, 1].
pub const PIXEL_STD: f32 = 0.3081;

/// Standardises an intensity in [0, 1] to zero mean and unit variance over MNIST: centred
/// inputs make SGD converge faster (LeCun et al., "Efficient BackProp", 1998). The drawing pad
/// sends intensities in [0, 1] and goes through the same function.
#[inline]
pub fn normalize_pixel(v: f32) -> f32 {
    (v - PIXEL_MEAN) / PIXEL_STD
}

/// Images and labels in memory. Pixels stay bytes (47 MB for the training set, not 188 MB of
/// f32); batches are converted to standardised f32 as they are drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Row-major pixels, `[len, rows·cols]`.
    pub images: Vec<u8>,
    /// One label per image, each < 10.
    pub labels: Vec<u8>,
    /// Image height.
    pub rows: usize,
    /// Image width.
    pub cols: usize,
}

impl Dataset {
    /// Parses and cross-checks an image file and a label file (each plain or gzipped).
    ///
    /// # Errors
    /// `BadData` for a wrong magic, truncated or oversized payload, broken gzip, a count that
    /// differs between the files, or a label > 9.
    pub fn from_idx(images: &[u8], labels: &[u8]) -> Result<Self> {
        let images = maybe_gunzip(images, "image file")?;
        let labels = maybe_gunzip(labels, "label file")?;
        let (n_img, rows, cols, pixels) = parse_images(&images)?;
        let labs = parse_labels(&labels)?;
        if labs.len() != n_img {
            return Err(bad_data!(IdxCounts, images = n_img, labels = labs.len()));
        }
        Ok(Dataset {
            images: pixels.to_vec(),
            labels: labs.to_vec(),
            rows,
            cols,
        })
    }

    /// `n` deterministic MNIST-shaped examples (patterned pixels, labels cycling 0–9): training
    /// throughput benchmarks that need no data files.
    pub fn synthetic(n: usize) -> Self {
        Dataset {
            images: (0..n * 784).map(|i| ((i * 31) % 256) as u8).collect(),
            labels: (0..n).map(|i| (i % 10) as u8).collect(),
            rows: 28,
            cols: 28,
        }
    }

    /// Number of examples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True if there are no examples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Pixels per image.
    pub fn dim(&self) -> usize {
        self.rows * self.cols
    }

    /// Example `i` standardised (see [`normalize_pixel`]), written into `out` (length `dim()`).
    pub fn write_image(&self, i: usize, out: &mut [f32]) {
        let d = self.dim();
        for (o, &p) in out.iter_mut().zip(&self.images[i * d..(i + 1) * d]) {
            *o = normalize_pixel(p as f32 * (1.0 / 255.0));
        }
    }

    /// The first `n` examples (or all), as a new dataset: the fast subset used while dragging.
    pub fn head(&self, n: usize) -> Dataset {
        let n = n.min(self.len());
        Dataset {
            images: self.images[..n * self.dim()].to_vec(),
            labels: self.labels[..n].to_vec(),
            rows: self.rows,
            cols: self.cols,
        }
    }

    /// Count of each label 0..9.
    pub fn label_counts(&self) -> [usize; 10] {
        let mut c = [0; 10];
        self.labels.iter().for_each(|&l| c[l as usize % 10] += 1);
        c
    }
}

/// Decompresses gzip input (detected by its 1f 8b magic), passing plain input through.
fn maybe_gunzip<'a>(bytes: &'a [u8], what: &str) -> Result<std::borrow::Cow<'a, [u8]>> {
    if bytes.len() < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b {
        return Ok(std::borrow::Cow::Borrowed(bytes));
    }
    let mut out = Vec::new();
    let mut dec = GzDecoder::new(bytes).take(MAX_DECOMPRESSED as u64 + 1);
    dec.read_to_end(&mut out)
        .map_err(|e| bad_data!(IdxGzip, file = what, detail = e))?;
    if out.len() > MAX_DECOMPRESSED {
        return Err(bad_data!(
            IdxTooLarge,
            file = what,
            mb = MAX_DECOMPRESSED >> 20
        ));
    }
    Ok(std::borrow::Cow::Owned(out))
}

fn be_u32(bytes: &[u8], at: usize, what: &str) -> Result<u32> {
    bytes
        .get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| bad_data!(IdxTooShort, file = what, bytes = bytes.len()))
}

/// Parses an IDX image file: (count, rows, cols, pixels).
///
/// # Errors
/// `BadData` on a wrong magic, zero or huge dimensions, or a payload that is not exactly
/// count·rows·cols bytes.
pub fn parse_images(bytes: &[u8]) -> Result<(usize, usize, usize, &[u8])> {
    let magic = be_u32(bytes, 0, "image file")?;
    if magic != IMAGES_MAGIC {
        return Err(if magic == LABELS_MAGIC {
            bad_data!(
                IdxImageMagicIsLabels,
                magic = magic,
                expected = IMAGES_MAGIC
            )
        } else {
            bad_data!(IdxImageMagic, magic = magic, expected = IMAGES_MAGIC)
        });
    }
    let n = be_u32(bytes, 4, "image file")? as usize;
    let rows = be_u32(bytes, 8, "image file")? as usize;
    let cols = be_u32(bytes, 12, "image file")? as usize;
    if rows == 0 || cols == 0 || rows > 256 || cols > 256 {
        return Err(bad_data!(IdxImageSize, rows = rows, cols = cols));
    }
    let expected = n
        .checked_mul(rows * cols)
        .ok_or_else(|| bad_data!(IdxImageOverflow))?;
    let payload = &bytes[16..];
    if payload.len() != expected {
        // Too short reads as a truncated download; too long as a wrong header.
        let fault = if payload.len() < expected {
            Fault::IdxImageTruncated
        } else {
            Fault::IdxImagePayload
        };
        let args = [
            ("n", n),
            ("rows", rows),
            ("cols", cols),
            ("expected", expected),
            ("bytes", payload.len()),
        ];
        return Err(Error::bad(
            fault,
            args.iter().map(|&(k, v)| (k, v.to_string())).collect(),
        ));
    }
    Ok((n, rows, cols, payload))
}

/// Parses an IDX label file.
///
/// # Errors
/// `BadData` on a wrong magic, a payload of the wrong size, or a label > 9.
pub fn parse_labels(bytes: &[u8]) -> Result<&[u8]> {
    let magic = be_u32(bytes, 0, "label file")?;
    if magic != LABELS_MAGIC {
        return Err(if magic == IMAGES_MAGIC {
            bad_data!(
                IdxLabelMagicIsImages,
                magic = magic,
                expected = LABELS_MAGIC
            )
        } else {
            bad_data!(IdxLabelMagic, magic = magic, expected = LABELS_MAGIC)
        });
    }
    let n = be_u32(bytes, 4, "label file")? as usize;
    let payload = &bytes[8..];
    if payload.len() != n {
        return Err(bad_data!(IdxLabelPayload, n = n, bytes = payload.len()));
    }
    if let Some(pos) = payload.iter().position(|&l| l > 9) {
        return Err(bad_data!(IdxLabelDigit, label = payload[pos], index = pos));
    }
    Ok(payload)
}

/// Builds IDX bytes (for tests and for writing small fixtures).
pub fn encode_idx_images(n: usize, rows: usize, cols: usize, pixels: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(16 + pixels.len());
    for x in [IMAGES_MAGIC, n as u32, rows as u32, cols as u32] {
        v.extend_from_slice(&x.to_be_bytes());
    }
    v.extend_from_slice(pixels);
    v
}

/// Builds IDX label bytes.
pub fn encode_idx_labels(labels: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(8 + labels.len());
    v.extend_from_slice(&LABELS_MAGIC.to_be_bytes());
    v.extend_from_slice(&(labels.len() as u32).to_be_bytes());
    v.extend_from_slice(labels);
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{write::GzEncoder, Compression};
    use std::io::Write;

    fn tiny() -> (Vec<u8>, Vec<u8>) {
        (
            encode_idx_images(3, 2, 2, &[0, 255, 10, 20, 1, 2, 3, 4, 9, 9, 9, 9]),
            encode_idx_labels(&[7, 0, 9]),
        )
    }

    fn gz(b: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn parses_plain_and_gzipped() {
        let (i, l) = tiny();
        let a = Dataset::from_idx(&i, &l).unwrap();
        let b = Dataset::from_idx(&gz(&i), &gz(&l)).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 3);
        assert_eq!(a.labels, vec![7, 0, 9]);
        let mut px = [0.0; 4];
        a.write_image(0, &mut px);
        assert_eq!(
            px,
            [0.0f32, 1.0, 10.0 / 255.0, 20.0 / 255.0].map(normalize_pixel)
        );
    }

    fn err(i: &[u8], l: &[u8]) -> String {
        match Dataset::from_idx(i, l) {
            Err(e @ crate::Error::BadData { .. }) => e.to_string(),
            other => panic!("expected BadData, got {other:?}"),
        }
    }

    #[test]
    fn rejects_each_kind_of_corruption() {
        let (i, l) = tiny();
        assert!(err(&l, &l).contains("magic")); // swapped files
        assert!(err(&i, &i).contains("magic"));
        assert!(err(&i[..i.len() - 1], &l).contains("truncated")); // truncated images
        assert!(err(&i[..10], &l).contains("too short"));
        let mut bad_label = l.clone();
        bad_label[9] = 10;
        assert!(err(&i, &bad_label).contains("not a digit"));
        assert!(err(&i, &encode_idx_labels(&[1, 2])).contains("3 images but"));
        let mut count = i.clone();
        count[7] = 200; // header count no longer matches the payload
        assert!(err(&count, &l).contains("header says"));
        let mut broken = gz(&i);
        let mid = broken.len() / 2;
        broken.truncate(mid);
        assert!(err(&broken, &l).contains("gzip"));
        assert!(err(&[], &l).contains("too short"));
    }
}
