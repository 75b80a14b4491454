//! Training a float network for a possibly fractional number of epochs, in chunks: a step of
//! e epochs takes T = round(e · ⌈n/b⌉) optimizer steps (exactly e epochs when e is whole, the
//! last batch of an epoch being short), and the cosine schedule η_t = η·½(1 + cos(πt/T))
//! (Loshchilov & Hutter 2017) spans those T steps, so a 0.3-epoch fine-tune still ends quietly.
//! With a teacher (the parent's logits on every training example) the loss is Hinton et al.'s
//! α·T²·KL(p_t^T ‖ p_s^T) + (1 − α)·CE instead of plain cross-entropy, so a pruned network is
//! retrained towards what its dense parent said rather than only towards the labels.

use crate::compress::distill::student::TeacherLogits;
use crate::compress::distill::{distill_loss, DistillParams};
use crate::data::Dataset;
use crate::error::{check_len, Error, Result};
use crate::model::Mlp;
use crate::train::{TrainConfig, Trainer};

/// The learning rate of fine-tuning steps when the recipe sets none.
pub const FINETUNE_LR: f32 = 0.02;

/// Optimizer steps of `epochs` epochs over `n_train` examples in batches of `batch`.
pub fn steps_for(epochs: f32, n_train: usize, batch: usize) -> u64 {
    let per_epoch = n_train.div_ceil(batch.max(1)) as f64;
    (f64::from(epochs.max(0.0)) * per_epoch).round() as u64
}

/// Whole epochs a trainer must be configured for so that `epochs` fit (at least 1).
pub fn whole_epochs(epochs: f32) -> usize {
    (epochs.max(0.0).ceil() as usize).max(1)
}

/// A fine-tuning configuration: SGD with momentum, cosine schedule, batch 64, the chain's seed.
pub fn finetune_config(
    mlp: &Mlp,
    epochs: f32,
    lr: Option<f32>,
    weight_decay: Option<f32>,
    seed: u64,
) -> TrainConfig {
    TrainConfig {
        hidden: mlp
            .sizes()
            .get(1..mlp.sizes().len().saturating_sub(1))
            .map(<[usize]>::to_vec)
            .unwrap_or_default(),
        lr: lr.unwrap_or(FINETUNE_LR),
        weight_decay: weight_decay.unwrap_or(0.0),
        epochs: whole_epochs(epochs),
        seed,
        ..TrainConfig::default()
    }
}

/// A trainer that stops after exactly `total` steps.
#[derive(Debug, Clone)]
pub struct FloatRun {
    /// The loop and the network (`trainer.mlp`).
    pub trainer: Trainer,
    total: u64,
    teacher: Option<(TeacherLogits, DistillParams)>,
    rows: Vec<f32>,
}

impl FloatRun {
    /// Trains `mlp` (masks held) with `cfg` for `epochs` epochs of `n_train` examples.
    ///
    /// # Errors
    /// As [`Trainer::from_model`].
    pub fn new(cfg: TrainConfig, mlp: Mlp, n_train: usize, epochs: f32) -> Result<Self> {
        let trainer = Trainer::from_model(cfg, mlp, n_train)?;
        Ok(Self::from_trainer(trainer, n_train, epochs))
    }

    /// Wraps a trainer made elsewhere (e.g. with frozen layers).
    pub fn from_trainer(mut trainer: Trainer, n_train: usize, epochs: f32) -> Self {
        let total = steps_for(epochs, n_train, trainer.cfg.batch_size);
        trainer.set_total_steps(total);
        FloatRun {
            trainer,
            total,
            teacher: None,
            rows: Vec::new(),
        }
    }

    /// The same run on the distillation loss against `teacher` (one row of logits per training
    /// example).
    ///
    /// # Errors
    /// `InvalidParam` for bad `params`; `ShapeMismatch` if the logits do not fit the network.
    pub fn with_teacher(
        mut self,
        teacher: TeacherLogits,
        params: DistillParams,
        n_train: usize,
    ) -> Result<Self> {
        params.check()?;
        let classes = self.trainer.mlp.n_out();
        check_len("fine-tuning teacher classes", teacher.classes, classes)?;
        check_len("fine-tuning teacher rows", teacher.len(), n_train)?;
        self.rows = vec![0.0; self.trainer.cfg.batch_size * classes];
        self.teacher = Some((teacher, params));
        Ok(self)
    }

    /// True once every step is taken.
    pub fn done(&self) -> bool {
        self.trainer.steps() >= self.total
    }

    /// Fraction of the steps taken.
    pub fn fraction(&self) -> f32 {
        if self.total == 0 {
            1.0
        } else {
            self.trainer.steps() as f32 / self.total as f32
        }
    }

    /// Up to `max_steps` more steps (fewer at the end).
    ///
    /// # Errors
    /// As [`Trainer::run`] (`Diverged` restores the chunk's first weights).
    pub fn advance(&mut self, train: &Dataset, max_steps: usize) -> Result<()> {
        let mut budget = max_steps.max(1) as u64;
        while budget > 0 && !self.done() {
            let want = budget.min(self.total - self.trainer.steps());
            let before = self.trainer.steps();
            match &self.teacher {
                None => {
                    self.trainer.run(train, want as usize)?;
                }
                Some((teacher, params)) => {
                    let classes = teacher.classes;
                    let (logits, params, rows) = (&teacher.logits, *params, &mut self.rows);
                    let mut loss = |idx: &[u32], z: &[f32], y: &[u8], d: &mut [f32]| {
                        let b = idx.len();
                        for (r, &i) in idx.iter().enumerate() {
                            let start = i as usize * classes;
                            let src = logits.get(start..start + classes).ok_or_else(|| {
                                Error::data("teacher logits do not cover the batch")
                            })?;
                            rows[r * classes..(r + 1) * classes].copy_from_slice(src);
                        }
                        distill_loss(z, &rows[..b * classes], y, classes, &params, d)
                    };
                    self.trainer.run_with(train, want as usize, &mut loss)?;
                }
            }
            budget = budget.saturating_sub(self.trainer.steps() - before);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_epochs_are_whole_and_fractions_round() {
        assert_eq!(steps_for(1.0, 60_000, 64), 938);
        assert_eq!(steps_for(20.0, 60_000, 64), 18_760);
        assert_eq!(steps_for(0.5, 60_000, 64), 469);
        assert_eq!(steps_for(0.0, 60_000, 64), 0);
        assert_eq!(whole_epochs(0.2), 1);
        assert_eq!(whole_epochs(2.5), 3);
    }
}
