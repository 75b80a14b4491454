//! When to prune: one-shot, iterative (k rounds of prune then retrain, Han et al. 2015) or
//! gradual during training (AGP, Zhu & Gupta 2017):
//!   s_t = s_f + (s_i − s_f)·(1 − (t − t₀)/(n·Δt))³   for t ∈ [t₀, t₀ + n·Δt],
//! pruning every Δt steps, fast at first and gently at the end. Retraining holds the masks.

use super::{apply, check_sparsity, LayerReport, Params};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::error::{Reason, Setting};
use crate::model::Mlp;
use crate::train::{evaluate, TrainConfig, Trainer};
use serde::{Deserialize, Serialize};

/// AGP sparsity at step `t`: `s_i` before `t0`, `s_f` after `t0 + n·dt`, the cubic in between.
pub fn agp_sparsity(s_i: f32, s_f: f32, t: u64, t0: u64, n: u64, dt: u64) -> f32 {
    let span = (n.max(1) * dt.max(1)) as f32;
    let p = (t.saturating_sub(t0) as f32 / span).clamp(0.0, 1.0);
    s_f + (s_i - s_f) * (1.0 - p).powi(3)
}

/// Which schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum ScheduleKind {
    /// Prune once to the target, then fine-tune.
    #[default]
    OneShot,
    /// `rounds` times: prune to 1 − (1 − s)^(r/rounds), retrain `epochs / rounds` epochs.
    Iterative,
    /// Gradual pruning during `epochs` of training, every `agp_interval` steps.
    Agp,
}

/// Settings of a schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ScheduleParams {
    /// Which schedule.
    pub kind: ScheduleKind,
    /// Rounds for the iterative schedule, ≥ 1.
    pub rounds: usize,
    /// Fine-tuning epochs in total.
    pub epochs: usize,
    /// AGP initial sparsity s_i, as a fraction of each layer's final target (0 = start dense).
    pub agp_initial: f32,
    /// AGP steps between two pruning events, Δt ≥ 1.
    pub agp_interval: u64,
    /// AGP number of pruning events n ≥ 1 (0 = as many as fit in the first ¾ of training).
    pub agp_events: u64,
    /// Learning rate while fine-tuning.
    pub lr: f32,
}

impl Default for ScheduleParams {
    fn default() -> Self {
        ScheduleParams {
            kind: ScheduleKind::OneShot,
            rounds: 3,
            epochs: 1,
            agp_initial: 0.0,
            agp_interval: 100,
            agp_events: 0,
            lr: 0.01,
        }
    }
}

impl ScheduleParams {
    /// Checks ranges.
    ///
    /// # Errors
    /// `InvalidParam` naming the setting.
    pub fn check(&self) -> Result<()> {
        if self.rounds == 0 || self.rounds > 100 {
            return Err(Error::param(
                Setting::Rounds,
                self.rounds,
                Reason::MustBeIn1To100,
            ));
        }
        if self.epochs > crate::train::config::MAX_EPOCHS {
            return Err(Error::param(
                Setting::Epochs,
                self.epochs,
                Reason::MustBeAtMost1000,
            ));
        }
        if self.kind != ScheduleKind::OneShot && self.epochs == 0 {
            return Err(Error::param(
                Setting::Epochs,
                0,
                Reason::ThisScheduleRetrainsAtLeast1,
            ));
        }
        check_sparsity(self.agp_initial)?;
        if self.agp_interval == 0 {
            return Err(Error::param(
                Setting::AgpInterval,
                0,
                Reason::MustBeAtLeast1Step,
            ));
        }
        crate::error::check_positive(Setting::Lr, self.lr)
    }
}

/// One line of a schedule's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Round {
    /// Round (or AGP event) number, from 1.
    pub round: usize,
    /// Target sparsity of this round (first pruned layer).
    pub target: f32,
    /// Test accuracy right after pruning.
    pub pruned_accuracy: f32,
    /// Test accuracy after retraining.
    pub retrained_accuracy: f32,
    /// Sparsity per layer after retraining.
    pub layers: Vec<LayerReport>,
}

/// Fine-tunes `mlp` for `epochs` epochs with `cfg` (its lr, batch, seed), masks held.
///
/// # Errors
/// As [`Trainer::from_model`] and [`Trainer::run_epoch`].
pub fn fine_tune(mlp: Mlp, cfg: &TrainConfig, train: &Dataset, epochs: usize) -> Result<Mlp> {
    if epochs == 0 {
        return Ok(mlp);
    }
    let cfg = TrainConfig {
        epochs,
        ..cfg.clone()
    };
    let mut t = Trainer::from_model(cfg, mlp, train.len())?;
    while !t.done() {
        t.run_epoch(train)?;
    }
    Ok(t.mlp)
}

fn scaled(p: &Params, f: f32) -> Params {
    Params {
        sparsity: p.sparsity.iter().map(|s| s * f).collect(),
        ..p.clone()
    }
}

/// Round `r` of `k` removes the same fraction of the survivors each time:
/// s_r = 1 − (1 − s)^(r/k), so the last round is no bigger a shock than the first.
fn geometric(p: &Params, r: usize, k: usize) -> Params {
    let e = r as f32 / k.max(1) as f32;
    Params {
        sparsity: p.sparsity.iter().map(|s| 1.0 - (1.0 - s).powf(e)).collect(),
        ..p.clone()
    }
}

