//! Importance scores: how much each weight matters, so the least important can be pruned.
//!
//! magnitude |w| (Han et al. 2015); gradient Σ_b |∂L_b/∂w| over N batches (the tutorial's
//! importance = |∂L/∂w|, accumulated over batches and kept for every layer); first-order Taylor
//! Σ_b |w·∂L_b/∂w| (Molchanov et al. 2017); random (the control every pruning paper needs).

use crate::data::batch::gather;
use crate::data::{Batcher, Dataset};
use crate::error::Missing;
use crate::error::{check_len, Error, Result};
use crate::error::{Reason, Setting};
use crate::model::loss::softmax_cross_entropy;
use crate::model::{Grads, Mlp, Workspace};
use crate::rng::SeededRng;
use ndarray::Array2;
use serde::{Deserialize, Serialize};

/// How weights are ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Criterion {
    /// |w|: small weights go first.
    #[default]
    Magnitude,
    /// Σ over batches of |∂L/∂w|: weights the loss is least sensitive to go first.
    Gradient,
    /// Σ over batches of |w·∂L/∂w|: the first-order estimate of the loss change if w → 0.
    Taylor,
    /// Uniform random scores: the control.
    Random,
}

impl Criterion {
    /// True when scores need training data (gradients).
    pub fn needs_data(self) -> bool {
        matches!(self, Criterion::Gradient | Criterion::Taylor)
    }
}

/// Per-weight sums of |∂L/∂w| and |w·∂L/∂w| over a number of mini-batches.
#[derive(Debug, Clone, PartialEq)]
pub struct GradStats {
    /// Σ_b |g_b| per layer, `[n_out, n_in]`.
    pub abs_grad: Vec<Array2<f32>>,
    /// Σ_b |w·g_b| per layer.
    pub abs_taylor: Vec<Array2<f32>>,
    /// Summed |∂L/∂b| per layer (for neuron ranking).
    pub abs_bias_grad: Vec<Vec<f32>>,
    /// Batches accumulated.
    pub batches: usize,
}

/// Runs `batches` seeded mini-batches of `data` through `mlp` (no update) and sums the absolute
/// gradients. The tutorial's code keeps only the last batch's gradient of the last parameter;
/// summing over batches and keeping every layer is what the formula means.
///
/// # Errors
/// `InvalidParam` for zero batches or batch size; `ShapeMismatch` if the data width differs;
/// `NotReady` for an empty dataset.
pub fn accumulate(
    mlp: &Mlp,
    data: &Dataset,
    batches: usize,
    batch_size: usize,
    seed: u64,
) -> Result<GradStats> {
    if batches == 0 {
        return Err(Error::param(
            Setting::GradientBatches,
            0,
            Reason::MustBeAtLeast1,
        ));
    }
    if batch_size == 0 {
        return Err(Error::param(Setting::BatchSize, 0, Reason::MustBeAtLeast1));
    }
    if data.is_empty() {
        return Err(Error::NotReady {
            what: Missing::NoTrainingDataForGradientImportance,
        });
    }
    check_len("importance data width", data.dim(), mlp.n_in())?;
    let d = data.dim();
    let mut batcher = Batcher::new(data.len(), batch_size, seed);
    let (mut x, mut y) = (vec![0.0; batch_size * d], vec![0u8; batch_size]);
    let mut ws = Workspace::default();
    let mut g = Grads::zeros_like(mlp);
    let mut abs_grad: Vec<Array2<f32>> = g.w.iter().map(|a| Array2::zeros(a.dim())).collect();
    let mut abs_taylor = abs_grad.clone();
    let mut abs_bias_grad: Vec<Vec<f32>> = g.b.iter().map(|b| vec![0.0; b.len()]).collect();
    for _ in 0..batches {
        let idx = batcher.next_indices();
        let b = idx.len();
        gather(data, idx, &mut x[..b * d], &mut y[..b])?;
        mlp.forward(&x[..b * d], b, &mut ws)?;
        let (logits, dlogits) = ws.logits_and_dlogits(b);
        softmax_cross_entropy(logits, &y[..b], mlp.n_out(), dlogits)?;
        mlp.backward(&x[..b * d], b, &mut ws, &mut g)?;
        for (l, layer) in mlp.layers.iter().enumerate() {
            ndarray::Zip::from(&mut abs_grad[l])
                .and(&mut abs_taylor[l])
                .and(&g.w[l])
                .and(&layer.w)
                .for_each(|ag, at, &gw, &w| {
                    *ag += gw.abs();
                    *at += (w * gw).abs();
                });
            abs_bias_grad[l]
                .iter_mut()
                .zip(g.b[l].iter())
                .for_each(|(s, gb)| *s += gb.abs());
        }
    }
    Ok(GradStats {
        abs_grad,
        abs_taylor,
        abs_bias_grad,
        batches,
    })
}

