//! A packed binary network as plain data, for model files: the sign bits (bit 1 = −1, 64 per
//! word, rows padded with 0 bits), or full-precision weights; per-neuron α, bias and batch norm;
//! what each layer emits. `PackedNet::from_parts` checks everything a file could get wrong, so
//! a loaded net runs the same XNOR-popcount kernel on the same bits (Rastegari et al. 2016).

use super::packed::PackedNet;
use super::params::Output;
use crate::error::{bad_data, Error, Fault, Result};
use crate::model::BatchNorm;
use crate::tensor::kernels::xnor;

/// The weights of one packed layer.
#[derive(Debug, Clone, PartialEq)]
pub enum PartWeights {
    /// Sign bits `[n_out, words(n_in)]`.
    Signs(Vec<u64>),
    /// Full-precision weights `[n_out, n_in]`.
    Float(Vec<f32>),
}

/// One layer of a [`PackedNet`] as plain data.
#[derive(Debug, Clone, PartialEq)]
pub struct PackedLayerParts {
    pub n_in: usize,
    pub n_out: usize,
    pub weights: PartWeights,
    /// Per-neuron α `[n_out]` (all 1 without scaling).
    pub alpha: Vec<f32>,
    /// α is part of the model (XNOR-Net scaling on a binary layer).
    pub scaled: bool,
    pub bias: Vec<f32>,
    pub bn: Option<BatchNorm>,
    pub output: Output,
    /// Inputs arrive as packed signs (the previous layer emits signs).
    pub binary_inputs: bool,
}

/// Checks one layer's parts.
fn check(l: usize, p: &PackedLayerParts, prev: Option<&PackedLayerParts>) -> Result<()> {
    let layer = l + 1;
    match &p.weights {
        PartWeights::Signs(b) => {
            let kw = xnor::words(p.n_in);
            if b.len() != p.n_out * kw {
                return Err(bad_data!(
                    BinarySignWords,
                    layer = layer,
                    count = b.len(),
                    expected = p.n_out * kw
                ));
            }
            let tail = p.n_in % 64;
            if tail != 0
                && b.chunks(kw.max(1))
                    .any(|row| row.last().is_some_and(|w| w >> tail != 0))
            {
                return Err(bad_data!(BinaryPaddingBits, layer = layer));
            }
        }
        PartWeights::Float(w) => {
            if w.len() != p.n_out * p.n_in {
                return Err(bad_data!(
                    BinaryWeightCount,
                    layer = layer,
                    count = w.len(),
                    expected = p.n_out * p.n_in
                ));
            }
        }
    }
    for (fault, v) in [
        (Fault::BinaryAlphaCount, &p.alpha),
        (Fault::BinaryBiasCount, &p.bias),
    ] {
        if v.len() != p.n_out {
            return Err(Error::bad(
                fault,
                vec![
                    ("layer", layer.to_string()),
                    ("count", v.len().to_string()),
                    ("expected", p.n_out.to_string()),
                ],
            ));
        }
    }
    if let Some(bn) = &p.bn {
        if bn.len() != p.n_out
            || bn.beta.len() != p.n_out
            || bn.running_mean.len() != p.n_out
            || bn.running_var.len() != p.n_out
        {
            return Err(bad_data!(BinaryBatchNormWidth, layer = layer));
        }
        if !(bn.eps.is_finite() && bn.eps > 0.0) || bn.running_var.iter().any(|&v| v < 0.0) {
            return Err(bad_data!(BinaryBatchNormValues, layer = layer));
        }
    }
    if p.binary_inputs {
        let signs_in = prev.is_some_and(|q| q.output == Output::Sign && q.n_out == p.n_in);
        if !signs_in || !matches!(p.weights, PartWeights::Signs(_)) {
            return Err(bad_data!(BinarySignsIn, layer = layer));
        }
    }
    if let Some(q) = prev {
        if q.n_out != p.n_in {
            return Err(bad_data!(
                BinaryNotChain,
                layer = layer,
                inputs = p.n_in,
                prev = l,
                outputs = q.n_out
            ));
        }
    }
    Ok(())
}

impl PackedNet {
    /// The layers as plain data.
    pub fn to_parts(&self) -> Vec<PackedLayerParts> {
        self.parts_view()
    }

    /// A net from plain data, every shape and flag checked.
    ///
    /// # Errors
    /// `BadData` in words for widths that do not chain, wrong lengths, set padding bits, a
    /// last layer that does not emit logits, or non-finite values.
    pub fn from_parts(parts: Vec<PackedLayerParts>) -> Result<Self> {
        if parts.is_empty() {
            return Err(bad_data!(BinaryNoLayers));
        }
        for (l, p) in parts.iter().enumerate() {
            check(l, p, l.checked_sub(1).and_then(|i| parts.get(i)))?;
        }
        if parts.last().is_some_and(|p| p.output != Output::Logits) {
            return Err(bad_data!(BinaryLastNotLogits));
        }
        Ok(PackedNet::assemble(parts))
    }
}
