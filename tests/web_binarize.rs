//! Browser tests of binary networks: the XNOR-popcount kernels' simd128 path equals its scalar
//! twin at every length, and the packed network equals the float simulation in wasm.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod web_util;
use web_util::*;

/// Packed ±1 rows with a fixed pattern; padding bits stay 0 as the kernels require.
fn packed(rows: usize, n_bits: usize, salt: u32) -> Vec<u64> {
    use shrink::tensor::kernels::xnor;
    let x: Vec<f32> = data(rows * n_bits, salt);
    let mut out = vec![0u64; rows * xnor::words(n_bits)];
    xnor::pack_signs(&x, rows, n_bits, &mut out).unwrap();
    out
}

#[wasm_bindgen_test]
fn xnor_dot_matches_scalar_at_every_length() {
    use shrink::tensor::kernels::xnor;
    for n in 0..=130usize {
        let (a, b) = (packed(1, n, 11), packed(1, n, 12));
        assert_eq!(
            xnor::simd128::xnor_dot(&a, &b, n),
            xnor::scalar::xnor_dot(&a, &b, n),
            "xnor_dot n={n}"
        );
    }
    for n in [1000usize, 4096, 300_000] {
        let (a, b) = (packed(1, n, 13), packed(1, n, 14));
        assert_eq!(
            xnor::simd128::xnor_dot(&a, &b, n),
            xnor::scalar::xnor_dot(&a, &b, n),
            "xnor_dot n={n}"
        );
    }
}

#[wasm_bindgen_test]
fn xnor_gemm_matches_scalar_at_odd_shapes() {
    use shrink::tensor::kernels::xnor;
    let mut shapes: Vec<(usize, usize, usize)> = Vec::new();
    for &m in &LENGTHS {
        for &n in &LENGTHS {
            for &k in &[0usize, 1, 63, 64, 65, 127, 128, 129, 130] {
                shapes.push((m, n, k));
            }
        }
    }
    shapes.extend([(64, 1024, 1024), (13, 37, 785), (5, 10, 300)]);
    for (m, n, k) in shapes {
        let (a, b) = (packed(m, k, 15), packed(n, k, 16));
        let (mut c1, mut c2) = (vec![7; m * n], vec![9; m * n]);
        xnor::simd128::xnor_gemm_nt(m, n, k, &a, &b, &mut c1);
        xnor::scalar::xnor_gemm_nt(m, n, k, &a, &b, &mut c2);
        assert_eq!(c1, c2, "xnor_gemm_nt {m}x{n}x{k}");
    }
}

/// In the browser too (simd128 GEMM and popcount), the bit-packed binary network's logits equal
/// the float simulation's bit for bit, for both methods.
#[wasm_bindgen_test]
fn packed_binary_net_equals_simulation_in_wasm() {
    use shrink::compress::binarize::{BinaryTrainer, Method, NetCache, PackedNet, Params};
    use shrink::data::Dataset;
    let n = 200;
    let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    let images: Vec<u8> = (0..n * 784)
        .map(|i| {
            if (i % 784) / 78 == (i / 784) % 10 {
                220
            } else {
                ((i * 7) % 13) as u8
            }
        })
        .collect();
    let set = Dataset {
        images,
        labels,
        rows: 28,
        cols: 28,
    };
    for method in [Method::BinaryConnect, Method::Bnn] {
        let mut p = Params {
            method,
            ..Params::default()
        };
        p.train.hidden = vec![67, 130];
        let mut t = BinaryTrainer::new(p, n).unwrap();
        t.run(&set, 4).unwrap();
        let packed = PackedNet::from_net(&t.net).unwrap();
        let x: Vec<f32> = data(37 * 784, 21);
        let mut c = NetCache::default();
        t.net.forward_infer(&x, 37, &mut c).unwrap();
        assert_eq!(
            t.net.logits(&c, 37),
            packed.logits(&x, 37).unwrap().as_slice(),
            "{method:?}"
        );
    }
}
