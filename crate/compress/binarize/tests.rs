//! Unit tests of the binary network: finite-difference gradients of the float path, ±α
//! weights, the STE cut at |w| > 1, and packed logits equal to the float simulation's.

use super::*;
use crate::compress::Compressed;
use crate::data::Dataset;
use crate::model::loss::softmax_cross_entropy;
use crate::model::Grads;
use crate::rng::SeededRng;
use crate::train::TrainConfig;

fn params(method: Method, hidden: &[usize], first: bool, last: bool) -> Params {
    Params {
        method,
        binary_first: first,
        binary_last: last,
        train: TrainConfig {
            hidden: hidden.to_vec(),
            ..Params::default().train
        },
        ..Params::default()
    }
}

fn small(n_in: usize, hidden: &[usize], method: Method, first: bool, last: bool) -> BinaryNet {
    let mut p = params(method, hidden, first, last);
    p.train.seed = 3;
    let mut net = BinaryNet::new(&p).unwrap();
    if n_in != 784 {
        // Rebuild with a small input width through the same constructor path.
        let spec = crate::model::MlpSpec {
            n_in,
            hidden: hidden.to_vec(),
            n_out: 3,
            activation: crate::model::Activation::Relu,
            init: crate::model::Init::Xavier,
        };
        let shadow = crate::model::Mlp::new(&spec, 3).unwrap();
        net.norms = shadow
            .layers
            .iter()
            .map(|d| Some(crate::model::BatchNorm::new(d.n_out())))
            .collect();
        net.shadow = shadow;
        net.clip_binary();
    }
    net
}

fn loss(net: &BinaryNet, x: &[f32], y: &[u8]) -> f32 {
    let mut n = net.clone();
    let mut c = NetCache::default();
    n.forward_train(x, y.len(), &mut c).unwrap();
    let k = n.n_out();
    let mut d = vec![0.0; y.len() * k];
    softmax_cross_entropy(n.logits(&c, y.len()), y, k, &mut d)
        .unwrap()
        .0
}

#[test]
fn full_precision_path_matches_finite_differences() {
    fd_check(true);
}

#[test]
fn full_precision_path_without_batch_norm_matches_finite_differences() {
    fd_check(false);
}

fn fd_check(batch_norm: bool) {
    let mut net = small(5, &[4], Method::BinaryConnect, false, false);
    if !batch_norm {
        net.norms.iter_mut().for_each(|n| *n = None);
    }
    for bn in net.norms.iter_mut().flatten() {
        bn.gamma
            .iter_mut()
            .enumerate()
            .for_each(|(i, g)| *g = 0.8 + 0.1 * i as f32);
    }
    let mut rng = SeededRng::new(5, 0);
    let (batch, x) = (4, (0..20).map(|_| rng.normal()).collect::<Vec<f32>>());
    let y = [0u8, 2, 1, 2];
    let mut c = NetCache::default();
    net.clone().forward_train(&x, batch, &mut c).unwrap();
    let k = net.n_out();
    let last = c.layers.last_mut().unwrap();
    softmax_cross_entropy(&last.a[..batch * k], &y, k, &mut last.delta[..batch * k]).unwrap();
    let mut g = Grads::zeros_like(&net.shadow);
    let mut gn = Grads::zeros_like(&net.norm_params());
    net.backward(&x, batch, &mut c, &mut g, &mut gn).unwrap();
    let h = 1e-2;
    for l in 0..2 {
        for i in 0..net.shadow.layers[l].w.len() {
            let (r, col) = (
                i / net.shadow.layers[l].n_in(),
                i % net.shadow.layers[l].n_in(),
            );
            let (mut p, mut m) = (net.clone(), net.clone());
            p.shadow.layers[l].w[[r, col]] += h;
            m.shadow.layers[l].w[[r, col]] -= h;
            let num = (loss(&p, &x, &y) - loss(&m, &x, &y)) / (2.0 * h);
            assert!(
                (num - g.w[l][[r, col]]).abs() < 3e-3,
                "W{l}[{r},{col}] {num} vs {}",
                g.w[l][[r, col]]
            );
        }
        for j in 0..net.shadow.layers[l].n_out() {
            if !batch_norm {
                let (mut p, mut m) = (net.clone(), net.clone());
                p.shadow.layers[l].b[j] += h;
                m.shadow.layers[l].b[j] -= h;
                let num = (loss(&p, &x, &y) - loss(&m, &x, &y)) / (2.0 * h);
                assert!(
                    (num - g.b[l][j]).abs() < 3e-3,
                    "b{l}[{j}] {num} vs {}",
                    g.b[l][j]
                );
                continue;
            }
            let (mut p, mut m) = (net.clone(), net.clone());
            p.norms[l].as_mut().unwrap().gamma[j] += h;
            m.norms[l].as_mut().unwrap().gamma[j] -= h;
            let num = (loss(&p, &x, &y) - loss(&m, &x, &y)) / (2.0 * h);
            assert!(
                (num - gn.w[l][[0, j]]).abs() < 3e-3,
                "γ{l}[{j}] {num} vs {}",
                gn.w[l][[0, j]]
            );
        }
    }
}