/// Runs a schedule on `mlp`: prunes with `prune` (its sparsities are the final targets) and
/// retrains on `train`, reporting accuracy on the first `eval_limit` images of `test`.
///
/// # Errors
/// `InvalidParam` for bad settings; errors from pruning and training.
pub fn run(
    mlp: &mut Mlp,
    prune: &Params,
    sched: &ScheduleParams,
    cfg: &TrainConfig,
    train: &Dataset,
    test: &Dataset,
    eval_limit: usize,
) -> Result<Vec<Round>> {
    sched.check()?;
    prune.targets(mlp)?;
    let cfg = TrainConfig {
        lr: sched.lr,
        ..cfg.clone()
    };
    let first = prune.sparsity.first().copied().unwrap_or(0.0);
    let acc = |m: &Mlp| evaluate(m, test, eval_limit).map(|e| e.accuracy);
    let mut rounds = Vec::new();
    match sched.kind {
        ScheduleKind::OneShot | ScheduleKind::Iterative => {
            let k = if sched.kind == ScheduleKind::OneShot {
                1
            } else {
                sched.rounds
            };
            let per_round = (sched.epochs / k).max(usize::from(sched.epochs > 0));
            for r in 1..=k {
                let step = geometric(prune, r, k);
                apply(mlp, &step, Some(train))?;
                let pruned_accuracy = acc(mlp)?;
                *mlp = fine_tune(mlp.clone(), &cfg, train, per_round)?;
                rounds.push(Round {
                    round: r,
                    target: step.sparsity.first().copied().unwrap_or(0.0),
                    pruned_accuracy,
                    retrained_accuracy: acc(mlp)?,
                    layers: super::sparsity_report(mlp),
                });
            }
        }
        ScheduleKind::Agp => {
            let cfg = TrainConfig {
                epochs: sched.epochs,
                ..cfg
            };
            let mut t = Trainer::from_model(cfg, mlp.clone(), train.len())?;
            let total = (train.len().div_ceil(t.cfg.batch_size) * sched.epochs) as u64;
            let dt = sched.agp_interval;
            let n = if sched.agp_events == 0 {
                (total * 3 / 4 / dt).max(1)
            } else {
                sched.agp_events
            };
            let mut event = 0u64;
            while !t.done() {
                if event <= n && t.steps() >= event * dt {
                    let f = agp_sparsity(sched.agp_initial, 1.0, t.steps(), 0, n, dt);
                    // f runs from s_i to 1; each layer's target is its own s_f scaled by it.
                    apply(&mut t.mlp, &scaled(prune, f), Some(train))?;
                    event += 1;
                    if event == n + 1 || event % 10 == 1 {
                        rounds.push(Round {
                            round: event as usize,
                            target: first * f,
                            pruned_accuracy: acc(&t.mlp)?,
                            retrained_accuracy: f32::NAN,
                            layers: super::sparsity_report(&t.mlp),
                        });
                    }
                }
                t.run(train, dt.min(1000) as usize)?;
            }
            *mlp = t.mlp;
            let final_acc = acc(mlp)?;
            if let Some(last) = rounds.last_mut() {
                last.retrained_accuracy = final_acc;
                last.layers = super::sparsity_report(mlp);
            }
        }
    }
    Ok(rounds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agp_matches_the_formula() {
        let (si, sf, t0, n, dt) = (0.1f32, 0.9f32, 100u64, 10u64, 50u64);
        assert!((agp_sparsity(si, sf, 0, t0, n, dt) - si).abs() < 1e-6);
        assert!((agp_sparsity(si, sf, t0 + n * dt, t0, n, dt) - sf).abs() < 1e-6);
        assert!((agp_sparsity(si, sf, 10_000, t0, n, dt) - sf).abs() < 1e-6);
        for t in [100u64, 150, 275, 400, 599] {
            let p = (t - t0) as f32 / (n * dt) as f32;
            let want = sf + (si - sf) * (1.0 - p) * (1.0 - p) * (1.0 - p);
            assert!((agp_sparsity(si, sf, t, t0, n, dt) - want).abs() < 1e-6);
        }
        // Halfway through, 7/8 of the way to s_f: pruning is front-loaded.
        assert!((agp_sparsity(0.0, 0.8, 250, 0, 10, 50) - 0.7).abs() < 1e-6);
    }

    #[test]
    fn iterative_rounds_are_geometric() {
        let p = Params {
            sparsity: vec![0.92, 0.5],
            ..Default::default()
        };
        assert!((geometric(&p, 3, 3).sparsity[0] - 0.92).abs() < 1e-6);
        assert!((geometric(&p, 1, 2).sparsity[0] - (1.0 - 0.08f32.sqrt())).abs() < 1e-6);
        assert!((geometric(&p, 1, 2).sparsity[1] - (1.0 - 0.5f32.sqrt())).abs() < 1e-6);
    }

    #[test]
    fn bad_schedules_are_rejected() {
        for s in [
            ScheduleParams {
                rounds: 0,
                ..Default::default()
            },
            ScheduleParams {
                kind: ScheduleKind::Iterative,
                epochs: 0,
                ..Default::default()
            },
            ScheduleParams {
                agp_interval: 0,
                ..Default::default()
            },
            ScheduleParams {
                lr: f32::NAN,
                ..Default::default()
            },
            ScheduleParams {
                agp_initial: 1.0,
                ..Default::default()
            },
        ] {
            assert!(
                matches!(s.check(), Err(Error::InvalidParam { .. })),
                "{s:?}"
            );
        }
    }
}
