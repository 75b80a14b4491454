//! A panel's result as a recipe step, so "Save as version" in the Quantize, Low-rank, Distill
//! and Binarize panels records what the panel did in the same words `shrink recipe` runs.
//!
//! Each function returns the step and whether running it reproduces the panel's model exactly.
//! It does when every setting the panel used is one the step spells (or the step's default);
//! otherwise the reason is given in words (e.g. an affine zero point, which no recipe word
//! spells), and the step is the nearest one. Exactness is checked against the same parameter
//! builders the steps use (`step::quantize::params_for`), so the two cannot drift apart silently.

use super::recipe::{
    BinarizeStep, DistillStep, LowRankStep, QuantFormat, QuantizeStep, RankChoice, ShareStep, Step,
};
use super::step::float_run::steps_for;
use crate::compress::binarize::Params as BinaryParams;
use crate::compress::distill::experiment::{ExperimentParams, TeacherSource};
use crate::compress::low_rank::LayerRank;
use crate::compress::quantize::{Params, Scheme, Training};
use crate::train::TrainConfig;

/// A step and, when it does not reproduce the panel's model exactly, why.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelStep {
    pub step: Step,
    pub inexact: Option<String>,
}

/// Batch of QAT and centroid fine-tuning (fixed by those trainers).
const QAT_BATCH: usize = 64;

/// Epochs (as the recipe writes them) that give exactly `steps` steps, if any.
fn epochs_for(steps: usize, n_train: usize, batch: usize) -> Option<f32> {
    let per_epoch = n_train.div_ceil(batch.max(1)).max(1);
    let e = steps as f32 / per_epoch as f32;
    // The recipe text is f32's shortest form, so parse(text) == e; check the rounding too.
    (steps_for(e, n_train, batch) == steps as u64).then_some(e)
}

/// The Quantize panel's settings `p` (run on `n_train` training digits) as a `quantize` or
/// `share` step. The panel's seed must already be the chain's (the lab sets it).
pub fn quantize(p: &Params, n_train: usize) -> PanelStep {
    let qat = p.training == Training::Qat;
    let epochs = if qat {
        epochs_for(p.qat_steps, n_train, QAT_BATCH)
    } else {
        Some(0.0)
    };
    let mut why: Vec<String> = Vec::new();
    if epochs.is_none() {
        why.push(format!(
            "{} QAT steps are not a whole number of steps of any epoch count the recipe can write",
            p.qat_steps
        ));
    }
    let epochs = epochs.unwrap_or(p.qat_steps as f32 / n_train.div_ceil(QAT_BATCH).max(1) as f32);
    let step = match p.scheme {
        Scheme::KMeans => {
            if p.activations {
                why.push("a share step keeps activations in f32 (int8 activations have no recipe word with k-means)".into());
            }
            Step::Share(ShareStep {
                bits: p.bits,
                finetune_epochs: epochs,
                lr: None,
            })
        }
        Scheme::Int | Scheme::Float => {
            let format = match p.scheme {
                Scheme::Float => QuantFormat::Float(p.format),
                _ => QuantFormat::Int(p.bits),
            };
            let step = Step::Quantize(QuantizeStep {
                format,
                qat_epochs: epochs,
                activations: p.activations,
                lr: None,
            });
            if let Ok(want) = super::step::quantize::params_for(
                format,
                p.activations,
                epochs,
                None,
                p.seed,
                n_train,
            ) {
                if want.symmetry != p.symmetry {
                    why.push("the recipe has no word for an affine zero point (it quantizes symmetrically)".into());
                }
                if want.granularity != p.granularity {
                    why.push("the recipe has no word for one scale per tensor (it uses one per output channel)".into());
                }
                let rest = Params {
                    symmetry: want.symmetry,
                    granularity: want.granularity,
                    ..p.clone()
                };
                let rest = Params {
                    // Unused settings of the other scheme, and QAT steps when there is no QAT.
                    format: if p.scheme == Scheme::Float {
                        rest.format
                    } else {
                        want.format
                    },
                    bits: if p.scheme == Scheme::Float {
                        want.bits
                    } else {
                        rest.bits
                    },
                    qat_steps: if qat { rest.qat_steps } else { want.qat_steps },
                    ..rest
                };
                if rest != want && why.is_empty() {
                    why.push("some quantizer settings differ from the recipe's defaults".into());
                }
            }
            step
        }
    };
    PanelStep {
        step,
        inexact: (!why.is_empty()).then(|| why.join("; ")),
    }
}

/// The Low-rank panel's per-layer cuts as a `lowrank` step; `finetuned` when the panel
/// fine-tuned the factors (its own learning rate and schedule, which the step does not spell).
pub fn low_rank(layers: &[LayerRank], finetuned: bool) -> PanelStep {
    let mut why: Vec<String> = Vec::new();
    let cut: Vec<&LayerRank> = layers.iter().filter(|l| **l != LayerRank::Full).collect();
    let rank = match (layers.first(), cut.as_slice()) {
        (Some(LayerRank::Rank(k)), [_]) => RankChoice::Rank(*k),
        (_, [LayerRank::Energy(e), rest @ ..])
            if cut.len() == layers.len() && rest.iter().all(|l| **l == LayerRank::Energy(*e)) =>
        {
            RankChoice::Energy(*e)
        }
        _ => {
            why.push("the recipe factors either the first layer at a rank or every layer at one energy, not these per-layer cuts".into());
            match cut.first() {
                Some(LayerRank::Energy(e)) => RankChoice::Energy(*e),
                Some(LayerRank::Rank(k)) => RankChoice::Rank(*k),
                _ => RankChoice::Energy(1.0),
            }
        }
    };
    if finetuned {
        why.push("the panel's fine-tuning (its epochs, rate and scope) has no recipe form; the step does not fine-tune".into());
    }
    PanelStep {
        step: Step::LowRank(LowRankStep {
            rank,
            finetune_epochs: 0.0,
        }),
        inexact: (!why.is_empty()).then(|| why.join("; ")),
    }
}

