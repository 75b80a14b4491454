//! Browser tests of the Low-rank and Distill labs (wasm-bindgen-test in headless Chromium) on a
//! small synthetic session: the boundary round-trips, bad ranks / energies / temperatures / α
//! throw errors in words, and the labs and the session keep working afterwards.
#![cfg(target_arch = "wasm32")]
// Tests may unwrap and panic: a failure here is the test failing, not a user-facing panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use js_sys::{Reflect, JSON};
use shrink::data::mnist::{encode_idx_images, encode_idx_labels};
use shrink::wasm::distill::DistillLab;
use shrink::wasm::low_rank::LowRankLab;
use shrink::wasm::Session;
use wasm_bindgen::{JsError, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `n` digits whose class k is a bright band at rows 2k..2k+3.
fn synthetic(n: usize) -> (Vec<u8>, Vec<u8>) {
    let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    let mut pixels = vec![0u8; n * 784];
    for (i, &l) in labels.iter().enumerate() {
        for r in 2 * l as usize..2 * l as usize + 3 {
            for c in 4..24 {
                pixels[i * 784 + r * 28 + c] = 200 + ((i * 7 + c) % 50) as u8;
            }
        }
    }
    (
        encode_idx_images(n, 28, 28, &pixels),
        encode_idx_labels(&labels),
    )
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn num(v: &JsValue, key: &str) -> f64 {
    get(v, key).as_f64().unwrap_or(f64::NAN)
}

fn message(e: JsError) -> String {
    js_sys::Error::from(JsValue::from(e)).message().into()
}

fn json(s: &str) -> JsValue {
    JSON::parse(s).unwrap()
}

fn session() -> Session {
    let mut s = Session::new();
    let (ti, tl) = synthetic(80);
    let (vi, vl) = synthetic(30);
    s.load_data("trainImages".into(), ti).unwrap();
    s.load_data("trainLabels".into(), tl).unwrap();
    s.load_data("testImages".into(), vi).unwrap();
    s.load_data("testLabels".into(), vl).unwrap();
    s.configure(json(
        r#"{"hidden":[16],"epochs":5,"batchSize":8,"lr":0.1,"seed":3}"#,
    ))
    .unwrap();
    s.train_steps(20).unwrap();
    s
}

#[wasm_bindgen_test]
fn low_rank_lab_round_trip_and_bad_input() {
    let s = session();
    let mut lab = LowRankLab::new();
    let e = lab
        .apply(&s, json(r#"{"layers":[{"rank":2}]}"#))
        .expect_err("before analyze");
    assert!(message(e).contains("decompose"));
    let a = lab.analyze(&s).unwrap();
    // Not a time bound (tests never assert on time): the spectra must be right, and the total
    // SVD time must include every layer's (a clock that is not read, or read once, fails).
    let spectra = js_sys::Array::from(&get(&a, "spectra"));
    assert_eq!(spectra.length(), 2);
    let mut per_layer = 0.0;
    for (l, (n_in, n_out)) in [(784.0, 16.0), (16.0, 10.0)].into_iter().enumerate() {
        let sp = spectra.get(l as u32);
        assert_eq!((num(&sp, "nIn"), num(&sp, "nOut")), (n_in, n_out));
        let sv: Vec<f64> = js_sys::Array::from(&get(&sp, "singularValues"))
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(sv.len(), n_out.min(n_in) as usize);
        assert!(sv.windows(2).all(|w| w[0] >= w[1]) && sv[sv.len() - 1] >= 0.0 && sv[0] > 0.0);
        let ms = num(&sp, "svdMs");
        assert!(ms.is_finite() && ms >= 0.0);
        per_layer += ms;
    }
    let total = num(&a, "svdMs");
    assert!(
        total.is_finite() && total + 1e-9 >= per_layer,
        "{total} < {per_layer}"
    );
    let r = lab
        .apply(&s, json(r#"{"layers":[{"rank":4},"full"],"timeLayer":0}"#))
        .unwrap();
    assert_eq!(
        num(&r, "params"),
        (4 * (784 + 16) + 4 + 16 + 16 * 10 + 10) as f64
    );
    // The timing is of the layer asked for, both sides measured (finite, non-negative).
    let timing = get(&r, "timing");
    assert_eq!(num(&timing, "layer"), 0.0);
    for key in ["denseMs", "factoredMs"] {
        let ms = num(&timing, key);
        assert!(ms.is_finite() && ms >= 0.0, "{key} {ms}");
    }
    for (bad, word) in [
        (r#"{"layers":[{"rank":0}]}"#, "rank"),
        (r#"{"layers":[{"rank":17}]}"#, "rank"),
        (r#"{"layers":[{"energy":0}]}"#, "energy"),
        (r#"{"layers":[{"energy":1.5}]}"#, "energy"),
        (r#"{"layers":["half"]}"#, "low-rank settings"),
    ] {
        let e = lab.apply(&s, json(bad)).expect_err(bad);
        assert!(message(e).contains(word), "{bad}");
    }
    let r = lab
        .apply(&s, json(r#"{"layers":[{"energy":0.9}]}"#))
        .unwrap();
    assert!(num(&r, "accuracy").is_finite());
    let img = lab.heatmap(&s, 0).unwrap();
    assert_eq!(num(&img, "width"), (3 * 784 + 8) as f64);
    assert!(lab.heatmap(&s, 7).is_err());
    lab.fine_tune_start(&s, json(r#"{"epochs":1,"lr":0.01}"#))
        .unwrap();
    let p = lab.fine_tune_steps(&s, 1000).unwrap();
    assert_eq!(get(&p, "done"), JsValue::TRUE);
    assert!(lab.fine_tune_start(&s, json(r#"{"epochs":0}"#)).is_err());
}

#[wasm_bindgen_test]
fn distill_lab_round_trip_and_bad_input() {
    let s = session();
    let mut lab = DistillLab::new();
    for (bad, word) in [
        (r#"{"distill":{"temperature":0}}"#, "temperature"),
        (r#"{"distill":{"temperature":-2}}"#, "temperature"),
        (r#"{"distill":{"alpha":1.5}}"#, "alpha"),
        (r#"{"studentHidden":[0]}"#, "width"),
        (r#"{"teacher":"oracle"}"#, "distillation settings"),
    ] {
        let e = lab.start(&s, json(bad)).expect_err(bad);
        let m = message(e);
        assert!(m.contains(word), "{bad}: {m}");
    }
    assert!(lab.step(&s, 10).is_err(), "no experiment yet");
    lab.start(
        &s,
        json(r#"{"studentHidden":[4],"epochs":1,"evalLimit":30}"#),
    )
    .unwrap();
    let mut phase = String::new();
    for _ in 0..100 {
        let st = lab.step(&s, 5).unwrap();
        phase = get(&st, "phase").as_string().unwrap_or_default();
        if phase == "done" {
            assert!(get(&st, "finalErrors").is_object());
            break;
        }
    }
    assert_eq!(phase, "done");
    let soft = lab
        .soft_targets(&s, json(r#"{"index":3,"temperature":2}"#))
        .unwrap();
    let probs: Vec<f64> = js_sys::Array::from(&get(&soft, "probs"))
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!((probs.iter().sum::<f64>() - 1.0).abs() < 1e-4);
    assert!(lab.soft_targets(&s, json(r#"{"index":99}"#)).is_err());
    assert!(lab
        .soft_targets(&s, json(r#"{"index":0,"temperature":0}"#))
        .is_err());
    let f = lab.facts(&s).unwrap();
    // Honest sizes: the student is the smaller model, both were timed (finite).
    let (teacher, student) = (get(&f, "teacher"), get(&f, "student"));
    assert!(num(&student, "params") < num(&teacher, "params"));
    assert!(num(&student, "ms").is_finite() && num(&teacher, "ms").is_finite());
}
