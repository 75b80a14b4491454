//! Compressed sparse row (CSR) storage of a pruned weight matrix `[n_out, n_in]`: the stored
//! values, a 16-bit column index per value, and `n_out + 1` 32-bit row pointers.
//! Bytes = 4·nnz + 2·nnz + 4·(n_out + 1). Deep Compression (Han et al. 2016) instead stores
//! relative 5-bit (fc) offsets with filler zeros; `relative_index_entries` counts those.

use super::kernels::sparse::active;
use crate::error::{check_len, Error, Result};
use crate::error::{Reason, Setting};
use ndarray::Array2;

/// A validated CSR matrix (indices in range, row pointers monotone).
#[derive(Debug, Clone, PartialEq)]
pub struct Csr {
    n_rows: usize,
    n_cols: usize,
    row_ptr: Vec<u32>,
    col: Vec<u16>,
    val: Vec<f32>,
}

impl Csr {
    /// Stores the non-zero entries of `w`.
    ///
    /// # Errors
    /// `InvalidParam` if `w` has more than 65,536 columns (16-bit indices) or too many values.
    pub fn from_dense(w: &Array2<f32>) -> Result<Self> {
        let (n_rows, n_cols) = w.dim();
        if n_cols > 1 << 16 {
            return Err(Error::param(
                Setting::Columns,
                n_cols,
                Reason::CSRUses16BitColumnIndices,
            ));
        }
        if w.len() > u32::MAX as usize {
            return Err(Error::param(
                Setting::Weights,
                w.len(),
                Reason::TooManyFor32BitRowPointers,
            ));
        }
        let mut row_ptr = Vec::with_capacity(n_rows + 1);
        let (mut col, mut val) = (Vec::new(), Vec::new());
        row_ptr.push(0);
        for row in w.rows() {
            for (c, &v) in row.iter().enumerate() {
                if v != 0.0 {
                    col.push(c as u16);
                    val.push(v);
                }
            }
            row_ptr.push(val.len() as u32);
        }
        Ok(Csr {
            n_rows,
            n_cols,
            row_ptr,
            col,
            val,
        })
    }

    /// Rows (outputs).
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Columns (inputs).
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// Stored values.
    pub fn nnz(&self) -> usize {
        self.val.len()
    }

    /// Row pointers, column indices and values.
    pub fn parts(&self) -> (&[u32], &[u16], &[f32]) {
        (&self.row_ptr, &self.col, &self.val)
    }

    /// Back to a dense matrix.
    pub fn to_dense(&self) -> Array2<f32> {
        let mut w = Array2::zeros((self.n_rows, self.n_cols));
        for r in 0..self.n_rows {
            for p in self.row_ptr[r] as usize..self.row_ptr[r + 1] as usize {
                w[[r, self.col[p] as usize]] = self.val[p];
            }
        }
        w
    }

    /// Bytes of this storage: fp32 values, u16 column indices, u32 row pointers.
    pub fn storage_bytes(&self) -> usize {
        self.nnz() * (4 + 2) + 4 * (self.n_rows + 1)
    }

    /// Entries Deep Compression would store with `bits`-bit relative indices over the
    /// row-major flattened matrix: each value plus one filler zero per gap longer than 2^bits.
    pub fn relative_index_entries(&self, bits: u32) -> usize {
        let span = 1usize << bits.clamp(1, 16);
        let mut prev: Option<usize> = None;
        let mut entries = 0;
        for r in 0..self.n_rows {
            for p in self.row_ptr[r] as usize..self.row_ptr[r + 1] as usize {
                let pos = r * self.n_cols + self.col[p] as usize;
                let gap = prev.map_or(pos + 1, |q| pos - q);
                entries += 1 + (gap - 1) / span;
                prev = Some(pos);
            }
        }
        entries
    }

    /// yt = W·xt, i.e. yᵀ for y = x·Wᵀ, on feature-major buffers.
    ///
    /// # Shapes
    /// `xt`: `[n_cols, batch]`; `yt`: `[n_rows, batch]`.
    /// # Errors
    /// `ShapeMismatch` if a buffer's length does not match.
    pub fn mm_t(&self, xt: &[f32], batch: usize, yt: &mut [f32]) -> Result<()> {
        check_len("Csr::mm_t input", xt.len(), self.n_cols * batch)?;
        check_len("Csr::mm_t output", yt.len(), self.n_rows * batch)?;
        active::csr_mm_t(
            self.n_rows,
            batch,
            &self.row_ptr,
            &self.col,
            &self.val,
            xt,
            yt,
        );
        Ok(())
    }
}

/// Transposes a row-major `[rows, cols]` buffer into `out` `[cols, rows]`.
///
/// # Errors
/// `ShapeMismatch` if a length does not match.
pub fn transpose(rows: usize, cols: usize, a: &[f32], out: &mut [f32]) -> Result<()> {
    check_len("transpose input", a.len(), rows * cols)?;
    check_len("transpose output", out.len(), rows * cols)?;
    for r in 0..rows {
        for c in 0..cols {
            out[c * rows + r] = a[r * cols + c];
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::kernels;

    #[test]
    fn csr_equals_dense_at_odd_shapes() {
        for &(n, k, b) in &[(1, 1, 1), (3, 17, 1), (13, 29, 5), (7, 784, 64), (4, 15, 3)] {
            let w = Array2::from_shape_fn((n, k), |(r, c)| {
                let h = (r * 31 + c * 17) % 7;
                if h < 4 {
                    0.0
                } else {
                    h as f32 - 5.0
                }
            });
            let csr = Csr::from_dense(&w).unwrap();
            assert_eq!(csr.to_dense(), w);
            let x: Vec<f32> = (0..b * k)
                .map(|i| ((i * 13) % 9) as f32 / 4.0 - 1.0)
                .collect();
            let mut dense = vec![0.0; b * n];
            kernels::gemm_nt(b, n, k, &x, w.as_slice().unwrap(), &mut dense).unwrap();
            let mut xt = vec![0.0; b * k];
            transpose(b, k, &x, &mut xt).unwrap();
            let mut yt = vec![0.0; b * n];
            csr.mm_t(&xt, b, &mut yt).unwrap();
            let mut y = vec![0.0; b * n];
            transpose(n, b, &yt, &mut y).unwrap();
            for (a, d) in y.iter().zip(&dense) {
                assert!((a - d).abs() < 1e-4, "{n}x{k} b{b}: {a} vs {d}");
            }
        }
    }

    #[test]
    fn sizes_and_relative_indices() {
        let mut w = Array2::zeros((2, 40));
        w[[0, 0]] = 1.0;
        w[[0, 39]] = 2.0;
        w[[1, 1]] = 3.0;
        let csr = Csr::from_dense(&w).unwrap();
        assert_eq!(csr.storage_bytes(), 3 * 6 + 4 * 3);
        // positions 0, 39, 41: gaps 1, 39, 2; with 4-bit (span 16) the 39 gap needs 2 fillers.
        assert_eq!(csr.relative_index_entries(4), 5);
        assert!(csr.mm_t(&[0.0; 39], 1, &mut [0.0; 2]).is_err());
    }
}
