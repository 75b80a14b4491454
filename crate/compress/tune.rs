//! A training loop with a pluggable loss and frozen layers, composed from `Mlp::forward`,
//! `Mlp::backward` and the `Optimizer` exactly as `train::Trainer` does it. Low-rank fine-tuning
//! uses it to train only the factors; distillation uses it with the Hinton loss, which needs the
//! batch's example indices to look up the stored teacher logits.
//! Step: z = f(x); (L, ∂L/∂z) = loss(idx, z, y); backward; zero frozen gradients; update.

use crate::data::batch::gather;
use crate::data::{Batcher, Dataset};
use crate::error::{check_len, Error, Result};
use crate::model::{Grads, Mlp, Workspace};
use crate::train::{Optimizer, Progress, TrainConfig};

/// The loss of one batch: given (example indices, logits `[b, classes]`, labels `[b]`), writes
/// ∂L/∂logits into the last argument and returns (mean loss, correct argmax predictions).
pub type BatchLoss<'a> = dyn FnMut(&[u32], &[f32], &[u8], &mut [f32]) -> Result<(f32, usize)> + 'a;

/// Trains one network with a custom loss, some layers optionally frozen.
#[derive(Debug, Clone)]
pub struct Tuner {
    /// Settings (checked); epochs, lr schedule, batch and seed come from here.
    pub cfg: TrainConfig,
    /// The network being trained.
    pub mlp: Mlp,
    opt: Optimizer,
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
}

impl Tuner {
    /// A loop over `n_train` examples that trains every layer of `mlp`.
    ///
    /// # Errors
    /// `InvalidParam` if `cfg` fails its check; `NotReady` if there is no data.
    pub fn new(cfg: TrainConfig, mlp: Mlp, n_train: usize) -> Result<Self> {
        cfg.check()?;
        if n_train == 0 {
            return Err(Error::NotReady {
                what: "no training data",
            });
        }
        let d = mlp.n_in();
        Ok(Tuner {
            opt: Optimizer::new(&cfg, &mlp),
            batcher: Batcher::new(n_train, cfg.batch_size, cfg.seed),
            ws: Workspace::default(),
            grads: Grads::zeros_like(&mlp),
            frozen: vec![false; mlp.layers.len()],
            x: vec![0.0; cfg.batch_size * d],
            y: vec![0; cfg.batch_size],
            idx: Vec::with_capacity(cfg.batch_size),
            step: 0,
            epoch_correct: 0,
            epoch_seen: 0,
            last_good: mlp.clone(),
            mlp,
            cfg,
        })
    }

    /// Freezes the layers marked true: their gradients are zeroed and, after each update, their
    /// weights are restored exactly (so weight decay cannot move them either).
    ///
    /// # Errors
    /// `ShapeMismatch` if `frozen` does not have one entry per layer.
    pub fn freeze(&mut self, frozen: Vec<bool>) -> Result<()> {
        check_len("Tuner::freeze", frozen.len(), self.mlp.layers.len())?;
        self.frozen = frozen;
        self.last_good.clone_from(&self.mlp);
        Ok(())
    }

    /// Completed epochs.
    pub fn epoch(&self) -> usize {
        self.batcher.epoch() + usize::from(self.batcher.at_epoch_end())
    }

    /// True once the configured epochs are done.
    pub fn done(&self) -> bool {
        self.epoch() >= self.cfg.epochs
    }

    /// One step on the next batch; returns (loss, correct, batch size).
    ///
    /// # Errors
    /// `ShapeMismatch` if `data` does not fit the network; whatever `loss` returns.
    pub fn step(
        &mut self,
        data: &Dataset,
        loss: &mut BatchLoss<'_>,
    ) -> Result<(f32, usize, usize)> {
        check_len("Tuner::step image width", data.dim(), self.mlp.n_in())?;
        let total = (self.cfg.epochs * self.batcher.batches_per_epoch()).max(1) as f32;
        self.opt.lr = self.cfg.lr * self.cfg.schedule.factor(self.step as f32 / total);
        self.idx.clear();
        self.idx.extend_from_slice(self.batcher.next_indices());
        let b = self.idx.len();
        let d = data.dim();
        gather(data, &self.idx, &mut self.x[..b * d], &mut self.y[..b]);
        let x = &self.x[..b * d];
        self.mlp.forward(x, b, &mut self.ws)?;
        let (logits, dlogits) = self.ws.logits_and_dlogits(b);
        let (l, correct) = loss(&self.idx, logits, &self.y[..b], dlogits)?;
        if !l.is_finite() {
            return Ok((l, correct, b));
        }
        self.mlp.backward(x, b, &mut self.ws, &mut self.grads)?;
        let any_frozen = self.frozen.iter().any(|&f| f);
        for (i, _) in self.frozen.iter().enumerate().filter(|(_, &f)| f) {
            self.grads.w[i].fill(0.0);
            self.grads.b[i].fill(0.0);
        }
        self.opt.step(&mut self.mlp, &self.grads)?;
        if any_frozen {
            for (i, _) in self.frozen.iter().enumerate().filter(|(_, &f)| f) {
                self.mlp.layers[i].clone_from(&self.last_good.layers[i]);
            }
        }
        self.step += 1;
        Ok((l, correct, b))
    }

    /// Up to `max_steps` steps, stopping early at an epoch's end; restores the weights from the
    /// start of the chunk if the loss diverges.
    ///
    /// # Errors
    /// `Diverged` on a NaN/infinite loss; `NotReady` if already done; as [`Tuner::step`].
    pub fn run(
        &mut self,
        data: &Dataset,
        max_steps: usize,
        loss: &mut BatchLoss<'_>,
    ) -> Result<Progress> {
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
            let (l, correct, b) = self.step(data, loss)?;
            if !l.is_finite() || !self.mlp.is_finite() {
                self.mlp.clone_from(&self.last_good);
                self.opt.reset(&self.mlp);
                return Err(Error::Diverged {
                    step: self.step,
                    loss: l,
                });
            }
            loss_sum += f64::from(l);
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

    /// Runs one whole epoch.
    ///
    /// # Errors
    /// As [`Tuner::run`].
    pub fn run_epoch(&mut self, data: &Dataset, loss: &mut BatchLoss<'_>) -> Result<Progress> {
        loop {
            let p = self.run(data, 100_000, loss)?;
            if p.epoch_ended || p.done {
                return Ok(p);
            }
        }
    }
}

/// Plain softmax cross-entropy as a [`BatchLoss`].
// The closure type is spelled out because `impl Trait` cannot be named by an alias.
#[allow(clippy::type_complexity)]
pub fn cross_entropy(
    classes: usize,
) -> impl FnMut(&[u32], &[f32], &[u8], &mut [f32]) -> Result<(f32, usize)> {
    move |_, z, y, d| crate::model::loss::softmax_cross_entropy(z, y, classes, d)
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
        let mut t = Tuner::new(cfg, mlp.clone(), data.len()).unwrap();
        t.freeze(vec![true, false]).unwrap();
        let mut ce = cross_entropy(10);
        let p = t.run_epoch(&data, &mut ce).unwrap();
        assert!(p.done && p.samples == 64);
        assert_eq!(t.mlp.layers[0], mlp.layers[0]);
        assert_ne!(t.mlp.layers[1], mlp.layers[1]);
        assert!(t.freeze(vec![true]).is_err());
    }
}
