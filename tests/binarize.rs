//! Binary networks on real MNIST: weights are exactly ±α, the popcount dot is the float dot of
//! ±1 vectors, the STE cuts the gradient where |w| > 1, the bit-packed network predicts exactly
//! what the float simulation predicts on the whole test set, bad settings are typed errors, and
//! short fixed-seed trainings reach their accuracy budgets.
// Tests may unwrap and panic: a failure here is the test failing, not a user-facing panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use shrink::compress::binarize::{BinaryNet, BinaryTrainer, Method, NetCache, PackedNet, Params};
use shrink::compress::Compressed;
use shrink::model::loss::softmax_cross_entropy;
use shrink::model::Grads;
use shrink::rng::SeededRng;
use shrink::tensor::kernels::xnor;
use shrink::train::TrainConfig;
use shrink::Error;
use std::sync::OnceLock;

fn params(method: Method, hidden: &[usize], epochs: usize) -> Params {
    let d = Params::default();
    Params {
        method,
        train: TrainConfig {
            hidden: hidden.to_vec(),
            epochs,
            seed: 1,
            ..d.train
        },
        ..d
    }
}

/// A BNN 784-256-256-10 trained for one epoch (about 10 s natively), shared by the tests.
fn bnn() -> &'static BinaryTrainer {
    static T: OnceLock<BinaryTrainer> = OnceLock::new();
    T.get_or_init(|| {
        let (train, _) = common::mnist();
        let mut t = BinaryTrainer::new(params(Method::Bnn, &[256, 256], 1), train.len()).unwrap();
        while !t.done() {
            t.run(train, 1000).unwrap();
        }
        t
    })
}

#[test]
fn bnn_one_epoch_reaches_94_percent() {
    let (_, test) = common::mnist();
    let ev = bnn().net.evaluate(test, 0).unwrap();
    println!("BNN 784-256-256-10, 1 epoch: {:.2}%", 100.0 * ev.accuracy);
    assert!(ev.accuracy >= 0.94, "accuracy {}", ev.accuracy);
}

#[test]
fn packed_predictions_equal_the_float_simulation_on_the_whole_test_set() {
    let (_, test) = common::mnist();
    let net = &bnn().net;
    let packed = PackedNet::from_net(net).unwrap();
    let (sim, bits) = (
        net.evaluate(test, 0).unwrap(),
        packed.evaluate(test, 0).unwrap(),
    );
    assert_eq!(sim.count, 10_000);
    assert_eq!(sim.confusion, bits.confusion);
    assert_eq!(sim.loss, bits.loss);
    let size = packed.size();
    assert!(size.packed_bytes * 20 < size.dense_fp32_bytes, "{size:?}");
}

#[test]
fn trained_binary_weights_are_exactly_plus_minus_alpha() {
    let net = &bnn().net;
    for l in 0..3 {
        let (w, alpha) = (net.effective_weights(l).unwrap(), net.alpha(l).unwrap());
        for (row, a) in w.rows().into_iter().zip(&alpha) {
            let a = *a;
            assert!(a > 0.0 && a <= 1.0);
            assert!(row.iter().all(|&v| v == a || v == -a), "layer {l}");
        }
    }
    // Shadow weights stay clipped to [−1, 1].
    assert!(net
        .shadow
        .layers
        .iter()
        .all(|d| d.w.iter().all(|v| v.abs() <= 1.0)));
}

#[test]
fn binaryconnect_one_epoch_reaches_96_5_percent() {
    let (train, test) = common::mnist();
    let mut t =
        BinaryTrainer::new(params(Method::BinaryConnect, &[256, 256], 1), train.len()).unwrap();
    while !t.done() {
        t.run(train, 1000).unwrap();
    }
    let ev = t.net.evaluate(test, 0).unwrap();
    println!(
        "BinaryConnect 784-256-256-10, 1 epoch: {:.2}%",
        100.0 * ev.accuracy
    );
    assert!(ev.accuracy >= 0.965, "accuracy {}", ev.accuracy);
    let packed = PackedNet::from_net(&t.net).unwrap();
    assert_eq!(packed.evaluate(test, 0).unwrap().confusion, ev.confusion);
}

