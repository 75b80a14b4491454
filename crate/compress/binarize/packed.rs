//! The bit-packed binary network for inference: binary weights stored one bit each (64 per word)
//! plus per-neuron α, bias and batch-norm statistics. A layer whose inputs are signs runs the
//! XNOR-popcount kernel, z = n − 2·popcount(a XOR w); a binary layer on real inputs (the first)
//! expands its bits to ±1 once at load and runs the f32 GEMM. Both then apply the same epilogue
//! as the float simulation, so the logits agree bit for bit (XNOR-Net, Rastegari et al. 2016).

use super::layer::{finish, refresh_weights, LayerCache};
use super::net::BinaryNet;
use super::params::Output;
use crate::compress::{Compressed, ModelSize};
use crate::error::{check_len, Error, Result};
use crate::error::{Reason, Setting};
use crate::model::{BatchNorm, Workspace};
use crate::tensor::as_slice;
use crate::tensor::kernels::{self, xnor};
use serde::Serialize;

/// Honest storage of one layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerSize {
    /// Inputs.
    pub n_in: usize,
    /// Outputs.
    pub n_out: usize,
    /// Weights stored as bits.
    pub binary_weights: bool,
    /// Inputs arrive as bits (the layer runs the XNOR-popcount kernel).
    pub binary_inputs: bool,
    /// The weights as f32.
    pub weights_fp32_bytes: usize,
    /// The weights as stored (whole 64-bit words per row for binary layers).
    pub weights_packed_bytes: usize,
    /// Per-neuron values as stored: bias, α (binary with scaling), γ, β, mean, variance.
    pub per_neuron_bytes: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Weights {
    /// Full-precision weights `[n_out, n_in]`.
    Float(Vec<f32>),
    /// Sign bits `[n_out, words(n_in)]` (bit 1 = −1); `expanded` is ±1 f32, kept only when the
    /// layer's inputs are real-valued.
    Signs { bits: Vec<u64>, expanded: Vec<f32> },
}

#[derive(Debug, Clone, PartialEq)]
struct PackedLayer {
    n_in: usize,
    n_out: usize,
    weights: Weights,
    alpha: Vec<f32>,
    scaled: bool,
    bias: Vec<f32>,
    bn: Option<BatchNorm>,
    output: Output,
    binary_inputs: bool,
}

/// A binary network packed for inference.
#[derive(Debug, Clone, PartialEq)]
pub struct PackedNet {
    layers: Vec<PackedLayer>,
}

enum Acts {
    Real(Vec<f32>),
    Bits(Vec<u64>),
}

impl PackedNet {
    /// Packs a trained network (its inference form: running batch-norm statistics).
    ///
    /// # Errors
    /// `BadData` if the network's arrays are not contiguous.
    pub fn from_net(net: &BinaryNet) -> Result<Self> {
        let mut layers = Vec::with_capacity(net.shadow.layers.len());
        for (l, (dense, kind)) in net.shadow.layers.iter().zip(&net.kinds).enumerate() {
            let (n_in, n_out) = (dense.n_in(), dense.n_out());
            let binary_inputs = kind.binary
                && l > 0
                && net
                    .kinds
                    .get(l - 1)
                    .is_some_and(|k| k.output == Output::Sign);
            let mut c = LayerCache::default();
            refresh_weights(dense, *kind, net.scaling, &mut c)?;
            let weights = if kind.binary {
                let mut bits = vec![0u64; n_out * xnor::words(n_in)];
                xnor::pack_signs(as_slice(&dense.w)?, n_out, n_in, &mut bits)?;
                let expanded = if binary_inputs {
                    Vec::new()
                } else {
                    expand(&bits, n_out, n_in)
                };
                Weights::Signs { bits, expanded }
            } else {
                Weights::Float(c.weights)
            };
            layers.push(PackedLayer {
                n_in,
                n_out,
                weights,
                alpha: c.alpha,
                scaled: kind.binary && net.scaling,
                bias: dense.b.to_vec(),
                bn: net.norms.get(l).cloned().flatten(),
                output: kind.output,
                binary_inputs,
            });
        }
        Ok(PackedNet { layers })
    }

