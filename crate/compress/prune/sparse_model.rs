//! A pruned MLP stored and run sparsely: every layer's weights in CSR, activations kept
//! feature-major between layers so each layer is one CSR kernel call (no dense weights).
//! Sizes: dense fp32 = 4·(weights + biases); dense-with-zeros = the same (zeros still stored);
//! packed = Σ CSR bytes (fp32 values + u16 columns + u32 row pointers) + 4·biases.

use crate::compress::{Compressed, ModelSize};
use crate::error::{check_len, Result};
use crate::model::{Activation, Mlp, Workspace};
use crate::tensor::sparse::{transpose, Csr};

/// One sparse layer.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseLayer {
    /// Weights `[n_out, n_in]` in CSR.
    pub csr: Csr,
    /// Bias `[n_out]`.
    pub b: Vec<f32>,
    /// Non-linearity.
    pub act: Activation,
}

/// A model whose layers are all sparse.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseMlp {
    /// Layers in order.
    pub layers: Vec<SparseLayer>,
}

impl SparseMlp {
    /// Stores the non-zero weights of `mlp`.
    ///
    /// # Errors
    /// As [`Csr::from_dense`].
    pub fn from_mlp(mlp: &Mlp) -> Result<Self> {
        let layers = mlp
            .layers
            .iter()
            .map(|d| {
                Ok(SparseLayer {
                    csr: Csr::from_dense(&d.w)?,
                    b: d.b.to_vec(),
                    act: d.act,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(SparseMlp { layers })
    }

    /// Stored weights.
    pub fn nnz(&self) -> usize {
        self.layers.iter().map(|l| l.csr.nnz()).sum()
    }

    /// Logits `[batch, n_out]` for `x` `[batch, n_in]`.
    ///
    /// # Errors
    /// `ShapeMismatch` if `x` does not match.
    pub fn logits(&self, x: &[f32], batch: usize) -> Result<Vec<f32>> {
        let n_in = Compressed::n_in(self);
        check_len("SparseMlp input", x.len(), batch * n_in)?;
        let mut cur = vec![0.0; x.len()];
        transpose(batch, n_in, x, &mut cur)?;
        for l in &self.layers {
            let mut next = vec![0.0; l.csr.n_rows() * batch];
            l.csr.mm_t(&cur, batch, &mut next)?;
            for (row, &b) in next.chunks_exact_mut(batch.max(1)).zip(&l.b) {
                row.iter_mut().for_each(|v| *v = l.act.apply(*v + b));
            }
            cur = next;
        }
        let n_out = self.layers.last().map_or(0, |l| l.csr.n_rows());
        let mut y = vec![0.0; cur.len()];
        transpose(n_out, batch, &cur, &mut y)?;
        Ok(y)
    }
}

impl Compressed for SparseMlp {
    fn forward(&self, x: &[f32], batch: usize, _ws: &mut Workspace) -> Result<Vec<f32>> {
        self.logits(x, batch)
    }

    fn n_in(&self) -> usize {
        self.layers.first().map_or(0, |l| l.csr.n_cols())
    }

    fn size(&self) -> ModelSize {
        let dense: usize = self
            .layers
            .iter()
            .map(|l| 4 * (l.csr.n_rows() * l.csr.n_cols() + l.b.len()))
            .sum();
        let packed: usize = self
            .layers
            .iter()
            .map(|l| l.csr.storage_bytes() + 4 * l.b.len())
            .sum();
        ModelSize {
            dense_fp32_bytes: dense,
            dense_with_zeros_bytes: dense,
            packed_bytes: packed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compress::prune::{apply, Params};
    use crate::model::MlpSpec;

    #[test]
    fn sparse_model_matches_dense_and_counts_bytes() {
        let mut mlp = Mlp::new(&MlpSpec::mnist(&[21, 11], Activation::Relu), 2).unwrap();
        apply(
            &mut mlp,
            &Params {
                sparsity: vec![0.9],
                ..Default::default()
            },
            None,
        )
        .unwrap();
        let sp = SparseMlp::from_mlp(&mlp).unwrap();
        let x: Vec<f32> = (0..5 * 784)
            .map(|i| ((i * 7) % 13) as f32 / 6.0 - 1.0)
            .collect();
        for b in [1, 5] {
            let y = sp.logits(&x[..b * 784], b).unwrap();
            let mut ws = Workspace::default();
            mlp.forward(&x[..b * 784], b, &mut ws).unwrap();
            for (a, d) in y.iter().zip(ws.logits(b)) {
                assert!((a - d).abs() < 1e-4);
            }
        }
        let s = sp.size();
        assert_eq!(s.dense_fp32_bytes, 4 * mlp.param_count());
        let nnz = sp.nnz();
        assert_eq!(
            s.packed_bytes,
            6 * nnz + 4 * (22 + 12 + 11) + 4 * (21 + 11 + 10)
        );
    }
}
