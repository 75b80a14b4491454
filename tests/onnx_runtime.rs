//! ONNX export checked by ONNX Runtime (issue 11): dense, pruned, int8 (QDQ), low-rank,
//! BinaryConnect and BNN models are exported, run by PyPI `onnxruntime` (the venv that
//! `cargo xtask test` creates, named by `SHRINK_ORT_PYTHON`), and must agree with our own
//! predictions on ≥ 9,995 of the 10,000 test digits (int8: 9,990), accuracy within 0.05 pp.
// Tests may unwrap and panic: a failure here is the test failing, not a user-facing panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use shrink::compress::binarize::{self, BinaryTrainer, Method, PackedNet};
use shrink::compress::low_rank::{LayerRank, LowRank, LowRankParams};
use shrink::compress::quantize::{self, Params};
use shrink::compress::{prune, Compressed};
use shrink::io::onnx;
use shrink::model::Workspace;
use shrink::train::{TrainConfig, Trainer};
use shrink::version::Model;
use std::path::PathBuf;

fn predictions(m: &dyn Compressed, x: &[f32], n: usize) -> Vec<u8> {
    let dim = x.len() / n;
    let mut ws = Workspace::default();
    let mut out = Vec::with_capacity(n);
    for start in (0..n).step_by(1000) {
        let b = (n - start).min(1000);
        let logits = m
            .forward(&x[start * dim..(start + b) * dim], b, &mut ws)
            .unwrap();
        for row in logits.chunks_exact(10) {
            let best = (0..10).fold(0, |bi, j| if row[j] > row[bi] { j } else { bi });
            out.push(best as u8);
        }
    }
    out
}

#[test]
fn onnx_runtime_agrees_with_our_predictions() {
    let Ok(python) = std::env::var("SHRINK_ORT_PYTHON") else {
        eprintln!(
            "SHRINK_ORT_PYTHON is not set: `cargo xtask test` sets it to its onnxruntime venv"
        );
        if std::env::var("CI").is_ok() {
            panic!("the ONNX Runtime check must run in CI");
        }
        return;
    };
    let (train, test) = common::mnist();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("onnx_runtime");
    std::fs::create_dir_all(&dir).unwrap();
    let n = test.len();
    let mut x = vec![0f32; n * test.dim()];
    for i in 0..n {
        test.write_image(i, &mut x[i * test.dim()..(i + 1) * test.dim()]);
    }
    std::fs::write(
        dir.join("inputs.f32"),
        x.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>(),
    )
    .unwrap();
    std::fs::write(dir.join("labels.u8"), &test.labels).unwrap();

    let cfg = TrainConfig {
        epochs: 1,
        seed: 1,
        ..TrainConfig::default()
    };
    let mut t = Trainer::new(cfg, train.len()).unwrap();
    t.run_epoch(train).unwrap();
    let dense = t.mlp;
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
    let low_rank = LowRank::apply(
        &dense,
        &LowRankParams {
            layers: vec![LayerRank::Rank(20)],
        },
    )
    .unwrap()
    .mlp;
    let binary = |method| {
        let mut p = binarize::Params {
            method,
            ..Default::default()
        };
        p.train.hidden = vec![256, 256];
        let mut bt = BinaryTrainer::new(p, train.len()).unwrap();
        bt.run(train, 400).unwrap();
        PackedNet::from_net(&bt.net).unwrap()
    };
    let models = [
        ("dense", Model::Float(dense)),
        ("pruned", Model::Float(pruned)),
        ("int8", Model::Quantized(int8)),
        ("low_rank", Model::Float(low_rank)),
        (
            "binaryconnect",
            Model::Binary(binary(Method::BinaryConnect)),
        ),
        ("bnn", Model::Binary(binary(Method::Bnn))),
    ];
    for (name, m) in &models {
        std::fs::write(
            dir.join(format!("{name}.onnx")),
            onnx::export(m, name).unwrap(),
        )
        .unwrap();
        std::fs::write(dir.join(format!("{name}.pred")), predictions(m, &x, n)).unwrap();
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/onnx/check.py");
    let out = std::process::Command::new(&python)
        .arg(&script)
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "check.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (name, _) in &models {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no result for {name}: {text}"));
        println!("ONNX Runtime {line}");
        let num = |key: &str| -> i64 {
            line.split(key)
                .nth(1)
                .unwrap()
                .split_whitespace()
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };
        let (agree, ours, ort) = (num("agree="), num("ours="), num("ort="));
        let need = if *name == "int8" { 9990 } else { 9995 };
        assert!(
            agree >= need,
            "{name}: ONNX Runtime agrees on {agree} of 10000 (need {need})"
        );
        assert!(
            (ours - ort).abs() <= 5,
            "{name}: accuracy {ours} vs {ort} correct digits (more than 0.05 pp apart)"
        );
    }
}
