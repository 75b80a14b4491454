//! Fine-tuning a factored network: either only the factor pairs (the rest of the net frozen) or
//! every layer together, with plain cross-entropy through the same loop as distillation.
//! Training the factors recovers most of what truncation lost (Denton et al. 2014, §3.3).

use super::LowRank;
use crate::error::Result;
use crate::train::TrainConfig;
use crate::train::Trainer;
use serde::{Deserialize, Serialize};

/// Which layers fine-tuning may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum FinetuneScope {
    /// Only the factored layers; the dense ones are frozen.
    Factored,
    /// Every layer.
    #[default]
    All,
}

/// A loop that fine-tunes `model.mlp` per `scope` (run it with `train::cross_entropy`).
///
/// # Errors
/// `InvalidParam` if `cfg` fails its check; `NotReady` without data.
pub fn fine_tuner(
    model: &LowRank,
    cfg: TrainConfig,
    scope: FinetuneScope,
    n_train: usize,
) -> Result<Trainer> {
    let mut t = Trainer::from_model(cfg, model.mlp.clone(), n_train)?;
    if scope == FinetuneScope::Factored {
        let frozen = model.factored_layers().iter().map(|f| !f).collect();
        t.freeze(frozen)?;
    }
    Ok(t)
}
