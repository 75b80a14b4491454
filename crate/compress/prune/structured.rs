//! Structure-level pruning: whole hidden neurons leave the network.
//!
//! Neuron j of hidden layer l is ranked by ‖W_l[j,:]‖₁, ‖W_l[j,:]‖₂ (Li et al. 2017, "Pruning
//! Filters for Efficient ConvNets") or Σ_b(|∂L/∂W_l[j,:]|₁ + |∂L/∂b_l[j]|). Removing it deletes
//! row j of W_l (and b_l[j]) and column j of W_{l+1}: the model is physically smaller, so its
//! true size and measured time drop, and its outputs equal the dense model with those masked.

use super::importance::{self, GradStats};
use super::mask::target_count;
use crate::data::Dataset;
use crate::error::Missing;
use crate::error::{Error, Result};
use crate::error::{Reason, Setting};
use crate::model::{Dense, Mlp};
use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

/// How neurons are ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum NeuronCriterion {
    /// L1 norm of the incoming weights.
    #[default]
    L1,
    /// L2 norm of the incoming weights.
    L2,
    /// Summed |gradient| of the incoming weights and bias over some batches.
    Gradient,
}

/// Settings of a structured pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StructuredParams {
    /// Ranking.
    pub criterion: NeuronCriterion,
    /// Fraction of neurons removed in [0, 1): one value, or one per chosen hidden layer.
    pub fraction: Vec<f32>,
    /// Hidden layers to shrink (0 = first hidden layer); empty = all hidden layers.
    pub layers: Vec<usize>,
    /// Mini-batches for the gradient criterion.
    pub grad_batches: usize,
    /// Their batch size.
    pub batch_size: usize,
    /// Seed for those batches.
    pub seed: u64,
}

impl Default for StructuredParams {
    fn default() -> Self {
        StructuredParams {
            criterion: NeuronCriterion::L1,
            fraction: vec![0.5],
            layers: Vec::new(),
            grad_batches: 20,
            batch_size: 64,
            seed: 1,
        }
    }
}

