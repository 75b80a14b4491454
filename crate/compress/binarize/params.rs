//! Settings of a binary network: the method (BinaryConnect or BNN), XNOR-Net scaling, which
//! layers are binary, batch norm, and the training run (a `TrainConfig`). `check()` validates
//! everything before any training starts, so bad settings become typed errors, never panics.

use crate::error::{Error, Result};
use crate::error::{Reason, Setting};
use crate::model::Activation;
use crate::train::{OptimizerKind, Schedule, TrainConfig};
use serde::{Deserialize, Serialize};

/// Which binarization method to train.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Binary weights, real-valued (ReLU) activations (Courbariaux et al. 2015).
    #[default]
    BinaryConnect,
    /// Binary weights and binary (sign) activations (Courbariaux, Hubara et al. 2016).
    Bnn,
}

/// What a layer emits after its affine map and batch norm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Output {
    /// max(0, u): BinaryConnect's hidden layers.
    Relu,
    /// sign(u) ∈ {−1, +1} with the straight-through estimator: BNN's hidden layers.
    Sign,
    /// u itself: the logits of the last layer.
    Logits,
}

/// Everything that defines a binary network and its training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Params {
    /// BinaryConnect (binary weights) or BNN (binary weights and activations).
    pub method: Method,
    /// XNOR-Net scaling: each output neuron's weights are α·sign(w) with α = mean |w| of its
    /// row; without it they are ±1.
    pub scaling: bool,
    /// Binarize the first layer's weights (false keeps it full precision).
    pub binary_first: bool,
    /// Binarize the last layer's weights (false keeps it full precision).
    pub binary_last: bool,
    /// Batch norm after every layer's affine map (BNN requires it before the sign).
    pub batch_norm: bool,
    /// Architecture (hidden widths), optimizer, learning rate, batch, epochs, seed.
    pub train: TrainConfig,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            method: Method::BinaryConnect,
            scaling: true,
            binary_first: true,
            binary_last: true,
            batch_norm: true,
            train: TrainConfig {
                hidden: vec![256, 256],
                activation: Activation::Relu,
                optimizer: OptimizerKind::Adam,
                lr: 0.003,
                momentum: 0.9,
                weight_decay: 0.0,
                batch_size: 100,
                epochs: 2,
                seed: 1,
                schedule: Schedule::Cosine,
            },
        }
    }
}

impl Params {
    /// Validates the settings.
    ///
    /// # Errors
    /// `InvalidParam` naming the first bad field (the training settings are checked by
    /// [`TrainConfig::check`]).
    pub fn check(&self) -> Result<()> {
        self.train.check()?;
        if self.method == Method::Bnn && !self.batch_norm {
            return Err(Error::param(
                Setting::BatchNorm,
                false,
                Reason::BNNNeedsBatchNormBeforeTheSignOr,
            ));
        }
        if self.method == Method::BinaryConnect && self.train.activation != Activation::Relu {
            return Err(Error::param(
                Setting::Activation,
                format!("{:?}", self.train.activation),
                Reason::BinaryConnectHereUsesReLUHiddenUnits,
            ));
        }
        Ok(())
    }

    /// The output of hidden layers for this method.
    pub fn hidden_output(&self) -> Output {
        match self.method {
            Method::BinaryConnect => Output::Relu,
            Method::Bnn => Output::Sign,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_bad_settings_are_typed_errors() {
        assert!(Params::default().check().is_ok());
        let d = Params::default();
        let bad = [
            Params {
                method: Method::Bnn,
                batch_norm: false,
                ..d.clone()
            },
            Params {
                train: TrainConfig {
                    lr: f32::NAN,
                    ..d.train.clone()
                },
                ..d.clone()
            },
            Params {
                train: TrainConfig {
                    hidden: vec![0],
                    ..d.train.clone()
                },
                ..d.clone()
            },
            Params {
                train: TrainConfig {
                    activation: Activation::Tanh,
                    ..d.train.clone()
                },
                ..d.clone()
            },
        ];
        for p in bad {
            assert!(
                matches!(p.check(), Err(Error::InvalidParam { .. })),
                "{p:?}"
            );
        }
    }
}
