//! Measured inference time of a pruned model, dense against sparse (CSR), at batch 1 and 64:
//! the first layer alone (dense GEMM vs the CSR kernel) and the whole model. Measured with
//! `speed::mean_ms` on the clock the caller passes (performance.now() in the browser); the
//! CSR kernel does ~(1 − s) of the multiply-adds but gathers its inputs (Han et al. 2016, EIE).

use super::SparseMlp;
use crate::compress::{speed, Compressed};
use crate::error::Missing;
use crate::error::{Error, Result};
use crate::model::{Mlp, Workspace};
use serde::Serialize;

/// The lowest of three `speed::mean_ms` runs: on a shared machine, interference from other
/// processes only ever adds time, so the minimum is the fairest estimate of each kernel.
/// A kernel that fails is an error, never a (fast) time.
fn best(clock: &dyn Fn() -> f64, min_ms: f64, mut f: impl FnMut() -> Result<()>) -> Result<f64> {
    let mut t = f64::INFINITY;
    for _ in 0..3 {
        t = t.min(speed::try_mean_ms(clock, min_ms / 3.0, &mut f)?);
    }
    Ok(t)
}

/// The first `n` examples of `data`, standardised as the model sees them: timing inputs.
///
/// # Errors
/// None in practice (the indices are made from `data.len()`); typed for `gather`.
pub fn real_inputs(data: &crate::data::Dataset, n: usize) -> Result<Vec<f32>> {
    let n = n.min(data.len());
    let idx: Vec<u32> = (0..n as u32).collect();
    let mut x = vec![0.0; n * data.dim()];
    let mut y = vec![0u8; n];
    crate::data::batch::gather(data, &idx, &mut x, &mut y)?;
    Ok(x)
}

/// Measured dense vs sparse inference, in ms per call.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timings {
    /// Batch sizes measured.
    pub batch: Vec<usize>,
    /// First layer, dense GEMM.
    pub layer1_dense_ms: Vec<f64>,
    /// First layer, CSR kernel.
    pub layer1_sparse_ms: Vec<f64>,
    /// First layer, CSC skipping blank input pixels (`blank_skip`), one example at a time.
    pub layer1_skip_ms: Vec<f64>,
    /// Whole model, dense.
    pub model_dense_ms: Vec<f64>,
    /// Whole model, sparse.
    pub model_sparse_ms: Vec<f64>,
    /// The reference (e.g. the full model before neurons were removed), dense; empty if none.
    pub reference_dense_ms: Vec<f64>,
}

/// Times `model` dense and as CSR at batch 1 and 64, each for at least `min_ms`, and the
/// `reference` model dense if given (structured pruning: the full model it came from).
/// `inputs` are ≥ 64 real examples (standardised test digits); without them a synthetic input
/// with no blank pixels is used, on which the blank-skipping layer saves nothing.
///
/// # Errors
/// Shape errors (the models must take the same inputs).
pub fn timings(
    model: &Mlp,
    reference: Option<&Mlp>,
    inputs: Option<&[f32]>,
    clock: &dyn Fn() -> f64,
    min_ms: f64,
) -> Result<Timings> {
    let sp = SparseMlp::from_mlp(model)?;
    let n_in = model.n_in();
    let l0 = model.layers.first().ok_or(Error::NotReady {
        what: Missing::NoLayers,
    })?;
    let csr = &sp
        .layers
        .first()
        .ok_or(Error::NotReady {
            what: Missing::NoLayers,
        })?
        .csr;
    let w0 = crate::tensor::as_slice(&l0.w)?;
    let mut t = Timings {
        batch: vec![1, 64],
        layer1_dense_ms: vec![],
        layer1_sparse_ms: vec![],
        layer1_skip_ms: vec![],
        model_dense_ms: vec![],
        model_sparse_ms: vec![],
        reference_dense_ms: vec![],
    };
    let x: Vec<f32> = match inputs {
        Some(real) if real.len() >= 64 * n_in => real[..64 * n_in].to_vec(),
        _ => (0..64 * n_in)
            .map(|i| ((i * 7919) % 255) as f32 / 128.0 - 1.0)
            .collect(),
    };
    let blank = crate::data::mnist::normalize_pixel(0.0);
    let skip =
        super::blank_skip::BlankSkipLayer::new(&l0.w, l0.b.as_slice().unwrap_or(&[]), blank)?;
    for &b in &[1usize, 64] {
        let xb = &x[..b * n_in];
        let mut y = vec![0.0; b * l0.n_out()];
        let mut xt = vec![0.0; b * n_in];
        crate::tensor::sparse::transpose(b, n_in, xb, &mut xt)?;
        let mut ws = Workspace::default();
        t.layer1_dense_ms.push(best(clock, min_ms, || {
            crate::tensor::kernels::gemm_nt(b, l0.n_out(), n_in, xb, w0, &mut y)
        })?);
        t.layer1_sparse_ms
            .push(best(clock, min_ms, || csr.mm_t(&xt, b, &mut y))?);
        t.layer1_skip_ms.push(best(clock, min_ms, || {
            for (xi, yi) in xb.chunks_exact(n_in).zip(y.chunks_exact_mut(l0.n_out())) {
                skip.forward_one(xi, yi)?;
            }
            Ok(())
        })?);
        t.model_dense_ms.push(best(clock, min_ms, || {
            model.forward(xb, b, &mut ws).map(drop)
        })?);
        t.model_sparse_ms.push(best(clock, min_ms, || {
            sp.forward(xb, b, &mut ws).map(drop)
        })?);
        if let Some(r) = reference {
            let mut ws = Workspace::default();
            t.reference_dense_ms
                .push(best(clock, min_ms, || r.forward(xb, b, &mut ws).map(drop))?);
        }
    }
    Ok(t)
}
