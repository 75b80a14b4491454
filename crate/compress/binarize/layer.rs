//! One layer of a binary network, float simulation: z = α ⊙ (x·sign(W)ᵀ), u = BN(z + b),
//! a = act(u) with act ∈ {ReLU, sign, identity}. Backward through the straight-through estimator:
//! ∂a/∂u = 1_{|u|≤1} for sign (BNN, Hubara et al. 2016), ∂L/∂W = ((α ⊙ δ)ᵀ·x) ⊙ 1_{|W|≤1} for
//! binary weights (BinaryConnect), α held constant in the gradient as in BinaryConnect's STE.

use super::params::Output;
use super::sign::{binarize_rows, sign, ste, ste_backward};
use crate::error::{check_len, Result};
use crate::model::{Activation, BatchNorm, BnCache, Dense};
use crate::tensor::{as_slice, kernels};
use serde::Serialize;

/// How one layer is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerKind {
    /// Weights are binarized (α·sign(w)); false keeps them full precision.
    pub binary: bool,
    /// What the layer emits.
    pub output: Output,
}

/// The non-linearity of an output kind.
#[inline]
pub fn activate(out: Output, u: f32) -> f32 {
    match out {
        Output::Relu => Activation::Relu.apply(u),
        Output::Sign => sign(u),
        Output::Logits => u,
    }
}

/// ∂a/∂u, with the STE for sign.
#[inline]
pub fn activate_grad(out: Output, u: f32) -> f32 {
    match out {
        Output::Relu => f32::from(u > 0.0),
        Output::Sign => ste(u),
        Output::Logits => 1.0,
    }
}

/// Inference pre-activation of neuron `j` given its dot product `z`: u = BN(α·z + b).
#[inline]
pub fn pre_activation(z: f32, alpha: f32, bias: f32, bn: Option<&BatchNorm>, j: usize) -> f32 {
    let v = alpha * z + bias;
    match bn {
        Some(bn) => bn.infer_one(j, v),
        None => v,
    }
}

/// Inference epilogue of neuron `j` given its dot product `z`: act(BN(α·z + b)). The float
/// simulation and the bit-packed network share it, so both produce identical bits.
#[inline]
pub fn finish(z: f32, alpha: f32, bias: f32, bn: Option<&BatchNorm>, j: usize, out: Output) -> f32 {
    activate(out, pre_activation(z, alpha, bias, bn, j))
}

/// Buffers of one layer for one pass (sized for the largest batch seen).
#[derive(Debug, Clone, Default)]
pub struct LayerCache {
    /// Weights as used: sign(w) for binary layers, w for full-precision ones `[n_out, n_in]`.
    pub weights: Vec<f32>,
    /// Per-neuron scale α `[n_out]` (1 without scaling or for full-precision layers).
    pub alpha: Vec<f32>,
    /// Pre-activation u `[batch, n_out]`.
    pub u: Vec<f32>,
    /// Output a `[batch, n_out]`.
    pub a: Vec<f32>,
    /// ∂L/∂a, turned into ∂L/∂z in place by the backward pass `[batch, n_out]`.
    pub delta: Vec<f32>,
    /// Batch-norm statistics of the last training forward.
    pub bn: BnCache,
}

impl LayerCache {
    fn ensure(&mut self, n_in: usize, n_out: usize, batch: usize) {
        self.weights.resize(n_in * n_out, 0.0);
        self.alpha.resize(n_out, 1.0);
        for v in [&mut self.u, &mut self.a, &mut self.delta] {
            if v.len() < batch * n_out {
                v.resize(batch * n_out, 0.0);
            }
        }
    }
}

/// Writes the weights the forward pass uses (sign(w) and α, or w and 1) into `cache`.
///
/// # Errors
/// `BadData` if the weights are not contiguous.
pub fn refresh_weights(
    dense: &Dense,
    kind: LayerKind,
    scaling: bool,
    cache: &mut LayerCache,
) -> Result<()> {
    cache.ensure(dense.n_in(), dense.n_out(), 0);
    let w = as_slice(&dense.w)?;
    if kind.binary {
        binarize_rows(
            w,
            dense.n_in(),
            scaling,
            &mut cache.weights,
            &mut cache.alpha,
        );
    } else {
        cache.weights.copy_from_slice(w);
        cache.alpha.fill(1.0);
    }
    Ok(())
}

