//! Browser tests (wasm-bindgen-test in headless Chromium): the simd128 kernels equal their
//! scalar twins at awkward lengths and shapes.
#![cfg(target_arch = "wasm32")]

use shrink::model::Activation;
use shrink::tensor::kernels::{scalar, simd128};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn data(n: usize, salt: u32) -> Vec<f32> {
    (0..n as u32)
        .map(|i| {
            ((i.wrapping_mul(2654435761).wrapping_add(salt) >> 8) % 2001) as f32 / 1000.0 - 1.0
        })
        .collect()
}

fn close(a: &[f32], b: &[f32], what: &str) {
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= 1e-4 * (1.0 + y.abs()),
            "{what}[{i}]: simd {x} vs scalar {y}"
        );
    }
}

const LENGTHS: [usize; 7] = [0, 1, 3, 4, 15, 16, 17];

#[wasm_bindgen_test]
fn build_uses_simd128() {
    assert_eq!(shrink::tensor::kernels::ACTIVE, "simd128");
}

#[wasm_bindgen_test]
fn dot_and_axpy_match_scalar() {
    for n in LENGTHS {
        let (a, b) = (data(n, 1), data(n, 2));
        close(
            &[simd128::dot(&a, &b)],
            &[scalar::dot(&a, &b)],
            &format!("dot n={n}"),
        );
        let (mut y1, mut y2) = (b.clone(), b.clone());
        simd128::axpy(0.7, &a, &mut y1);
        scalar::axpy(0.7, &a, &mut y2);
        close(&y1, &y2, &format!("axpy n={n}"));
    }
}

#[wasm_bindgen_test]
fn gemms_match_scalar_at_odd_shapes() {
    let mut shapes: Vec<(usize, usize, usize)> = Vec::new();
    for &m in &LENGTHS {
        for &n in &LENGTHS {
            for &k in &[1usize, 3, 4, 17] {
                shapes.push((m, n, k));
            }
        }
    }
    shapes.extend([(64, 300, 784), (13, 37, 29), (5, 10, 100)]);
    for (m, n, k) in shapes {
        let a = data(m * k, 3);
        let b = data(n * k, 4);
        let (mut c1, mut c2) = (vec![9.0; m * n], vec![9.0; m * n]);
        simd128::gemm_nt(m, n, k, &a, &b, &mut c1);
        scalar::gemm_nt(m, n, k, &a, &b, &mut c2);
        close(&c1, &c2, &format!("gemm_nt {m}x{n}x{k}"));
        let b_kn = data(k * n, 5);
        simd128::gemm_nn(m, n, k, &a, &b_kn, &mut c1);
        scalar::gemm_nn(m, n, k, &a, &b_kn, &mut c2);
        close(&c1, &c2, &format!("gemm_nn {m}x{n}x{k}"));
        let a_km = data(k * m, 6);
        simd128::gemm_tn(m, n, k, &a_km, &b_kn, &mut c1);
        scalar::gemm_tn(m, n, k, &a_km, &b_kn, &mut c2);
        close(&c1, &c2, &format!("gemm_tn {m}x{n}x{k}"));
    }
}

#[wasm_bindgen_test]
fn bias_act_matches_scalar() {
    for act in [
        Activation::Relu,
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Identity,
    ] {
        for w in [1usize, 3, 4, 15, 16, 17] {
            let bias = data(w, 7);
            let x = data(3 * w, 8);
            let (mut c1, mut c2) = (x.clone(), x.clone());
            simd128::bias_act(act, &bias, &mut c1);
            scalar::bias_act(act, &bias, &mut c2);
            close(&c1, &c2, &format!("bias_act {act:?} w={w}"));
        }
    }
}

// ---- int8 GEMM (quantize) ----

fn data_i8(n: usize, salt: u32) -> Vec<i8> {
    (0..n as u32)
        .map(|i| (i.wrapping_mul(2654435761).wrapping_add(salt) >> 7) as u8 as i8)
        .collect()
}

