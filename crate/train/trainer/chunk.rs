//! Training in chunks: `run` takes up to `max_steps` steps, stopping early at the end of an
//! epoch, and reports the chunk's mean loss and the epoch's running accuracy; `run_epoch` chains
//! chunks to an epoch's end. The divergence guard: the weights at the start of the last sane
//! chunk are kept, and a NaN or infinite loss (or weights) restores them and stops.

use super::{BatchLoss, Loss, Trainer};
use crate::data::Dataset;
use crate::error::Missing;
use crate::error::{Error, Result};
use crate::tensor::kernels::par;
use serde::Serialize;

/// What a chunk of training did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Epochs completed.
    pub epoch: usize,
    /// Fraction of the current epoch done.
    pub epoch_fraction: f32,
    /// Steps taken since the start.
    pub step: u64,
    /// Mean loss over the steps of this chunk.
    pub loss: f32,
    /// Running training accuracy over the current epoch so far.
    pub train_accuracy: f32,
    /// Examples processed in this chunk.
    pub samples: usize,
    /// True if this chunk ended an epoch.
    pub epoch_ended: bool,
    /// True once `epochs` epochs are complete.
    pub done: bool,
}

/// A chunk with a step loss above this many times the first step's is not "good": its end is
/// not kept as the weights to restore. With a huge learning rate the loss grows for a few steps
/// (weights finite but enormous) before it turns NaN; restoring those weights would still put
/// NaN into every evaluation, so the snapshot must predate the blow-up.
const SANE_LOSS_FACTOR: f32 = 10.0;

impl Trainer {
    /// Up to `max_steps` steps, stopping early at the end of an epoch or when done.
    ///
    /// # Errors
    /// `Diverged` if the loss becomes NaN or infinite (the weights from the start of this
    /// chunk are restored and the optimizer state is cleared); `NotReady` if already done.
    pub fn run(&mut self, data: &Dataset, max_steps: usize) -> Result<Progress> {
        // The whole chunk runs on a pool worker (threaded build) with a second worker spinning
        // for it, so each step's two fork-joins are between workers that are awake.
        par::in_pool_spinning(|| self.run_inner(data, max_steps, &mut Loss::CrossEntropy))
    }

    /// [`Trainer::run`] with the given loss.
    ///
    /// # Errors
    /// As [`Trainer::run`]; whatever `loss` returns.
    pub fn run_with(
        &mut self,
        data: &Dataset,
        max_steps: usize,
        loss: &mut BatchLoss<'_>,
    ) -> Result<Progress> {
        self.run_inner(data, max_steps, &mut Loss::Custom(loss))
    }

    fn run_inner(
        &mut self,
        data: &Dataset,
        max_steps: usize,
        loss: &mut Loss<'_, '_>,
    ) -> Result<Progress> {
        // The caller may have changed the weights since the last chunk.
        self.panels_fresh = false;
        if self.done() {
            return Err(Error::NotReady {
                what: Missing::TrainingIsFinishedResetOrRaiseTheEpoch,
            });
        }
        if self.batcher.at_epoch_end() {
            self.epoch_correct = 0;
            self.epoch_seen = 0;
        }
        if self.last_sane {
            self.last_good.clone_from(&self.mlp);
        }
        let (mut loss_sum, mut steps, mut samples) = (0.0f64, 0usize, 0usize);
        // The largest step loss of this chunk, relative to the reference (see SANE_LOSS_FACTOR).
        let mut worst = 0.0f32;
        for _ in 0..max_steps.max(1) {
            let (l, correct, b) = self.step_inner(data, loss)?;
            if !l.is_finite() || !self.weights_finite {
                self.mlp.clone_from(&self.last_good);
                self.opt.reset(&self.mlp);
                self.last_sane = true;
                return Err(Error::Diverged {
                    step: self.step,
                    loss: l,
                });
            }
            // The first step of a model (untrained or just changed) sets the loss scale.
            let reference = *self.reference_loss.get_or_insert(l.max(1.0));
            worst = worst.max(l / reference);
            loss_sum += l as f64;
            steps += 1;
            samples += b;
            self.epoch_correct += correct;
            self.epoch_seen += b;
            if self.batcher.at_epoch_end() {
                break;
            }
        }
        self.last_sane = worst <= SANE_LOSS_FACTOR;
        let loss = (loss_sum / steps.max(1) as f64) as f32;
        self.last_loss = Some(loss);
        Ok(Progress {
            loss,
            samples,
            ..self.progress()
        })
    }

    /// Where the run stands, as the last chunk's [`Progress`] said it (its loss and the
    /// epoch's running accuracy) with no samples of its own: what a page shows for a run it
    /// did not watch, such as one restored from a snapshot.
    pub fn progress(&self) -> Progress {
        let epoch_ended = self.batcher.at_epoch_end();
        Progress {
            epoch: self.epoch(),
            epoch_fraction: if epoch_ended {
                1.0
            } else {
                self.batcher.epoch_fraction()
            },
            step: self.step,
            loss: self.last_loss.unwrap_or(0.0),
            train_accuracy: self.epoch_correct as f32 / self.epoch_seen.max(1) as f32,
            samples: 0,
            epoch_ended,
            done: self.done(),
        }
    }

    /// Runs one whole epoch (convenience for the CLI and tests).
    ///
    /// # Errors
    /// As [`Trainer::run`].
    pub fn run_epoch(&mut self, data: &Dataset) -> Result<Progress> {
        self.chunks_to_epoch_end(|t| t.run(data, 1000))
    }

    /// [`Trainer::run_epoch`] with the given loss.
    ///
    /// # Errors
    /// As [`Trainer::run`]; whatever `loss` returns.
    pub fn run_epoch_with(&mut self, data: &Dataset, loss: &mut BatchLoss<'_>) -> Result<Progress> {
        self.chunks_to_epoch_end(|t| t.run_with(data, 1000, loss))
    }

    /// Runs `chunk` until an epoch ends; the progress of the last chunk, with the samples of
    /// all of them and the mean of their losses.
    fn chunks_to_epoch_end(
        &mut self,
        mut chunk: impl FnMut(&mut Self) -> Result<Progress>,
    ) -> Result<Progress> {
        let mut total = Progress::default();
        let (mut loss_sum, mut chunks) = (0.0, 0);
        loop {
            let p = chunk(self)?;
            loss_sum += p.loss;
            chunks += 1;
            let samples = total.samples + p.samples;
            total = Progress { samples, ..p };
            if total.epoch_ended {
                total.loss = loss_sum / chunks as f32;
                return Ok(total);
            }
        }
    }
}