#[test]
fn popcount_dot_equals_float_dot_for_every_length() {
    let mut rng = SeededRng::new(1, 0);
    for n in 0..=130 {
        let v = |rng: &mut SeededRng| -> Vec<f32> {
            (0..n)
                .map(|_| if rng.uniform() < 0.5 { -1.0 } else { 1.0 })
                .collect()
        };
        let (a, b) = (v(&mut rng), v(&mut rng));
        let (mut pa, mut pb) = (vec![0; xnor::words(n)], vec![0; xnor::words(n)]);
        xnor::pack_signs(&a, 1, n, &mut pa).unwrap();
        xnor::pack_signs(&b, 1, n, &mut pb).unwrap();
        let float: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert_eq!(
            xnor::xnor_dot(&pa, &pb, n).unwrap() as f32,
            float,
            "n = {n}"
        );
    }
}

#[test]
fn ste_gradient_is_zero_where_the_shadow_weight_exceeds_one() {
    let (train, _) = common::mnist();
    let mut net = BinaryNet::new(&params(Method::Bnn, &[32, 32], 1)).unwrap();
    let cut = [
        (0usize, 3usize, 400usize, 1.2f32),
        (1, 5, 7, -2.0),
        (2, 9, 31, 1.0001),
    ];
    for &(l, r, c, v) in &cut {
        net.shadow.layers[l].w[[r, c]] = v;
    }
    let (b, mut x, mut y) = (16, vec![0.0; 16 * 784], vec![0u8; 16]);
    shrink::data::batch::gather(train, &(0..16).collect::<Vec<u32>>(), &mut x, &mut y).unwrap();
    let mut c = NetCache::default();
    net.forward_train(&x, b, &mut c).unwrap();
    let last = c.layers.last_mut().unwrap();
    let logits = last.a[..b * 10].to_vec();
    softmax_cross_entropy(&logits, &y, 10, &mut last.delta[..b * 10]).unwrap();
    let (mut g, mut gn) = (
        Grads::zeros_like(&net.shadow),
        Grads::zeros_like(&net.norm_params()),
    );
    net.backward(&x, b, &mut c, &mut g, &mut gn).unwrap();
    for &(l, r, col, _) in &cut {
        assert_eq!(g.w[l][[r, col]], 0.0, "layer {l} [{r},{col}]");
    }
    for l in 0..3 {
        assert!(
            g.w[l].iter().any(|v| *v != 0.0),
            "layer {l} has no gradient at all"
        );
    }
}

#[test]
fn bad_settings_are_typed_errors() {
    let d = Params::default();
    let bad = [
        Params {
            method: Method::Bnn,
            batch_norm: false,
            ..d.clone()
        },
        Params {
            train: TrainConfig {
                lr: -1.0,
                ..d.train.clone()
            },
            ..d.clone()
        },
        Params {
            train: TrainConfig {
                lr: f32::INFINITY,
                ..d.train.clone()
            },
            ..d.clone()
        },
        Params {
            train: TrainConfig {
                hidden: vec![],
                ..d.train.clone()
            },
            ..d.clone()
        },
        Params {
            train: TrainConfig {
                hidden: vec![5000],
                ..d.train.clone()
            },
            ..d.clone()
        },
        Params {
            train: TrainConfig {
                batch_size: 0,
                ..d.train.clone()
            },
            ..d.clone()
        },
        Params {
            train: TrainConfig {
                epochs: 0,
                ..d.train.clone()
            },
            ..d.clone()
        },
    ];
    for p in bad {
        assert!(
            matches!(BinaryNet::new(&p), Err(Error::InvalidParam { .. })),
            "{p:?}"
        );
        assert!(matches!(
            BinaryTrainer::new(p, 10),
            Err(Error::InvalidParam { .. })
        ));
    }
    assert!(matches!(
        BinaryTrainer::new(d, 0),
        Err(Error::NotReady { .. })
    ));
    let packed = PackedNet::from_net(&bnn_small()).unwrap();
    assert!(matches!(
        packed.logits(&[0.0; 783], 1),
        Err(Error::ShapeMismatch { .. })
    ));
}

fn bnn_small() -> BinaryNet {
    BinaryNet::new(&params(Method::Bnn, &[8], 1)).unwrap()
}
