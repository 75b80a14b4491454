//! Tensors: ndarray for storage and shapes, plus our own slice kernels for the hot loops.
//!
//! ndarray has no wasm SIMD, so GEMM, dot and axpy live in `kernels/` (a simd128 version and a
//! scalar twin that is its test oracle). This module holds the small shape helpers around them.

pub mod kernels;
pub mod sparse;

use crate::error::{Error, Result};
use ndarray::Array2;

/// Builds an `[rows, cols]` array from a flat buffer, checking its length.
///
/// # Errors
/// `ShapeMismatch` if `data.len() != rows * cols`.
pub fn array2_from_vec(rows: usize, cols: usize, data: Vec<f32>) -> Result<Array2<f32>> {
    let got = data.len();
    Array2::from_shape_vec((rows, cols), data)
        .map_err(|_| Error::shape("array2_from_vec", rows * cols, got))
}

/// The contiguous row-major slice of a standard-layout array.
///
/// # Errors
/// `BadData` if the array is not in standard (C) layout, which our kernels require.
pub fn as_slice(a: &Array2<f32>) -> Result<&[f32]> {
    a.as_slice()
        .ok_or_else(|| Error::data("array is not contiguous"))
}

/// Mutable twin of [`as_slice`].
///
/// # Errors
/// `BadData` if the array is not in standard (C) layout.
pub fn as_slice_mut(a: &mut Array2<f32>) -> Result<&mut [f32]> {
    a.as_slice_mut()
        .ok_or_else(|| Error::data("array is not contiguous"))
}

/// Index of the largest value (first on ties); 0 for an empty slice.
pub fn argmax(xs: &[f32]) -> usize {
    let mut best = 0;
    for (i, &x) in xs.iter().enumerate() {
        if x > xs[best] {
            best = i;
        }
    }
    best
}
