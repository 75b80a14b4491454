//! A quantized MLP that really runs on its codes. With int weights and quantized activations,
//! each layer is integer-only (Jacob et al. 2018, §2.2–2.4): acc = Σ (q_a − Z_a)(q_w − Z_w)
//! expanded into one int8 GEMM plus row/column-sum corrections, an int32 bias of scale S_a·S_w,
//! then requantization q_out = clamp(round(M·acc) + Z_out) with M = S_a·S_w/S_out and ReLU
//! fused as a clamp at Z_out. Other schemes decode their codes to f32 once and run the f32 GEMM.

use super::fixed_point::{row_params, QParams};
use super::float::{round_half_even, FloatFormat};
use super::kmeans::Codebook;
use super::packing::{self, LayerBits};
use crate::compress::{Compressed, ModelSize};
use crate::error::Missing;
use crate::error::{check_len, Error, Result};
use crate::model::{Activation, Workspace};
use crate::tensor::kernels::{self, int8};
use ndarray::Array2;

/// How a layer's weights are stored.
#[derive(Debug, Clone, PartialEq)]
pub enum LayerCodes {
    /// b-bit integers with one (S, Z) per tensor or per row; `row_sums[o]` = Σ_k q[o, k] is
    /// kept for the activation zero-point correction (computed once, not per forward).
    Int {
        q: Vec<i8>,
        qp: Vec<QParams>,
        row_sums: Vec<i32>,
    },
    /// A float format, after multiplying by `scale` (per tensor) so the range fits.
    Float {
        codes: Vec<u16>,
        format: FloatFormat,
        scale: f32,
    },
    /// k-means shared weights.
    Shared { book: Codebook },
}

/// One quantized layer.
#[derive(Debug, Clone, PartialEq)]
pub struct QLayer {
    /// The stored codes.
    pub codes: LayerCodes,
    /// Bits per weight code.
    pub bits: u32,
    /// The weights the codes stand for, `[n_out, n_in]` (decoded once; for the f32 path and
    /// for drawing).
    pub weights: Array2<f32>,
    /// Bias in f32.
    pub b: Vec<f32>,
    /// Activation.
    pub act: Activation,
    /// Pruning mask, if the model was pruned (then storage is sparse).
    pub mask: Option<Array2<f32>>,
}

impl QLayer {
    /// Inputs.
    pub fn n_in(&self) -> usize {
        self.weights.ncols()
    }
    /// Outputs.
    pub fn n_out(&self) -> usize {
        self.weights.nrows()
    }
}

/// A quantized network.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantizedMlp {
    /// Layers in order.
    pub layers: Vec<QLayer>,
    /// Quantization of each layer's input activations (None: activations stay f32).
    pub act_qp: Option<Vec<QParams>>,
    /// Bits per relative-index symbol for sparse layers.
    pub index_bits: u32,
    /// Huffman-code the codes and the index (Deep Compression's last stage).
    pub huffman: bool,
}

impl QuantizedMlp {
    /// True when every layer is integer and activations are quantized: the int8 path runs.
    pub fn is_integer(&self) -> bool {
        self.act_qp.is_some()
            && self
                .layers
                .iter()
                .all(|l| matches!(l.codes, LayerCodes::Int { .. }))
    }