    /// The layers as plain data (see `parts.rs`).
    pub(super) fn parts_view(&self) -> Vec<super::parts::PackedLayerParts> {
        use super::parts::{PackedLayerParts, PartWeights};
        self.layers
            .iter()
            .map(|l| PackedLayerParts {
                n_in: l.n_in,
                n_out: l.n_out,
                weights: match &l.weights {
                    Weights::Float(w) => PartWeights::Float(w.clone()),
                    Weights::Signs { bits, .. } => PartWeights::Signs(bits.clone()),
                },
                alpha: l.alpha.clone(),
                scaled: l.scaled,
                bias: l.bias.clone(),
                bn: l.bn.clone(),
                output: l.output,
                binary_inputs: l.binary_inputs,
            })
            .collect()
    }

    /// Builds the net from checked parts (expanding ±1 weights where inputs are real).
    pub(super) fn assemble(parts: Vec<super::parts::PackedLayerParts>) -> Self {
        use super::parts::PartWeights;
        let layers = parts
            .into_iter()
            .map(|p| PackedLayer {
                n_in: p.n_in,
                n_out: p.n_out,
                weights: match p.weights {
                    PartWeights::Float(w) => Weights::Float(w),
                    PartWeights::Signs(bits) => {
                        let expanded = if p.binary_inputs {
                            Vec::new()
                        } else {
                            expand(&bits, p.n_out, p.n_in)
                        };
                        Weights::Signs { bits, expanded }
                    }
                },
                alpha: p.alpha,
                scaled: p.scaled,
                bias: p.bias,
                bn: p.bn,
                output: p.output,
                binary_inputs: p.binary_inputs,
            })
            .collect();
        PackedNet { layers }
    }

    /// Output width.
    pub fn n_out(&self) -> usize {
        self.layers.last().map_or(0, |l| l.n_out)
    }

    /// Storage of every layer.
    pub fn layer_sizes(&self) -> Vec<LayerSize> {
        self.layers
            .iter()
            .map(|l| {
                let per = 1 + usize::from(l.scaled) + if l.bn.is_some() { 4 } else { 0 };
                let weights_packed_bytes = match &l.weights {
                    Weights::Float(w) => w.len() * 4,
                    Weights::Signs { bits, .. } => bits.len() * 8,
                };
                LayerSize {
                    n_in: l.n_in,
                    n_out: l.n_out,
                    binary_weights: matches!(l.weights, Weights::Signs { .. }),
                    binary_inputs: l.binary_inputs,
                    weights_fp32_bytes: l.n_in * l.n_out * 4,
                    weights_packed_bytes,
                    per_neuron_bytes: l.n_out * per * 4,
                }
            })
            .collect()
    }

    /// The sign bits of layer `l` (`[n_out, words(n_in)]`), if it is binary.
    pub fn bits(&self, l: usize) -> Option<&[u64]> {
        match self.layers.get(l).map(|l| &l.weights) {
            Some(Weights::Signs { bits, .. }) => Some(bits),
            _ => None,
        }
    }

    /// The weights layer `l` multiplies by, `[n_out, n_in]`: α·(±1) for a binary layer (α = 1
    /// without scaling), the stored floats otherwise. For heatmaps and comparisons.
    ///
    /// # Errors
    /// `InvalidParam` if `l` is not a layer.
    pub fn effective_weights(&self, l: usize) -> Result<ndarray::Array2<f32>> {
        let layer = self
            .layers
            .get(l)
            .ok_or_else(|| Error::param(Setting::Layer, l + 1, Reason::NoSuchLayer))?;
        let values = match &layer.weights {
            Weights::Float(w) => w.clone(),
            Weights::Signs { bits, .. } => {
                let mut w = expand(bits, layer.n_out, layer.n_in);
                if layer.scaled {
                    for (row, &a) in w.chunks_exact_mut(layer.n_in.max(1)).zip(&layer.alpha) {
                        row.iter_mut().for_each(|v| *v *= a);
                    }
                }
                w
            }
        };
        ndarray::Array2::from_shape_vec((layer.n_out, layer.n_in), values).map_err(|_| {
            Error::shape(
                "PackedNet::effective_weights",
                (layer.n_out, layer.n_in),
                "other",
            )
        })
    }

