//! The data-parallel step against the serial one: bit-identical for every shard count.

use super::*;
use crate::model::Activation;
use crate::train::{OptimizerKind, TrainConfig, Trainer};
use ndarray::Array2;

/// Varied images (not the synthetic set's regular stripes), so the losses move.
fn data(n: usize) -> Dataset {
    Dataset {
        images: (0..n * 784)
            .map(|i| ((i * 37 + i / 784 * 11 + (i * i) % 7) % 256) as u8)
            .collect(),
        labels: (0..n).map(|i| ((i * 7) % 10) as u8).collect(),
        rows: 28,
        cols: 28,
    }
}

/// Trains with `shards` shards (0: the serial step, which a custom loss takes) and returns
/// the model, every step's loss and correct count.
fn train(cfg: &TrainConfig, shards: usize, masked: bool) -> (Mlp, Vec<(f32, usize)>) {
    let d = data(120);
    let mut t = Trainer::new(cfg.clone(), d.len()).unwrap();
    if masked {
        let mut mask = Array2::ones(t.mlp.layers[0].w.dim());
        mask.iter_mut().step_by(3).for_each(|m| *m = 0.0);
        t.mlp.layers[0].mask = Some(mask);
        t.mlp.apply_masks();
    }
    t.set_shards(shards.max(1));
    let mut serial_loss = crate::train::trainer::cross_entropy(t.mlp.n_out());
    let mut out = Vec::new();
    // Chunks of 3 steps: the first step of each chunk packs afresh; each epoch (120 = 3·32 +
    // 24 examples) ends with a short batch, still cut into shards.
    for _ in 0..6 {
        let p = if shards == 0 {
            t.run_with(&d, 3, &mut serial_loss).unwrap()
        } else {
            t.run(&d, 3).unwrap()
        };
        out.push((p.loss, p.samples));
    }
    for _ in 0..3 {
        let (l, c, _) = if shards == 0 {
            t.step_with(&d, &mut serial_loss).unwrap()
        } else {
            t.step(&d).unwrap()
        };
        out.push((l, c));
    }
    (t.mlp, out)
}

/// Any shard count (1 included: one thread takes this step too) gives bit-identical
/// weights and losses to the serial step, with SGD and Adam, weight decay, a pruning mask
/// and a short last batch.
#[test]
fn shards_give_the_serial_numbers_exactly() {
    for (optimizer, hidden) in [
        (OptimizerKind::Sgd, vec![30, 20]),
        (OptimizerKind::Adam, vec![24]),
    ] {
        let cfg = TrainConfig {
            hidden,
            activation: Activation::Relu,
            optimizer,
            lr: 0.05,
            momentum: 0.9,
            weight_decay: 1e-3,
            batch_size: 32,
            epochs: 100,
            seed: 3,
            ..Default::default()
        };
        for masked in [false, true] {
            let (serial, losses) = train(&cfg, 0, masked);
            assert!(losses.iter().all(|(l, _)| l.is_finite()));
            for shards in [1, 2, 3, 4] {
                let (m, l) = train(&cfg, shards, masked);
                assert_eq!(l, losses, "{optimizer:?} masked={masked} shards={shards}");
                assert!(m == serial, "{optimizer:?} masked={masked} shards={shards}");
            }
        }
    }
}

/// Scoring in pieces on any number of threads gives the one-thread evaluation exactly:
/// counts, confusion and the loss to the last bit, over a short last piece (1,234 examples)
/// and over more examples than one round of pieces (13,000).
#[test]
fn pieces_give_the_serial_evaluation_exactly() {
    let spec = crate::model::MlpSpec::mnist(&[30, 20], Activation::Relu);
    let mlp = Mlp::new(&spec, 5).unwrap();
    let d = data(13_000);
    for n in [1_234, 13_000] {
        let want = crate::train::metrics::evaluate_with(
            |x, b, ws| {
                mlp.forward(x, b, ws)?;
                Ok(ws.logits(b).to_vec())
            },
            784,
            &d,
            n,
        )
        .unwrap();
        assert!(want.loss.is_finite() && want.count == n);
        for shards in [1, 2, 3, 5] {
            let (mut cells, mut losses) = (vec![0u8; n], vec![0.0f32; n]);
            score_examples(&mlp, &d, shards, &mut cells, &mut losses).unwrap();
            let got = crate::train::metrics::tally(&cells, &losses);
            assert_eq!(got, want, "{n} examples, {shards} shards");
        }
    }
}

/// A network that does not end in 10 classes, or buffers of different lengths, are refused
/// before any work.
#[test]
fn scoring_refuses_what_it_cannot_score() {
    let d = data(8);
    let spec = crate::model::MlpSpec {
        n_out: 5,
        ..crate::model::MlpSpec::mnist(&[6], Activation::Relu)
    };
    let five = Mlp::new(&spec, 1).unwrap();
    let (mut cells, mut losses) = (vec![0u8; 8], vec![0.0f32; 8]);
    assert!(score_examples(&five, &d, 2, &mut cells, &mut losses).is_err());
    let ten = Mlp::new(&crate::model::MlpSpec::mnist(&[6], Activation::Relu), 1).unwrap();
    let mut short = vec![0.0f32; 7];
    assert!(score_examples(&ten, &d, 2, &mut cells, &mut short).is_err());
}

#[test]
fn shard_counts_keep_eight_rows_each() {
    assert_eq!(shard_count(2, 64), 2);
    assert_eq!(shard_count(4, 16), 2);
    assert_eq!(shard_count(2, 4), 1);
    assert_eq!(shard_count(0, 64), 1);
    assert_eq!(shard_count(64, 1000), MAX_SHARDS);
}
