//! Quantization: fixed-point (uniform, symmetric or affine, per tensor or per channel; Jacob et
//! al. 2018), floating-point (fp16, bf16, OCP fp8), k-means weight sharing with Huffman coding
//! (Deep Compression, Han et al. 2016), quantization-aware training (straight-through estimator,
//! Bengio et al. 2013), and a quantized model that runs on an int8 × int8 → int32 GEMM.
//! `apply` turns a float `Mlp` into a [`QuantizedMlp`]; `qat` and `deep` build on it.

pub mod calibrate;
pub mod deep;
pub mod finetune;
pub mod fixed_point;
pub mod float;
pub mod huffman;
pub mod kmeans;
pub mod model;
pub mod packing;
pub mod params;
pub mod qat;
pub mod view;

pub use fixed_point::{Granularity, QParams, Symmetry};
pub use float::FloatFormat;
pub use model::{LayerCodes, QLayer, QuantizedMlp};
pub use params::{Calibration, Params, Scheme, Training};

use crate::data::Dataset;
use crate::error::Missing;
use crate::error::{Error, Result};
use crate::model::Mlp;
use crate::tensor::as_slice;
use ndarray::Array2;

/// Quantizes one `[rows, cols]` weight matrix: its codes and the weights they stand for.
///
/// # Errors
/// `InvalidParam` for bad bits or too many clusters.
pub fn quantize_weights(
    w: &[f32],
    cols: usize,
    mask: Option<&[f32]>,
    p: &Params,
) -> Result<(LayerCodes, Vec<f32>)> {
    let mut out = vec![0f32; w.len()];
    let codes = match p.scheme {
        Scheme::Int => {
            let qp = fixed_point::weight_params(w, cols, p.bits, p.symmetry, p.granularity)?;
            let mut q = vec![0i8; w.len()];
            for (r, (row, (qrow, orow))) in w
                .chunks(cols.max(1))
                .zip(q.chunks_mut(cols.max(1)).zip(out.chunks_mut(cols.max(1))))
                .enumerate()
            {
                let par = fixed_point::row_params(&qp, r).ok_or(Error::NotReady {
                    what: Missing::WeightScales,
                })?;
                for ((&v, qv), o) in row.iter().zip(qrow).zip(orow) {
                    *qv = par.quantize(v);
                    *o = par.dequantize(*qv);
                }
            }
            let row_sums = q
                .chunks(cols.max(1))
                .map(|r| r.iter().map(|&v| i32::from(v)).sum())
                .collect();
            LayerCodes::Int { q, qp, row_sums }
        }
        Scheme::Float => {
            // fp8: one per-tensor scale maps max|w| onto the format's largest value, so small
            // weights use the format's precision instead of falling into its subnormals.
            // fp16/bf16 have range enough (and 2^128/max|w| would overflow f32).
            let (lo, hi) = fixed_point::min_max(w.iter().copied());
            let amax = lo.abs().max(hi.abs());
            let scale = if amax > 0.0 && p.format.bits() == 8 {
                p.format.max_finite() / amax
            } else {
                1.0
            };
            let codes: Vec<u16> = w
                .iter()
                .map(|&v| p.format.encode(v * scale, p.saturate))
                .collect();
            for (o, &c) in out.iter_mut().zip(&codes) {
                *o = p.format.decode(c) / scale;
            }
            LayerCodes::Float {
                codes,
                format: p.format,
                scale,
            }
        }
        Scheme::KMeans => {
            let book = kmeans::share(w, mask, 1usize << p.bits, p.kmeans_iters)?;
            book.decode(mask, &mut out);
            LayerCodes::Shared { book }
        }
    };
    // Pruned weights stay exactly zero whatever the grid.
    if let Some(m) = mask {
        out.iter_mut().zip(m).for_each(|(o, &k)| *o *= k);
    }
    Ok((codes, out))
}

/// Post-training quantization of `mlp`. Activations (if asked) are calibrated on
/// `p.calib_batches` batches of `calib`.
///
/// # Errors
/// `InvalidParam` if `p` fails its check or k exceeds a layer's kept weights; `NotReady` if
/// activations are asked for without calibration data.
pub fn apply(mlp: &Mlp, p: &Params, calib: Option<&Dataset>) -> Result<QuantizedMlp> {
    p.check()?;
    let mut layers = Vec::with_capacity(mlp.layers.len());
    for l in &mlp.layers {
        let w = as_slice(&l.w)?;
        let mask = l.mask.as_ref().and_then(|m| m.as_slice());
        let (codes, deq) = quantize_weights(w, l.n_in(), mask, p)?;
        layers.push(QLayer {
            codes,
            bits: p.weight_bits(),
            weights: Array2::from_shape_vec((l.n_out(), l.n_in()), deq)
                .map_err(|_| Error::shape("quantize::apply", l.w.dim(), "other"))?,
            b: l.b.to_vec(),
            act: l.act,
            mask: l.mask.clone(),
        });
    }
    let act_qp = if p.activations {
        let data = calib.ok_or(Error::NotReady {
            what: Missing::TrainingDataToCalibrateActivations,
        })?;
        Some(calibrate::activation_params(mlp, data, p)?)
    } else {
        None
    };
    Ok(QuantizedMlp {
        layers,
        act_qp,
        index_bits: p.index_bits,
        huffman: p.huffman,
    })
}

/// Writes the fake-quantized weights of `shadow` into `work` (same shapes): the forward
/// weights of quantization-aware training.
///
/// # Errors
/// As [`quantize_weights`]; `ShapeMismatch` if the nets differ.
pub fn project(shadow: &Mlp, work: &mut Mlp, p: &Params) -> Result<()> {
    if shadow.sizes() != work.sizes() {
        return Err(Error::shape(
            "quantize::project",
            shadow.sizes(),
            work.sizes(),
        ));
    }
    for (s, w) in shadow.layers.iter().zip(work.layers.iter_mut()) {
        let mask = s.mask.as_ref().and_then(|m| m.as_slice());
        let (_, deq) = quantize_weights(as_slice(&s.w)?, s.n_in(), mask, p)?;
        w.w = Array2::from_shape_vec(s.w.dim(), deq)
            .map_err(|_| Error::shape("quantize::project", s.w.dim(), "other"))?;
        w.b.assign(&s.b);
    }
    Ok(())
}

/// PTQ, or QAT for `p.qat_steps` steps then quantization (for k-means: sharing, then
/// `p.qat_steps` steps of centroid fine-tuning at `p.qat_lr`·10⁻²).
///
/// # Errors
/// As [`apply`]; `Diverged` if training diverges.
pub fn run(mlp: &Mlp, p: &Params, train: &Dataset) -> Result<QuantizedMlp> {
    p.check()?;
    match (p.training, p.scheme) {
        (Training::Ptq, _) => apply(mlp, p, Some(train)),
        (Training::Qat, Scheme::KMeans) => {
            let shared = apply(mlp, p, Some(train))?;
            let mut t =
                finetune::CentroidTrainer::new(shared, p.qat_lr * 1e-2, train.len(), p.seed)?;
            t.run(train, p.qat_steps)?;
            Ok(t.model)
        }
        (Training::Qat, _) => {
            let mut t = qat::QatTrainer::new(mlp.clone(), p, train.len())?;
            while !t.done() {
                t.run(train, 500)?;
            }
            apply(&t.shadow, p, Some(train))
        }
    }
}
