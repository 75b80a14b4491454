//! Pruning invariants on LeNet-300-100 and real MNIST: exact sparsity, masks held through
//! retraining (and lost by the tutorial's multiply-once variant), the global threshold, the
//! smaller structured model, the sparse model, typed errors, and an accuracy budget.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use shrink::compress::prune::structured::{self, StructuredParams};
use shrink::compress::prune::{self, pitfall, schedule, Criterion, Params, Scope, SparseMlp};
use shrink::compress::Compressed;
use shrink::model::{Activation, Mlp, MlpSpec, Workspace};
use shrink::train::{evaluate, TrainConfig, Trainer};
use shrink::Error;
use std::sync::OnceLock;

/// LeNet-300-100 after one epoch (seed 1), shared by the tests of this binary.
fn trained() -> &'static Mlp {
    static M: OnceLock<Mlp> = OnceLock::new();
    M.get_or_init(|| {
        let (train, _) = common::mnist();
        let cfg = TrainConfig {
            epochs: 1,
            ..Default::default()
        };
        let mut t = Trainer::new(cfg, train.len()).unwrap();
        t.run_epoch(train).unwrap();
        t.mlp
    })
}

#[test]
fn every_criterion_reaches_the_exact_sparsity() {
    let (train, _) = common::mnist();
    for criterion in [
        Criterion::Magnitude,
        Criterion::Gradient,
        Criterion::Taylor,
        Criterion::Random,
    ] {
        for (scope, s) in [
            (Scope::Layer, vec![0.37, 0.5, 0.123]),
            (Scope::Global, vec![0.777]),
        ] {
            let mut m = trained().clone();
            let p = Params {
                criterion,
                scope,
                sparsity: s.clone(),
                grad_batches: 3,
                ..Default::default()
            };
            let r = prune::apply(&mut m, &p, Some(train)).unwrap();
            if scope == Scope::Layer {
                for (l, want) in r.iter().zip(&s) {
                    let k = (want * l.weights as f32).round() as i64;
                    assert!(
                        (l.pruned as i64 - k).abs() <= 1,
                        "{criterion:?} layer {}: {} vs {k}",
                        l.layer,
                        l.pruned
                    );
                }
            } else {
                let (p, n) = r
                    .iter()
                    .fold((0, 0), |(p, n), l| (p + l.pruned, n + l.weights));
                let k = (0.777 * n as f64).round() as i64;
                assert!(
                    (p as i64 - k).abs() <= 1,
                    "{criterion:?} global: {p} vs {k}"
                );
            }
        }
    }
}

#[test]
fn global_magnitude_threshold_is_one_cut_across_layers() {
    let mut m = trained().clone();
    let p = Params {
        scope: Scope::Global,
        sparsity: vec![0.9],
        ..Default::default()
    };
    prune::apply(&mut m, &p, None).unwrap();
    let orig = trained();
    let (mut max_pruned, mut min_kept) = (0.0f32, f32::INFINITY);
    for (l, d) in m.layers.iter().enumerate() {
        let mask = d.mask.as_ref().unwrap();
        for (w, k) in orig.layers[l].w.iter().zip(mask) {
            if *k == 0.0 {
                max_pruned = max_pruned.max(w.abs())
            } else {
                min_kept = min_kept.min(w.abs())
            }
        }
    }
    assert!(max_pruned <= min_kept, "{max_pruned} > {min_kept}");
    // Layers differ in scale, so one cut gives them different sparsities.
    let r = prune::sparsity_report(&m);
    assert!(r[0].sparsity > r[2].sparsity, "{r:?}");
}

