//! The trainer and its step; the chunked loop over steps and epochs, with progress reports and
//! the divergence guard, is in `trainer/chunk.rs`.
//!
//! One step: gather a seeded batch, z = f(x), (L, ∂L/∂z) = loss(idx, z, y) (softmax
//! cross-entropy unless a method plugs in its own, e.g. distillation), backward, zero the
//! gradients of frozen layers, optimizer update (masks held). Buffers are allocated by the first
//! batch and reused, so steps allocate nothing. A NaN or infinite loss restores the weights saved
//! at the start of the chunk and stops.

use super::config::TrainConfig;
use super::optimizer::Optimizer;
use super::parallel;
use crate::data::batch::gather;
use crate::data::{Batcher, Dataset};
use crate::error::Missing;
use crate::error::{check_len, Error, Result};
use crate::model::loss::softmax_cross_entropy;
use crate::model::{Grads, Mlp, Workspace};
use crate::tensor::kernels::par;

mod chunk;
mod state;

pub use chunk::Progress;
pub use state::RunState;

/// The loss of one batch: given (example indices, logits `[b, classes]`, labels `[b]`), writes
/// ∂L/∂logits into the last argument and returns (mean loss, correct argmax predictions).
pub type BatchLoss<'a> = dyn FnMut(&[u32], &[f32], &[u8], &mut [f32]) -> Result<(f32, usize)> + 'a;

/// Plain softmax cross-entropy as a [`BatchLoss`].
// The closure type is spelled out because `impl Trait` cannot be named by an alias.
#[allow(clippy::type_complexity)]
pub fn cross_entropy(
    classes: usize,
) -> impl FnMut(&[u32], &[f32], &[u8], &mut [f32]) -> Result<(f32, usize)> {
    move |_, z, y, d| softmax_cross_entropy(z, y, classes, d)
}