impl StructuredParams {
    /// Checks ranges on their own.
    ///
    /// # Errors
    /// `InvalidParam` naming the setting.
    pub fn check(&self) -> Result<()> {
        if self.fraction.is_empty() {
            return Err(Error::param(
                Setting::Fraction,
                "[]",
                Reason::GiveAtLeastOneValue,
            ));
        }
        self.fraction
            .iter()
            .try_for_each(|&f| super::check_sparsity(f))?;
        if self.grad_batches == 0 || self.grad_batches > super::MAX_GRAD_BATCHES {
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
        Ok(())
    }
}

/// Score of every neuron of hidden layer `l` (higher = keep).
///
/// # Errors
/// `InvalidParam` if `l` is not a hidden layer; `NotReady` if the gradient criterion has no stats.
pub fn neuron_scores(
    mlp: &Mlp,
    l: usize,
    criterion: NeuronCriterion,
    stats: Option<&GradStats>,
) -> Result<Vec<f32>> {
    if l.saturating_add(1) >= mlp.layers.len() {
        return Err(Error::param(
            Setting::Layer,
            l + 1,
            Reason::IsNotAHiddenLayerOfThisModel,
        ));
    }
    let w = &mlp.layers[l].w;
    Ok(match criterion {
        NeuronCriterion::L1 => w
            .map_axis(Axis(1), |r| r.iter().map(|v| v.abs()).sum())
            .to_vec(),
        NeuronCriterion::L2 => w
            .map_axis(Axis(1), |r| r.iter().map(|v| v * v).sum::<f32>().sqrt())
            .to_vec(),
        NeuronCriterion::Gradient => {
            let s = stats.ok_or(Error::NotReady {
                what: Missing::GradientStatisticsTrainDataForNeuronRanking,
            })?;
            let (g, gb) = s
                .abs_grad
                .get(l)
                .zip(s.abs_bias_grad.get(l))
                .ok_or_else(|| Error::shape("neuron_scores stats", l, s.abs_grad.len()))?;
            g.map_axis(Axis(1), |r| r.sum())
                .iter()
                .zip(gb)
                .map(|(a, b)| a + b)
                .collect()
        }
    })
}

/// Indices of the neurons to keep in each hidden layer (sorted), per the params.
///
/// # Errors
/// `InvalidParam` for bad params, an unknown hidden layer, or a fraction that would remove
/// every neuron of a layer.
pub fn select(mlp: &Mlp, p: &StructuredParams, data: Option<&Dataset>) -> Result<Vec<Vec<usize>>> {
    p.check()?;
    let hidden = mlp.layers.len().saturating_sub(1);
    let layers: Vec<usize> = if p.layers.is_empty() {
        (0..hidden).collect()
    } else {
        p.layers.clone()
    };
    if p.fraction.len() != 1 && p.fraction.len() != layers.len() {
        return Err(Error::param(
            Setting::Fraction,
            p.fraction.len(),
            Reason::GiveOneValueOrOnePerLayer,
        ));
    }
    let stats = if p.criterion == NeuronCriterion::Gradient {
        let d = data.ok_or(Error::NotReady {
            what: Missing::TrainingDataForGradientNeuronRanking,
        })?;
        Some(importance::accumulate(
            mlp,
            d,
            p.grad_batches,
            p.batch_size,
            p.seed,
        )?)
    } else {
        None
    };
    let mut keep: Vec<Vec<usize>> = (0..hidden)
        .map(|l| (0..mlp.layers[l].n_out()).collect())
        .collect();
    for (i, &l) in layers.iter().enumerate() {
        let f = p
            .fraction
            .get(i)
            .or(p.fraction.first())
            .copied()
            .unwrap_or(0.0);
        let scores = neuron_scores(mlp, l, p.criterion, stats.as_ref())?;
        let n = scores.len();
        let k = target_count(f, n);
        if k >= n {
            return Err(Error::param(
                Setting::Fraction,
                f,
                Reason::WouldRemoveEveryNeuronOfALayer,
            ));
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(a.cmp(&b)));
        let mut kept: Vec<usize> = order[k..].to_vec();
        kept.sort_unstable();
        keep[l] = kept;
    }
    Ok(keep)
}

/// A physically smaller model that keeps neurons `keep[l]` of each hidden layer l.
///
/// # Errors
/// `InvalidParam` if `keep` has the wrong length, an index is out of range, or a layer would
/// have no neuron left.
pub fn remove(mlp: &Mlp, keep: &[Vec<usize>]) -> Result<Mlp> {
    let hidden = mlp.layers.len().saturating_sub(1);
    if keep.len() != hidden {
        return Err(Error::param(
            Setting::Keep,
            keep.len(),
            Reason::OneListPerHiddenLayer,
        ));
    }
    let mut layers: Vec<Dense> = mlp.layers.clone();
    for (l, k) in keep.iter().enumerate() {
        if k.is_empty() {
            return Err(Error::param(
                Setting::Layer,
                l + 1,
                Reason::WouldLoseEveryNeuron,
            ));
        }
        if k.iter().any(|&j| j >= layers[l].n_out()) {
            return Err(Error::param(
                Setting::Keep,
                l,
                Reason::NeuronIndexOutOfRange,
            ));
        }
        let rows = |a: &Array2<f32>| a.select(Axis(0), k);
        let cols = |a: &Array2<f32>| a.select(Axis(1), k);
        let cur = &layers[l];
        layers[l] = Dense::from_parts(
            rows(&cur.w),
            cur.b.select(Axis(0), k),
            cur.act,
            cur.mask.as_ref().map(rows),
        )?;
        let next = &layers[l + 1];
        layers[l + 1] = Dense::from_parts(
            cols(&next.w),
            next.b.clone(),
            next.act,
            next.mask.as_ref().map(cols),
        )?;
    }
    Ok(Mlp { layers })
}

/// The same model, same shapes, with removed neurons masked out instead (rows of W_l and
/// columns of W_{l+1}): for heatmaps (greyed tiles) and the equivalence test.
///
/// # Errors
/// As [`remove`].
pub fn mask_out(mlp: &Mlp, keep: &[Vec<usize>]) -> Result<Mlp> {
    let hidden = mlp.layers.len().saturating_sub(1);
    if keep.len() != hidden {
        return Err(Error::param(
            Setting::Keep,
            keep.len(),
            Reason::OneListPerHiddenLayer,
        ));
    }
    let mut out = mlp.clone();
    for (l, k) in keep.iter().enumerate() {
        let n = out.layers[l].n_out();
        for j in (0..n).filter(|j| !k.contains(j)) {
            for (layer, axis) in [(l, Axis(0)), (l + 1, Axis(1))] {
                let d = &mut out.layers[layer];
                let m = d.mask.get_or_insert_with(|| Array2::ones(d.w.dim()));
                m.index_axis_mut(axis, j).fill(0.0);
            }
        }
    }
    out.apply_masks();
    Ok(out)
}

/// Selects and removes neurons in one call.
///
/// # Errors
/// As [`select`] and [`remove`].
pub fn apply(
    mlp: &Mlp,
    p: &StructuredParams,
    data: Option<&Dataset>,
) -> Result<(Mlp, Vec<Vec<usize>>)> {
    let keep = select(mlp, p, data)?;
    Ok((remove(mlp, &keep)?, keep))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, MlpSpec, Workspace};

    #[test]
    fn smaller_model_equals_masked_model() {
        let mlp = Mlp::new(&MlpSpec::mnist(&[37, 13], Activation::Relu), 4).unwrap();
        let p = StructuredParams {
            fraction: vec![0.5, 0.3],
            ..Default::default()
        };
        let (small, keep) = apply(&mlp, &p, None).unwrap();
        assert_eq!(small.sizes(), vec![784, 18, 9, 10]);
        let masked = mask_out(&mlp, &keep).unwrap();
        let x: Vec<f32> = (0..3 * 784)
            .map(|i| ((i * 37) % 11) as f32 / 5.0 - 1.0)
            .collect();
        let (mut w1, mut w2) = (Workspace::default(), Workspace::default());
        small.forward(&x, 3, &mut w1).unwrap();
        masked.forward(&x, 3, &mut w2).unwrap();
        for (a, b) in w1.logits(3).iter().zip(w2.logits(3)) {
            assert!((a - b).abs() < 1e-4, "{a} vs {b}");
        }
    }

    #[test]
    fn l1_removes_the_smallest_rows_and_all_is_an_error() {
        let mut mlp = Mlp::new(&MlpSpec::mnist(&[4], Activation::Relu), 1).unwrap();
        mlp.layers[0].w.row_mut(2).fill(0.0);
        let p = StructuredParams {
            fraction: vec![0.25],
            ..Default::default()
        };
        assert_eq!(select(&mlp, &p, None).unwrap(), vec![vec![0, 1, 3]]);
        let all = StructuredParams {
            fraction: vec![0.9],
            ..Default::default()
        };
        assert!(matches!(
            select(&mlp, &all, None),
            Err(Error::InvalidParam { .. })
        ));
        let bad = StructuredParams {
            layers: vec![1],
            ..Default::default()
        };
        assert!(matches!(
            select(&mlp, &bad, None),
            Err(Error::InvalidParam { .. })
        ));
    }
}
