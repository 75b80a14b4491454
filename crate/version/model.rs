//! The model a version holds: one enum over the storage formats the five methods produce, so
//! that any version can be the input of any method and every figure (accuracy, true bytes,
//! speed, heatmaps) comes from one interface, [`Compressed`].
//!
//! Float covers every model whose weights are f32: dense, masked (weight-pruned), narrowed
//! (neuron-pruned), distilled students and low-rank nets (a factored layer is two layers, the
//! inner one `Activation::Identity`, W ≈ U_k·Σ_k·V_kᵀ). Masked float models run on the CSR
//! kernel (Han et al. 2015) when that is faster; quantized ones on int8 or decoded f32 (Jacob et
//! al. 2018); binary ones on XNOR-popcount (Rastegari et al. 2016).

use crate::compress::binarize::PackedNet;
use crate::compress::prune::SparseMlp;
use crate::compress::quantize::QuantizedMlp;
use crate::compress::size::ModelSize;
use crate::compress::Compressed;
use crate::error::Missing;
use crate::error::Result;
use crate::model::{Mlp, Workspace};
use ndarray::Array2;

/// Below this fraction of kept weights a masked float model is stored and run as CSR.
pub const SPARSE_KEEP_LIMIT: f32 = 0.5;

/// The weights of a version, in the format it is really stored and run in.
#[derive(Debug, Clone, PartialEq)]
pub enum Model {
    /// f32 weights (dense, masked, narrowed, distilled or factored).
    Float(Mlp),
    /// Fixed-point, floating-point or k-means codes, optionally sparse and Huffman-coded.
    Quantized(QuantizedMlp),
    /// Bit-packed binary weights (and signs as activations for BNN).
    Binary(PackedNet),
}

/// Which kernel a model's forward pass runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kernel {
    /// Dense f32 GEMM (simd128 in the browser).
    F32,
    /// CSR sparse × dense.
    Csr,
    /// int8 × int8 → int32 GEMM with requantization.
    Int8,
    /// Codes decoded to f32 once, then the f32 GEMM.
    DecodedF32,
    /// XNOR-popcount on bit-packed signs.
    Xnor,
}

impl Kernel {
    /// A short name for the page's kernel badge.
    pub fn label(self) -> &'static str {
        match self {
            Kernel::F32 => "f32 GEMM",
            Kernel::Csr => "CSR sparse",
            Kernel::Int8 => "int8 GEMM",
            Kernel::DecodedF32 => "decoded → f32 GEMM",
            Kernel::Xnor => "XNOR-popcount",
        }
    }
}

impl Model {
    /// The float network, if this is one.
    pub fn as_float(&self) -> Option<&Mlp> {
        match self {
            Model::Float(m) => Some(m),
            _ => None,
        }
    }

    /// Fraction of first-to-last weights that are kept (1 for unmasked models).
    pub fn kept_fraction(&self) -> f32 {
        match self {
            Model::Float(m) => {
                let (kept, all) = m.layers.iter().fold((0usize, 0usize), |(k, a), d| {
                    let n = d.w.len();
                    let kept = d
                        .mask
                        .as_ref()
                        .map_or(n, |mask| mask.iter().filter(|&&v| v != 0.0).count());
                    (k + kept, a + n)
                });
                if all == 0 {
                    1.0
                } else {
                    kept as f32 / all as f32
                }
            }
            _ => 1.0,
        }
    }

    /// The kernel `forward` runs.
    pub fn kernel(&self) -> Kernel {
        match self {
            Model::Float(_) if self.kept_fraction() < SPARSE_KEEP_LIMIT => Kernel::Csr,
            Model::Float(_) => Kernel::F32,
            Model::Quantized(q) if q.is_integer() => Kernel::Int8,
            Model::Quantized(_) => Kernel::DecodedF32,
            Model::Binary(_) => Kernel::Xnor,
        }
    }

    /// Layer widths, input first (784, ..., 10).
    pub fn sizes(&self) -> Vec<usize> {
        match self {
            Model::Float(m) => m.sizes(),
            Model::Quantized(q) => {
                let mut s: Vec<usize> = q.layers.first().map(|l| l.n_in()).into_iter().collect();
                s.extend(q.layers.iter().map(|l| l.n_out()));
                s
            }
            Model::Binary(b) => {
                let layers = b.layer_sizes();
                let mut s: Vec<usize> = layers.first().map(|l| l.n_in).into_iter().collect();
                s.extend(layers.iter().map(|l| l.n_out));
                s
            }
        }
    }

    /// The first layer's effective weights `[n_out, 784]` (what the heatmap tiles show) and its
    /// mask, if any. For a factored first layer this is the product of its two factors.
    ///
    /// # Errors
    /// Shape errors from the underlying model.
    pub fn first_layer(&self) -> Result<(Array2<f32>, Option<Array2<f32>>)> {
        match self {
            Model::Float(m) => {
                let first = m.layers.first().ok_or(crate::Error::NotReady {
                    what: Missing::AModelWithAtLeastOneLayer,
                })?;
                // A factored first layer: inner [k, 784] identity, then outer [n, k].
                if first.act == crate::model::Activation::Identity && m.layers.len() > 2 {
                    if let Some(outer) = m.layers.get(1) {
                        return Ok((outer.w.dot(&first.w), None));
                    }
                }
                Ok((first.w.clone(), first.mask.clone()))
            }
            Model::Quantized(q) => {
                let first = q.layers.first().ok_or(crate::Error::NotReady {
                    what: Missing::AModelWithAtLeastOneLayer,
                })?;
                Ok((first.weights.clone(), first.mask.clone()))
            }
            Model::Binary(b) => b.effective_weights(0).map(|w| (w, None)),
        }
    }
}

impl Compressed for Model {
    fn forward(&self, x: &[f32], batch: usize, ws: &mut Workspace) -> Result<Vec<f32>> {
        match self {
            Model::Float(m) if self.kernel() == Kernel::Csr => {
                SparseMlp::from_mlp(m)?.forward(x, batch, ws)
            }
            Model::Float(m) => Compressed::forward(m, x, batch, ws),
            Model::Quantized(q) => q.forward(x, batch, ws),
            Model::Binary(b) => b.forward(x, batch, ws),
        }
    }

    fn n_in(&self) -> usize {
        match self {
            Model::Float(m) => m.n_in(),
            Model::Quantized(q) => q.n_in(),
            Model::Binary(b) => b.n_in(),
        }
    }

    /// Float models: dense fp32 = every parameter; with zeros = the same; packed = CSR when the
    /// mask makes that smaller (values + 16-bit columns + row pointers + biases).
    fn size(&self) -> ModelSize {
        match self {
            Model::Float(m) => {
                let dense = ModelSize::dense(m);
                let has_mask = m.layers.iter().any(|d| d.mask.is_some());
                match SparseMlp::from_mlp(m) {
                    Ok(sp) if has_mask => ModelSize {
                        packed_bytes: sp.size().packed_bytes.min(dense.packed_bytes),
                        ..dense
                    },
                    _ => dense,
                }
            }
            Model::Quantized(q) => q.size(),
            Model::Binary(b) => b.size(),
        }
    }
}