#[test]
fn binary_weights_are_exactly_plus_minus_alpha() {
    let net = small(784, &[16, 8], Method::Bnn, true, true);
    for l in 0..3 {
        let w = net.effective_weights(l).unwrap();
        let alpha = net.alpha(l).unwrap();
        for (row, a) in w.rows().into_iter().zip(&alpha) {
            assert!(*a > 0.0);
            assert!(row.iter().all(|&v| v == *a || v == -*a));
        }
    }
}

#[test]
fn ste_gradient_is_zero_where_weights_exceed_one() {
    let mut net = small(784, &[6], Method::BinaryConnect, true, true);
    net.shadow.layers[0].w[[0, 100]] = 1.5;
    net.shadow.layers[0].w[[2, 300]] = -3.0;
    let mut rng = SeededRng::new(8, 0);
    let x: Vec<f32> = (0..3 * 784).map(|_| rng.normal()).collect();
    let y = [1u8, 4, 9];
    let mut c = NetCache::default();
    net.forward_train(&x, 3, &mut c).unwrap();
    let last = c.layers.last_mut().unwrap();
    softmax_cross_entropy(&last.a[..30], &y, 10, &mut last.delta[..30]).unwrap();
    let (mut g, mut gn) = (
        Grads::zeros_like(&net.shadow),
        Grads::zeros_like(&net.norm_params()),
    );
    net.backward(&x, 3, &mut c, &mut g, &mut gn).unwrap();
    assert_eq!(g.w[0][[0, 100]], 0.0);
    assert_eq!(g.w[0][[2, 300]], 0.0);
    assert!(g.w[0].row(0).iter().filter(|v| **v != 0.0).count() > 700);
}

fn synthetic(n: usize) -> Dataset {
    let mut rng = SeededRng::new(11, 0);
    let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    let images = (0..n * 784)
        .map(|i| {
            let (r, p) = (i / 784, i % 784);
            let on = (p / 78) as u8 == labels[r];
            if on || rng.uniform() < 0.05 {
                200
            } else {
                0
            }
        })
        .collect();
    Dataset {
        images,
        labels,
        rows: 28,
        cols: 28,
    }
}

