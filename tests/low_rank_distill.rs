//! Low-rank and distillation on real MNIST with fixed seeds (≈ 30 s of training in all):
//! LeNet-300-100's first layer factored at rank 32 loses ≤ 0.5 pp after one epoch of
//! fine-tuning, and a 784-10-10 student distilled from it makes fewer test errors than the same
//! student (same seed, batches and epochs) trained from scratch.
// Tests may unwrap and panic: a failure here is the test failing, not a user-facing panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use shrink::compress::distill::student::{Student, TeacherLogits};
use shrink::compress::distill::{teacher_logits, DistillParams};
use shrink::compress::low_rank::finetune::{fine_tuner, FinetuneScope};
use shrink::compress::low_rank::{LayerRank, LowRank, LowRankParams};
use shrink::compress::Compressed;
use shrink::model::Mlp;
use shrink::train::cross_entropy;
use shrink::train::{evaluate, TrainConfig, Trainer};
use std::sync::{Arc, OnceLock};

/// LeNet-300-100 trained for 3 epochs with seed 1, shared by both tests.
fn lenet() -> &'static Mlp {
    static NET: OnceLock<Mlp> = OnceLock::new();
    NET.get_or_init(|| {
        let (train, _) = common::mnist();
        let cfg = TrainConfig {
            epochs: 3,
            seed: 1,
            ..Default::default()
        };
        let mut t = Trainer::new(cfg, train.len()).unwrap();
        while !t.done() {
            t.run_epoch(train).unwrap();
        }
        t.mlp
    })
}

#[test]
fn rank_32_first_layer_loses_at_most_half_a_point_after_fine_tuning() {
    let (train, test) = common::mnist();
    let base = lenet();
    let dense = evaluate(base, test, 0).unwrap().accuracy;
    let params = LowRankParams {
        layers: vec![LayerRank::Rank(32)],
    };
    let lr = LowRank::apply(base, &params).unwrap();
    let l1 = lr.mlp.layers[0].param_count() + lr.mlp.layers[1].param_count();
    assert!(base.layers[0].param_count() >= 5 * l1, "{l1} params");
    let before = lr.evaluate(test, 0).unwrap().accuracy;
    let cfg = TrainConfig {
        epochs: 1,
        lr: 0.01,
        seed: 2,
        ..Default::default()
    };
    let mut t = fine_tuner(&lr, cfg, FinetuneScope::All, train.len()).unwrap();
    t.run_epoch_with(train, &mut cross_entropy(10)).unwrap();
    let after = evaluate(&t.mlp, test, 0).unwrap().accuracy;
    println!("dense {dense}, rank 32 before {before}, after fine-tuning {after}");
    assert!(after >= dense - 0.005, "dense {dense}, after {after}");
}

#[test]
fn a_distilled_student_beats_the_same_student_from_scratch() {
    let (train, test) = common::mnist();
    let teacher = lenet();
    let logits = TeacherLogits {
        logits: Arc::new(teacher_logits(teacher, train).unwrap()),
        classes: 10,
    };
    let cfg = TrainConfig {
        hidden: vec![10],
        epochs: 3,
        seed: 1,
        ..Default::default()
    };
    let mut scratch = Student::scratch(cfg.clone(), train.len()).unwrap();
    scratch.run_to_end(train).unwrap();
    let params = DistillParams {
        temperature: 4.0,
        alpha: 0.5,
    };
    let mut distilled = Student::distilled(cfg, train.len(), logits, params).unwrap();
    distilled.run_to_end(train).unwrap();
    let es = evaluate(&scratch.tuner.mlp, test, 0).unwrap().errors();
    let ed = evaluate(&distilled.tuner.mlp, test, 0).unwrap().errors();
    println!("784-10-10: {es} errors from scratch, {ed} distilled");
    assert!(ed < es, "scratch {es}, distilled {ed}");
}
