//! Reliability regressions (issue 13): no input reaches a panic or an index past the data, a
//! failing kernel is an error rather than a fast time, and out-of-range classes are rejected.
//! Each test failed on the code before the fix (named in the comment above it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use shrink::compress::binarize::{BinaryTrainer, Params as BinaryParams};
use shrink::compress::prune::timing;
use shrink::data::Dataset;
use shrink::model::{Activation, Mlp, MlpSpec, Workspace};
use shrink::train::metrics::evaluate_with;
use shrink::train::{TrainConfig, Trainer};

fn small_cfg() -> TrainConfig {
    TrainConfig {
        hidden: vec![8],
        batch_size: 16,
        epochs: 2,
        ..Default::default()
    }
}

/// Defect 1: a trainer built for 64 examples, then handed a 16-example set (what
/// `Session::load_data` did with a later, smaller IDX pair), indexed past the end and panicked.
#[test]
fn trainer_given_a_smaller_dataset_errors_instead_of_indexing_past_it() {
    let mut t = Trainer::new(small_cfg(), 64).unwrap();
    let small = Dataset::synthetic(16);
    for _ in 0..4 {
        let e = t.run(&small, 4).unwrap_err().to_string();
        assert!(e.contains("64") && e.contains("16"), "{e}");
    }
    // The matching set still trains: the error changed nothing.
    let p = t.run(&Dataset::synthetic(64), 4).unwrap();
    assert_eq!(p.samples, 64);
    assert!(p.loss.is_finite());
}

/// Defect 1, binary trainer: it never checked the dataset length either.
#[test]
fn binary_trainer_given_a_smaller_dataset_errors() {
    let mut p = BinaryParams::default();
    p.train.hidden = vec![16];
    p.train.batch_size = 16;
    let mut t = BinaryTrainer::new(p, 64).unwrap();
    for _ in 0..4 {
        assert!(t.run(&Dataset::synthetic(16), 4).is_err());
    }
    assert!(t.run(&Dataset::synthetic(64), 2).is_ok());
}

/// Defect 3: `metrics.rs` clamped a class ≥ 10 into the confusion matrix with `.min(99)` (and
/// the loss read a clamped label) instead of rejecting it.
#[test]
fn evaluation_rejects_a_model_with_other_than_ten_classes() {
    let data = Dataset::synthetic(20);
    // 11 outputs whose largest is class 10, a class MNIST does not have.
    let eleven = |_: &[f32], b: usize, _: &mut Workspace| {
        Ok((0..b * 11).map(|i| (i % 11) as f32).collect::<Vec<f32>>())
    };
    let e = evaluate_with(eleven, 784, &data, 0)
        .unwrap_err()
        .to_string();
    assert!(e.contains("10"), "{e}");
    let ten = |_: &[f32], b: usize, _: &mut Workspace| {
        Ok((0..b * 10).map(|i| (i % 10) as f32).collect::<Vec<f32>>())
    };
    let ev = evaluate_with(ten, 784, &data, 0).unwrap();
    // Every prediction is class 9; synthetic labels cycle 0..9, so 2 of 20 are right.
    assert_eq!(ev.confusion.iter().sum::<u32>(), 20);
    assert_eq!(ev.confusion[9 * 10 + 9], 2);
    assert!((ev.accuracy - 0.1).abs() < 1e-6);
}

/// Defect 3: `prune/timing.rs` discarded each kernel's error, so a model that cannot run on the
/// inputs (here a reference with another input width) was timed as a fast one.
#[test]
fn prune_timings_report_a_failing_kernel() {
    let model = Mlp::new(&MlpSpec::mnist(&[8], Activation::Relu), 1).unwrap();
    // A fake clock that advances 1 ms per reading: a few calls per timing, and no wall time.
    let t = std::cell::Cell::new(0.0);
    let clock = || {
        t.set(t.get() + 1.0);
        t.get()
    };
    let same = Mlp::new(&MlpSpec::mnist(&[8], Activation::Relu), 2).unwrap();
    assert!(timing::timings(&model, Some(&same), None, &clock, 5.0).is_ok());
    let mut wrong = MlpSpec::mnist(&[8], Activation::Relu);
    wrong.n_in = 100;
    let reference = Mlp::new(&wrong, 1).unwrap();
    assert!(timing::timings(&model, Some(&reference), None, &clock, 5.0).is_err());
}

/// Divergence (issue 13): a learning rate of 10 on real MNIST ends with a `Diverged` error in
/// words, the weights of the last good chunk restored (all finite, and they still evaluate to
/// finite numbers), and no NaN in anything the page would show.
#[test]
fn learning_rate_10_diverges_and_restores_finite_weights() {
    let (train, test) = common::mnist();
    let cfg = TrainConfig {
        lr: 10.0,
        epochs: 1,
        ..Default::default()
    };
    let mut t = Trainer::new(cfg, train.len()).unwrap();
    let mut diverged = None;
    for _ in 0..200 {
        match t.run(train, 5) {
            Ok(p) => assert!(p.loss.is_finite() && p.train_accuracy.is_finite()),
            Err(e) => {
                diverged = Some(e.to_string());
                break;
            }
        }
    }
    let msg = diverged.expect("lr = 10 must diverge within 1000 steps");
    assert!(
        msg.contains("diverged") && msg.contains("learning rate"),
        "{msg}"
    );
    assert!(
        !msg.contains("NaN") && !msg.contains("inf"),
        "in words: {msg}"
    );
    assert!(t.mlp.is_finite());
    let ev = shrink::train::evaluate(&t.mlp, test, 1000).unwrap();
    assert!(ev.loss.is_finite() && ev.accuracy.is_finite());
}
