//! A trainer's state as plain data, and a trainer rebuilt from it: what a training snapshot
//! (crate/io/snapshot.rs) carries so that a run resumed after a crash takes exactly the steps
//! the uninterrupted run would have taken. The batches still to come follow from (seed, epoch,
//! position in the epoch), the updates from the weights, masks and optimizer moments, and the
//! learning rate from the step count (η_t = η·schedule(t/T)); buffers are scratch and rebuilt.

use super::Trainer;
use crate::data::Batcher;
use crate::error::{bad_data, Result};
use crate::model::Mlp;
use crate::train::optimizer::Moments;
use crate::train::TrainConfig;
use serde::{Deserialize, Serialize};

/// Where a run stands, besides its weights and optimizer moments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunState {
    /// Training examples the batcher shuffles (the data's size).
    pub n_train: usize,
    /// Steps taken (drives the learning-rate schedule).
    pub step: u64,
    /// The batcher's epoch (epochs begun before the current one).
    pub batch_epoch: usize,
    /// Examples of the current epoch already served.
    pub batch_cursor: usize,
    /// Correct predictions and examples seen so far this epoch (the running accuracy).
    pub epoch_correct: usize,
    pub epoch_seen: usize,
    /// Layers whose weights do not move.
    pub frozen: Vec<bool>,
    /// The schedule's length in steps when not epochs × batches per epoch.
    pub total_steps: Option<u64>,
    /// The divergence guard's loss scale (f32 bits, so it comes back exactly).
    pub reference_loss_bits: Option<u32>,
    /// Whether the last chunk was sane (the guard keeps its end as the weights to restore).
    pub last_sane: bool,
    /// The last chunk's mean loss (f32 bits).
    pub last_loss_bits: Option<u32>,
}

impl Trainer {
    /// The run's position and counters (the weights are `self.mlp`, the moments
    /// `self.opt.moments()`).
    pub fn run_state(&self) -> RunState {
        let (batch_epoch, batch_cursor) = self.batcher.position();
        RunState {
            n_train: self.batcher.len(),
            step: self.step,
            batch_epoch,
            batch_cursor,
            epoch_correct: self.epoch_correct,
            epoch_seen: self.epoch_seen,
            frozen: self.frozen.clone(),
            total_steps: self.total_steps,
            reference_loss_bits: self.reference_loss.map(f32::to_bits),
            last_sane: self.last_sane,
            last_loss_bits: self.last_loss.map(f32::to_bits),
        }
    }

    /// A trainer that continues the run `state` describes, over `mlp` with the optimizer
    /// moments `moments`, on `n_train` examples. The weights to restore on divergence start as
    /// `mlp` (the guard's older copy is not kept: a snapshot is taken at sane points).
    ///
    /// # Errors
    /// `InvalidParam` if `cfg` fails its check; `BadData` if the state does not fit the data
    /// (another size, a position past the epoch's end, counters that disagree) or the model
    /// (another layer count, moments of other shapes or of another optimizer).
    pub fn resume(
        cfg: TrainConfig,
        mlp: Mlp,
        moments: Moments,
        state: &RunState,
        n_train: usize,
    ) -> Result<Self> {
        if state.n_train != n_train {
            return Err(bad_data!(
                SnapshotDataSize,
                n = state.n_train,
                have = n_train
            ));
        }
        if state.frozen.len() != mlp.layers.len() {
            return Err(bad_data!(
                SnapshotLayers,
                count = state.frozen.len(),
                layers = mlp.layers.len()
            ));
        }
        if state.epoch_correct > state.epoch_seen || state.epoch_seen > n_train {
            return Err(bad_data!(
                SnapshotCounters,
                correct = state.epoch_correct,
                seen = state.epoch_seen,
                n = n_train
            ));
        }
        if state.batch_epoch > cfg.epochs {
            return Err(bad_data!(
                SnapshotEpoch,
                epoch = state.batch_epoch,
                epochs = cfg.epochs
            ));
        }
        let losses = [state.reference_loss_bits, state.last_loss_bits];
        if let Some(bad) = losses
            .into_iter()
            .flatten()
            .map(f32::from_bits)
            .find(|l| !l.is_finite())
        {
            return Err(bad_data!(SnapshotLoss, value = bad));
        }
        if !moments.fits(cfg.optimizer, &mlp) {
            return Err(bad_data!(SnapshotMoments));
        }
        let batcher = Batcher::resume(
            n_train,
            cfg.batch_size,
            cfg.seed,
            state.batch_epoch,
            state.batch_cursor,
        )?;
        let mut t = Trainer::from_model(cfg, mlp, n_train)?;
        t.opt.set_moments(moments, &t.mlp)?;
        t.batcher = batcher;
        t.step = state.step;
        t.epoch_correct = state.epoch_correct;
        t.epoch_seen = state.epoch_seen;
        t.frozen.clone_from(&state.frozen);
        t.total_steps = state.total_steps;
        t.reference_loss = state.reference_loss_bits.map(f32::from_bits);
        t.last_sane = state.last_sane;
        t.last_loss = state.last_loss_bits.map(f32::from_bits);
        Ok(t)
    }
}
