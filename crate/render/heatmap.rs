//! Weight heatmaps as RGBA bytes, blitted by the page with putImageData.
//!
//! First layer: one 28×28 tile per hidden neuron (its row of W, `[n_out, 784]`), tiles in a grid
//! with 1-pixel gaps. Other layers: the matrix itself, one pixel per weight. Masked weights get
//! `PRUNED`, and a neuron whose whole row is masked gets `REMOVED`.

use super::palette::{diverging, Rgba, GAP, PRUNED, REMOVED};
use crate::error::{Error, Result};
use ndarray::Array2;
use serde::Serialize;

/// An RGBA image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Image {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width · height · 4` bytes, row-major RGBA.
    pub rgba: Vec<u8>,
}

impl Image {
    fn new(width: usize, height: usize, fill: Rgba) -> Self {
        let mut rgba = Vec::with_capacity(width * height * 4);
        for _ in 0..width * height {
            rgba.extend_from_slice(&fill);
        }
        Image {
            width,
            height,
            rgba,
        }
    }

    fn put(&mut self, x: usize, y: usize, c: Rgba) {
        let i = (y * self.width + x) * 4;
        self.rgba[i..i + 4].copy_from_slice(&c);
    }

    /// Colour at (x, y).
    pub fn get(&self, x: usize, y: usize) -> Rgba {
        let i = (y * self.width + x) * 4;
        [
            self.rgba[i],
            self.rgba[i + 1],
            self.rgba[i + 2],
            self.rgba[i + 3],
        ]
    }
}

/// A symmetric colour scale that ignores outliers: the 99th percentile of |w|.
pub fn robust_scale(values: impl Iterator<Item = f32>) -> f32 {
    let mut a: Vec<f32> = values.filter(|v| v.is_finite()).map(f32::abs).collect();
    if a.is_empty() {
        return 1.0;
    }
    let k = ((a.len() as f32 * 0.99) as usize).min(a.len() - 1);
    a.select_nth_unstable_by(k, f32::total_cmp);
    if a[k] > 0.0 {
        a[k]
    } else {
        1.0
    }
}

fn cell(v: f32, masked: bool, scale: f32) -> Rgba {
    if masked {
        PRUNED
    } else {
        diverging(v, scale)
    }
}

/// Tiles of `side × side` pixels, one per row of `w`, `tiles_per_row` across.
///
/// # Errors
/// `ShapeMismatch` if rows are not `side²` long or the mask shape differs.
pub fn tiles(
    w: &Array2<f32>,
    mask: Option<&Array2<f32>>,
    side: usize,
    tiles_per_row: usize,
    scale: f32,
) -> Result<Image> {
    if w.ncols() != side * side {
        return Err(Error::shape("heatmap tiles", side * side, w.ncols()));
    }
    if let Some(m) = mask {
        if m.dim() != w.dim() {
            return Err(Error::shape("heatmap mask", w.dim(), m.dim()));
        }
    }
    let per_row = tiles_per_row.max(1);
    let n = w.nrows();
    let grid_rows = n.div_ceil(per_row).max(1);
    let mut img = Image::new(per_row * (side + 1) - 1, grid_rows * (side + 1) - 1, GAP);
    for t in 0..n {
        let (ox, oy) = ((t % per_row) * (side + 1), (t / per_row) * (side + 1));
        let removed = mask.is_some_and(|m| m.row(t).iter().all(|&k| k == 0.0));
        for p in 0..side * side {
            let c = if removed {
                REMOVED
            } else {
                cell(w[[t, p]], mask.is_some_and(|m| m[[t, p]] == 0.0), scale)
            };
            img.put(ox + p % side, oy + p / side, c);
        }
    }
    Ok(img)
}

/// One pixel per weight: `n_out` rows by `n_in` columns.
///
/// # Errors
/// `ShapeMismatch` if the mask shape differs from `w`.
pub fn matrix(w: &Array2<f32>, mask: Option<&Array2<f32>>, scale: f32) -> Result<Image> {
    if let Some(m) = mask {
        if m.dim() != w.dim() {
            return Err(Error::shape("heatmap mask", w.dim(), m.dim()));
        }
    }
    let (rows, cols) = w.dim();
    let mut img = Image::new(cols, rows, GAP);
    for ((r, c), &v) in w.indexed_iter() {
        img.put(c, r, cell(v, mask.is_some_and(|m| m[[r, c]] == 0.0), scale));
    }
    Ok(img)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_place_each_neuron_and_mark_masks() {
        let mut w = Array2::zeros((3, 4));
        w[[0, 0]] = 1.0;
        w[[1, 3]] = -1.0;
        let mut m = Array2::ones((3, 4));
        m[[1, 0]] = 0.0;
        m.row_mut(2).fill(0.0);
        let img = tiles(&w, Some(&m), 2, 2, 1.0).unwrap();
        assert_eq!((img.width, img.height), (5, 5));
        assert_eq!(img.get(0, 0), diverging(1.0, 1.0));
        assert_eq!(img.get(3, 0), PRUNED); // tile 1, pixel 0
        assert_eq!(img.get(4, 1), diverging(-1.0, 1.0)); // tile 1, pixel 3
        assert_eq!(img.get(0, 3), REMOVED); // tile 2
        assert_eq!(img.get(2, 0), GAP);
    }

    #[test]
    fn matrix_is_one_pixel_per_weight() {
        let w = Array2::from_shape_vec((2, 3), vec![0.0, 1.0, -1.0, 0.5, 0.0, 0.0]).unwrap();
        let img = matrix(&w, None, 1.0).unwrap();
        assert_eq!((img.width, img.height), (3, 2));
        assert_eq!(img.get(1, 0), diverging(1.0, 1.0));
        assert!(tiles(&w, None, 2, 1, 1.0).is_err());
    }

    #[test]
    fn robust_scale_ignores_one_outlier() {
        let mut v = vec![0.1f32; 1000];
        v[0] = 100.0;
        assert!((robust_scale(v.into_iter()) - 0.1).abs() < 1e-6);
    }
}
