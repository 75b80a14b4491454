//! A batch-1 first layer that skips blank input pixels, as EIE skips zero activations
//! (Han et al. 2016, "EIE: Efficient Inference Engine on Compressed Deep Neural Network").
//! A standardised blank pixel has the value x₀ = normalize_pixel(0) ≠ 0, so the offset is folded
//! into the bias, exactly: y = W·x + b = W·(x − x₀·1) + (b + x₀·W·1). Weights are stored by column
//! (CSC), and only the columns of non-blank pixels (~19 % of an MNIST digit) are scattered into y.

use crate::error::{check_len, Error, Result};
use crate::error::{Reason, Setting};
use ndarray::Array2;

/// A sparse layer stored by column, with the blank value folded into its bias.
#[derive(Debug, Clone, PartialEq)]
pub struct BlankSkipLayer {
    n_out: usize,
    n_in: usize,
    blank: f32,
    col_ptr: Vec<u32>,
    row: Vec<u16>,
    val: Vec<f32>,
    folded_bias: Vec<f32>,
}

impl BlankSkipLayer {
    /// Stores the non-zero weights of `w` (`[n_out, n_in]`) by column and folds `blank` into `b`.
    ///
    /// # Errors
    /// `ShapeMismatch` if `b` is not `n_out` long; `InvalidParam` if `n_out` exceeds u16 indices
    /// or `blank` is not finite.
    pub fn new(w: &Array2<f32>, b: &[f32], blank: f32) -> Result<Self> {
        let (n_out, n_in) = w.dim();
        check_len("BlankSkipLayer bias", b.len(), n_out)?;
        if n_out > u16::MAX as usize + 1 {
            return Err(Error::param(
                Setting::LayerWidth,
                n_out,
                Reason::MustFit16BitRowIndices,
            ));
        }
        if !blank.is_finite() {
            return Err(Error::param(
                Setting::BlankValue,
                blank,
                Reason::MustBeAFiniteNumber,
            ));
        }
        let mut col_ptr = Vec::with_capacity(n_in + 1);
        let (mut row, mut val) = (Vec::new(), Vec::new());
        col_ptr.push(0u32);
        for j in 0..n_in {
            for i in 0..n_out {
                let v = w[[i, j]];
                if v != 0.0 {
                    row.push(i as u16);
                    val.push(v);
                }
            }
            col_ptr.push(row.len() as u32);
        }
        // Sum in f64 so the fold adds no more rounding than the dense sum it replaces.
        let folded_bias = (0..n_out)
            .map(|i| {
                (b[i] as f64 + blank as f64 * w.row(i).iter().map(|&v| v as f64).sum::<f64>())
                    as f32
            })
            .collect();
        Ok(BlankSkipLayer {
            n_out,
            n_in,
            blank,
            col_ptr,
            row,
            val,
            folded_bias,
        })
    }

    /// y = W·x + b (before the activation) for one example, touching only non-blank inputs.
    ///
    /// # Shapes
    /// `x`: `[n_in]`; `y`: `[n_out]`.
    /// # Errors
    /// `ShapeMismatch` if a length does not match.
    pub fn forward_one(&self, x: &[f32], y: &mut [f32]) -> Result<()> {
        check_len("BlankSkipLayer input", x.len(), self.n_in)?;
        check_len("BlankSkipLayer output", y.len(), self.n_out)?;
        y.copy_from_slice(&self.folded_bias);
        for (j, &xj) in x.iter().enumerate() {
            let u = xj - self.blank;
            if u == 0.0 {
                continue;
            }
            let (s, e) = (self.col_ptr[j] as usize, self.col_ptr[j + 1] as usize);
            for (&r, &v) in self.row[s..e].iter().zip(&self.val[s..e]) {
                // Indices were built from the shape above, so r < n_out = y.len().
                if let Some(t) = y.get_mut(r as usize) {
                    *t += u * v;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equals_the_dense_product_and_skips_blanks() {
        let w = Array2::from_shape_vec(
            (3, 4),
            vec![1.0, 0.0, 2.0, 0.0, 0.0, -1.0, 0.0, 3.0, 0.5, 0.0, 0.0, 0.0],
        )
        .unwrap_or_default();
        let b = [0.1, -0.2, 0.3];
        let blank = -0.5;
        let layer = BlankSkipLayer::new(&w, &b, blank).unwrap_or_else(|e| panic!("{e}"));
        for x in [
            [blank, blank, blank, blank],
            [1.0, blank, -2.0, blank],
            [0.3, 0.7, -1.1, 2.0],
        ] {
            let mut y = [0.0; 3];
            layer
                .forward_one(&x, &mut y)
                .unwrap_or_else(|e| panic!("{e}"));
            for i in 0..3 {
                let dense: f32 = b[i] + (0..4).map(|j| w[[i, j]] * x[j]).sum::<f32>();
                assert!(
                    (y[i] - dense).abs() < 1e-5,
                    "{x:?} row {i}: {} vs {dense}",
                    y[i]
                );
            }
        }
        assert!(layer.forward_one(&[0.0; 3], &mut [0.0; 3]).is_err());
        assert!(BlankSkipLayer::new(&w, &b[..2], blank).is_err());
    }
}
