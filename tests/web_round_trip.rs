//! Model files in the browser (issue 11): every version kind — dense, pruned, int8, int4 QAT,
//! fp8, Deep Compression (prune → share → Huffman), low-rank and BNN — is made through the same
//! wasm facade the page uses (`VersionsLab.start/advance/finish`), written to bytes
//! (`exportVersion`), read back as a new version (`importVersion`), and then gives the same class
//! probabilities, bit for bit, on all 10,000 MNIST test digits. Each file is at most 5% above the
//! true packed bytes the page reports, plus its safetensors header.
//!
//! The dense root is the page's pretrained LeNet-300-100 (www/models); the fine-tuning steps run
//! on the 6,000-digit training subset (www/data/small) so the test stays short.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod web_util;
use shrink::wasm::VersionsLab;
use web_util::*;

const TRAIN_IMAGES: &[u8] = include_bytes!("../www/data/small/train-images-idx3-ubyte.gz");
const TRAIN_LABELS: &[u8] = include_bytes!("../www/data/small/train-labels-idx1-ubyte.gz");
const TEST_IMAGES: &[u8] = include_bytes!("../www/data/t10k-images-idx3-ubyte.gz");
const TEST_LABELS: &[u8] = include_bytes!("../www/data/t10k-labels-idx1-ubyte.gz");
const PRETRAINED: &[u8] = include_bytes!("../www/models/lenet-300-100.safetensors");

/// The session the page's worker would have: MNIST (6,000 training digits, all 10,000 test
/// digits) and the LeNet-300-100 settings.
fn mnist_session() -> Session {
    let mut s = Session::new();
    s.load_data("trainImages".into(), TRAIN_IMAGES.to_vec())
        .unwrap();
    s.load_data("trainLabels".into(), TRAIN_LABELS.to_vec())
        .unwrap();
    s.load_data("testImages".into(), TEST_IMAGES.to_vec())
        .unwrap();
    let r = s
        .load_data("testLabels".into(), TEST_LABELS.to_vec())
        .unwrap();
    assert_eq!(num(&r, "count"), 10_000.0);
    s.configure(json(r#"{"hidden":[300,100],"seed":1}"#))
        .unwrap();
    s
}

/// Applies one recipe step to `parent` in slices, as the worker does; returns the new id.
fn make(lab: &mut VersionsLab, s: &mut Session, parent: Option<u32>, step: &str) -> u32 {
    lab.start(s, parent, step)
        .unwrap_or_else(|e| panic!("{step}: {}", message(e)));
    while get(&lab.progress().unwrap(), "done") != JsValue::TRUE {
        lab.advance(s, 200)
            .unwrap_or_else(|e| panic!("{step}: {}", message(e)));
    }
    let v = lab
        .finish(s, step)
        .unwrap_or_else(|e| panic!("{step}: {}", message(e)));
    num(&v, "id") as u32
}

/// The test digits as the draw pad sends them: 784 intensities in [0, 1].
fn test_digits() -> Vec<Vec<f32>> {
    let mut raw = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(TEST_IMAGES), &mut raw).unwrap();
    raw[16..]
        .chunks_exact(784)
        .map(|d| d.iter().map(|&p| f32::from(p) / 255.0).collect())
        .collect()
}

fn figures(lab: &VersionsLab, s: &Session, id: u32) -> JsValue {
    let list = js_sys::Array::from(&lab.list(s).unwrap());
    let v = list
        .iter()
        .find(|v| num(v, "id") as u32 == id)
        .unwrap_or_else(|| panic!("version #{id} is not listed"));
    get(&v, "figures")
}

#[wasm_bindgen_test]
fn every_version_kind_saves_and_loads_back_with_identical_predictions() {
    let mut s = mnist_session();
    let mut lab = VersionsLab::new();
    let root = lab
        .import_file(&mut s, PRETRAINED, "auto", "LeNet-300-100 pretrained")
        .unwrap();
    let dense = num(&root, "id") as u32;
    let pruned = make(&mut lab, &mut s, Some(dense), "prune:magnitude,0.9,ft0.5");
    let shared = make(&mut lab, &mut s, Some(pruned), "share:5,ft0.1");
    let kinds = [
        ("dense", dense),
        ("pruned 90%", pruned),
        (
            "int8",
            make(&mut lab, &mut s, Some(dense), "quantize:int8,act"),
        ),
        (
            "int4 QAT",
            make(&mut lab, &mut s, Some(dense), "quantize:int4,qat0.5"),
        ),
        (
            "fp8 E4M3",
            make(&mut lab, &mut s, Some(dense), "quantize:fp8e4m3"),
        ),
        (
            "Deep Compression",
            make(&mut lab, &mut s, Some(shared), "huffman"),
        ),
        (
            "low-rank 20",
            make(&mut lab, &mut s, Some(dense), "lowrank:20,ft0.2"),
        ),
        (
            "BNN",
            make(&mut lab, &mut s, Some(dense), "binarize:bnn,e0.5"),
        ),
    ];
    let digits = test_digits();
    assert_eq!(digits.len(), 10_000);
    console_log!(
        "{:<17} {:>10} {:>8} {:>10} {:>9} {:>9} {:>10}",
        "kind",
        "packed B",
        "header",
        "file B",
        "data/pk",
        "accuracy",
        "agreement"
    );
    for (kind, id) in kinds {
        let f = figures(&lab, &s, id);
        let packed = num(&get(&f, "size"), "packedBytes");
        let bytes = lab.export_version(&s, id).unwrap();
        let header = 8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        let back = lab
            .import_version(&mut s, &bytes, None, "", 0.0)
            .unwrap_or_else(|e| panic!("{kind}: {}", message(e)));
        let back_id = num(&back, "id") as u32;
        let fb = get(&back, "figures");
        assert_eq!(num(&fb, "errors"), num(&f, "errors"), "{kind}: errors");
        assert_eq!(get(&fb, "kernel"), get(&f, "kernel"), "{kind}: kernel");
        // Every test digit through both versions at once, as the draw pad asks.
        let mut agree = 0;
        for (i, px) in digits.iter().enumerate() {
            let p = js_sys::Array::from(&lab.predict(&s, vec![id, back_id], px).unwrap());
            let (a, b) = (p.get(0), p.get(1));
            let probs = |v: &JsValue| -> Vec<f64> {
                js_sys::Array::from(&get(v, "probabilities"))
                    .iter()
                    .map(|x| x.as_f64().unwrap())
                    .collect()
            };
            let (pa, pb) = (probs(&a), probs(&b));
            assert!(
                pa.iter().zip(&pb).all(|(x, y)| x.to_bits() == y.to_bits()),
                "{kind}: test digit {i}: {pa:?} vs {pb:?}"
            );
            if num(&a, "digit") == num(&b, "digit") {
                agree += 1;
            }
        }
        let data = bytes.len() - header;
        console_log!(
            "{kind:<17} {packed:>10} {header:>8} {:>10} {:>9.4} {:>8.2}% {agree:>5}/10000",
            bytes.len(),
            data as f64 / packed,
            100.0 * num(&f, "accuracy")
        );
        assert_eq!(agree, 10_000, "{kind}");
        assert!(
            data as f64 <= 1.05 * packed,
            "{kind}: file {} B = header {header} + {data} B of data, packed {packed} B",
            bytes.len()
        );
        lab.delete(&mut s, back_id).unwrap();
    }
}