/// The Distill panel's experiment as a `distill` step from the teacher version; `seed` is the
/// chain's seed, which the step trains the student with; `teacher_sparse` when the teacher runs
/// on the CSR kernel as a version (its logits then round differently from the panel's dense
/// pass).
pub fn distill(p: &ExperimentParams, seed: u64, teacher_sparse: bool) -> PanelStep {
    let mut why: Vec<String> = Vec::new();
    if teacher_sparse {
        why.push("the step computes the pruned teacher's logits on its sparse kernel, whose sums round differently".into());
    }
    if p.teacher == TeacherSource::Train {
        why.push("the teacher was trained inside the panel, not a version".into());
    }
    if p.seed != seed {
        why.push(format!(
            "the panel's seed {} is not the chain's seed {seed}, which the step uses",
            p.seed
        ));
    }
    let d = TrainConfig::default();
    PanelStep {
        step: Step::Distill(DistillStep {
            hidden: p.student_hidden.clone(),
            epochs: p.epochs as f32,
            temperature: p.distill.temperature,
            alpha: p.distill.alpha,
            lr: (p.lr != d.lr).then_some(p.lr),
            weight_decay: None,
        }),
        inexact: (!why.is_empty()).then(|| why.join("; ")),
    }
}

/// The Binarize panel's network as a `binarize` step. `warm` when it started from the input
/// model's weights; `steps`/`total` are the steps taken and planned; `seed` the chain's seed.
pub fn binarize(p: &BinaryParams, warm: bool, steps: u64, total: u64, seed: u64) -> PanelStep {
    let mut why: Vec<String> = Vec::new();
    let d = BinaryParams::default();
    let same = BinaryParams {
        method: d.method,
        train: TrainConfig {
            hidden: d.train.hidden.clone(),
            epochs: d.train.epochs,
            seed: d.train.seed,
            ..p.train.clone()
        },
        ..p.clone()
    };
    if same != d {
        why.push("some settings (scaling, first/last layer, learning rate) differ from the recipe's defaults".into());
    }
    if p.train.seed != seed {
        why.push(format!(
            "the panel's seed {} is not the chain's seed {seed}, which the step uses",
            p.train.seed
        ));
    }
    if steps < total {
        why.push(format!(
            "training stopped after {steps} of {total} steps (the step trains to the end of its schedule)"
        ));
    }
    PanelStep {
        step: Step::Binarize(BinarizeStep {
            method: p.method,
            // A warm start takes the parent's widths; a fresh net names its own.
            hidden: if warm {
                Vec::new()
            } else {
                p.train.hidden.clone()
            },
            epochs: p.train.epochs as f32,
        }),
        inexact: (!why.is_empty()).then(|| why.join("; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compress::quantize::{FloatFormat, Symmetry};

    #[test]
    fn default_panel_settings_are_exact_steps_and_the_rest_say_why() {
        let p = Params {
            bits: 4,
            ..Params::default()
        };
        let s = quantize(&p, 60_000);
        assert_eq!(s.step.to_string(), "quantize:int4");
        assert_eq!(s.inexact, None);
        let fp8 = Params {
            scheme: Scheme::Float,
            format: FloatFormat::E4m3,
            activations: true,
            ..Params::default()
        };
        assert_eq!(
            quantize(&fp8, 60_000).step.to_string(),
            "quantize:fp8e4m3,act"
        );
        assert_eq!(quantize(&fp8, 60_000).inexact, None);
        let qat = Params {
            training: Training::Qat,
            qat_steps: 200,
            ..Params::default()
        };
        let s = quantize(&qat, 60_000);
        assert_eq!(s.inexact, None, "{:?}", s.step);
        assert_eq!(Step::parse(&s.step.to_string()).unwrap(), s.step);
        let affine = Params {
            symmetry: Symmetry::Affine,
            ..Params::default()
        };
        assert!(quantize(&affine, 60_000)
            .inexact
            .unwrap()
            .contains("affine"));
        let km = Params {
            scheme: Scheme::KMeans,
            bits: 5,
            ..Params::default()
        };
        assert_eq!(quantize(&km, 60_000).step.to_string(), "share:5");

        let first = low_rank(
            &[LayerRank::Rank(20), LayerRank::Full, LayerRank::Full],
            false,
        );
        assert_eq!(first.step.to_string(), "lowrank:20");
        assert_eq!(first.inexact, None);
        let e = low_rank(&[LayerRank::Energy(0.9); 3], false);
        assert_eq!(e.step.to_string(), "lowrank:energy0.9");
        assert!(low_rank(&[LayerRank::Full, LayerRank::Rank(5)], false)
            .inexact
            .is_some());
        assert!(low_rank(&[LayerRank::Rank(5)], true).inexact.is_some());

        let ex = ExperimentParams::default();
        let d = distill(&ex, 1, false);
        assert_eq!(d.inexact, None);
        assert_eq!(Step::parse(&d.step.to_string()).unwrap(), d.step);
        assert!(distill(&ex, 7, false).inexact.unwrap().contains("seed"));

        let b = binarize(&BinaryParams::default(), false, 10, 10, 1);
        assert_eq!(b.inexact, None);
        assert_eq!(b.step.to_string(), "binarize:bc,256,256,e2");
        assert!(binarize(&BinaryParams::default(), true, 5, 10, 1)
            .inexact
            .unwrap()
            .contains("5 of 10"));
    }
}
