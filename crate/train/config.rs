//! Training settings as the page and the CLI send them, with `check()` turning them into
//! settings that are known to be valid (finite, in range) before anything uses them.

use crate::error::{check_positive, check_range, Error, Result};
use crate::error::{Reason, Setting};
use crate::model::{Activation, MlpSpec};
use serde::{Deserialize, Serialize};

/// Which optimizer to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    /// SGD with (heavy-ball) momentum.
    #[default]
    Sgd,
    /// Adam (Kingma & Ba 2015).
    Adam,
}

/// How the learning rate changes over the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Schedule {
    /// η stays at its initial value.
    Constant,
    /// η_t = η·½(1 + cos(π·t/T)) over all T steps of the run (Loshchilov & Hutter 2017,
    /// without restarts): large steps early, a quiet finish.
    #[default]
    Cosine,
}

impl Schedule {
    /// The factor applied to the base rate at `progress` = t/T in [0, 1].
    pub fn factor(self, progress: f32) -> f32 {
        match self {
            Schedule::Constant => 1.0,
            Schedule::Cosine => {
                0.5 * (1.0 + (std::f32::consts::PI * progress.clamp(0.0, 1.0)).cos())
            }
        }
    }
}

/// Largest batch we accept.
pub const MAX_BATCH: usize = 4096;
/// Largest epoch count we accept.
pub const MAX_EPOCHS: usize = 1000;

/// Everything that defines a training run. Same settings + seed ⇒ same numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TrainConfig {
    /// Hidden widths (LeNet-300-100 by default).
    pub hidden: Vec<usize>,
    /// Hidden activation.
    pub activation: Activation,
    /// Optimizer.
    pub optimizer: OptimizerKind,
    /// Learning rate, > 0.
    pub lr: f32,
    /// Momentum for SGD in [0, 1).
    pub momentum: f32,
    /// L2 weight decay ≥ 0.
    pub weight_decay: f32,
    /// Mini-batch size, 1..=4096.
    pub batch_size: usize,
    /// Epochs to train, 1..=1000.
    pub epochs: usize,
    /// Seed for initialisation and shuffling.
    pub seed: u64,
    /// Learning-rate schedule over the whole run.
    pub schedule: Schedule,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            hidden: vec![300, 100],
            activation: Activation::Relu,
            optimizer: OptimizerKind::Sgd,
            lr: 0.05,
            momentum: 0.9,
            weight_decay: 0.0,
            batch_size: 64,
            epochs: 10,
            seed: 1,
            schedule: Schedule::Cosine,
        }
    }
}

impl TrainConfig {
    /// Validates every field.
    ///
    /// # Errors
    /// `InvalidParam` naming the first bad field.
    pub fn check(&self) -> Result<()> {
        check_positive(Setting::LearningRate, self.lr)?;
        if self.lr > 10.0 {
            return Err(Error::param(
                Setting::LearningRate,
                self.lr,
                Reason::MustBeAtMost10,
            ));
        }
        check_range(Setting::Momentum, self.momentum, 0.0, 0.999)?;
        check_range(Setting::WeightDecay, self.weight_decay, 0.0, 1.0)?;
        if self.batch_size == 0 || self.batch_size > MAX_BATCH {
            return Err(Error::param(
                Setting::BatchSize,
                self.batch_size,
                Reason::MustBeBetween1And4096,
            ));
        }
        if self.epochs == 0 || self.epochs > MAX_EPOCHS {
            return Err(Error::param(
                Setting::Epochs,
                self.epochs,
                Reason::MustBeBetween1And1000,
            ));
        }
        self.spec().check()
    }

    /// The architecture for MNIST.
    pub fn spec(&self) -> MlpSpec {
        MlpSpec::mnist(&self.hidden, self.activation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_bad_values_are_named() {
        assert!(TrainConfig::default().check().is_ok());
        let bad = [
            TrainConfig {
                lr: f32::NAN,
                ..Default::default()
            },
            TrainConfig {
                lr: 0.0,
                ..Default::default()
            },
            TrainConfig {
                lr: -1.0,
                ..Default::default()
            },
            TrainConfig {
                batch_size: 0,
                ..Default::default()
            },
            TrainConfig {
                epochs: 0,
                ..Default::default()
            },
            TrainConfig {
                hidden: vec![],
                ..Default::default()
            },
            TrainConfig {
                hidden: vec![300, 0],
                ..Default::default()
            },
            TrainConfig {
                hidden: vec![100_000],
                ..Default::default()
            },
            TrainConfig {
                hidden: vec![4096; 8],
                ..Default::default()
            },
            TrainConfig {
                momentum: 1.0,
                ..Default::default()
            },
            TrainConfig {
                weight_decay: f32::INFINITY,
                ..Default::default()
            },
        ];
        for c in bad {
            assert!(
                matches!(c.check(), Err(Error::InvalidParam { .. })),
                "{c:?}"
            );
        }
    }
}
