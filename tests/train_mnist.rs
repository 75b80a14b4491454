//! LeNet-300-100 on the real MNIST files: one epoch with a fixed seed reaches ≥ 97% test
//! accuracy, the data has the published label counts, and the same seed gives the same weights.
// Tests may unwrap and panic: a failure here is the test failing, not a user-facing panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use shrink::train::{evaluate, TrainConfig, Trainer};

#[test]
fn mnist_has_the_published_counts() {
    let (train, test) = common::mnist();
    assert_eq!((train.len(), test.len()), (60_000, 10_000));
    assert_eq!(
        train.label_counts(),
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    );
    assert_eq!(
        test.label_counts(),
        [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    );
}

#[test]
fn lenet_300_100_one_epoch_reaches_97_percent() {
    let (train, test) = common::mnist();
    let cfg = TrainConfig {
        epochs: 1,
        seed: 1,
        ..Default::default()
    };
    let mut t = Trainer::new(cfg, train.len()).unwrap();
    let p = t.run_epoch(train).unwrap();
    assert!(p.done && p.epoch == 1);
    let ev = evaluate(&t.mlp, test, 0).unwrap();
    println!("test accuracy after 1 epoch: {:.2}%", 100.0 * ev.accuracy);
    assert!(ev.accuracy >= 0.97, "test accuracy {}", ev.accuracy);
    assert_eq!(ev.confusion.iter().sum::<u32>(), 10_000);
}

#[test]
fn same_seed_same_weights() {
    let (train, _) = common::mnist();
    let small = train.head(2_000);
    let cfg = TrainConfig {
        hidden: vec![32],
        epochs: 1,
        seed: 42,
        ..Default::default()
    };
    let run = || {
        let mut t = Trainer::new(cfg.clone(), small.len()).unwrap();
        t.run_epoch(&small).unwrap();
        t.mlp
    };
    assert_eq!(run(), run());
}
