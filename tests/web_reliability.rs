//! Browser tests for issue 13: no input reaches a trap (a training set replaced by an empty or
//! a smaller one), and the public simd128 kernels are sound on their own (too-short buffers are
//! never read past). Each test failed before its fix (see the comments).
#![cfg(target_arch = "wasm32")]
// Tests may unwrap: a failure here is the test failing, not a user-facing panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use shrink::tensor::kernels::{scalar, simd128, xnor};
use shrink::wasm::low_rank::LowRankLab;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod web_util;
use web_util::*;

fn load_train(s: &mut Session, n: usize) -> Result<JsValue, JsError> {
    let (images, labels) = synthetic(n);
    s.load_data("trainImages".into(), images)?;
    s.load_data("trainLabels".into(), labels)
}

/// Defect 1: an empty IDX pair was stored before the rebuild that rejects it, leaving the old
/// trainer (80 examples) over 0 examples; the next `trainSteps` indexed past the data and trapped.
#[wasm_bindgen_test]
fn an_empty_training_set_is_rejected_and_the_old_one_keeps_training() {
    let mut s = loaded_session();
    s.train_steps(3).unwrap();
    let e = load_train(&mut s, 0).map(|_| ()).unwrap_err();
    assert!(message(e).contains("no training data"));
    // The old data and model are both still there: training goes on, no trap.
    let p = s.train_steps(5).unwrap();
    assert!(num(&p, "loss").is_finite());
    assert_eq!(num(&s.info().unwrap(), "trainCount"), 80.0);
}

