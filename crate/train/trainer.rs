//! The training loop, in steps and epochs, with progress reports and a divergence guard.
//!
//! One step: gather a seeded batch, forward, softmax cross-entropy, backward, optimizer update
//! (masks held). Buffers are allocated by the first batch and reused, so steps allocate nothing.
//! A NaN or infinite loss restores the weights saved at the start of the chunk and stops.

use super::config::TrainConfig;
use super::optimizer::Optimizer;
use crate::data::batch::gather;
use crate::data::{Batcher, Dataset};
use crate::error::{check_len, Error, Result};
use crate::model::loss::softmax_cross_entropy;
use crate::model::{Grads, Mlp, Workspace};
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

/// Trains one network on one dataset.
#[derive(Debug, Clone)]
pub struct Trainer {
    /// The settings (checked).
    pub cfg: TrainConfig,
    /// The model being trained.
    pub mlp: Mlp,
    /// Its optimizer state.
    pub opt: Optimizer,
    batcher: Batcher,
    ws: Workspace,
    grads: Grads,
    x: Vec<f32>,
    y: Vec<u8>,
    step: u64,
    epoch_correct: usize,
    epoch_seen: usize,
    last_good: Mlp,
}

impl Trainer {
    /// A new, freshly initialised network and trainer for `n_train` examples of width 784.
    ///
    /// # Errors
    /// `InvalidParam` if the settings fail [`TrainConfig::check`].
    pub fn new(cfg: TrainConfig, n_train: usize) -> Result<Self> {
        cfg.check()?;
        let mlp = Mlp::new(&cfg.spec(), cfg.seed)?;
        Self::from_model(cfg, mlp, n_train)
    }

    /// A trainer that continues from an existing model (fine-tuning keeps its masks).
    ///
    /// # Errors
    /// `InvalidParam` if the settings fail their check.
    pub fn from_model(cfg: TrainConfig, mlp: Mlp, n_train: usize) -> Result<Self> {
        cfg.check()?;
        if n_train == 0 {
            return Err(Error::NotReady {
                what: "no training data",
            });
        }
        let opt = Optimizer::new(&cfg, &mlp);
        let grads = Grads::zeros_like(&mlp);
        let d = mlp.n_in();
        Ok(Trainer {
            batcher: Batcher::new(n_train, cfg.batch_size, cfg.seed),
            x: vec![0.0; cfg.batch_size * d],
            y: vec![0; cfg.batch_size],
            ws: Workspace::default(),
            grads,
            opt,
            step: 0,
            epoch_correct: 0,
            epoch_seen: 0,
            last_good: mlp.clone(),
            mlp,
            cfg,
        })
    }

    /// Steps taken.
    pub fn steps(&self) -> u64 {
        self.step
    }

    /// Completed epochs.
    pub fn epoch(&self) -> usize {
        self.batcher.epoch() + usize::from(self.batcher.at_epoch_end())
    }

    /// True once the configured number of epochs is done.
    pub fn done(&self) -> bool {
        self.epoch() >= self.cfg.epochs
    }

    /// Gradients of the last step (for importance scores).
    pub fn grads(&self) -> &Grads {
        &self.grads
    }

    /// Call after changing the model's shape or masks: resizes gradients and optimizer state.
    pub fn model_changed(&mut self) {
        self.grads = Grads::zeros_like(&self.mlp);
        self.opt.reset(&self.mlp);
        self.ws = Workspace::default();
        self.last_good = self.mlp.clone();
    }

    /// One optimisation step on the next batch; returns (loss, correct in batch, batch size).
    ///
    /// # Errors
    /// `ShapeMismatch` if `data` does not match the network's input width.
    pub fn step(&mut self, data: &Dataset) -> Result<(f32, usize, usize)> {
        check_len("Trainer::step image width", data.dim(), self.mlp.n_in())?;
        let total = (self.cfg.epochs * self.batcher.batches_per_epoch()).max(1) as f32;
        self.opt.lr = self.cfg.lr * self.cfg.schedule.factor(self.step as f32 / total);
        let idx = self.batcher.next_indices();
        let b = idx.len();
        let d = data.dim();
        gather(data, idx, &mut self.x[..b * d], &mut self.y[..b]);
        let x = &self.x[..b * d];
        self.mlp.forward(x, b, &mut self.ws)?;
        let (logits, dlogits) = self.ws.logits_and_dlogits(b);
        let (loss, correct) =
            softmax_cross_entropy(logits, &self.y[..b], self.mlp.n_out(), dlogits)?;
        if !loss.is_finite() {
            return Ok((loss, correct, b));
        }
        self.mlp.backward(x, b, &mut self.ws, &mut self.grads)?;
        self.opt.step(&mut self.mlp, &self.grads)?;
        self.step += 1;
        Ok((loss, correct, b))
    }

    /// Up to `max_steps` steps, stopping early at the end of an epoch or when done.
    ///
    /// # Errors
    /// `Diverged` if the loss becomes NaN or infinite (the weights from the start of this
    /// chunk are restored and the optimizer state is cleared); `NotReady` if already done.
    pub fn run(&mut self, data: &Dataset, max_steps: usize) -> Result<Progress> {
        if self.done() {
            return Err(Error::NotReady {
                what: "training is finished; reset or raise the epoch count",
            });
        }
        if self.batcher.at_epoch_end() {
            self.epoch_correct = 0;
            self.epoch_seen = 0;
        }
        self.last_good.clone_from(&self.mlp);
        let (mut loss_sum, mut steps, mut samples) = (0.0f64, 0usize, 0usize);
        let mut epoch_ended = false;
        for _ in 0..max_steps.max(1) {
            let (loss, correct, b) = self.step(data)?;
            if !loss.is_finite() || !self.mlp.is_finite() {
                self.mlp.clone_from(&self.last_good);
                self.opt.reset(&self.mlp);
                return Err(Error::Diverged {
                    step: self.step,
                    loss,
                });
            }
            loss_sum += loss as f64;
            steps += 1;
            samples += b;
            self.epoch_correct += correct;
            self.epoch_seen += b;
            if self.batcher.at_epoch_end() {
                epoch_ended = true;
                break;
            }
        }
        Ok(Progress {
            epoch: self.epoch(),
            epoch_fraction: if epoch_ended {
                1.0
            } else {
                self.batcher.epoch_fraction()
            },
            step: self.step,
            loss: (loss_sum / steps.max(1) as f64) as f32,
            train_accuracy: self.epoch_correct as f32 / self.epoch_seen.max(1) as f32,
            samples,
            epoch_ended,
            done: self.done(),
        })
    }

    /// Runs one whole epoch (convenience for the CLI and tests).
    ///
    /// # Errors
    /// As [`Trainer::run`].
    pub fn run_epoch(&mut self, data: &Dataset) -> Result<Progress> {
        let mut total = Progress::default();
        let (mut loss_sum, mut chunks) = (0.0, 0);
        loop {
            let p = self.run(data, 1000)?;
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
