//! Browser tests of quantization: the int8 GEMM's simd128 path equals its scalar twin exactly,
//! and the QuantizeLab boundary reports, and rejects bad settings in words.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod web_util;
use web_util::*;

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
    use shrink::compress::speed;
    use shrink::data::{mnist, Dataset};
    use shrink::model::{Activation, Mlp, MlpSpec};
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
    let perf = web_sys::window().unwrap().performance().unwrap();
    let clock = move || perf.now();
    let s = quantize::view::measure(&mlp, &q, &set, 64, &clock, 500.0).unwrap();
    let (f, i) = (s.f32_ms, s.quantized_ms);
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

// ---- QuantizeLab at the boundary ----

#[wasm_bindgen_test]
fn quantize_lab_reports_and_rejects_bad_settings_in_words() {
    use shrink::wasm::QuantizeLab;
    let mut lab = QuantizeLab::new();
    let empty = Session::new();
    let e = message(lab.apply(&empty, json("{}")).unwrap_err());
    assert!(e.contains("load the training data"), "{e}");
    assert!(lab.histogram(&empty, 0, 50).is_err());

    let mut s = loaded_session();
    for (bad, word) in [
        (r#"{"bits":9}"#, "bits"),
        (r#"{"bits":0}"#, "bits"),
        (r#"{"scheme":"kMeans","bits":8}"#, "clusters"),
        (r#"{"scheme":"nonsense"}"#, "quantization settings"),
        (r#"{"percentile":1e999}"#, "percentile"),
    ] {
        let e = message(lab.apply(&s, json(bad)).unwrap_err());
        assert!(e.contains(word), "{bad}: {e}");
    }
    let r = lab
        .apply(
            &s,
            json(r#"{"bits":4,"activations":true,"calibBatches":1}"#),
        )
        .unwrap();
    assert_eq!(num(&r, "bits"), 4.0);
    assert_eq!(get(&r, "kernel").as_string().unwrap(), "int8");
    let size = get(&r, "size");
    assert!(num(&size, "packedBytes") < num(&size, "denseFp32Bytes") / 6.0);
    let h = lab.histogram(&s, 0, 50).unwrap();
    assert_eq!(js_sys::Array::from(&get(&h, "levels")).length(), 16);
    assert!(lab.histogram(&s, 7, 50).is_err());
    let img = lab.error_heatmap(&s, 0).unwrap();
    assert_eq!(num(&img, "width"), 784.0);
    let sp = lab.speed(&s, 8).unwrap();
    // The ratio is the two measured times' ratio (a kernel that failed used to be timed as fast).
    let (f, q) = (num(&sp, "f32Ms"), num(&sp, "quantizedMs"));
    assert!(f.is_finite() && q.is_finite() && f >= 0.0 && q >= 0.0);
    assert!((num(&sp, "speedup") - f / q.max(1e-9)).abs() <= 1e-6 * (1.0 + f / q.max(1e-9)));
    assert_eq!(num(&sp, "batch"), 8.0);
    assert!(lab.speed(&s, 0).is_err());
    still_works(&mut s, "quantize lab");
}