    /// Logits `[batch, n_out]` for `x` `[batch, n_in]`.
    ///
    /// # Errors
    /// `ShapeMismatch` if `x` is not `[batch, n_in]`.
    pub fn logits(&self, x: &[f32], batch: usize) -> Result<Vec<f32>> {
        check_len("PackedNet input", x.len(), batch * self.n_in())?;
        let mut cur = Acts::Real(x.to_vec());
        for (l, layer) in self.layers.iter().enumerate() {
            let (n_in, n_out) = (layer.n_in, layer.n_out);
            let mut z = vec![0.0f32; batch * n_out];
            match (&layer.weights, &cur) {
                (Weights::Signs { bits, .. }, Acts::Bits(a)) => {
                    let mut zi = vec![0i32; batch * n_out];
                    xnor::xnor_gemm_nt(batch, n_out, n_in, a, bits, &mut zi)?;
                    // |z| ≤ n_in ≤ 4096 < 2^24: the conversion is exact.
                    z.iter_mut().zip(&zi).for_each(|(f, &i)| *f = i as f32);
                }
                (Weights::Signs { expanded: w, .. }, Acts::Real(a))
                | (Weights::Float(w), Acts::Real(a)) => {
                    kernels::gemm_nt(batch, n_out, n_in, a, w, &mut z)?;
                }
                (Weights::Float(_), Acts::Bits(_)) => {
                    return Err(Error::data(
                        "a full-precision layer cannot take packed inputs",
                    ));
                }
            }
            for row in z.chunks_exact_mut(n_out) {
                for (j, v) in row.iter_mut().enumerate() {
                    *v = finish(
                        *v,
                        layer.alpha[j],
                        layer.bias[j],
                        layer.bn.as_ref(),
                        j,
                        layer.output,
                    );
                }
            }
            let next_bits = self.layers.get(l + 1).is_some_and(|n| n.binary_inputs);
            cur = if next_bits {
                let mut bits = vec![0u64; batch * xnor::words(n_out)];
                xnor::pack_signs(&z, batch, n_out, &mut bits)?;
                Acts::Bits(bits)
            } else {
                Acts::Real(z)
            };
        }
        match cur {
            Acts::Real(z) => Ok(z),
            Acts::Bits(_) => Err(Error::data("the last layer must output logits")),
        }
    }
}

/// ±1 f32 from sign bits (bit 1 = −1).
fn expand(bits: &[u64], n_out: usize, n_in: usize) -> Vec<f32> {
    let kw = xnor::words(n_in);
    let mut out = Vec::with_capacity(n_out * n_in);
    for row in bits.chunks_exact(kw.max(1)).take(n_out) {
        for i in 0..n_in {
            let bit = (row[i / 64] >> (i % 64)) & 1;
            out.push(if bit == 1 { -1.0 } else { 1.0 });
        }
    }
    out
}

impl Compressed for PackedNet {
    fn forward(&self, x: &[f32], batch: usize, _ws: &mut Workspace) -> Result<Vec<f32>> {
        self.logits(x, batch)
    }

    fn n_in(&self) -> usize {
        self.layers.first().map_or(0, |l| l.n_in)
    }

    /// Dense fp32 = the same architecture with f32 weights (bias and batch norm included);
    /// packed = the bits (whole words per row) plus every per-neuron float actually stored.
    fn size(&self) -> ModelSize {
        let sizes = self.layer_sizes();
        let dense = self
            .layers
            .iter()
            .zip(&sizes)
            .map(|(l, s)| {
                s.weights_fp32_bytes + l.n_out * 4 * (1 + if l.bn.is_some() { 4 } else { 0 })
            })
            .sum();
        let packed = sizes
            .iter()
            .map(|s| s.weights_packed_bytes + s.per_neuron_bytes)
            .sum();
        ModelSize {
            dense_fp32_bytes: dense,
            dense_with_zeros_bytes: dense,
            packed_bytes: packed,
        }
    }
}
