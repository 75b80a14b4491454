//! Pruning: remove the weights (or whole neurons) that matter least, then retrain.
//!
//! W' = M ⊙ W, with M zeroing the k = round(s·n) lowest-importance weights (Han et al. 2015,
//! "Learning both Weights and Connections"). The mask is written to `Dense::mask`, which the
//! optimizer holds through retraining (weights, gradients and moments), unless the learner asks
//! for the tutorial's "multiply once" variant, whose pruned weights grow back.

pub mod blank_skip;
pub mod importance;
pub mod lab;
pub mod mask;
pub mod pitfall;
pub mod schedule;
pub mod sensitivity;
pub mod sparse_model;
pub mod structured;
pub mod timing;

use crate::data::Dataset;
use crate::error::Missing;
use crate::error::{Error, Result};
use crate::error::{Reason, Setting};
use crate::model::Mlp;
pub use importance::Criterion;
pub use mask::Scope;
use serde::{Deserialize, Serialize};
pub use sparse_model::SparseMlp;

/// Largest number of batches accepted for gradient importance.
pub const MAX_GRAD_BATCHES: usize = 10_000;

/// Settings of one weight-level pruning pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Params {
    /// How weights are ranked.
    pub criterion: Criterion,
    /// Layer-wise or one global threshold.
    pub scope: Scope,
    /// Fractions in [0, 1): one value for every chosen layer (or the global target), or one per
    /// chosen layer (e.g. `[0.92, 0.91, 0.74]`).
    pub sparsity: Vec<f32>,
    /// Layer indices to prune; empty = all layers.
    pub layers: Vec<usize>,
    /// Mini-batches summed for gradient / Taylor importance.
    pub grad_batches: usize,
    /// Batch size for those mini-batches.
    pub batch_size: usize,
    /// Keep the mask in the model so retraining holds it (true), or multiply the weights once
    /// and forget the mask, as the tutorial's code does (false: pruned weights grow back).
    pub hold_mask: bool,
    /// Also zero the same fraction of each layer's smallest biases (once: biases have no mask).
    pub prune_biases: bool,
    /// Seed for the random criterion and the gradient batches.
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            criterion: Criterion::Magnitude,
            scope: Scope::Layer,
            sparsity: vec![0.5],
            layers: Vec::new(),
            grad_batches: 20,
            batch_size: 64,
            hold_mask: true,
            prune_biases: false,
            seed: 1,
        }
    }
}

/// Checks one sparsity value: finite and in [0, 1).
///
/// # Errors
/// `InvalidParam` otherwise.
pub fn check_sparsity(s: f32) -> Result<()> {
    if !s.is_finite() {
        return Err(Error::param(
            Setting::Sparsity,
            s,
            Reason::MustBeAFiniteNumber,
        ));
    }
    if !(0.0..1.0).contains(&s) {
        return Err(Error::param(Setting::Sparsity, s, Reason::MustBeIn0To1Open));
    }
    Ok(())
}

impl Params {
    /// Checks the settings on their own (ranges, finiteness).
    ///
    /// # Errors
    /// `InvalidParam` naming the bad setting.
    pub fn check(&self) -> Result<()> {
        if self.sparsity.is_empty() {
            return Err(Error::param(
                Setting::Sparsity,
                "[]",
                Reason::GiveAtLeastOneValue,
            ));
        }
        self.sparsity.iter().try_for_each(|&s| check_sparsity(s))?;
        if self.grad_batches == 0 || self.grad_batches > MAX_GRAD_BATCHES {
            return Err(Error::param(
                Setting::GradBatches,
                self.grad_batches,
                Reason::MustBeIn1To10000,
            ));
        }
        if self.batch_size == 0 || self.batch_size > crate::train::config::MAX_BATCH {
            return Err(Error::param(
                Setting::BatchSizeCamel,
                self.batch_size,
                Reason::MustBeIn1To4096,
            ));
        }
        if self.scope == Scope::Global && self.sparsity.len() != 1 {
            return Err(Error::param(
                Setting::Sparsity,
                self.sparsity.len(),
                Reason::AGlobalThresholdTakesExactlyOneSparsity,
            ));
        }
        Ok(())
    }

    /// (layer, sparsity) pairs for `mlp`, after checking that every layer exists and the
    /// number of sparsities fits.
    ///
    /// # Errors
    /// `InvalidParam` for an unknown layer, a repeated layer or a sparsity count that is
    /// neither 1 nor the number of chosen layers.
    pub fn targets(&self, mlp: &Mlp) -> Result<Vec<(usize, f32)>> {
        self.check()?;
        let n = mlp.layers.len();
        let layers: Vec<usize> = if self.layers.is_empty() {
            (0..n).collect()
        } else {
            self.layers.clone()
        };
        for (i, &l) in layers.iter().enumerate() {
            if l >= n {
                return Err(Error::no_layer(l, n));
            }
            if layers[..i].contains(&l) {
                return Err(Error::param(Setting::Layer, l + 1, Reason::IsListedTwice));
            }
        }
        match self.sparsity.len() {
            1 => Ok(layers.iter().map(|&l| (l, self.sparsity[0])).collect()),
            k if k == layers.len() => {
                Ok(layers.iter().copied().zip(self.sparsity.clone()).collect())
            }
            k => Err(Error::param(
                Setting::Sparsity,
                k,
                Reason::GiveOneValueOrOnePerPrunedLayer,
            )),
        }
    }
}

/// What a pruning pass did to one layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerReport {
    /// Layer index.
    pub layer: usize,
    /// Weights in the layer.
    pub weights: usize,
    /// Weights now zero.
    pub pruned: usize,
    /// pruned / weights.
    pub sparsity: f32,
}