/// One score per weight, per layer (higher = more important).
///
/// # Errors
/// `NotReady` if the criterion needs gradients and `stats` is `None`; `ShapeMismatch` if the
/// stats do not match the model.
pub fn scores(
    mlp: &Mlp,
    criterion: Criterion,
    stats: Option<&GradStats>,
    seed: u64,
) -> Result<Vec<Array2<f32>>> {
    let from_stats = |pick: fn(&GradStats) -> &Vec<Array2<f32>>| -> Result<Vec<Array2<f32>>> {
        let s = stats.ok_or(Error::NotReady {
            what: Missing::GradientStatisticsTrainDataForThisCriterion,
        })?;
        let a = pick(s);
        if a.len() != mlp.layers.len()
            || a.iter().zip(&mlp.layers).any(|(a, l)| a.dim() != l.w.dim())
        {
            return Err(Error::shape(
                "importance stats",
                "shaped like the model",
                "other shapes",
            ));
        }
        Ok(a.clone())
    };
    match criterion {
        Criterion::Magnitude => Ok(mlp.layers.iter().map(|l| l.w.mapv(f32::abs)).collect()),
        Criterion::Gradient => from_stats(|s| &s.abs_grad),
        Criterion::Taylor => from_stats(|s| &s.abs_taylor),
        Criterion::Random => {
            let mut rng = SeededRng::new(seed, 77);
            Ok(mlp
                .layers
                .iter()
                .map(|l| l.w.mapv(|_| rng.uniform()))
                .collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::mnist::normalize_pixel;
    use crate::model::{Activation, Dense};

    /// One identity layer, W = 0, one example: ∂L/∂W = (softmax(z) − onehot(y)) ⊗ x by hand.
    #[test]
    fn gradient_and_taylor_match_a_hand_computed_case() {
        let mut layer = Dense::zeros(2, 2, Activation::Identity);
        layer.w[[0, 0]] = 0.0;
        let mlp = Mlp {
            layers: vec![layer],
        };
        let data = Dataset {
            images: vec![255, 0],
            labels: vec![0],
            rows: 1,
            cols: 2,
        };
        let s = accumulate(&mlp, &data, 3, 1, 0).unwrap();
        let (x0, x1) = (normalize_pixel(1.0), normalize_pixel(0.0));
        // z = 0 ⇒ softmax = (½, ½); dz = (−½, ½); g = dz ⊗ x; three identical batches summed.
        let want = [
            [0.5 * x0.abs(), 0.5 * x1.abs()],
            [0.5 * x0.abs(), 0.5 * x1.abs()],
        ];
        for (r, row) in want.iter().enumerate() {
            for (c, &w) in row.iter().enumerate() {
                assert!((s.abs_grad[0][[r, c]] - 3.0 * w).abs() < 1e-5);
                assert_eq!(s.abs_taylor[0][[r, c]], 0.0); // w = 0
            }
        }
        assert!((s.abs_bias_grad[0][0] - 1.5).abs() < 1e-6);
        let g = scores(&mlp, Criterion::Gradient, Some(&s), 0).unwrap();
        assert_eq!(g[0], s.abs_grad[0]);
        assert!(matches!(
            scores(&mlp, Criterion::Taylor, None, 0),
            Err(Error::NotReady { .. })
        ));
    }

    #[test]
    fn magnitude_is_abs_and_random_is_seeded() {
        let mut layer = Dense::zeros(3, 1, Activation::Identity);
        layer.w[[0, 1]] = -2.0;
        let mlp = Mlp {
            layers: vec![layer],
        };
        let m = scores(&mlp, Criterion::Magnitude, None, 0).unwrap();
        assert_eq!(m[0].row(0).to_vec(), vec![0.0, 2.0, 0.0]);
        let r1 = scores(&mlp, Criterion::Random, None, 5).unwrap();
        let r2 = scores(&mlp, Criterion::Random, None, 5).unwrap();
        assert_eq!(r1, r2);
        assert_ne!(r1, scores(&mlp, Criterion::Random, None, 6).unwrap());
    }
}
