//! Recipes: a chain of compression steps as one short line of text, so that a link (or the CLI)
//! rebuilds the same versions with the same numbers. Steps are separated by `;`, a step is
//! `name:arg,arg,...`, and the text round-trips (`parse(format(r)) == r`):
//!
//! `train:300,100,e10;prune:magnitude,0.9,ft2;quantize:int8`
//!
//! Bare integers are layer widths (train, distill, binarize) or bits (share), bare decimals are
//! fractions (prune, neurons), words choose a variant, and `tag<number>` sets an option (`e`
//! epochs, `ft` fine-tuning epochs, `lr`, `wd` weight decay, `b` batch, `s` seed, `t`
//! temperature, `a` α, `qat` QAT epochs, `energy` kept energy, `rounds` pruning rounds). On
//! `prune`, `t`/`a` retrain on the distillation loss against the parent's logits.
//! `parse.rs` reads the text, `text.rs` writes it.

mod parse;
#[cfg(test)]
mod tests;
mod text;

use crate::compress::binarize::Method as BinaryMethod;
use crate::compress::distill::DistillParams;
use crate::compress::prune::Criterion;
use crate::compress::quantize::FloatFormat;
use crate::error::{Error, Result};
use serde::Serialize;
use std::fmt;

/// Longest recipe text accepted (a URL must stay a URL).
pub const MAX_RECIPE_CHARS: usize = 2000;
/// Most steps in one recipe.
pub const MAX_STEPS: usize = 32;
/// The seed of a chain whose train step sets none.
pub const DEFAULT_SEED: u64 = 1;

/// A weight format for the `quantize` step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "value")]
pub enum QuantFormat {
    /// Fixed point with this many bits (1..=8), per output channel.
    Int(u32),
    /// A floating-point format.
    Float(FloatFormat),
}

/// How many singular values a `lowrank` step keeps in each hidden layer's weights.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "value")]
pub enum RankChoice {
    /// Exactly k (capped at each layer's min(n_in, n_out)) — applied to the first layer.
    Rank(usize),
    /// The fewest singular values keeping this fraction of Σσ², in (0, 1] — every layer.
    Energy(f32),
}

/// One step of a recipe: which method, with its own settings. Epoch counts may be fractional
/// (`ft0.5`) for quick runs: a step then takes round(epochs · batches per epoch) optimizer
/// steps.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "step")]
pub enum Step {
    Train(TrainStep),
    Prune(PruneStep),
    Neurons(NeuronsStep),
    Quantize(QuantizeStep),
    Share(ShareStep),
    /// Huffman-code the codes and the sparse index (Deep Compression's last stage).
    Huffman,
    LowRank(LowRankStep),
    Distill(DistillStep),
    Binarize(BinarizeStep),
    Finetune(FinetuneStep),
}

/// Train a fresh dense MLP 784 → hidden… → 10 (SGD with momentum, cosine schedule).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainStep {
    pub hidden: Vec<usize>,
    pub epochs: f32,
    pub lr: Option<f32>,
    pub weight_decay: Option<f32>,
    pub batch: Option<usize>,
    pub seed: Option<u64>,
}

/// Weight-level pruning with the mask held while fine-tuning (Han et al. 2015); with `rounds` > 1
/// the sparsity grows as s·(1 − (1 − r/R)³) (Zhu & Gupta 2017) and the fine-tuning epochs are
/// shared between the rounds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PruneStep {
    pub criterion: Criterion,
    /// One value for every layer, or one per layer.
    pub sparsity: Vec<f32>,
    pub global: bool,
    pub finetune_epochs: f32,
    pub lr: Option<f32>,
    pub weight_decay: Option<f32>,
    pub rounds: usize,
    /// Retrain on the distillation loss against the unpruned parent's logits (`t`, `a`) instead
    /// of the labels alone; None keeps plain cross-entropy.
    pub distill: Option<DistillParams>,
}

/// Structured pruning: remove this fraction of each hidden layer's neurons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeuronsStep {
    pub fraction: f32,
    pub finetune_epochs: f32,
    pub lr: Option<f32>,
}

/// Fixed- or floating-point weights; `qat_epochs > 0` trains through the quantizer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuantizeStep {
    pub format: QuantFormat,
    pub qat_epochs: f32,
    pub activations: bool,
    pub lr: Option<f32>,
}

/// k-means weight sharing with 2^bits centroids per layer, centroids fine-tuned at `lr`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShareStep {
    pub bits: u32,
    pub finetune_epochs: f32,
    pub lr: Option<f32>,
}

/// Truncated SVD, then fine-tuning of the factored net.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LowRankStep {
    pub rank: RankChoice,
    pub finetune_epochs: f32,
}

/// A smaller student trained on the parent's softened logits (Hinton et al. 2015).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistillStep {
    pub hidden: Vec<usize>,
    pub epochs: f32,
    pub temperature: f32,
    pub alpha: f32,
    pub lr: Option<f32>,
    pub weight_decay: Option<f32>,
}

/// A binary network (BinaryConnect or BNN), warm-started from the parent when shapes match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BinarizeStep {
    pub method: BinaryMethod,
    /// Empty: the parent's widths (and its weights as the warm start).
    pub hidden: Vec<usize>,
    pub epochs: f32,
}

/// Retrain the parent with its mask or format held.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FinetuneStep {
    pub epochs: f32,
    pub lr: Option<f32>,
    pub weight_decay: Option<f32>,
}

/// A chain of steps; the first usually trains.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recipe {
    pub steps: Vec<Step>,
}

impl Recipe {
    /// Parses `step;step;…`.
    ///
    /// # Errors
    /// `InvalidParam` for an empty or over-long text, too many steps, or a bad step (named).
    pub fn parse(text: &str) -> Result<Self> {
        if text.chars().count() > MAX_RECIPE_CHARS {
            return Err(Error::param(
                "recipe",
                format!("{} characters", text.chars().count()),
                "must be at most 2000 characters",
            ));
        }
        let steps = text
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Step::parse)
            .collect::<Result<Vec<_>>>()?;
        if steps.is_empty() {
            return Err(Error::param(
                "recipe",
                "\"\"",
                "needs at least one step, e.g. train:300,100,e10",
            ));
        }
        if steps.len() > MAX_STEPS {
            return Err(Error::param(
                "recipe",
                steps.len(),
                "has more than 32 steps",
            ));
        }
        Ok(Recipe { steps })
    }

    /// The seed every step of the chain uses: the train step's `s`, or 1. Seeds come only from
    /// the recipe, so the same text gives the same numbers.
    pub fn seed(&self) -> u64 {
        self.steps
            .iter()
            .find_map(|s| match s {
                Step::Train(t) => Some(t.seed.unwrap_or(DEFAULT_SEED)),
                _ => None,
            })
            .unwrap_or(DEFAULT_SEED)
    }

    /// The first `n` steps (the recipe of the n-th version of the chain).
    pub fn prefix(&self, n: usize) -> Recipe {
        Recipe {
            steps: self.steps.iter().take(n).cloned().collect(),
        }
    }

    /// This recipe followed by one more step.
    pub fn then(&self, step: Step) -> Recipe {
        let mut steps = self.steps.clone();
        steps.push(step);
        Recipe { steps }
    }
}

impl fmt::Display for Recipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.steps.iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            write!(f, "{s}")?;
        }
        Ok(())
    }
}
