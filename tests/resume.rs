//! Crash recovery resumes the very run (crate/io/snapshot.rs): a trainer written to a snapshot
//! at an epoch's end or in the middle of an epoch, read back and trained on, gives bit for bit
//! the losses, epochs, weights and optimizer moments of the same seed's uninterrupted run, on
//! real MNIST digits, with SGD + momentum and with Adam, dense and with pruning masks held.
//! A truncated, bit-flipped, foreign or mismatched snapshot is a typed error, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use shrink::compress::quantize::deep::magnitude_prune;
use shrink::data::Dataset;
use shrink::error::Fault;
use shrink::io::{snapshot, FileInfo};
use shrink::train::{OptimizerKind, TrainConfig, Trainer};
use shrink::Error;

/// The first `n` training digits (a short run that still learns).
fn digits(n: usize) -> Dataset {
    let (train, _) = common::mnist();
    Dataset {
        images: train.images[..n * 784].to_vec(),
        labels: train.labels[..n].to_vec(),
        rows: 28,
        cols: 28,
    }
}

fn config(optimizer: OptimizerKind) -> TrainConfig {
    TrainConfig {
        hidden: vec![24, 16],
        optimizer,
        lr: if optimizer == OptimizerKind::Adam {
            0.002
        } else {
            0.05
        },
        momentum: 0.9,
        weight_decay: 1e-4,
        batch_size: 50,
        epochs: 4,
        seed: 7,
        ..Default::default()
    }
}

/// What a run shows, step by step: (epoch, step, loss bits, running accuracy bits, done).
type Trace = Vec<(usize, u64, u32, u32, bool)>;

/// One step at a time until `stop(trainer)` or the run is done; prunes 60 % of every layer once
/// the step count reaches `prune_at` (as the Prune panel does between chunks).
fn train(t: &mut Trainer, data: &Dataset, prune_at: Option<u64>, stop: u64) -> Trace {
    let mut trace = Vec::new();
    while !t.done() && t.steps() < stop {
        if prune_at == Some(t.steps()) {
            magnitude_prune(&mut t.mlp, &[0.6, 0.6, 0.6]);
            t.model_changed();
        }
        let p = t.run(data, 1).unwrap();
        trace.push((
            p.epoch,
            p.step,
            p.loss.to_bits(),
            p.train_accuracy.to_bits(),
            p.done,
        ));
    }
    trace
}

/// Every weight, bias, mask and moment as bits (so −0.0 and +0.0 differ).
fn bits(t: &Trainer) -> Vec<u32> {
    let m = t.opt.moments();
    let mut out = vec![m.t];
    for l in &t.mlp.layers {
        out.extend(l.w.iter().chain(l.b.iter()).map(|x| x.to_bits()));
        if let Some(mask) = &l.mask {
            out.extend(mask.iter().map(|x| x.to_bits()));
        }
    }
    for a in m.m_w.iter().chain(&m.v_w) {
        out.extend(a.iter().map(|x| x.to_bits()));
    }
    for a in m.m_b.iter().chain(&m.v_b) {
        out.extend(a.iter().map(|x| x.to_bits()));
    }
    out
}

/// The uninterrupted run against runs snapshotted after `at` steps and resumed in a new
/// trainer, for each optimizer, with and without pruning.
#[test]
fn a_resumed_run_is_bit_identical_to_the_uninterrupted_one() {
    let data = digits(3000);
    let per_epoch = 3000 / 50;
    for optimizer in [OptimizerKind::Sgd, OptimizerKind::Adam] {
        for prune_at in [None, Some(per_epoch as u64 + 10)] {
            let cfg = config(optimizer);
            let mut whole = Trainer::new(cfg.clone(), data.len()).unwrap();
            let expected = train(&mut whole, &data, prune_at, u64::MAX);
            assert_eq!(expected.len(), 4 * per_epoch);
            assert!(whole.done() && whole.epoch() == 4);
            let first = f32::from_bits(expected[0].2);
            let last = f32::from_bits(expected[expected.len() - 1].2);
            assert!(last < first / 3.0, "the run learns: loss {first} -> {last}");
            // At an epoch's end (2), mid-epoch (2 epochs + 17 steps), after the pruning
            // (masks and reset moments in the snapshot), and at the very end.
            for at in [
                2 * per_epoch as u64,
                2 * per_epoch as u64 + 17,
                per_epoch as u64 + 25,
                4 * per_epoch as u64,
            ] {
                let what = format!("{optimizer:?}, pruned at {prune_at:?}, snapshot at {at}");
                let mut before = Trainer::new(cfg.clone(), data.len()).unwrap();
                let mut trace = train(&mut before, &data, prune_at, at);
                let bytes = snapshot::write(&before, &FileInfo::default()).unwrap();
                let mut after = snapshot::read(&bytes, &cfg, data.len()).unwrap();
                assert_eq!(bits(&after), bits(&before), "{what}: state read back");
                assert_eq!(after.progress(), before.progress(), "{what}: progress");
                assert_eq!(after.epoch(), before.epoch(), "{what}: epoch");
                trace.extend(train(&mut after, &data, prune_at, u64::MAX));
                assert_eq!(trace, expected, "{what}: losses and epochs");
                assert_eq!(
                    bits(&after),
                    bits(&whole),
                    "{what}: final weights and moments"
                );
            }
        }
    }
}