/// The batch norm of a layer during one pass.
pub enum NormMode<'a> {
    /// No batch norm.
    Off,
    /// Training: batch statistics, running averages updated.
    Train(&'a mut BatchNorm),
    /// Inference: running statistics.
    Infer(&'a BatchNorm),
}

/// Forward pass of one layer on `x` `[batch, n_in]`.
///
/// # Errors
/// `ShapeMismatch` if `x` does not match the layer.
pub fn forward(
    dense: &Dense,
    kind: LayerKind,
    bn: NormMode<'_>,
    scaling: bool,
    x: &[f32],
    batch: usize,
    cache: &mut LayerCache,
) -> Result<()> {
    let (n_in, n_out) = (dense.n_in(), dense.n_out());
    check_len("binary layer input", x.len(), batch * n_in)?;
    refresh_weights(dense, kind, scaling, cache)?;
    cache.ensure(n_in, n_out, batch);
    let z = &mut cache.u[..batch * n_out];
    kernels::gemm_nt(batch, n_out, n_in, x, &cache.weights, z)?;
    let a = &mut cache.a[..batch * n_out];
    match bn {
        NormMode::Train(bn) => {
            for row in z.chunks_exact_mut(n_out) {
                for (j, v) in row.iter_mut().enumerate() {
                    *v = cache.alpha[j] * *v + dense.b[j];
                }
            }
            bn.forward_train(z, batch, &mut cache.bn)?;
            for (ai, &ui) in a.iter_mut().zip(z.iter()) {
                *ai = activate(kind.output, ui);
            }
        }
        bn => {
            let bn = match bn {
                NormMode::Infer(b) => Some(b),
                _ => None,
            };
            // u is kept (not just a) so a training pass without batch norm can backpropagate.
            for (zrow, arow) in z.chunks_exact_mut(n_out).zip(a.chunks_exact_mut(n_out)) {
                for j in 0..n_out {
                    let u = pre_activation(zrow[j], cache.alpha[j], dense.b[j], bn, j);
                    zrow[j] = u;
                    arow[j] = activate(kind.output, u);
                }
            }
        }
    }
    Ok(())
}

/// Gradients of one layer: the pass must follow a training `forward` on the same `x`.
pub struct LayerGrads<'a> {
    /// ∂L/∂W (shadow weights) `[n_out, n_in]`.
    pub w: &'a mut [f32],
    /// ∂L/∂b `[n_out]`.
    pub b: &'a mut [f32],
    /// ∂L/∂γ and ∂L/∂β when the layer has batch norm.
    pub bn: Option<(&'a mut [f32], &'a mut [f32])>,
    /// ∂L/∂x `[batch, n_in]`, when the layer below needs it.
    pub x: Option<&'a mut [f32]>,
}

/// Backward pass of one layer from ∂L/∂a in `cache.delta`.
///
/// # Errors
/// `ShapeMismatch` if the buffers do not match the layer and the last forward.
pub fn backward(
    dense: &Dense,
    kind: LayerKind,
    bn: Option<&BatchNorm>,
    x: &[f32],
    batch: usize,
    cache: &mut LayerCache,
    g: LayerGrads<'_>,
) -> Result<()> {
    let (n_in, n_out) = (dense.n_in(), dense.n_out());
    check_len("binary layer backward input", x.len(), batch * n_in)?;
    if cache.u.len() < batch * n_out || cache.delta.len() < batch * n_out {
        return Err(crate::Error::shape(
            "binary layer backward",
            batch * n_out,
            cache.u.len(),
        ));
    }
    let d = &mut cache.delta[..batch * n_out];
    for (di, &ui) in d.iter_mut().zip(&cache.u[..batch * n_out]) {
        *di *= activate_grad(kind.output, ui);
    }
    if let (Some(bn), Some((dg, db))) = (bn, g.bn) {
        bn.backward(d, batch, &cache.bn, dg, db)?;
    }
    check_len("binary layer bias gradient", g.b.len(), n_out)?;
    g.b.fill(0.0);
    for row in d.chunks_exact_mut(n_out) {
        for ((v, gb), a) in row.iter_mut().zip(g.b.iter_mut()).zip(&cache.alpha) {
            *gb += *v;
            *v *= a;
        }
    }
    kernels::gemm_tn(n_out, n_in, batch, d, x, g.w)?;
    if kind.binary {
        ste_backward(as_slice(&dense.w)?, g.w);
    }
    if let Some(dx) = g.x {
        kernels::gemm_nn(batch, n_in, n_out, d, &cache.weights, dx)?;
    }
    Ok(())
}