#[test]
fn masks_hold_through_retraining_and_the_tutorial_variant_regrows() {
    let (train, test) = common::mnist();
    let small = train.head(6_400);
    let p = Params {
        sparsity: vec![0.5],
        ..Default::default()
    };
    let cfg = TrainConfig {
        lr: 0.01,
        epochs: 1,
        ..Default::default()
    };
    let r = pitfall::compare(trained(), &p, &cfg, &small, test, 100, 1000).unwrap();
    assert!((r.sparsity_pruned - 0.5).abs() < 1e-3);
    assert!(
        (r.held.sparsity_after - r.sparsity_pruned).abs() < 1e-6,
        "{r:?}"
    );
    assert!(r.not_held.sparsity_after < 0.05, "{r:?}");
    // And weight by weight: no pruned weight is non-zero after training with the mask.
    let mut m = trained().clone();
    prune::apply(
        &mut m,
        &Params {
            sparsity: vec![0.8],
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let before: Vec<_> = m.layers.iter().map(|l| l.mask.clone().unwrap()).collect();
    let m = schedule::fine_tune(m, &cfg, &small, 1).unwrap();
    for (d, mask) in m.layers.iter().zip(&before) {
        assert_eq!(d.mask.as_ref(), Some(mask));
        assert!(d.w.iter().zip(mask).all(|(w, k)| *k == 1.0 || *w == 0.0));
    }
}

#[test]
fn structured_smaller_model_equals_masked_dense_model() {
    let (_, test) = common::mnist();
    let sp = StructuredParams {
        fraction: vec![0.5],
        ..Default::default()
    };
    let (small, keep) = structured::apply(trained(), &sp, None).unwrap();
    assert_eq!(small.sizes(), vec![784, 150, 50, 10]);
    let masked = structured::mask_out(trained(), &keep).unwrap();
    let x: Vec<f32> = (0..32 * 784)
        .map(|i| ((i * 31) % 17) as f32 / 8.0 - 1.0)
        .collect();
    let (mut a, mut b) = (Workspace::default(), Workspace::default());
    small.forward(&x, 32, &mut a).unwrap();
    masked.forward(&x, 32, &mut b).unwrap();
    for (u, v) in a.logits(32).iter().zip(b.logits(32)) {
        assert!((u - v).abs() < 1e-3, "{u} vs {v}");
    }
    assert_eq!(
        evaluate(&small, test, 2000).unwrap(),
        evaluate(&masked, test, 2000).unwrap()
    );
    let all = StructuredParams {
        fraction: vec![0.999],
        ..Default::default()
    };
    assert!(matches!(
        structured::apply(trained(), &all, None),
        Err(Error::InvalidParam { .. })
    ));
}

#[test]
fn sparse_model_gives_the_dense_predictions_in_fewer_bytes() {
    let (_, test) = common::mnist();
    let mut m = trained().clone();
    prune::apply(
        &mut m,
        &Params {
            sparsity: vec![0.92, 0.91, 0.74],
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let sp = SparseMlp::from_mlp(&m).unwrap();
    let (d, s) = (
        evaluate(&m, test, 0).unwrap(),
        sp.evaluate(test, 0).unwrap(),
    );
    assert_eq!(d.confusion, s.confusion);
    let size = sp.size();
    assert_eq!(size.dense_fp32_bytes, 4 * 266_610);
    assert_eq!(size.dense_with_zeros_bytes, size.dense_fp32_bytes);
    assert!(size.ratio() > 7.0, "{size:?}");
}

#[test]
fn bad_params_are_typed_errors() {
    let m = Mlp::new(&MlpSpec::mnist(&[8, 4], Activation::Relu), 0).unwrap();
    let bad = [
        Params {
            sparsity: vec![1.0],
            ..Default::default()
        },
        Params {
            sparsity: vec![-0.01],
            ..Default::default()
        },
        Params {
            sparsity: vec![f32::INFINITY],
            ..Default::default()
        },
        Params {
            layers: vec![7],
            ..Default::default()
        },
    ];
    for p in bad {
        assert!(
            matches!(
                prune::apply(&mut m.clone(), &p, None),
                Err(Error::InvalidParam { .. } | Error::NoLayer { .. })
            ),
            "{p:?}"
        );
    }
    let zero_rounds = schedule::ScheduleParams {
        rounds: 0,
        ..Default::default()
    };
    assert!(matches!(
        zero_rounds.check(),
        Err(Error::InvalidParam { .. })
    ));
    let every = StructuredParams {
        fraction: vec![0.95],
        layers: vec![1],
        ..Default::default()
    };
    assert!(matches!(
        structured::select(&m, &every, None),
        Err(Error::InvalidParam { .. })
    ));
}

#[test]
fn magnitude_90_then_one_epoch_fine_tune_stays_above_95_percent() {
    let (train, test) = common::mnist();
    let mut m = trained().clone();
    prune::apply(
        &mut m,
        &Params {
            sparsity: vec![0.9],
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let cfg = TrainConfig {
        lr: 0.01,
        ..Default::default()
    };
    let m = schedule::fine_tune(m, &cfg, train, 1).unwrap();
    let acc = evaluate(&m, test, 0).unwrap().accuracy;
    println!("90% magnitude + 1 epoch fine-tune: {:.2}%", 100.0 * acc);
    assert!(acc >= 0.95, "{acc}");
    assert!((prune::total_sparsity(&m) - 0.9).abs() < 1e-3);
}

#[test]
fn lab_reprunes_from_the_dense_model_and_heatmaps_count_pruned_cells() {
    use shrink::compress::prune::lab::{Lab, LabParams, Level, View};
    use shrink::render::palette::{PRUNED, REMOVED};
    let (train, test) = common::mnist();
    let mut lab = Lab::new();
    let mut m = trained().clone();
    let at = |s: f32| LabParams {
        weights: Params {
            sparsity: vec![s],
            ..Default::default()
        },
        eval_limit: 500,
        ..Default::default()
    };
    lab.apply(&mut m, &at(0.9), train, test).unwrap();
    let r = lab.apply(&mut m, &at(0.1), train, test).unwrap();
    assert!((r.total_sparsity - 0.1).abs() < 1e-3, "{r:?}");
    let r = lab.apply(&mut m, &at(0.9), train, test).unwrap();
    let count = |img: &shrink::render::heatmap::Image, c: [u8; 4]| {
        img.rgba.chunks_exact(4).filter(|p| *p == c).count()
    };
    for view in [View::Weights, View::Mask] {
        let img = lab
            .heatmap(&m, 0, view, Criterion::Magnitude, train, 20)
            .unwrap();
        assert_eq!(count(&img, PRUNED), r.layers[0].pruned, "{view:?}");
    }
    let img = lab
        .heatmap(&m, 1, View::Mask, Criterion::Magnitude, train, 20)
        .unwrap();
    assert_eq!(count(&img, PRUNED), r.layers[1].pruned);
    let neurons = LabParams {
        level: Level::Neurons,
        eval_limit: 500,
        ..Default::default()
    };
    let r = lab.apply(&mut m, &neurons, train, test).unwrap();
    assert_eq!(r.model_sizes, vec![784, 150, 50, 10]);
    assert_eq!(r.removed_neurons, 200);
    let img = lab
        .heatmap(&m, 0, View::Weights, Criterion::Magnitude, train, 20)
        .unwrap();
    assert_eq!(count(&img, REMOVED), 150 * 784);
    let (_, frac) = lab.survival_map(&m).unwrap();
    assert_eq!(frac.len(), 784);
}

/// The Prune panel shows the model as it stands at once (`report` changes nothing), and the
/// tutorial's pitfall starts from the dense model the lab prunes from, even after a pruning
/// and a fine-tune, so its "pruned" side has exactly the requested sparsity, not a re-pruning.
#[test]
fn lab_reports_the_current_model_and_keeps_the_dense_base_for_the_pitfall() {
    use shrink::compress::prune::lab::{Lab, LabParams};
    let (train, test) = common::mnist();
    let mut lab = Lab::new();
    let mut m = trained().clone();
    let r = lab.report(&m, test, 500).unwrap();
    assert_eq!(r.total_sparsity, 0.0);
    assert_eq!(&m, trained(), "report must not change the model");
    let half = Params {
        criterion: Criterion::Gradient,
        sparsity: vec![0.5],
        grad_batches: 10,
        ..Default::default()
    };
    let p = LabParams {
        weights: half.clone(),
        eval_limit: 500,
        ..Default::default()
    };
    lab.apply(&mut m, &p, train, test).unwrap();
    let cfg = TrainConfig::default();
    lab.fine_tune(&mut m, &cfg, 50, 0.01, train, test, 500)
        .unwrap();
    let r = lab.report(&m, test, 500).unwrap();
    assert!((r.total_sparsity - 0.5).abs() < 1e-3, "{r:?}");
    let dense = lab.dense(&m).clone();
    assert_eq!(&dense, trained(), "the base is the dense model pruned from");
    let pit = pitfall::compare(&dense, &half, &cfg, train, test, 20, 500).unwrap();
    assert!((pit.sparsity_pruned - 0.5).abs() < 1e-3, "{pit:?}");
    assert!(
        pit.not_held.sparsity_after < pit.held.sparsity_after,
        "{pit:?}"
    );
}
