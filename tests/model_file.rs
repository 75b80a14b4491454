//! Model files (issue 11): every version kind — dense, pruned, int8, int4 QAT, fp8, Deep
//! Compression (pruned + shared + Huffman), low-rank, BNN — is saved and loaded back with
//! bit-identical logits on all 10,000 test digits, and its file is within 5% of the true packed
//! bytes plus the safetensors header. Trains on real MNIST with fixed seeds.
// Tests may unwrap and panic: a failure here is the test failing, not a user-facing panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use shrink::compress::binarize::{self, BinaryTrainer, Method, PackedNet};
use shrink::compress::low_rank::{LayerRank, LowRank, LowRankParams};
use shrink::compress::quantize::{
    self, finetune::CentroidTrainer, FloatFormat, Params, Scheme, Training,
};
use shrink::compress::{prune, Compressed};
use shrink::data::Dataset;
use shrink::io::{self, FileInfo};
use shrink::model::{Mlp, Workspace};
use shrink::train::{TrainConfig, Trainer};
use shrink::version::Model;

/// Logits of every test digit, in batches.
fn all_logits(m: &dyn Compressed, test: &Dataset) -> Vec<f32> {
    let dim = test.dim();
    let mut ws = Workspace::default();
    let mut out = Vec::new();
    let mut x = vec![0f32; 1000 * dim];
    for start in (0..test.len()).step_by(1000) {
        let b = (test.len() - start).min(1000);
        for i in 0..b {
            test.write_image(start + i, &mut x[i * dim..(i + 1) * dim]);
        }
        out.extend(m.forward(&x[..b * dim], b, &mut ws).unwrap());
    }
    out
}

fn header_len(bytes: &[u8]) -> usize {
    8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize
}

fn trained(train: &Dataset) -> Mlp {
    let cfg = TrainConfig {
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

/// Saves, loads and compares one kind; returns (file bytes, packed bytes, header bytes).
fn round_trip(kind: &str, model: Model, test: &Dataset) -> (usize, usize, usize) {
    let info = FileInfo {
        name: kind.into(),
        recipe: format!("test:{kind}"),
        seed: 1,
        ..FileInfo::default()
    };
    let bytes = io::save(&model, &info).unwrap();
    let back = io::load(&bytes).unwrap();
    assert_eq!(back.info, info, "{kind}: metadata");
    assert_eq!(back.model.kernel(), model.kernel(), "{kind}: kernel");
    let (a, b) = (all_logits(&model, test), all_logits(&back.model, test));
    assert_eq!(a.len(), 10 * test.len());
    let same = a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits());
    assert!(same, "{kind}: logits differ after loading");
    let packed = model.size().packed_bytes;
    let header = header_len(&bytes);
    let data = bytes.len() - header;
    println!(
        "{kind:<18} file {:>8} B = header {:>5} + data {:>8}; true packed {:>8} B; data/packed {:.4}",
        bytes.len(), header, data, packed, data as f64 / packed as f64
    );
    assert!(
        data as f64 <= 1.05 * packed as f64,
        "{kind}: data {data} B vs packed {packed} B"
    );
    (bytes.len(), packed, header)
}

#[test]
fn every_version_kind_round_trips_bit_identically_at_its_packed_size() {
    let (train, test) = common::mnist();
    let dense = trained(train);
    round_trip("dense", Model::Float(dense.clone()), test);

    let mut pruned = dense.clone();
    prune::apply(
        &mut pruned,
        &prune::Params {
            sparsity: vec![0.9],
            ..Default::default()
        },
        None,
    )
    .unwrap();
    round_trip("pruned 90%", Model::Float(pruned.clone()), test);

    let int8 = quantize::apply(
        &dense,
        &Params {
            activations: true,
            ..Params::default()
        },
        Some(train),
    )
    .unwrap();
    assert!(int8.is_integer());
    round_trip("int8", Model::Quantized(int8), test);

    let p4 = Params {
        bits: 4,
        training: Training::Qat,
        qat_steps: 200,
        ..Params::default()
    };
    let int4 = quantize::run(&dense, &p4, train).unwrap();
    round_trip("int4 QAT", Model::Quantized(int4), test);

    let fp8 = quantize::apply(
        &dense,
        &Params {
            scheme: Scheme::Float,
            format: FloatFormat::E4m3,
            ..Params::default()
        },
        None,
    )
    .unwrap();
    round_trip("fp8 E4M3", Model::Quantized(fp8), test);

    let pruned_int8 = quantize::apply(&pruned, &Params::default(), None).unwrap();
    round_trip("pruned int8", Model::Quantized(pruned_int8), test);

    let shared = quantize::apply(
        &pruned,
        &Params {
            scheme: Scheme::KMeans,
            bits: 5,
            huffman: true,
            ..Params::default()
        },
        None,
    )
    .unwrap();
    let mut ft = CentroidTrainer::new(shared, 1e-4, train.len(), 1).unwrap();
    ft.run(train, 100).unwrap();
    let (file, packed, _) = round_trip("Deep Compression", Model::Quantized(ft.model), test);
    assert!(
        file < packed * 2,
        "Deep Compression must be stored compressed"
    );

    let lr = LowRank::apply(
        &dense,
        &LowRankParams {
            layers: vec![LayerRank::Rank(20)],
        },
    )
    .unwrap();
    round_trip("low-rank 20", Model::Float(lr.mlp), test);

    let mut bp = binarize::Params {
        method: Method::Bnn,
        ..Default::default()
    };
    bp.train.hidden = vec![256, 256];
    let mut bt = BinaryTrainer::new(bp, train.len()).unwrap();
    bt.run(train, 300).unwrap();
    let packed_net = PackedNet::from_net(&bt.net).unwrap();
    round_trip("BNN", Model::Binary(packed_net), test);
}
