//! Target `snapshot` (`shrink::io::snapshot::read`, the page's crash-recovery snapshot), fed
//! mutated snapshots of short runs. Half the mutations change the payload and seal it again
//! with a valid header and checksum, so they reach the checks behind the checksum (a mutation
//! of the sealed bytes alone stops at the checksum).

use super::fixtures::tiny_data;
use super::{mutate, outcome, Rng};
use shrink::io::{snapshot, FileInfo};
use shrink::train::{OptimizerKind, TrainConfig, Trainer};

fn config(optimizer: OptimizerKind) -> TrainConfig {
    TrainConfig {
        hidden: vec![6, 4],
        optimizer,
        batch_size: 16,
        epochs: 2,
        ..Default::default()
    }
}

pub fn seeds() -> Vec<Vec<u8>> {
    let (train, _) = tiny_data();
    let mut out = Vec::new();
    for optimizer in [OptimizerKind::Sgd, OptimizerKind::Adam] {
        let mut t = Trainer::new(config(optimizer), train.len()).unwrap();
        t.run(train, 2).unwrap();
        out.push(snapshot::write(&t, &FileInfo::default()).unwrap());
        shrink::compress::quantize::deep::magnitude_prune(&mut t.mlp, &[0.5]);
        t.model_changed();
        t.run(train, 1).unwrap();
        out.push(snapshot::write(&t, &FileInfo::default()).unwrap());
    }
    out
}

/// Restores into a session of either optimizer (the snapshot says which settings it needs);
/// a trainer that comes back must also train a step.
pub fn run(input: &[u8]) -> String {
    let (train, _) = tiny_data();
    let mut last = String::new();
    for optimizer in [OptimizerKind::Sgd, OptimizerKind::Adam] {
        match snapshot::read(input, &config(optimizer), train.len()) {
            Ok(mut t) if !t.done() => return outcome(&t.run(train, 1)),
            r => last = outcome(&r),
        }
    }
    last
}

pub fn generate(rng: &mut Rng, pool: &[Vec<u8>]) -> Vec<u8> {
    let seed = &pool[rng.below(pool.len())];
    let other = &pool[rng.below(pool.len())];
    match snapshot::fuzz::payload(seed) {
        Ok(payload) if rng.chance(2) => {
            let other = snapshot::fuzz::payload(other).unwrap_or_default();
            snapshot::fuzz::sealed(&mutate(rng, &payload, &other))
        }
        _ => mutate(rng, seed, other),
    }
}
