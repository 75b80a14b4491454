//! Target `idx`: `Dataset::from_idx` (IDX images + labels, plain or gzip). Input: a 4-byte
//! little-endian split point, then the image file, then the label file.

use super::fixtures::gzip;
use super::outcome;
use shrink::data::mnist::{encode_idx_images, encode_idx_labels};
use shrink::data::Dataset;

/// Input: [split point (4 bytes, little-endian)] images ++ labels. Seeds are valid pairs.
pub fn seeds() -> Vec<Vec<u8>> {
    let pair = |n: usize, rows: usize, cols: usize, gz: bool| {
        let pixels: Vec<u8> = (0..n * rows * cols).map(|i| (i * 37 % 256) as u8).collect();
        let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
        let (mut im, mut lb) = (
            encode_idx_images(n, rows, cols, &pixels),
            encode_idx_labels(&labels),
        );
        if gz {
            im = gzip(&im);
            lb = gzip(&lb);
        }
        let mut v = (im.len() as u32).to_le_bytes().to_vec();
        v.extend(im);
        v.extend(lb);
        v
    };
    vec![
        pair(3, 28, 28, false),
        pair(2, 28, 28, true),
        pair(0, 28, 28, false),
        pair(4, 2, 3, false),
        pair(1, 28, 28, true),
    ]
}

pub fn run(input: &[u8]) -> String {
    if input.len() < 4 {
        return outcome(&Dataset::from_idx(input, input));
    }
    let split = u32::from_le_bytes([input[0], input[1], input[2], input[3]]) as usize;
    let body = &input[4..];
    let (images, labels) = body.split_at(split.min(body.len()));
    let parsed = Dataset::from_idx(images, labels);
    if let Ok(d) = &parsed {
        // A dataset that parsed must be usable: every example and label within bounds.
        assert_eq!(d.images.len(), d.len() * d.dim());
        assert!(d.labels.iter().all(|&l| l < 10));
        let mut x = vec![0.0; d.dim()];
        for i in 0..d.len().min(4) {
            d.write_image(i, &mut x);
        }
        let _ = d.label_counts();
    }
    outcome(&parsed)
}