/// Defect 1, lab trainers: the low-rank fine-tuner was built for 80 examples; after a smaller
/// set replaced them it indexed past the new one (trap). Now it says the data changed.
#[wasm_bindgen_test]
fn a_lab_trainer_after_a_smaller_training_set_errors_instead_of_trapping() {
    let mut s = loaded_session();
    s.train_steps(10).unwrap();
    let mut lab = LowRankLab::new();
    lab.analyze(&s).unwrap();
    lab.apply(&s, json(r#"{"layers":[{"rank":4},"full"]}"#))
        .unwrap();
    lab.fine_tune_start(&s, json(r#"{"epochs":5,"lr":0.01}"#))
        .unwrap();
    lab.fine_tune_steps(&s, 2).unwrap();
    let r = load_train(&mut s, 16).unwrap();
    assert_eq!(num(&r, "count"), 16.0);
    for _ in 0..3 {
        let e = lab.fine_tune_steps(&s, 4).unwrap_err();
        assert!(message(e).contains("reset"), "the message says what to do");
    }
    // The session's own (rebuilt) trainer fits the new set, and so does a new fine-tune.
    assert!(s.train_steps(4).is_ok());
    lab.fine_tune_start(&s, json(r#"{"epochs":5,"lr":0.01}"#))
        .unwrap();
    assert!(lab.fine_tune_steps(&s, 4).is_ok());
}

/// Defect 4: the public safe simd128 GEMMs read past buffers shorter than their shape (unchecked
/// pointer loads). The slices below are the front of a larger buffer whose tail is NaN: a read
/// past the slice shows up as NaN in C. Now a short buffer makes them write nothing.
#[wasm_bindgen_test]
fn simd_gemms_never_read_past_a_short_buffer() {
    let (m, n, k) = (8usize, 16usize, 12usize);
    let mut big_a = vec![f32::NAN; 2 * m * k];
    big_a[..m * k - 4].fill(0.5);
    let a = &big_a[..m * k - 4]; // 4 short
    let b = vec![1.0f32; n * k];
    for (name, f) in [
        (
            "gemm_nn",
            simd128::gemm_nn as fn(usize, usize, usize, &[f32], &[f32], &mut [f32]),
        ),
        ("gemm_nt", simd128::gemm_nt),
        ("gemm_nt_dots", simd128::gemm_nt_dots),
        ("gemm_tn", simd128::gemm_tn),
    ] {
        let mut c = vec![7.0f32; m * n];
        f(m, n, k, a, &b, &mut c);
        assert!(c.iter().all(|&v| v == 7.0), "{name} wrote from a short A");
        // The full-length call still equals the scalar twin.
        let full = vec![0.25f32; m * k];
        let (mut c1, mut c2) = (vec![0.0; m * n], vec![0.0; m * n]);
        f(m, n, k, &full, &b, &mut c1);
        let twin = match name {
            "gemm_nn" => scalar::gemm_nn,
            "gemm_tn" => scalar::gemm_tn,
            _ => scalar::gemm_nt,
        };
        twin(m, n, k, &full, &b, &mut c2);
        close(&c1, &c2, name);
    }
    // XNOR: B one row short.
    let kw = xnor::words(200);
    let (xm, xn) = (3usize, 5usize);
    // Every sign of A set to −1 (bit 1) over the 200 inputs; padding bits past 200 stay 0, as
    // pack_signs leaves them, so each dot is 200 − 2·200 = −200.
    let row: Vec<u64> = (0..kw)
        .map(|w| {
            if (w + 1) * 64 <= 200 {
                u64::MAX
            } else {
                (1u64 << (200 - w * 64)) - 1
            }
        })
        .collect();
    let a: Vec<u64> = row.iter().copied().cycle().take(xm * kw).collect();
    let b = vec![0u64; xn * kw];
    let mut c = vec![9i32; xm * xn];
    xnor::simd128::xnor_gemm_nt(xm, xn, 200, &a, &b[..(xn - 1) * kw], &mut c);
    assert!(c.iter().all(|&v| v == 9));
    xnor::simd128::xnor_gemm_nt(xm, xn, 200, &a, &b, &mut c);
    assert!(c.iter().all(|&v| v == -200));
}

/// Determinism across kernel sets (issue 13). Tolerance, documented: the simd128 GEMMs sum in
/// another order than their scalar twins (4 lanes, then a tree), so an element of C may differ
/// by the classic floating-point bound for a length-k dot product,
///     |c_simd − c_scalar| ≤ 2·k·u·Σ_p |a_ip·b_pj|,   u = 2⁻²⁴ (f32 unit roundoff),
/// and not more: a wrong index or a dropped term breaks it by orders of magnitude. Checked on
/// the three forms training uses, at LeNet-300-100's shapes and batch 64.
#[wasm_bindgen_test]
fn simd_and_scalar_gemms_agree_within_the_rounding_bound() {
    let u = f32::EPSILON as f64 / 2.0;
    let check = |name: &str, k: usize, got: &[f32], want: &[f32], abs_dot: &[f32]| {
        for (i, ((g, w), s)) in got.iter().zip(want).zip(abs_dot).enumerate() {
            let bound = 2.0 * k as f64 * u * *s as f64 + 1e-30;
            assert!(
                ((g - w).abs() as f64) <= bound,
                "{name}[{i}]: simd {g} vs scalar {w}, bound {bound}"
            );
        }
    };
    let abs = |v: &[f32]| v.iter().map(|x| x.abs()).collect::<Vec<f32>>();
    let (m, n, k) = (64usize, 300usize, 784usize);
    let x = data(m * k, 11);
    let w = data(n * k, 12);
    let d = data(m * n, 13);
    let (xa, wa, da) = (abs(&x), abs(&w), abs(&d));
    // Forward x·Wᵀ.
    let (mut c1, mut c2, mut s) = (vec![0.0; m * n], vec![0.0; m * n], vec![0.0; m * n]);
    simd128::gemm_nt(m, n, k, &x, &w, &mut c1);
    scalar::gemm_nt(m, n, k, &x, &w, &mut c2);
    scalar::gemm_nt(m, n, k, &xa, &wa, &mut s);
    check("gemm_nt", k, &c1, &c2, &s);
    // Input gradient δ·W.
    let (mut g1, mut g2, mut gs) = (vec![0.0; m * k], vec![0.0; m * k], vec![0.0; m * k]);
    simd128::gemm_nn(m, k, n, &d, &w, &mut g1);
    scalar::gemm_nn(m, k, n, &d, &w, &mut g2);
    scalar::gemm_nn(m, k, n, &da, &wa, &mut gs);
    check("gemm_nn", n, &g1, &g2, &gs);
    // Weight gradient δᵀ·x.
    let (mut h1, mut h2, mut hs) = (vec![0.0; n * k], vec![0.0; n * k], vec![0.0; n * k]);
    simd128::gemm_tn(n, k, m, &d, &x, &mut h1);
    scalar::gemm_tn(n, k, m, &d, &x, &mut h2);
    scalar::gemm_tn(n, k, m, &da, &xa, &mut hs);
    check("gemm_tn", m, &h1, &h2, &hs);
}
