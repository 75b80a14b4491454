//! A version's figures, measured once when it is made: test accuracy on every test digit, the
//! three honest sizes (Han et al. 2016 count indices, codebooks and scales), the ratio against
//! the dense model it descends from, and the measured time per batch of 1 and of 64 on the
//! kernel the model really runs. Speed is measured with a clock passed in, never estimated.

use super::model::{Kernel, Model};
use crate::compress::size::ModelSize;
use crate::compress::speed::mean_ms;
use crate::compress::Compressed;
use crate::data::Dataset;
use crate::error::Result;
use crate::model::Workspace;
use serde::Serialize;

/// Minimum wall time of one timing (the mean over as many calls as fit).
pub const TIMING_MIN_MS: f64 = 60.0;

/// What a version measures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Figures {
    /// Test accuracy in [0, 1] over `test_count` digits.
    pub accuracy: f32,
    /// Misclassified test digits.
    pub errors: usize,
    /// Test digits evaluated (all of them).
    pub test_count: usize,
    /// Dense fp32, dense with zeros, true packed bytes.
    pub size: ModelSize,
    /// Dense fp32 bytes of the root dense ancestor ÷ this model's packed bytes.
    pub ratio: f32,
    /// Dense fp32 bytes of the root dense ancestor (the chain's trained model), which the
    /// ratio divides, so every descendant is compared with the same model.
    pub root_dense_bytes: usize,
    /// Mean milliseconds of one forward pass at batch 1 and at batch 64.
    pub ms_batch1: f64,
    pub ms_batch64: f64,
    /// The kernel that ran.
    pub kernel: Kernel,
    /// Layer widths, input first.
    pub sizes: Vec<usize>,
    /// Fraction of weights kept (1 unless masked).
    pub kept_fraction: f32,
}

/// Evaluates and times `model` on `test`. `root_dense_bytes` is the dense fp32 size of the
/// dense model the chain started from (for the ratio); `now_ms` is a monotonic clock.
///
/// # Errors
/// Evaluation or forward errors (shape mismatches).
pub fn measure(
    model: &Model,
    test: &Dataset,
    root_dense_bytes: usize,
    now_ms: &dyn Fn() -> f64,
) -> Result<Figures> {
    let ev = model.evaluate(test, 0)?;
    let size = model.size();
    let n_in = model.n_in();
    let mut ws = Workspace::default();
    let mut time = |batch: usize| -> Result<f64> {
        let batch = batch.min(test.len()).max(1);
        let mut x = vec![0.0f32; batch * n_in];
        for (i, row) in x.chunks_exact_mut(n_in.max(1)).enumerate() {
            test.write_image(i, row);
        }
        // One checked call first, so a failing kernel is reported, not timed as a fast one.
        model.forward(&x, batch, &mut ws)?;
        let mut failed = None;
        let ms = mean_ms(now_ms, TIMING_MIN_MS, || {
            if let Err(e) = model.forward(&x, batch, &mut ws) {
                failed = Some(e);
            }
        });
        match failed {
            Some(e) => Err(e),
            None => Ok(ms),
        }
    };
    let ms_batch1 = time(1)?;
    let ms_batch64 = time(64)?;
    Ok(Figures {
        accuracy: ev.accuracy,
        errors: ev.errors(),
        test_count: ev.count,
        ratio: root_dense_bytes as f32 / size.packed_bytes.max(1) as f32,
        root_dense_bytes,
        size,
        ms_batch1,
        ms_batch64,
        kernel: model.kernel(),
        sizes: model.sizes(),
        kept_fraction: model.kept_fraction(),
    })
}