/// The loss of a step: plain cross-entropy (which the data-parallel step computes per example
/// on its shards) or a method's own [`BatchLoss`] (run on the whole batch, one thread).
enum Loss<'l, 'a> {
    CrossEntropy,
    Custom(&'l mut BatchLoss<'a>),
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
    frozen: Vec<bool>,
    x: Vec<f32>,
    y: Vec<u8>,
    idx: Vec<u32>,
    step: u64,
    epoch_correct: usize,
    epoch_seen: usize,
    last_good: Mlp,
    total_steps: Option<u64>,
    /// The first step's loss: the scale against which a chunk's losses count as sane.
    reference_loss: Option<f32>,
    /// Whether the last chunk's loss was sane (so its end may become the next `last_good`).
    last_sane: bool,
    /// The mean loss of the last chunk (what the page last showed), None before any.
    last_loss: Option<f32>,
    /// Shards of the data-parallel step (0: one per pool thread; 1: the serial step).
    shards: usize,
    /// Whether `ws.packed` holds the current weights' panels (only within one chunk: between
    /// calls the caller may change `mlp`).
    panels_fresh: bool,
    /// Whether every weight was finite after the last step (the divergence guard).
    weights_finite: bool,
    /// Per-example loss and correctness of the data-parallel step's batch.
    row_loss: Vec<f32>,
    row_correct: Vec<u8>,
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
                what: Missing::NoTrainingData,
            });
        }
        let opt = Optimizer::new(&cfg, &mlp);
        let grads = Grads::zeros_like(&mlp);
        let d = mlp.n_in();
        Ok(Trainer {
            batcher: Batcher::new(n_train, cfg.batch_size, cfg.seed),
            x: vec![0.0; cfg.batch_size * d],
            y: vec![0; cfg.batch_size],
            idx: Vec::with_capacity(cfg.batch_size),
            frozen: vec![false; mlp.layers.len()],
            ws: Workspace::default(),
            grads,
            opt,
            step: 0,
            epoch_correct: 0,
            epoch_seen: 0,
            last_good: mlp.clone(),
            total_steps: None,
            reference_loss: None,
            last_sane: true,
            last_loss: None,
            shards: 0,
            panels_fresh: false,
            weights_finite: true,
            row_loss: vec![0.0; cfg.batch_size],
            row_correct: vec![0; cfg.batch_size],
            mlp,
            cfg,
        })
    }

    /// Steps taken.
    pub fn steps(&self) -> u64 {
        self.step
    }

    /// Sets the length T of the learning-rate schedule in steps, for a run of a fractional
    /// number of epochs (by default T = epochs × batches per epoch). The caller stops after T.
    pub fn set_total_steps(&mut self, steps: u64) {
        self.total_steps = Some(steps.max(1));
    }

    /// Batches in one epoch (the last one may be short).
    pub fn batches_per_epoch(&self) -> usize {
        self.batcher.batches_per_epoch()
    }

    /// Completed epochs.
    pub fn epoch(&self) -> usize {
        self.batcher.epoch() + usize::from(self.batcher.at_epoch_end())
    }

    /// True once the configured number of epochs is done.
    pub fn done(&self) -> bool {
        self.epoch() >= self.cfg.epochs
    }

    /// Call after changing the model's shape or masks: resizes gradients and optimizer state.
    pub fn model_changed(&mut self) {
        self.grads = Grads::zeros_like(&self.mlp);
        self.frozen = vec![false; self.mlp.layers.len()];
        self.opt.reset(&self.mlp);
        self.ws = Workspace::default();
        self.panels_fresh = false;
        self.last_good = self.mlp.clone();
        self.reference_loss = None;
        self.last_sane = true;
    }

    /// Freezes the layers marked true: their gradients are zeroed and, after each update, their
    /// weights are restored exactly (so weight decay cannot move them either).
    ///
    /// # Errors
    /// `ShapeMismatch` if `frozen` does not have one entry per layer.
    pub fn freeze(&mut self, frozen: Vec<bool>) -> Result<()> {
        check_len("Trainer::freeze", frozen.len(), self.mlp.layers.len())?;
        self.frozen = frozen;
        self.last_good.clone_from(&self.mlp);
        Ok(())
    }

    /// Sets how many shards the data-parallel step cuts each batch into: 0 (the default) for
    /// one per thread of the pool, 1 for the serial step. Any count gives the same numbers
    /// (see `train::parallel`); tests use it to compare them.
    pub fn set_shards(&mut self, shards: usize) {
        self.shards = shards.min(parallel::MAX_SHARDS);
    }

    /// One optimisation step on the next batch with softmax cross-entropy; returns (loss,
    /// correct in batch, batch size).
    ///
    /// # Errors
    /// `ShapeMismatch` if `data` does not match the network's input width.
    pub fn step(&mut self, data: &Dataset) -> Result<(f32, usize, usize)> {
        self.panels_fresh = false;
        self.step_inner(data, &mut Loss::CrossEntropy)
    }

    /// One optimisation step on the next batch with the given loss.
    ///
    /// # Errors
    /// `ShapeMismatch` if `data` does not match the network's input width; whatever `loss`
    /// returns.
    pub fn step_with(
        &mut self,
        data: &Dataset,
        loss: &mut BatchLoss<'_>,
    ) -> Result<(f32, usize, usize)> {
        self.panels_fresh = false;
        self.step_inner(data, &mut Loss::Custom(loss))
    }

    fn step_inner(
        &mut self,
        data: &Dataset,
        loss: &mut Loss<'_, '_>,
    ) -> Result<(f32, usize, usize)> {
        check_len("Trainer::step image width", data.dim(), self.mlp.n_in())?;
        self.batcher.check_data(data)?;
        let total = self
            .total_steps
            .unwrap_or((self.cfg.epochs * self.batcher.batches_per_epoch()) as u64)
            .max(1) as f32;
        self.opt.lr = self.cfg.lr * self.cfg.schedule.factor(self.step as f32 / total);
        // Copied so the loss can see which examples are in the batch (the teacher's logits are
        // looked up by index); the capacity was reserved, so this does not allocate.
        self.idx.clear();
        self.idx.extend_from_slice(self.batcher.next_indices());
        let b = self.idx.len();
        let any_frozen = self.frozen.iter().any(|&f| f);
        let threads = if self.shards == 0 {
            par::threads()
        } else {
            self.shards
        };
        let shards = parallel::shard_count(threads, b);
        // Cross-entropy on unfrozen layers takes the data-parallel step even on one thread: its
        // phase 2 fuses the gradient, update and packing per panel (see `train::parallel`), and
        // it gives the serial step's numbers exactly.
        if let (Loss::CrossEntropy, false) = (&loss, any_frozen) {
            if !self.panels_fresh {
                self.ws.pack(&self.mlp)?;
            }
            self.panels_fresh = false;
            let (l, correct, finite) = parallel::step(
                parallel::Step {
                    mlp: &mut self.mlp,
                    opt: &mut self.opt,
                    grads: &mut self.grads,
                    ws: &mut self.ws,
                    x: &mut self.x,
                    y: &mut self.y,
                    losses: &mut self.row_loss,
                    correct: &mut self.row_correct,
                },
                data,
                &self.idx,
                shards,
            )?;
            self.weights_finite = finite;
            if l.is_finite() {
                self.step += 1;
                // The step packed the updated weights' panels for the next forward.
                self.panels_fresh = true;
            }
            return Ok((l, correct, b));
        }
        self.panels_fresh = false;
        let d = data.dim();
        gather(data, &self.idx, &mut self.x[..b * d], &mut self.y[..b])?;
        let x = &self.x[..b * d];
        self.mlp.forward(x, b, &mut self.ws)?;
        let (logits, dlogits) = self.ws.logits_and_dlogits(b);
        let (l, correct) = match loss {
            Loss::CrossEntropy => {
                softmax_cross_entropy(logits, &self.y[..b], self.mlp.n_out(), dlogits)?
            }
            Loss::Custom(f) => f(&self.idx, logits, &self.y[..b], dlogits)?,
        };
        if !l.is_finite() {
            return Ok((l, correct, b));
        }
        self.mlp.backward(x, b, &mut self.ws, &mut self.grads)?;
        for (i, _) in self.frozen.iter().enumerate().filter(|(_, &f)| f) {
            self.grads.w[i].fill(0.0);
            self.grads.b[i].fill(0.0);
        }
        self.weights_finite = self.opt.step(&mut self.mlp, &self.grads)?;
        if any_frozen {
            for (i, _) in self.frozen.iter().enumerate().filter(|(_, &f)| f) {
                self.mlp.layers[i].clone_from(&self.last_good.layers[i]);
            }
            // A frozen layer's update may have overflowed before it was restored.
            self.weights_finite = self.mlp.is_finite();
        }
        self.step += 1;
        Ok((l, correct, b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, MlpSpec};

    fn toy() -> Dataset {
        let n = 64;
        Dataset {
            images: (0..n * 784)
                .map(|i| ((i * 37 + i / 784 * 11) % 256) as u8)
                .collect(),
            labels: (0..n).map(|i| (i % 10) as u8).collect(),
            rows: 28,
            cols: 28,
        }
    }

    #[test]
    fn frozen_layers_do_not_move_and_others_do() {
        let data = toy();
        let mlp = Mlp::new(&MlpSpec::mnist(&[6], Activation::Relu), 1).unwrap();
        let cfg = TrainConfig {
            hidden: vec![6],
            epochs: 1,
            batch_size: 16,
            weight_decay: 0.01,
            ..Default::default()
        };
        let mut t = Trainer::from_model(cfg, mlp.clone(), data.len()).unwrap();
        t.freeze(vec![true, false]).unwrap();
        let mut ce = cross_entropy(10);
        let p = t.run_epoch_with(&data, &mut ce).unwrap();
        assert!(p.done && p.samples == 64);
        assert_eq!(t.mlp.layers[0], mlp.layers[0]);
        assert_ne!(t.mlp.layers[1], mlp.layers[1]);
        assert!(t.freeze(vec![true]).is_err());
    }
}