#[wasm_bindgen_test]
fn int8_gemm_matches_scalar_exactly() {
    use shrink::tensor::kernels::int8;
    for n in LENGTHS {
        let (a, b) = (data_i8(n, 1), data_i8(n, 2));
        assert_eq!(
            int8::simd128::dot_i8_simd(&a, &b),
            int8::scalar::dot_i8(&a, &b),
            "dot_i8 n={n}"
        );
    }
    // Extremes: −128·−128 summed over a long row stays exact.
    let a = vec![-128i8; 1000];
    assert_eq!(int8::simd128::dot_i8_simd(&a, &a), 16384 * 1000);
    let mut shapes: Vec<(usize, usize, usize)> = Vec::new();
    for &m in &LENGTHS {
        for &n in &LENGTHS {
            for &k in &[1usize, 3, 4, 15, 16, 17, 33] {
                shapes.push((m, n, k));
            }
        }
    }
    shapes.extend([(64, 300, 784), (13, 37, 29), (5, 10, 100)]);
    for (m, n, k) in shapes {
        let a = data_i8(m * k, 3);
        let b = data_i8(n * k, 4);
        let (mut c1, mut c2) = (vec![7i32; m * n], vec![9i32; m * n]);
        int8::simd128::gemm_i8_nt(m, n, k, &a, &b, &mut c1);
        int8::scalar::gemm_i8_nt(m, n, k, &a, &b, &mut c2);
        assert_eq!(c1, c2, "gemm_i8_nt {m}x{n}x{k}");
    }
}

/// Measures (never asserts) int8 against f32 inference of LeNet-300-100 at batch 64.
#[wasm_bindgen_test]
fn int8_vs_f32_speed_is_reported() {
    use shrink::compress::quantize::{self, Params};
    use shrink::compress::{speed, Compressed};
    use shrink::data::{mnist, Dataset};
    use shrink::model::{Activation, Mlp, MlpSpec, Workspace};
    let mlp = Mlp::new(&MlpSpec::mnist(&[300, 100], Activation::Relu), 1).unwrap();
    let pixels: Vec<u8> = (0..64 * 784u32).map(|i| (i * 37 % 251) as u8).collect();
    let images = mnist::encode_idx_images(64, 28, 28, &pixels);
    let labels = mnist::encode_idx_labels(&vec![3u8; 64]);
    let set = Dataset::from_idx(&images, &labels).unwrap();
    let p = Params {
        activations: true,
        calib_batches: 1,
        ..Default::default()
    };
    let q = quantize::apply(&mlp, &p, Some(&set)).unwrap();
    assert_eq!(q.kernel(), "int8");
    let mut x = vec![0f32; 64 * 784];
    for i in 0..64 {
        set.write_image(i, &mut x[i * 784..(i + 1) * 784]);
    }
    let perf = web_sys::window().unwrap().performance().unwrap();
    let clock = move || perf.now();
    let mut ws = Workspace::default();
    let f = speed::mean_ms(&clock, 300.0, || {
        Compressed::forward(&mlp, &x, 64, &mut ws).unwrap();
    });
    let i = speed::mean_ms(&clock, 300.0, || {
        q.forward(&x, 64, &mut ws).unwrap();
    });
    let (a8, b8) = (data_i8(64 * 784, 1), data_i8(300 * 784, 2));
    let (af, bf) = (data(64 * 784, 1), data(300 * 784, 2));
    let mut c8 = vec![0i32; 64 * 300];
    let mut cf = vec![0f32; 64 * 300];
    let gi = speed::mean_ms(&clock, 200.0, || {
        shrink::tensor::kernels::int8::gemm_i8_nt(64, 300, 784, &a8, &b8, &mut c8).unwrap();
    });
    let gf = speed::mean_ms(&clock, 200.0, || {
        shrink::tensor::kernels::gemm_nt(64, 300, 784, &af, &bf, &mut cf).unwrap();
    });
    web_sys::console::log_1(
        &format!(
            "LeNet-300-100 batch 64: f32 {f:.3} ms, int8 {i:.3} ms, speed-up {:.2}x; GEMM 64x300x784: f32 {gf:.3} ms, int8 {gi:.3} ms",
            f / i
        )
        .into(),
    );
}
