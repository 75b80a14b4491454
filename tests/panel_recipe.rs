//! "Save as version" in the Quantize, Low-rank, Distill and Binarize panels (issue 10): the
//! recipe step a panel's settings spell (`version::panel`) rebuilds, through the same `Job` that
//! `shrink recipe` runs, exactly the model the panel made with its own code path. Real MNIST,
//! fixed seeds; the dense parent is a short training run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use shrink::compress::binarize::{self, BinaryTrainer, Method, PackedNet};
use shrink::compress::distill::experiment::{Experiment, ExperimentParams, Phase};
use shrink::compress::low_rank::{LayerRank, LowRank, LowRankParams};
use shrink::compress::quantize::{self, FloatFormat, Params, Scheme, Training};
use shrink::data::Dataset;
use shrink::model::Mlp;
use shrink::train::{TrainConfig, Trainer};
use shrink::version::panel::{self, PanelStep};
use shrink::version::{measure, Job, Model, Recipe, Store, Version};

/// A monotonic clock in ms (the figures time the model; the test only needs it to advance).
fn clock() -> f64 {
    use std::sync::OnceLock;
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs_f64()
        * 1e3
}

fn dense(train: &Dataset) -> Mlp {
    let cfg = TrainConfig {
        hidden: vec![100, 50],
        epochs: 1,
        seed: 1,
        ..TrainConfig::default()
    };
    let mut t = Trainer::new(cfg, train.len()).unwrap();
    while !t.done() {
        t.run_epoch(train).unwrap();
    }
    t.mlp
}

fn parent(mlp: &Mlp, test: &Dataset) -> Version {
    let model = Model::Float(mlp.clone());
    let mut store = Store::new();
    let figures = measure(&model, &test.head(100), 1, &clock).unwrap();
    let id = store
        .add("dense", None, Recipe { steps: vec![] }, 1, model, figures)
        .unwrap();
    store.get(id).unwrap().clone()
}

/// Runs the saved step through a `Job` (what `shrink recipe` does) and returns its model.
fn replay(s: &PanelStep, parent: Option<&Version>, train: &Dataset, test: &Dataset) -> Model {
    assert_eq!(s.inexact, None, "{}", s.step);
    println!("replaying {}", s.step);
    // The text in the version is what a recipe link or the CLI parses.
    let step = shrink::version::Step::parse(&s.step.to_string()).unwrap();
    assert_eq!(step, s.step);
    let mut job = Job::start(&step, parent, train, 1).unwrap();
    job.run_to_end(train).unwrap();
    job.finish(&test.head(100), &clock).unwrap().0
}

#[test]
fn each_panels_saved_recipe_rebuilds_its_model_exactly() {
    let (full, test) = common::mnist();
    let train = full.head(6000);
    let mlp = dense(&train);
    let v = parent(&mlp, test);
    let n = train.len();

    // Quantize: int4 PTQ, int8 QAT for 50 steps, fp8 with int8 activations, 5-bit k-means.
    for p in [
        Params {
            bits: 4,
            ..Params::default()
        },
        Params {
            training: Training::Qat,
            qat_steps: 50,
            ..Params::default()
        },
        Params {
            scheme: Scheme::Float,
            format: FloatFormat::E4m3,
            activations: true,
            ..Params::default()
        },
        Params {
            scheme: Scheme::KMeans,
            bits: 5,
            ..Params::default()
        },
    ] {
        let made = quantize::run(&mlp, &p, &train).unwrap();
        let s = panel::quantize(&p, n);
        assert_eq!(
            replay(&s, Some(&v), &train, test),
            Model::Quantized(made),
            "{}",
            s.step
        );
    }

    // Low-rank: the first layer at rank 12, the others left full.
    let cuts = vec![LayerRank::Rank(12), LayerRank::Full, LayerRank::Full];
    let made = LowRank::apply(
        &mlp,
        &LowRankParams {
            layers: cuts.clone(),
        },
    )
    .unwrap();
    let s = panel::low_rank(&cuts, false);
    assert_eq!(replay(&s, Some(&v), &train, test), Model::Float(made.mlp));

    // Distill: the current model as teacher, a 784-20-10 student for one epoch.
    let ep = ExperimentParams {
        student_hidden: vec![20],
        epochs: 1,
        ..ExperimentParams::default()
    };
    let mut e = Experiment::new(ep.clone(), Some(&mlp), n).unwrap();
    while e.step(&train, test, 500).unwrap().phase != Phase::Done {}
    let student = e.students().unwrap().1.clone();
    let s = panel::distill(&ep, 1, false);
    assert_eq!(replay(&s, Some(&v), &train, test), Model::Float(student));

    // Binarize: a fresh BNN 784-64-10 trained to the end of its schedule (1 epoch).
    let mut bp = binarize::Params {
        method: Method::Bnn,
        ..Default::default()
    };
    bp.train.hidden = vec![64];
    bp.train.epochs = 1;
    let mut t = BinaryTrainer::new(bp.clone(), n).unwrap();
    while !t.done() {
        t.run(&train, 1000).unwrap();
    }
    let made = PackedNet::from_net(&t.net).unwrap();
    let s = panel::binarize(&bp, false, t.steps(), t.total_steps(), 1);
    assert_eq!(replay(&s, None, &train, test), Model::Binary(made));

    // A warm start from the parent: the step takes the parent's widths.
    let mut wp = bp.clone();
    wp.train.hidden = vec![100, 50];
    let mut t = BinaryTrainer::from_dense(wp.clone(), &mlp, n).unwrap();
    while !t.done() {
        t.run(&train, 1000).unwrap();
    }
    let made = PackedNet::from_net(&t.net).unwrap();
    let s = panel::binarize(&wp, true, t.steps(), t.total_steps(), 1);
    assert_eq!(replay(&s, Some(&v), &train, test), Model::Binary(made));
}
