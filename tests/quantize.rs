//! Quantization invariants (issue 4): round-trip error ≤ S/2 inside the clip range with zero
//! exact, per-channel scales, the int8 GEMM against the dequantized f32 product, integer
//! inference against its f32 simulation, honest sizes, typed errors, and a short real-MNIST run.
// Tests may unwrap and panic: a failure here is the test failing, not a user-facing panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use shrink::compress::quantize::{
    self, deep, fixed_point, qat::QatTrainer, FloatFormat, Granularity, LayerCodes, Params,
    QParams, Scheme, Symmetry, Training,
};
use shrink::compress::Compressed;
use shrink::error::Error;
use shrink::model::{Activation, Mlp, MlpSpec, Workspace};
use shrink::rng::SeededRng;
use shrink::tensor::kernels::{self, int8};
use shrink::train::{evaluate, TrainConfig, Trainer};

fn normal(n: usize, seed: u64, scale: f32) -> Vec<f32> {
    let mut r = SeededRng::new(seed, 0);
    (0..n).map(|_| r.normal() * scale).collect()
}

#[test]
fn weight_round_trip_is_within_half_a_scale_and_zero_is_exact() {
    let (rows, cols) = (7, 33);
    let mut w = normal(rows * cols, 1, 0.2);
    w[5] = 0.0;
    for bits in 1..=8 {
        for symmetry in [Symmetry::Symmetric, Symmetry::Affine] {
            for granularity in [Granularity::PerTensor, Granularity::PerChannel] {
                let p = Params {
                    bits,
                    symmetry,
                    granularity,
                    ..Default::default()
                };
                let (codes, deq) = quantize::quantize_weights(&w, cols, None, &p).unwrap();
                let LayerCodes::Int { qp, .. } = codes else {
                    panic!("int codes")
                };
                assert_eq!(deq[5], 0.0, "zero exact at {bits} bits {symmetry:?}");
                for (i, (&v, &d)) in w.iter().zip(&deq).enumerate() {
                    let q = fixed_point::row_params(&qp, i / cols).unwrap();
                    let (lo, hi) = q.clip_range();
                    if v >= lo && v <= hi {
                        assert!(
                            (v - d).abs() <= q.scale / 2.0 * 1.0001,
                            "{bits} {symmetry:?} {granularity:?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn per_channel_scales_are_each_rows_max_over_127() {
    let cols = 50;
    let mut w = normal(4 * cols, 2, 0.1);
    w[cols + 3] = 2.0; // one big weight in row 1 only
    let p = Params::default();
    let (codes, _) = quantize::quantize_weights(&w, cols, None, &p).unwrap();
    let LayerCodes::Int { qp, .. } = codes else {
        panic!()
    };
    assert_eq!(qp.len(), 4);
    for (r, q) in qp.iter().enumerate() {
        let amax = w[r * cols..(r + 1) * cols]
            .iter()
            .fold(0f32, |m, v| m.max(v.abs()));
        assert!((q.scale - amax / 127.0).abs() <= 1e-7, "row {r}");
        assert_eq!(q.zero, 0);
    }
    assert!(qp[1].scale > 5.0 * qp[0].scale);
}

#[test]
fn int8_gemm_equals_dequantized_product_within_one_quantum() {
    let (m, n, k) = (9, 13, 301);
    let a = normal(m * k, 3, 1.0)
        .iter()
        .map(|v| v.abs())
        .collect::<Vec<_>>(); // ReLU-like
    let w = normal(n * k, 4, 0.05);
    let (lo, hi) = fixed_point::min_max(a.iter().copied());
    let qa = QParams::from_range(lo, hi, 8, Symmetry::Affine).unwrap();
    let qw =
        fixed_point::weight_params(&w, k, 8, Symmetry::Symmetric, Granularity::PerChannel).unwrap();
    let a_q: Vec<i8> = a.iter().map(|&v| qa.quantize(v)).collect();
    let w_q: Vec<i8> = w
        .iter()
        .enumerate()
        .map(|(i, &v)| qw[i / k].quantize(v))
        .collect();
    let mut acc = vec![0i32; m * n];
    int8::gemm_i8_nt(m, n, k, &a_q, &w_q, &mut acc).unwrap();
    let a_d: Vec<f32> = a_q.iter().map(|&q| qa.dequantize(q)).collect();
    let w_d: Vec<f32> = w_q
        .iter()
        .enumerate()
        .map(|(i, &q)| qw[i / k].dequantize(q))
        .collect();
    let mut want = vec![0f32; m * n];
    kernels::gemm_nt(m, n, k, &a_d, &w_d, &mut want).unwrap();
    for i in 0..m {
        for o in 0..n {
            let row_w: i32 = w_q[o * k..(o + 1) * k].iter().map(|&v| i32::from(v)).sum();
            let s = qa.scale * qw[o].scale;
            let got = s * (acc[i * n + o] - qa.zero * row_w) as f32;
            assert!(
                (got - want[i * n + o]).abs() <= s,
                "[{i},{o}] {got} vs {}",
                want[i * n + o]
            );
        }
    }
}

#[test]
fn integer_inference_agrees_with_its_float_simulation() {
    let (train, test) = common::mnist();
    // A trained net (an untrained one has near-tied logits, where agreement proves little).
    let cfg = TrainConfig {
        hidden: vec![64, 32],
        epochs: 1,
        seed: 7,
        ..Default::default()
    };
    let mut t = Trainer::new(cfg, train.len()).unwrap();
    t.run(train, 300).unwrap();
    let mlp = t.mlp;
    let p = Params {
        activations: true,
        calib_batches: 4,
        ..Default::default()
    };
    let q = quantize::apply(&mlp, &p, Some(train)).unwrap();
    assert_eq!(q.kernel(), "int8");
    let mut sim = q.clone();
    // Same codes, but forced onto the f32 path (weights dequantized, activations fake-quantized).
    sim.layers[0].codes = LayerCodes::Float {
        codes: vec![],
        format: FloatFormat::Fp16,
        scale: 1.0,
    };
    assert_eq!(sim.kernel(), "f32");
    let n = 2000;
    let mut x = vec![0f32; n * 784];
    for i in 0..n {
        test.write_image(i, &mut x[i * 784..(i + 1) * 784]);
    }
    let mut ws = Workspace::default();
    let a = q.forward(&x, n, &mut ws).unwrap();
    let b = sim.forward(&x, n, &mut ws).unwrap();
    let arg = |z: &[f32]| shrink::tensor::argmax(z);
    let agree = a
        .chunks(10)
        .zip(b.chunks(10))
        .filter(|(u, v)| arg(u) == arg(v))
        .count();
    // Same codes, same scales: only the order of rounding differs, so the decisions agree on at
    // least 99.5 % of digits and the logits by at most 2 % of their mean size.
    assert!(agree * 1000 >= n * 995, "{agree}/{n}");
    let diff: f32 = a.iter().zip(&b).map(|(u, v)| (u - v).abs()).sum::<f32>() / a.len() as f32;
    let size: f32 = b.iter().map(|v| v.abs()).sum::<f32>() / b.len() as f32;
    assert!(
        diff <= 0.02 * size,
        "mean |int8 − sim| {diff} vs mean |logit| {size}"
    );
}

#[test]
fn bad_params_are_typed_errors() {
    let tiny = Mlp::new(
        &MlpSpec {
            n_in: 4,
            hidden: vec![3],
            n_out: 2,
            activation: Activation::Relu,
            init: Default::default(),
        },
        0,
    )
    .unwrap();
    for bits in [0, 9] {
        let p = Params {
            bits,
            ..Default::default()
        };
        assert!(matches!(
            quantize::apply(&tiny, &p, None),
            Err(Error::InvalidParam { .. })
        ));
    }
    // 2^4 = 16 centroids for a 6-weight layer.
    let p = Params {
        scheme: Scheme::KMeans,
        bits: 4,
        ..Default::default()
    };
    assert!(matches!(
        quantize::apply(&tiny, &p, None),
        Err(Error::InvalidParam { .. })
    ));
    assert!(matches!(
        QParams::new(f32::NAN, 0, 8),
        Err(Error::InvalidParam { .. })
    ));
    assert!(matches!(
        QParams::new(f32::INFINITY, 0, 8),
        Err(Error::InvalidParam { .. })
    ));
    let p = Params {
        activations: true,
        ..Default::default()
    };
    assert!(matches!(
        quantize::apply(&tiny, &p, None),
        Err(Error::NotReady { .. })
    ));
    assert!(deep::DeepParams {
        bits: 9,
        ..Default::default()
    }
    .check()
    .is_err());
    assert!(deep::DeepParams {
        sparsity: vec![1.0],
        ..Default::default()
    }
    .check()
    .is_err());
}

/// One epoch of LeNet-300-100 (seed 1), then int8 W+A PTQ, fp8 E4M3 PTQ, 4-bit QAT and
/// k-means: accuracy within budget and sizes honest and ordered.
#[test]
fn real_mnist_quantization_keeps_accuracy() {
    let (train, test) = common::mnist();
    let cfg = TrainConfig {
        epochs: 1,
        ..Default::default()
    };
    let mut t = Trainer::new(cfg, train.len()).unwrap();
    t.run_epoch(train).unwrap();
    let mlp = t.mlp;
    let base = evaluate(&mlp, test, 0).unwrap().accuracy;
    assert!(base > 0.96, "float {base}");

    let q8 = quantize::apply(
        &mlp,
        &Params {
            activations: true,
            ..Default::default()
        },
        Some(train),
    )
    .unwrap();
    let a8 = q8.evaluate(test, 0).unwrap().accuracy;
    assert!(base - a8 <= 0.002, "int8 W+A {a8} vs {base}");
    let s8 = q8.size();
    assert!(
        s8.packed_bytes * 4 >= s8.dense_fp32_bytes && s8.packed_bytes < s8.dense_fp32_bytes / 3
    );

    let pf = Params {
        scheme: Scheme::Float,
        format: FloatFormat::E4m3,
        ..Default::default()
    };
    let af = quantize::apply(&mlp, &pf, None)
        .unwrap()
        .evaluate(test, 0)
        .unwrap()
        .accuracy;
    assert!(base - af <= 0.003, "fp8 {af} vs {base}");

    let p4 = Params {
        bits: 4,
        training: Training::Qat,
        qat_steps: 200,
        ..Default::default()
    };
    let mut qt = QatTrainer::new(mlp.clone(), &p4, train.len()).unwrap();
    while !qt.done() {
        qt.run(train, 100).unwrap();
    }
    let q4 = quantize::apply(&qt.shadow, &p4, None).unwrap();
    let a4 = q4.evaluate(test, 0).unwrap().accuracy;
    assert!(base - a4 <= 0.005, "4-bit QAT {a4} vs {base}");
    let s4 = q4.size();
    assert!(s4.packed_bytes < s8.packed_bytes * 6 / 10);

    let mut pruned = mlp.clone();
    deep::magnitude_prune(&mut pruned, &[0.9]);
    let pk = Params {
        scheme: Scheme::KMeans,
        bits: 5,
        huffman: true,
        ..Default::default()
    };
    let qk = quantize::apply(&pruned, &pk, None).unwrap();
    let sk = qk.size();
    assert!(
        sk.packed_bytes < sk.dense_with_zeros_bytes
            && sk.dense_with_zeros_bytes < sk.dense_fp32_bytes
    );
    // The budget itself: 32 shared 5-bit values may cost at most 0.5 pp against the same pruned
    // net in float (a wrong codebook or assignment loses far more), and the packed size is at
    // most a quarter of the pruned float model's honest CSR size would be at 10 % density.
    let ap = evaluate(&pruned, test, 0).unwrap().accuracy;
    let ak = qk.evaluate(test, 0).unwrap().accuracy;
    assert!(ap - ak <= 0.005, "k-means 5-bit {ak} vs pruned float {ap}");
    // 90 % pruned one-shot without retraining keeps about two thirds of the digits; a broken
    // codebook falls towards chance (10 %).
    assert!(ak > 0.5, "k-means 5-bit {ak}");
    assert!(sk.packed_bytes * 8 < sk.dense_fp32_bytes, "{sk:?}");
}