#[test]
fn packed_logits_equal_the_float_simulation_for_every_variant() {
    let data = synthetic(300);
    for method in [Method::BinaryConnect, Method::Bnn] {
        for (first, last) in [(true, true), (false, false), (true, false), (false, true)] {
            for scaling in [true, false] {
                let mut p = params(method, &[70, 65], first, last);
                p.scaling = scaling;
                let mut t = BinaryTrainer::new(p, data.len()).unwrap();
                t.run(&data, 5).unwrap();
                let packed = PackedNet::from_net(&t.net).unwrap();
                let x: Vec<f32> = {
                    let mut x = vec![0.0; 37 * 784];
                    let idx: Vec<u32> = (0..37).collect();
                    crate::data::batch::gather(&data, &idx, &mut x, &mut [0; 37]).unwrap();
                    x
                };
                let mut c = NetCache::default();
                t.net.forward_infer(&x, 37, &mut c).unwrap();
                let sim = t.net.logits(&c, 37).to_vec();
                let bits = packed.logits(&x, 37).unwrap();
                assert_eq!(
                    sim, bits,
                    "{method:?} first={first} last={last} scaling={scaling}"
                );
                let (a, b) = (
                    t.net.evaluate(&data, 0).unwrap(),
                    packed.evaluate(&data, 0).unwrap(),
                );
                assert_eq!(a, b);
            }
        }
    }
}

#[test]
fn sizes_are_honest_and_binary_layers_are_32x_smaller() {
    let net = small(784, &[1024, 1024], Method::Bnn, true, true);
    let packed = PackedNet::from_net(&net).unwrap();
    let s = packed.layer_sizes();
    assert_eq!(s[1].weights_fp32_bytes, 1024 * 1024 * 4);
    assert_eq!(s[1].weights_packed_bytes, 1024 * 1024 / 8);
    assert!(s[1].binary_inputs && !s[0].binary_inputs);
    assert_eq!(s[0].weights_packed_bytes, 1024 * 13 * 8); // 784 bits round up to 13 words
    assert_eq!(s[1].per_neuron_bytes, 1024 * 6 * 4); // bias, α, γ, β, mean, variance
    let size = packed.size();
    assert_eq!(
        size.packed_bytes,
        s.iter()
            .map(|l| l.weights_packed_bytes + l.per_neuron_bytes)
            .sum::<usize>()
    );
    assert!(size.ratio() > 20.0, "ratio {}", size.ratio());
}

#[test]
fn layer_speed_rejects_bad_shapes() {
    let clock = || 0.0;
    assert!(matches!(
        bench::layer_speed(0, 10, 10, &clock, 1.0),
        Err(crate::Error::InvalidParam { .. })
    ));
    assert!(matches!(
        bench::layer_speed(1, 10, 5000, &clock, 1.0),
        Err(crate::Error::InvalidParam { .. })
    ));
}

#[test]
fn packed_equals_simulation_without_batch_norm() {
    let data = synthetic(200);
    let mut p = params(Method::BinaryConnect, &[40], true, true);
    p.batch_norm = false;
    let mut t = BinaryTrainer::new(p, data.len()).unwrap();
    t.run(&data, 6).unwrap();
    assert!(t.net.norms.iter().all(Option::is_none));
    let packed = PackedNet::from_net(&t.net).unwrap();
    assert_eq!(
        t.net.evaluate(&data, 0).unwrap(),
        packed.evaluate(&data, 0).unwrap()
    );
}

#[test]
fn from_dense_copies_a_trained_net_and_checks_widths() {
    let p = params(Method::BinaryConnect, &[12], true, false);
    let spec = crate::model::MlpSpec::mnist(&[12], crate::model::Activation::Relu);
    let mut mlp = crate::model::Mlp::new(&spec, 5).unwrap();
    mlp.layers[0].w[[0, 0]] = 3.0;
    let net = BinaryNet::from_dense(&p, &mlp).unwrap();
    assert_eq!(net.shadow.layers[0].w[[0, 0]], 1.0); // clipped: a binary layer
    assert_eq!(net.shadow.layers[0].w[[1, 7]], mlp.layers[0].w[[1, 7]]);
    assert_eq!(net.shadow.layers[1].w, mlp.layers[1].w); // full precision: copied as is
    let other = crate::model::Mlp::new(
        &crate::model::MlpSpec::mnist(&[13], crate::model::Activation::Relu),
        5,
    )
    .unwrap();
    assert!(matches!(
        BinaryNet::from_dense(&p, &other),
        Err(crate::Error::ShapeMismatch { .. })
    ));
    assert!(BinaryTrainer::from_dense(p, &mlp, 10).is_ok());
}
