//! Shared helpers for the browser test binaries (tests/web*.rs): deterministic data, tolerance
//! checks, and a small synthetic MNIST-shaped session to exercise the wasm boundary.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use js_sys::{Reflect, JSON};
use shrink::data::mnist::{encode_idx_images, encode_idx_labels};
pub use shrink::wasm::Session;
pub use wasm_bindgen::{JsError, JsValue};

pub fn data(n: usize, salt: u32) -> Vec<f32> {
    (0..n as u32)
        .map(|i| {
            ((i.wrapping_mul(2654435761).wrapping_add(salt) >> 8) % 2001) as f32 / 1000.0 - 1.0
        })
        .collect()
}

pub fn close(a: &[f32], b: &[f32], what: &str) {
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= 1e-4 * (1.0 + y.abs()),
            "{what}[{i}]: simd {x} vs scalar {y}"
        );
    }
}

pub const LENGTHS: [usize; 7] = [0, 1, 3, 4, 15, 16, 17];

/// `n` 28×28 digits whose class `k` is a bright band at rows 2k..2k+3: learnable in a few steps.
pub fn synthetic(n: usize) -> (Vec<u8>, Vec<u8>) {
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

pub fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

pub fn num(v: &JsValue, key: &str) -> f64 {
    get(v, key).as_f64().unwrap_or(f64::NAN)
}

pub fn message(e: JsError) -> String {
    js_sys::Error::from(JsValue::from(e)).message().into()
}

pub fn json(s: &str) -> JsValue {
    JSON::parse(s).unwrap()
}

pub const SMALL: &str = r#"{"hidden":[16],"epochs":20,"batchSize":8,"lr":0.1,"seed":3}"#;

pub fn loaded_session() -> Session {
    let mut s = Session::new();
    let (ti, tl) = synthetic(80);
    let (vi, vl) = synthetic(30);
    let r = s.load_data("trainImages".into(), ti).unwrap();
    assert_eq!(get(&r, "complete"), JsValue::FALSE);
    let r = s.load_data("trainLabels".into(), tl).unwrap();
    assert_eq!(get(&r, "complete"), JsValue::TRUE);
    assert_eq!(num(&r, "count"), 80.0);
    s.load_data("testLabels".into(), vl).unwrap();
    let r = s.load_data("testImages".into(), vi).unwrap();
    assert_eq!(num(&r, "count"), 30.0);
    s.configure(json(SMALL)).unwrap();
    s
}

/// The session still trains, evaluates and predicts, with the settings it had.
pub fn still_works(s: &mut Session, what: &str) {
    let p = s
        .train_steps(2)
        .unwrap_or_else(|e| panic!("after {what}: {}", message(e)));
    assert!(num(&p, "loss").is_finite(), "after {what}");
    let info = s.info().unwrap();
    let lr = num(&get(&info, "config"), "lr");
    assert!(
        (lr - 0.1).abs() < 1e-6,
        "after {what}: settings changed (lr {lr})"
    );
    assert_eq!(num(&get(&info, "config"), "batchSize"), 8.0, "after {what}");
    let probs = s.predict(&[0.0; 784]).unwrap();
    assert_eq!(probs.len(), 10, "after {what}");
    assert!(s.evaluate(0).is_ok(), "after {what}");
}