/// The bytes of a snapshot of a short SGD run, its settings and data size.
fn sample() -> (Vec<u8>, TrainConfig, usize) {
    let data = Dataset::synthetic(60);
    let cfg = TrainConfig {
        hidden: vec![8],
        batch_size: 16,
        epochs: 3,
        ..Default::default()
    };
    let mut t = Trainer::new(cfg.clone(), data.len()).unwrap();
    t.run(&data, 5).unwrap();
    let bytes = snapshot::write(&t, &FileInfo::default()).unwrap();
    (bytes, cfg, data.len())
}

fn fault(r: shrink::Result<Trainer>) -> Fault {
    match r {
        Err(Error::BadData { fault, .. }) => fault,
        Err(e) => panic!("expected a file fault, got {e}"),
        Ok(_) => panic!("expected a file fault, got a trainer"),
    }
}

#[test]
fn a_truncated_snapshot_is_a_typed_error() {
    let (bytes, cfg, n) = sample();
    assert!(snapshot::read(&bytes, &cfg, n).is_ok());
    for len in [0, 1, 8, 23] {
        assert_eq!(
            fault(snapshot::read(&bytes[..len], &cfg, n)),
            Fault::SnapshotTooShort
        );
    }
    for len in [24, 25, 100, bytes.len() / 2, bytes.len() - 1] {
        assert_eq!(
            fault(snapshot::read(&bytes[..len], &cfg, n)),
            Fault::SnapshotLength,
            "cut to {len} bytes"
        );
    }
    let mut padded = bytes.clone();
    padded.push(0);
    assert_eq!(
        fault(snapshot::read(&padded, &cfg, n)),
        Fault::SnapshotLength
    );
    let e = snapshot::read(&bytes[..100], &cfg, n).err().unwrap();
    assert_eq!(e.code(), "badData");
    assert!(e.to_string().contains("cut short"), "{e}");
}

/// Every bit of the header and every 37th bit of the payload, flipped one at a time.
#[test]
fn a_flipped_bit_anywhere_is_a_typed_error() {
    let (bytes, cfg, n) = sample();
    let mut seen = std::collections::BTreeSet::new();
    for bit in (0..24 * 8).chain((24 * 8..bytes.len() * 8).step_by(37)) {
        let mut b = bytes.clone();
        b[bit / 8] ^= 1 << (bit % 8);
        let f = fault(snapshot::read(&b, &cfg, n));
        if bit >= 24 * 8 {
            assert_eq!(f, Fault::SnapshotChecksum, "bit {bit}");
        }
        seen.insert(f.id());
    }
    // The header's own fields are each checked: magic, version, checksum, length.
    let want = [
        "SnapshotMagic",
        "SnapshotVersion",
        "SnapshotChecksum",
        "SnapshotLength",
    ];
    assert_eq!(seen, want.into_iter().collect(), "faults seen");
}

#[test]
fn a_snapshot_of_another_run_or_data_is_refused() {
    let (bytes, cfg, n) = sample();
    let other = TrainConfig {
        lr: cfg.lr * 2.0,
        ..cfg.clone()
    };
    assert_eq!(
        fault(snapshot::read(&bytes, &other, n)),
        Fault::SnapshotSettings
    );
    assert_eq!(
        fault(snapshot::read(&bytes, &cfg, n + 1)),
        Fault::SnapshotDataSize
    );
    // A model file is not a snapshot.
    let mlp = shrink::model::Mlp::new(&cfg.spec(), 1).unwrap();
    let file = shrink::io::save(&shrink::version::Model::Float(mlp), &FileInfo::default()).unwrap();
    assert_eq!(fault(snapshot::read(&file, &cfg, n)), Fault::SnapshotMagic);
    // A sealed model file (a valid header over a payload without training state).
    let sealed = snapshot::fuzz::sealed(&file);
    assert_eq!(
        fault(snapshot::read(&sealed, &cfg, n)),
        Fault::SnapshotNoState
    );
}

/// Mutations behind a valid checksum (the payload changed, then sealed again) reach the model
/// file's and the training state's checks: each is refused in words or restores, never panics.
#[test]
fn payload_mutations_behind_a_valid_checksum_never_panic() {
    let (bytes, cfg, n) = sample();
    let payload = snapshot::fuzz::payload(&bytes).unwrap();
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x as usize
    };
    let mut faults = std::collections::BTreeSet::new();
    for _ in 0..400 {
        let mut p = payload.clone();
        for _ in 0..1 + next() % 3 {
            let i = next() % p.len();
            match next() % 3 {
                0 => p[i] ^= 1 << (next() % 8),
                1 => p[i] = b"{}\",:0123456789-e"[next() % 17],
                _ => p.truncate(i),
            }
        }
        if let Err(Error::BadData { fault, .. }) =
            snapshot::read(&snapshot::fuzz::sealed(&p), &cfg, n)
        {
            faults.insert(fault.id());
        }
    }
    assert!(faults.len() >= 3, "only {faults:?}");
}
