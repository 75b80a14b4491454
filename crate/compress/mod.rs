//! The five compression methods, one module each, plus honest size accounting and speed timing.
//!
//! Each method has a `Params` struct (serde Deserialize, Default) with `check() -> Result<()>`
//! and an `apply` that returns a compressed model implementing [`Compressed`]: it can run
//! `forward` on its real kernel, report its true size, and be evaluated by the same metrics.

pub mod binarize;
pub mod distill;
pub mod low_rank;
pub mod prune;
pub mod quantize;
pub mod size;
pub mod speed;

use crate::data::Dataset;
use crate::error::Result;
use crate::model::{Mlp, Workspace};
use crate::train::metrics::{evaluate_with, Evaluation};
pub use size::ModelSize;

/// A model after compression.
pub trait Compressed {
    /// Logits `[batch, n_out]` for `x` `[batch, n_in]`, computed by the method's real kernel
    /// (sparse, int8, factored, XNOR-popcount, ...), not by a dense simulation.
    ///
    /// # Errors
    /// `ShapeMismatch` if `x` does not match.
    fn forward(&self, x: &[f32], batch: usize, ws: &mut Workspace) -> Result<Vec<f32>>;

    /// Input width.
    fn n_in(&self) -> usize;

    /// The three honest sizes.
    fn size(&self) -> ModelSize;

    /// Accuracy, loss and confusion on `data` (first `limit` examples, 0 = all).
    ///
    /// # Errors
    /// As `forward`.
    fn evaluate(&self, data: &Dataset, limit: usize) -> Result<Evaluation> {
        evaluate_with(|x, b, ws| self.forward(x, b, ws), self.n_in(), data, limit)
    }
}

impl Compressed for Mlp {
    fn forward(&self, x: &[f32], batch: usize, ws: &mut Workspace) -> Result<Vec<f32>> {
        Mlp::forward(self, x, batch, ws)?;
        Ok(ws.logits(batch).to_vec())
    }

    fn n_in(&self) -> usize {
        Mlp::n_in(self)
    }

    fn size(&self) -> ModelSize {
        ModelSize::dense(self)
    }
}