    /// The kernel `forward` uses ("int8" or "f32").
    pub fn kernel(&self) -> &'static str {
        if self.is_integer() {
            "int8"
        } else {
            "f32"
        }
    }

    /// Storage of each layer, in bits; `sparse` uses the mask (if any) and the gap index.
    pub fn layer_bits(&self, sparse: bool) -> Vec<LayerBits> {
        self.layers
            .iter()
            .map(|l| {
                let overhead = match &l.codes {
                    LayerCodes::Int { qp, .. } => {
                        let zp = if qp.iter().any(|p| p.zero != 0) { 8 } else { 0 };
                        qp.len() as u64 * (32 + zp)
                    }
                    LayerCodes::Float { .. } => 32,
                    LayerCodes::Shared { book } => 32 * book.centroids.len() as u64,
                };
                match (&l.mask, sparse) {
                    (Some(m), true) => {
                        let m = m.as_slice().unwrap_or(&[]);
                        let symbols = symbols_of(l, m);
                        packing::sparse_layer(
                            &symbols,
                            l.bits,
                            m,
                            self.index_bits,
                            l.b.len(),
                            overhead,
                            self.huffman,
                        )
                    }
                    _ => packing::dense_layer(l.weights.len(), l.b.len(), l.bits, overhead),
                }
            })
            .collect()
    }

    fn act_overhead_bits(&self) -> u64 {
        self.act_qp.as_ref().map_or(0, |a| 40 * a.len() as u64)
    }

    /// Integer forward: int8 GEMM, int32 bias, requantization; returns f32 logits.
    fn forward_int(&self, x: &[f32], batch: usize, act_qp: &[QParams]) -> Result<Vec<f32>> {
        let first = act_qp.first().ok_or(Error::NotReady {
            what: Missing::ActivationQuantizationParameters,
        })?;
        let mut xq = vec![0i8; x.len()];
        first.quantize_slice(x, &mut xq);
        for (l, layer) in self.layers.iter().enumerate() {
            let LayerCodes::Int { q, qp, row_sums } = &layer.codes else {
                return Err(Error::NotReady {
                    what: Missing::IntegerCodes,
                });
            };
            let (n_in, n_out) = (layer.n_in(), layer.n_out());
            let qa = act_qp.get(l).ok_or(Error::NotReady {
                what: Missing::ActivationQuantizationParameters,
            })?;
            let mut acc = vec![0i32; batch * n_out];
            int8::gemm_i8_nt(batch, n_out, n_in, &xq, q, &mut acc)?;
            let za = qa.zero;
            let row_w = row_sums;
            let weights_affine = qp.iter().any(|p| p.zero != 0);
            let row_a: Vec<i32> = if weights_affine {
                xq.chunks(n_in.max(1))
                    .map(|r| r.iter().map(|&v| i32::from(v)).sum())
                    .collect()
            } else {
                vec![0; batch]
            };
            // Per output channel: effective scale S_a·S_w and the int32 bias.
            let mut s_eff = vec![0f32; n_out];
            let mut q_bias = vec![0i32; n_out];
            let mut zw = vec![0i32; n_out];
            for o in 0..n_out {
                let p = row_params(qp, o).ok_or(Error::NotReady {
                    what: Missing::WeightScales,
                })?;
                s_eff[o] = qa.scale * p.scale;
                zw[o] = p.zero;
                let bq = round_half_even(f64::from(layer.b[o]) / f64::from(s_eff[o]));
                q_bias[o] = bq.clamp(-(1 << 30) as f64, (1 << 30) as f64) as i32;
            }
            let k = n_in as i32;
            let last = l + 1 == self.layers.len();
            let next = act_qp.get(l + 1);
            let mut out_f = Vec::new();
            let mut out_q = Vec::new();
            if last {
                out_f.reserve(batch * n_out);
            } else {
                out_q.reserve(batch * n_out);
            }
            // Requantization multipliers M = S_a·S_w / S_out, fused ReLU = clamp at Z_out.
            let fused = matches!(layer.act, Activation::Relu | Activation::Identity);
            let m: Vec<f32> = s_eff
                .iter()
                .map(|s| s / next.map_or(1.0, |nq| nq.scale))
                .collect();
            for bi in 0..batch {
                for o in 0..n_out {
                    let a = acc[bi * n_out + o] - za * row_w[o] - zw[o] * row_a[bi]
                        + k * za * zw[o]
                        + q_bias[o];
                    match (last, next) {
                        (false, Some(nq)) if fused => {
                            let v = (m[o] * a as f32).round_ties_even() as i32 + nq.zero;
                            let lo = if layer.act == Activation::Relu {
                                nq.zero
                            } else {
                                nq.q_min
                            };
                            out_q.push(v.clamp(lo, nq.q_max) as i8);
                        }
                        (false, Some(nq)) => {
                            out_q.push(nq.quantize(layer.act.apply(s_eff[o] * a as f32)));
                        }
                        _ => out_f.push(layer.act.apply(s_eff[o] * a as f32)),
                    }
                }
            }
            if last {
                return Ok(out_f);
            }
            xq = out_q;
        }
        Err(Error::NotReady {
            what: Missing::TheNetworkHasNoLayers,
        })
    }

    /// f32 forward on the decoded weights, with activations fake-quantized if asked.
    fn forward_f32(&self, x: &[f32], batch: usize) -> Result<Vec<f32>> {
        let mut a = x.to_vec();
        for (l, layer) in self.layers.iter().enumerate() {
            if let Some(qa) = self.act_qp.as_ref().and_then(|v| v.get(l)) {
                a.iter_mut().for_each(|v| *v = qa.fake(*v));
            }
            let w = layer
                .weights
                .as_slice()
                .ok_or_else(|| Error::data("weights are not contiguous"))?;
            let mut y = vec![0f32; batch * layer.n_out()];
            kernels::gemm_nt(batch, layer.n_out(), layer.n_in(), &a, w, &mut y)?;
            kernels::bias_act(layer.act, &layer.b, &mut y)?;
            a = y;
        }
        Ok(a)
    }
}

