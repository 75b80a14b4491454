//! Browser tests of model files through the wasm facade (issue 11): a version saved as a file
//! comes back with the same accuracy; the committed PyTorch fixture imports with its scaling read
//! from the file; 14 malformed files are each refused with a message in words, nothing is added,
//! and the session still trains and evaluates afterwards.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod malformed;
mod web_util;
use malformed::{onnx_with_node, rebuild, state_dict};
use safetensors::Dtype;
use serde_json::Value;
use shrink::wasm::VersionsLab;
use web_util::*;

const TORCH: &[u8] = include_bytes!("fixtures/pytorch/mlp_784_100_10.safetensors");
const TORCH_ONNX: &[u8] = include_bytes!("fixtures/pytorch/mlp_784_100_10.onnx");

#[wasm_bindgen_test]
fn files_round_trip_import_and_bad_files_are_refused_in_words() {
    let mut s = loaded_session();
    s.train_steps(40).unwrap();
    let mut lab = VersionsLab::new();
    let a = lab.save_current(&mut s, "trained here").unwrap();
    let acc = num(&get(&a, "figures"), "accuracy");

    // Round trip: the version's file comes back as a new version with the same accuracy.
    let file = lab.export_version(&s, 1).unwrap();
    let back = lab.import_file(&mut s, &file, "auto", "").unwrap();
    assert_eq!(num(&get(&back, "figures"), "accuracy"), acc);
    assert_eq!(get(&back, "name").as_string().unwrap(), "trained here");
    assert!(get(&back, "note")
        .as_string()
        .unwrap()
        .contains("Shrink model file"));
    // The same note as an id, which the page says in its language.
    let typed = get(&back, "noteText");
    assert_eq!(get(&typed, "id").as_string().unwrap(), "ShrinkFile");
    assert!(lab.export_onnx(&s, 2).unwrap().len() > 1000);

    // The PyTorch fixture: scaling read from its metadata, and said.
    for (bytes, what) in [(TORCH, "PyTorch"), (TORCH_ONNX, "ONNX")] {
        let v = lab.import_file(&mut s, bytes, "auto", "").unwrap();
        let note = get(&v, "note").as_string().unwrap();
        assert!(
            note.contains(what) && note.contains("p/255") && note.contains("metadata"),
            "{note}"
        );
        let args = get(&get(&v, "noteText"), "args");
        assert_eq!(get(&args, "format").as_string().unwrap(), what);
        let how = get(&get(&args, "how"), "id").as_string().unwrap();
        assert_eq!(how, "ScalingFromMetadata");
        assert_eq!(
            js_sys::Array::from(&get(&get(&v, "figures"), "sizes")).length(),
            3
        );
    }
    let count = js_sys::Array::from(&lab.list(&s).unwrap()).length();
    assert_eq!(count, 4);

    let mut huge = file.clone();
    huge[..8].copy_from_slice(&(5u64 << 30).to_le_bytes());
    let nan = rebuild(
        &file,
        |_| {},
        |n, _, _, d| {
            if n == "layers.0.weight" {
                d[..4].copy_from_slice(&f32::NAN.to_le_bytes())
            }
        },
    );
    let dtype = rebuild(
        &file,
        |_| {},
        |n, dt, _, _| {
            if n == "layers.0.bias" {
                *dt = Dtype::I32
            }
        },
    );
    let version = rebuild(
        &file,
        |m| m["format_version"] = Value::from(7),
        |_, _, _, _| {},
    );
    let unchained = rebuild(
        &file,
        |m| m["layers"][1]["n_in"] = Value::from(5),
        |_, _, _, _| {},
    );
    let w = vec![0.01f32; 100 * 784];
    let mut w_nan = w.clone();
    w_nan[3] = f32::INFINITY;
    let bad: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", vec![], "the file is empty"),
        ("five bytes", vec![1, 2, 3, 4, 5], "not a valid ONNX"),
        ("header of 5 GB", huge, "header claims"),
        ("truncated", file[..file.len() - 100].to_vec(), "truncated"),
        ("NaN weight", nan, "not a finite number"),
        ("wrong dtype", dtype, "dtype I32"),
        ("format version 7", version, "format version 7"),
        ("layers that do not chain", unchained, "do not chain"),
        (
            "garbage",
            b"\xff\xfe\xfd not a model".to_vec(),
            "not a valid ONNX file",
        ),
        ("ONNX Conv", onnx_with_node("Conv"), "not an MLP"),
        (
            "PyTorch infinite weight",
            state_dict(&[
                ("0.weight", vec![100, 784], w_nan),
                ("2.weight", vec![10, 100], vec![0.0; 1000]),
            ]),
            "not a finite number",
        ),
        (
            "PyTorch unchained",
            state_dict(&[
                ("0.weight", vec![100, 784], w.clone()),
                ("2.weight", vec![10, 60], vec![0.0; 600]),
            ]),
            "do not chain",
        ),
        (
            "no Linear weights",
            state_dict(&[("scale", vec![2], vec![1.0, 2.0])]),
            "not the state_dict",
        ),
        (
            "20 inputs, not 784",
            state_dict(&[("0.weight", vec![10, 20], vec![0.0; 200])]),
            "784",
        ),
    ];
    assert!(bad.len() >= 12);
    for (what, bytes, expect) in &bad {
        let msg = message(
            lab.import_file(&mut s, bytes, "auto", "")
                .map(|_| ())
                .unwrap_err(),
        );
        assert!(
            msg.contains(expect),
            "{what}: '{msg}' does not say '{expect}'"
        );
    }
    let msg = message(
        lab.import_file(&mut s, TORCH, "kelvin", "")
            .map(|_| ())
            .unwrap_err(),
    );
    assert!(msg.contains("input scaling"), "{msg}");
    assert_eq!(
        js_sys::Array::from(&lab.list(&s).unwrap()).length(),
        count,
        "nothing was added"
    );
    still_works(&mut s, "fourteen bad files");
}

/// A core error crosses the wasm boundary as data besides its English `message`: `code` is the
/// variant and `args` its fields as stable ids, which the page says in its own language.
#[wasm_bindgen_test]
fn a_refused_file_carries_its_code_and_fields() {
    let mut s = loaded_session();
    let mut lab = VersionsLab::new();
    let field = |v: &wasm_bindgen::JsValue, k: &str| js_sys::Reflect::get(v, &k.into()).unwrap();
    let mut refused = |bytes: &[u8], scaling: &str| {
        wasm_bindgen::JsValue::from(
            lab.import_file(&mut s, bytes, scaling, "")
                .map(|_| ())
                .unwrap_err(),
        )
    };
    let e = refused(&[], "auto");
    assert_eq!(field(&e, "code"), "badData");
    assert_eq!(field(&field(&e, "args"), "fault"), "FileEmpty");
    let e = refused(&onnx_with_node("Conv"), "auto");
    let args = field(&e, "args");
    assert_eq!(field(&args, "fault"), "OnnxNotMlp");
    assert_eq!(field(&args, "op"), "Conv");
    let e = refused(TORCH, "kelvin");
    assert_eq!(field(&e, "code"), "param");
    let args = field(&e, "args");
    assert_eq!(field(&args, "name"), "InputScaling");
    assert_eq!(field(&args, "reason"), "MustBeAutoUnitP255OrMean");
    assert_eq!(field(&args, "value"), "kelvin");
}
