//! A fully connected layer: y = f(x·Wᵀ + b), with W stored `[n_out, n_in]` (PyTorch's layout),
//! so a first-layer neuron's 784 weights are one contiguous row: one SIMD dot, one mask row,
//! one 28×28 heatmap tile. An optional 0/1 mask (pruning) is held through training.

use super::activation::Activation;
use crate::error::{Error, Result};
use crate::tensor::{as_slice, kernels};
use ndarray::{Array1, Array2};

/// One dense layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Dense {
    /// Weights `[n_out, n_in]`.
    pub w: Array2<f32>,
    /// Bias `[n_out]`.
    pub b: Array1<f32>,
    /// Non-linearity applied after the affine map.
    pub act: Activation,
    /// Optional 0/1 mask `[n_out, n_in]`: pruned weights are 0 and stay 0 while training.
    pub mask: Option<Array2<f32>>,
}

impl Dense {
    /// A zero layer of the given shape.
    pub fn zeros(n_in: usize, n_out: usize, act: Activation) -> Self {
        Dense {
            w: Array2::zeros((n_out, n_in)),
            b: Array1::zeros(n_out),
            act,
            mask: None,
        }
    }

    /// Builds a layer from its parts, checking that the shapes agree.
    ///
    /// # Errors
    /// `ShapeMismatch` when `b` or `mask` disagree with `w`.
    pub fn from_parts(
        w: Array2<f32>,
        b: Array1<f32>,
        act: Activation,
        mask: Option<Array2<f32>>,
    ) -> Result<Self> {
        if b.len() != w.nrows() {
            return Err(Error::shape("Dense::from_parts bias", w.nrows(), b.len()));
        }
        if let Some(m) = &mask {
            if m.dim() != w.dim() {
                return Err(Error::shape("Dense::from_parts mask", w.dim(), m.dim()));
            }
        }
        Ok(Dense {
            w: w.as_standard_layout().into_owned(),
            b,
            act,
            mask,
        })
    }

    /// Number of inputs.
    pub fn n_in(&self) -> usize {
        self.w.ncols()
    }

    /// Number of outputs.
    pub fn n_out(&self) -> usize {
        self.w.nrows()
    }

    /// Weights plus biases.
    pub fn param_count(&self) -> usize {
        self.w.len() + self.b.len()
    }

    /// y[batch, n_out] = f(x[batch, n_in]·Wᵀ + b).
    ///
    /// # Errors
    /// `ShapeMismatch` if `x` or `y` do not match `batch` and the layer's shape.
    pub fn forward(&self, x: &[f32], batch: usize, y: &mut [f32]) -> Result<()> {
        let w = as_slice(&self.w)?;
        kernels::gemm_nt(batch, self.n_out(), self.n_in(), x, w, y)?;
        let b = self
            .b
            .as_slice()
            .ok_or_else(|| Error::data("bias is not contiguous"))?;
        kernels::bias_act(self.act, b, y)
    }

    /// [`Dense::forward`] with this layer's Wᵀ already packed in `bt` (see `kernels::packed`).
    ///
    /// # Errors
    /// `ShapeMismatch` if `x`, `y` or `bt` do not match `batch` and the layer's shape.
    pub fn forward_packed(
        &self,
        bt: &kernels::PackedBt,
        x: &[f32],
        batch: usize,
        y: &mut [f32],
    ) -> Result<()> {
        if (bt.n(), bt.k()) != (self.n_out(), self.n_in()) {
            return Err(Error::shape(
                "Dense::forward_packed panels",
                (self.n_out(), self.n_in()),
                (bt.n(), bt.k()),
            ));
        }
        kernels::gemm_packed(batch, x, bt, y)?;
        let b = self
            .b
            .as_slice()
            .ok_or_else(|| Error::data("bias is not contiguous"))?;
        kernels::bias_act(self.act, b, y)
    }

    /// Multiplies the weights by the mask, if there is one.
    pub fn apply_mask(&mut self) {
        if let Some(m) = &self.mask {
            self.w.zip_mut_with(m, |w, &m| *w *= m);
        }
    }

    /// Fraction of weights that are exactly zero.
    pub fn sparsity(&self) -> f32 {
        let zeros = self.w.iter().filter(|&&w| w == 0.0).count();
        zeros as f32 / self.w.len().max(1) as f32
    }
}