/// The code symbols of a layer's kept weights, in row-major order.
fn symbols_of(l: &QLayer, mask: &[f32]) -> Vec<u32> {
    let keep = |i: usize| mask.get(i).is_none_or(|&m| m != 0.0);
    match &l.codes {
        LayerCodes::Int { q, qp, .. } => {
            let (q_min, _) = qp.first().map_or((0, 0), |p| (p.q_min, p.q_max));
            q.iter()
                .enumerate()
                .filter(|(i, _)| keep(*i))
                .map(|(_, &v)| (i32::from(v) - q_min) as u32)
                .collect()
        }
        LayerCodes::Float { codes, format, .. } => codes
            .iter()
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .map(|(_, &c)| u32::from(c) & ((1u32 << format.bits()) - 1))
            .collect(),
        LayerCodes::Shared { book } => book
            .codes
            .iter()
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .map(|(_, &c)| u32::from(c))
            .collect(),
    }
}

impl Compressed for QuantizedMlp {
    fn forward(&self, x: &[f32], batch: usize, _ws: &mut Workspace) -> Result<Vec<f32>> {
        check_len("QuantizedMlp::forward input", x.len(), batch * self.n_in())?;
        match &self.act_qp {
            Some(aq) if self.is_integer() => self.forward_int(x, batch, aq),
            _ => self.forward_f32(x, batch),
        }
    }

    fn n_in(&self) -> usize {
        self.layers.first().map_or(0, QLayer::n_in)
    }

    /// Dense fp32; every weight (zeros too) at its code width; and the packed size (sparse
    /// index and Huffman coding when the model is pruned, layer by layer where that is
    /// smaller). Codebooks, scales, zero points,
    /// activation scales and fp32 biases are counted in both of the last two.
    fn size(&self) -> ModelSize {
        let params: usize = self
            .layers
            .iter()
            .map(|l| l.weights.len() + l.b.len())
            .sum();
        let extra = self.act_overhead_bits();
        let dense_layers = self.layer_bits(false);
        let dense: u64 = dense_layers.iter().map(LayerBits::total).sum();
        // Each layer is stored in whichever is smaller, sparse (codes of kept weights + gap
        // index) or dense codes: a lightly pruned last layer stays dense while the big
        // first layer goes sparse.
        let packed: u64 = self
            .layer_bits(true)
            .iter()
            .zip(&dense_layers)
            .map(|(s, d)| s.total().min(d.total()))
            .sum();
        ModelSize {
            dense_fp32_bytes: params * 4,
            dense_with_zeros_bytes: packing::bytes(dense + extra),
            packed_bytes: packing::bytes(packed + extra),
        }
    }
}
