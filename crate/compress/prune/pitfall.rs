//! The tutorial's pitfall, measured: prune, then retrain twice from the same pruned weights —
//! once with the mask held (this crate's optimizer zeroes weights, gradients and moments of
//! pruned weights every step) and once with the mask applied a single time (`param.data *=
//! mask`, as the article's code does), whose pruned weights receive gradients and grow back.

use super::{apply, total_sparsity, Params};
use crate::data::Dataset;
use crate::error::Result;
use crate::model::Mlp;
use crate::train::{evaluate, TrainConfig, Trainer};
use serde::Serialize;

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Side {
    /// Fraction of weights that are exactly zero after retraining.
    pub sparsity_after: f32,
    /// Test accuracy after retraining.
    pub accuracy_after: f32,
}

/// The side-by-side result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PitfallReport {
    /// Sparsity right after pruning (the same for both sides).
    pub sparsity_pruned: f32,
    /// Test accuracy right after pruning.
    pub accuracy_pruned: f32,
    /// Training steps taken on each side.
    pub steps: usize,
    /// Mask held by the optimizer.
    pub held: Side,
    /// Mask multiplied in once, then forgotten.
    pub not_held: Side,
}

/// Prunes a copy of `mlp` with `params` and retrains both variants for `steps` steps of `cfg`.
///
/// # Errors
/// Errors from pruning, training or evaluation.
pub fn compare(
    mlp: &Mlp,
    params: &Params,
    cfg: &TrainConfig,
    train: &Dataset,
    test: &Dataset,
    steps: usize,
    eval_limit: usize,
) -> Result<PitfallReport> {
    let mut pruned = mlp.clone();
    apply(
        &mut pruned,
        &Params {
            hold_mask: true,
            ..params.clone()
        },
        Some(train),
    )?;
    let accuracy_pruned = evaluate(&pruned, test, eval_limit)?.accuracy;
    let sparsity_pruned = total_sparsity(&pruned);
    let mut loose = pruned.clone();
    super::clear_masks(&mut loose);
    let side = |m: Mlp| -> Result<Side> {
        let mut t = Trainer::from_model(cfg.clone(), m, train.len())?;
        let mut left = steps;
        while left > 0 && !t.done() {
            let p = t.run(train, left.min(1000))?;
            left = left.saturating_sub(p.samples.div_ceil(cfg.batch_size.max(1)));
        }
        Ok(Side {
            sparsity_after: total_sparsity(&t.mlp),
            accuracy_after: evaluate(&t.mlp, test, eval_limit)?.accuracy,
        })
    };
    Ok(PitfallReport {
        sparsity_pruned,
        accuracy_pruned,
        steps,
        held: side(pruned)?,
        not_held: side(loose)?,
    })
}