/// Per-layer and total sparsity of a model (zeros in the weights).
pub fn sparsity_report(mlp: &Mlp) -> Vec<LayerReport> {
    mlp.layers
        .iter()
        .enumerate()
        .map(|(l, d)| {
            let pruned = d.w.iter().filter(|&&w| w == 0.0).count();
            LayerReport {
                layer: l,
                weights: d.w.len(),
                pruned,
                sparsity: pruned as f32 / d.w.len().max(1) as f32,
            }
        })
        .collect()
}

/// Fraction of all weights (not biases) that are zero.
pub fn total_sparsity(mlp: &Mlp) -> f32 {
    let r = sparsity_report(mlp);
    let (p, n) = r
        .iter()
        .fold((0, 0), |(p, n), l| (p + l.pruned, n + l.weights));
    p as f32 / n.max(1) as f32
}

/// Prunes `mlp` in place. `data` (training images) is needed for the gradient and Taylor
/// criteria. Returns the per-layer sparsity afterwards.
///
/// # Errors
/// `InvalidParam` from [`Params::targets`]; `NotReady` if a gradient criterion has no data.
pub fn apply(mlp: &mut Mlp, params: &Params, data: Option<&Dataset>) -> Result<Vec<LayerReport>> {
    let targets = params.targets(mlp)?;
    let stats = if params.criterion.needs_data() {
        let d = data.ok_or(Error::NotReady {
            what: Missing::TrainingDataForGradientImportance,
        })?;
        Some(importance::accumulate(
            mlp,
            d,
            params.grad_batches,
            params.batch_size,
            params.seed,
        )?)
    } else {
        None
    };
    let scores = importance::scores(mlp, params.criterion, stats.as_ref(), params.seed)?;
    let existing: Vec<_> = mlp.layers.iter().map(|l| l.mask.as_ref()).collect();
    let masks = mask::build(&scores, &existing, &targets, params.scope)?;
    for (layer, m) in mlp.layers.iter_mut().zip(masks) {
        if let Some(m) = m {
            layer.w.zip_mut_with(&m, |w, &k| *w *= k);
            layer.mask = if params.hold_mask { Some(m) } else { None };
        }
    }
    if params.prune_biases {
        for &(l, s) in &targets {
            if let Some(layer) = mlp.layers.get_mut(l) {
                let k = mask::target_count(s, layer.b.len());
                let mut idx: Vec<usize> = (0..layer.b.len()).collect();
                idx.sort_by(|&a, &b| {
                    layer.b[a]
                        .abs()
                        .total_cmp(&layer.b[b].abs())
                        .then(a.cmp(&b))
                });
                idx.iter().take(k).for_each(|&i| layer.b[i] = 0.0);
            }
        }
    }
    Ok(sparsity_report(mlp))
}

/// Removes every mask (and keeps the weights as they are): the model is dense again.
pub fn clear_masks(mlp: &mut Mlp) {
    mlp.layers.iter_mut().for_each(|l| l.mask = None);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, MlpSpec};

    fn lenet() -> Mlp {
        Mlp::new(&MlpSpec::mnist(&[300, 100], Activation::Relu), 3).unwrap()
    }

    #[test]
    fn han_layerwise_sparsities_are_exact() {
        let mut mlp = lenet();
        let p = Params {
            sparsity: vec![0.92, 0.91, 0.74],
            ..Default::default()
        };
        let r = apply(&mut mlp, &p, None).unwrap();
        assert_eq!(r[0].pruned, 216_384); // round(0.92 · 235200)
        assert_eq!(r[1].pruned, 27_300);
        assert_eq!(r[2].pruned, 740);
        for l in &mlp.layers {
            let m = l.mask.as_ref().unwrap();
            assert_eq!(
                mask::pruned_count(m),
                l.w.iter().filter(|&&w| w == 0.0).count()
            );
        }
    }

    #[test]
    fn bad_params_are_typed_errors() {
        let mlp = lenet();
        for p in [
            Params {
                sparsity: vec![1.0],
                ..Default::default()
            },
            Params {
                sparsity: vec![-0.1],
                ..Default::default()
            },
            Params {
                sparsity: vec![f32::NAN],
                ..Default::default()
            },
            Params {
                sparsity: vec![],
                ..Default::default()
            },
            Params {
                layers: vec![3],
                ..Default::default()
            },
            Params {
                sparsity: vec![0.1, 0.2],
                ..Default::default()
            },
            Params {
                grad_batches: 0,
                ..Default::default()
            },
            Params {
                scope: Scope::Global,
                sparsity: vec![0.1, 0.2, 0.3],
                ..Default::default()
            },
        ] {
            assert!(
                matches!(
                    p.targets(&mlp),
                    Err(Error::InvalidParam { .. } | Error::NoLayer { .. })
                ),
                "{p:?}"
            );
        }
        let mut m = mlp.clone();
        let g = Params {
            criterion: Criterion::Gradient,
            ..Default::default()
        };
        assert!(matches!(
            apply(&mut m, &g, None),
            Err(Error::NotReady { .. })
        ));
    }

    #[test]
    fn mask_not_held_variant_leaves_no_mask() {
        let mut mlp = lenet();
        let p = Params {
            hold_mask: false,
            ..Default::default()
        };
        let r = apply(&mut mlp, &p, None).unwrap();
        assert!(mlp.layers.iter().all(|l| l.mask.is_none()));
        assert_eq!(r[0].pruned, 117_600);
    }
}
