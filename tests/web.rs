//! Browser tests (wasm-bindgen-test in headless Chromium): the simd128 kernels equal their
//! scalar twins at awkward lengths and shapes; the `Session` API round-trips on small synthetic
//! IDX data; bad input throws an error in words and the session keeps working afterwards.
#![cfg(target_arch = "wasm32")]
// Tests may unwrap: a failure here is the test failing, not a user-facing panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use shrink::model::Activation;
use shrink::tensor::kernels::{scalar, simd128};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod web_util;
use web_util::*;

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
fn panel_packing_matches_scalar() {
    for &k in &[0usize, 1, 3, 4, 5, 8, 17, 784] {
        let rows = data(8 * k, 7);
        let (mut p1, mut p2) = (vec![9.0; 8 * k], vec![7.0; 8 * k]);
        simd128::pack_panel(k, &rows, &mut p1);
        scalar::pack_panel(k, &rows, &mut p2);
        assert_eq!(p1, p2, "pack_panel k={k}");
        for (i, &v) in p2.iter().enumerate() {
            assert_eq!(
                v,
                rows[(i % 8) * k + i / 8],
                "scalar pack_panel k={k} at {i}"
            );
        }
    }
}

#[wasm_bindgen_test]
fn packed_gemm_matches_scalar_at_odd_shapes() {
    let mut shapes: Vec<(usize, usize, usize)> = Vec::new();
    for &m in &LENGTHS {
        for &n in &LENGTHS {
            for &k in &LENGTHS {
                shapes.push((m, n, k));
            }
        }
    }
    shapes.extend([(64, 300, 784), (1000, 10, 100), (13, 37, 29), (5, 10, 100)]);
    let mut bt = shrink::tensor::kernels::PackedBt::default();
    for (m, n, k) in shapes {
        let a = data(m * k, 7);
        let b = data(n * k, 8);
        bt.pack(n, k, &b).unwrap();
        let (mut c1, mut c2) = (vec![9.0; m * n], vec![9.0; m * n]);
        simd128::gemm_packed(m, n, k, &a, bt.panels(), &mut c1).unwrap();
        scalar::gemm_packed(m, n, k, &a, bt.panels(), &mut c2).unwrap();
        close(&c1, &c2, &format!("gemm_packed {m}x{n}x{k}"));
        // and the oracle of the oracle: the plain dot-product definition
        scalar::gemm_nt(m, n, k, &a, &b, &mut c1);
        close(
            &c2,
            &c1,
            &format!("scalar gemm_packed vs gemm_nt {m}x{n}x{k}"),
        );
    }
    let mut c = vec![0.0; 6];
    assert!(simd128::gemm_packed(2, 4, 4, &[0.0; 7], bt.panels(), &mut c).is_err());
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

// ---------- the Session API (crate/wasm/session.rs) ----------

use js_sys::Reflect;
use shrink::data::mnist::{encode_idx_images, encode_idx_labels};

#[wasm_bindgen_test]
fn session_round_trip() {
    let mut s = loaded_session();
    let info = s.info().unwrap();
    assert_eq!(
        num(&info, "paramCount"),
        (784 * 16 + 16 + 16 * 10 + 10) as f64
    );
    assert_eq!(get(&info, "kernel").as_string().unwrap(), "simd128");

    let p = s.train_steps(5).unwrap();
    assert_eq!(num(&p, "step"), 5.0);
    assert_eq!(num(&p, "samples"), 40.0);
    let mut last = p;
    while get(&last, "done") != JsValue::TRUE {
        last = s.train_steps(1000).unwrap();
    }
    assert_eq!(num(&last, "epoch"), 20.0);
    assert!(
        s.train_steps(1).is_err(),
        "training past the last epoch must say so"
    );

    let ev = s.evaluate(0).unwrap();
    assert_eq!(num(&ev, "count"), 30.0);
    assert!(
        num(&ev, "accuracy") >= 0.9,
        "synthetic bands are easy: {}",
        num(&ev, "accuracy")
    );
    let confusion: js_sys::Array = get(&ev, "confusion").into();
    assert_eq!(confusion.length(), 100);
    let alone = s.confusion(0).unwrap();
    assert_eq!(alone.len(), 100);
    assert_eq!(alone.iter().sum::<u32>(), 30);
    assert_eq!(
        alone,
        confusion
            .iter()
            .map(|v| v.as_f64().unwrap() as u32)
            .collect::<Vec<_>>()
    );

    let img = s.first_layer_heatmap(4).unwrap();
    let (w, h) = (num(&img, "width"), num(&img, "height"));
    assert_eq!((w, h), (4.0 * 29.0 - 1.0, 4.0 * 29.0 - 1.0));
    let rgba: js_sys::Uint8Array = get(&img, "rgba").into();
    assert_eq!(rgba.length() as f64, w * h * 4.0);
    let m = s.layer_heatmap(1).unwrap();
    assert_eq!((num(&m, "width"), num(&m, "height")), (16.0, 10.0));

    let g = s.gallery(7, false).unwrap();
    let images: js_sys::Uint8Array = get(&g, "images").into();
    assert_eq!(images.length(), 7 * 784);
    let labels: js_sys::Uint8Array = get(&g, "labels").into();
    assert_eq!(labels.to_vec(), vec![0, 1, 2, 3, 4, 5, 6]);

    let mut digit = vec![0.0f32; 784];
    for r in 6..9 {
        for c in 4..24 {
            digit[r * 28 + c] = 0.9;
        }
    }
    let probs = s.predict(&digit).unwrap();
    assert_eq!(probs.len(), 10);
    assert!((probs.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    assert!(probs.iter().all(|p| (0.0..=1.0).contains(p)));
    let best = (0..10)
        .max_by(|&a, &b| probs[a].total_cmp(&probs[b]))
        .unwrap();
    assert_eq!(best, 3, "a band at rows 6..9 is class 3: {probs:?}");

    // Reset: same seed, same fresh weights.
    let before = s.first_layer_heatmap(4).unwrap();
    s.reset().unwrap();
    assert_eq!(num(&s.info().unwrap(), "steps"), 0.0);
    let fresh1: js_sys::Uint8Array = get(&s.first_layer_heatmap(4).unwrap(), "rgba").into();
    s.reset().unwrap();
    let fresh2: js_sys::Uint8Array = get(&s.first_layer_heatmap(4).unwrap(), "rgba").into();
    assert_eq!(fresh1.to_vec(), fresh2.to_vec());
    let trained: js_sys::Uint8Array = get(&before, "rgba").into();
    assert_ne!(fresh1.to_vec(), trained.to_vec());
}

#[wasm_bindgen_test]
fn nothing_works_before_data_but_nothing_breaks() {
    let mut s = Session::new();
    for e in [
        s.train_steps(1).err(),
        s.evaluate(0).err(),
        s.first_layer_heatmap(10).err(),
        s.predict(&[0.0; 784]).err(),
        s.reset().err(),
    ] {
        let m = message(e.expect("must fail before data"));
        assert!(m.contains("not ready"), "{m}");
    }
    assert!(
        s.configure(json(SMALL)).is_ok(),
        "settings can come before data"
    );
}

#[wasm_bindgen_test]
fn bad_data_throws_and_the_session_keeps_working() {
    let mut s = loaded_session();
    let (imgs, labels) = synthetic(10);
    let mut wrong_magic = imgs.clone();
    wrong_magic[3] = 0x01;
    let truncated = imgs[..imgs.len() - 5].to_vec();
    let mut bad_label = labels.clone();
    bad_label[8] = 10;
    let not_gzip = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3];
    let small = encode_idx_images(10, 20, 20, &vec![0; 4000]);
    let cases: Vec<(&str, Vec<u8>, Vec<u8>, &str)> = vec![
        ("wrong magic", wrong_magic, labels.clone(), "magic"),
        ("truncated", truncated, labels.clone(), "truncated"),
        ("label 10", imgs.clone(), bad_label, "not a digit"),
        (
            "count mismatch",
            imgs.clone(),
            encode_idx_labels(&[1, 2, 3]),
            "10 images but",
        ),
        ("broken gzip", not_gzip, labels.clone(), "gzip"),
        ("20×20 images", small, labels.clone(), "28×28"),
        ("swapped files", labels.clone(), imgs.clone(), "magic"),
    ];
    for (what, i, l, expect) in cases {
        s.load_data("trainImages".into(), i).unwrap();
        let e = s.load_data("trainLabels".into(), l).expect_err(what);
        let m = message(e);
        assert!(
            m.starts_with("bad data:") && m.contains(expect),
            "{what}: {m}"
        );
        still_works(&mut s, what);
    }
    let m = message(
        s.load_data("weights".into(), vec![1, 2])
            .expect_err("unknown kind"),
    );
    assert!(m.contains("data kind"), "{m}");
    still_works(&mut s, "an unknown data kind");
}

#[wasm_bindgen_test]
fn bad_settings_and_calls_throw_and_the_session_keeps_working() {
    let mut s = loaded_session();
    let nan_lr = json(SMALL);
    Reflect::set(&nan_lr, &"lr".into(), &JsValue::from_f64(f64::NAN)).unwrap();
    let bad: Vec<(&str, JsValue, &str)> = vec![
        ("NaN lr", nan_lr, "learning rate"),
        ("zero lr", json(r#"{"lr":0}"#), "learning rate"),
        ("negative lr", json(r#"{"lr":-0.1}"#), "learning rate"),
        ("batch 0", json(r#"{"batchSize":0}"#), "batch size"),
        ("no layers", json(r#"{"hidden":[]}"#), "hidden"),
        ("width 0", json(r#"{"hidden":[300,0]}"#), "layer width"),
        (
            "width 100000",
            json(r#"{"hidden":[100000]}"#),
            "layer width",
        ),
        (
            "8 layers of 4096",
            json(r#"{"hidden":[4096,4096,4096,4096,4096,4096,4096,4096]}"#),
            "weights and biases in all",
        ),
        ("epochs 0", json(r#"{"epochs":0}"#), "epochs"),
        (
            "wrong type",
            json(r#"{"lr":"fast"}"#),
            "invalid training settings",
        ),
        (
            "unknown activation",
            json(r#"{"activation":"swish"}"#),
            "invalid training settings",
        ),
        (
            "fractional batch",
            json(r#"{"batchSize":2.5}"#),
            "invalid training settings",
        ),
        (
            "not an object",
            JsValue::from_str("lr=1"),
            "invalid training settings",
        ),
        (
            "negative seed",
            json(r#"{"seed":-1}"#),
            "invalid training settings",
        ),
    ];
    for (what, settings, expect) in bad {
        let m = message(s.configure(settings).expect_err(what));
        assert!(m.contains(expect), "{what}: {m}");
        still_works(&mut s, what);
    }
    let calls: Vec<(&str, Option<JsError>, &str)> = vec![
        ("783 pixels", s.predict(&[0.0; 783]).err(), "shape mismatch"),
        ("785 pixels", s.predict(&[0.0; 785]).err(), "shape mismatch"),
        ("NaN pixel", s.predict(&[f32::NAN; 784]).err(), "pixel"),
        ("pixel 2", s.predict(&[2.0; 784]).err(), "pixel"),
        ("0 steps", s.train_steps(0).err(), "steps"),
        ("10^6 steps", s.train_steps(1_000_000).err(), "steps"),
        ("0 tiles", s.first_layer_heatmap(0).err(), "tiles per row"),
        ("layer 9", s.layer_heatmap(9).err(), "layer"),
        ("gallery 0", s.gallery(0, false).err(), "gallery size"),
        (
            "gallery 10^6",
            s.gallery(1_000_000, true).err(),
            "gallery size",
        ),
    ];
    for (what, e, expect) in calls {
        let m = message(e.unwrap_or_else(|| panic!("{what} must fail")));
        assert!(m.contains(expect), "{what}: {m}");
    }
    still_works(&mut s, "bad calls");
}
