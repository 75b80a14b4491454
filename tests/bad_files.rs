//! Bad model files (issue 11): each malformed file is refused with an error in words, through
//! the same plain `fn(&[u8]) -> Result` entry points the fuzzer calls — never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod malformed;

use malformed::{onnx_with_node, rebuild, state_dict};
use safetensors::Dtype;
use serde_json::json;
use shrink::compress::binarize::{self, BinaryTrainer, Method, PackedNet};
use shrink::compress::prune;
use shrink::compress::quantize::{self, Params, Scheme};
use shrink::error::{Error, Fault};
use shrink::io::import::fuzz;
use shrink::io::{save, FileInfo};
use shrink::model::{Activation, Mlp, MlpSpec};
use shrink::version::Model;

/// One malformed file: what it is, its bytes, the importer that must refuse it (giving its
/// message), and a phrase the message must contain.
type Case = (
    &'static str,
    Vec<u8>,
    fn(&[u8]) -> Option<String>,
    &'static str,
);
fn tiny() -> Mlp {
    Mlp::new(&MlpSpec::mnist(&[16], Activation::Relu), 3).unwrap()
}

#[test]
fn malformed_files_are_refused_in_words() {
    let good = save(&Model::Float(tiny()), &FileInfo::default()).unwrap();
    assert!(fuzz::shrink_file(&good).is_ok());
    let shared = quantize::apply(
        &tiny(),
        &Params {
            scheme: Scheme::KMeans,
            bits: 2,
            ..Params::default()
        },
        None,
    )
    .unwrap();
    let shared_file = save(&Model::Quantized(shared), &FileInfo::default()).unwrap();
    assert!(fuzz::shrink_file(&shared_file).is_ok());

    let mut huge_header = good.clone();
    huge_header[..8].copy_from_slice(&(5u64 << 30).to_le_bytes());
    let nan = rebuild(
        &good,
        |_| {},
        |n, _, _, d| {
            if n == "layers.0.weight" {
                d[..4].copy_from_slice(&f32::NAN.to_le_bytes());
            }
        },
    );
    let wrong_dtype = rebuild(
        &good,
        |_| {},
        |n, dt, _, _| {
            if n == "layers.0.bias" {
                *dt = Dtype::I32;
            }
        },
    );
    let unchained = rebuild(
        &good,
        |m| m["layers"][1]["n_in"] = json!(15),
        |_, _, _, _| {},
    );
    let version = rebuild(&good, |m| m["format_version"] = json!(99), |_, _, _, _| {});
    let wrong_shape = rebuild(
        &good,
        |_| {},
        |n, _, s, d| {
            if n == "layers.1.bias" {
                *s = vec![9];
                d.truncate(36);
            }
        },
    );
    let bad_code = rebuild(
        &shared_file,
        |m| m["layers"][0]["codes"]["k"] = json!(2),
        |n, _, s, d| {
            if n == "layers.0.codebook" {
                *s = vec![2];
                d.truncate(8);
            }
        },
    );
    let huge_layer = rebuild(
        &good,
        |m| m["layers"][0]["n_out"] = json!(100_000),
        |_, _, _, _| {},
    );

    let w1 = vec![0.01f32; 100 * 784];
    let not_chaining = state_dict(&[
        ("0.weight", vec![100, 784], w1.clone()),
        ("0.bias", vec![100], vec![0.0; 100]),
        ("2.weight", vec![10, 50], vec![0.0; 500]),
    ]);
    let mut w_nan = w1.clone();
    w_nan[7] = f32::NAN;
    let torch_nan = state_dict(&[
        ("0.weight", vec![100, 784], w_nan),
        ("2.weight", vec![10, 100], vec![0.0; 1000]),
    ]);
    let no_weights = state_dict(&[("running_mean", vec![3], vec![0.0; 3])]);
    let weight_3d = state_dict(&[("0.weight", vec![2, 2, 2], vec![0.0; 8])]);

    let cases: Vec<Case> = vec![
        (
            "empty file",
            vec![],
            |b| fuzz::shrink_file(b).err().map(|e| e.to_string()),
            "too short",
        ),
        (
            "truncated header",
            good[..5].to_vec(),
            |b| fuzz::shrink_file(b).err().map(|e| e.to_string()),
            "too short",
        ),
        (
            "header of 5 GB",
            huge_header,
            |b| fuzz::shrink_file(b).err().map(|e| e.to_string()),
            "header claims",
        ),
        (
            "truncated data",
            good[..good.len() / 2].to_vec(),
            |b| fuzz::shrink_file(b).err().map(|e| e.to_string()),
            "truncated",
        ),
        (
            "NaN weight",
            nan,
            |b| fuzz::shrink_file(b).err().map(|e| e.to_string()),
            "not a finite number",
        ),
        (
            "wrong dtype",
            wrong_dtype,
            |b| fuzz::shrink_file(b).err().map(|e| e.to_string()),
            "dtype I32, expected F32",
        ),
        (
            "layers that do not chain",
            unchained,
            |b| fuzz::shrink_file(b).err().map(|e| e.to_string()),
            "do not chain",
        ),
        (
            "unknown format version",
            version,
            |b| fuzz::shrink_file(b).err().map(|e| e.to_string()),
            "format version 99",
        ),
        (
            "tensor of the wrong shape",
            wrong_shape,
            |b| fuzz::shrink_file(b).err().map(|e| e.to_string()),
            "has shape [9]",
        ),
        (
            "out-of-range k-means code",
            bad_code,
            |b| fuzz::shrink_file(b).err().map(|e| e.to_string()),
            "out of range",
        ),
        (
            "a layer of 100,000 neurons",
            huge_layer,
            |b| fuzz::shrink_file(b).err().map(|e| e.to_string()),
            "between 1 and 4096",
        ),
        (
            "PyTorch layers that do not chain",
            not_chaining,
            |b| fuzz::pytorch(b).err().map(|e| e.to_string()),
            "do not chain",
        ),
        (
            "PyTorch NaN weight",
            torch_nan,
            |b| fuzz::pytorch(b).err().map(|e| e.to_string()),
            "not a finite number",
        ),
        (
            "state_dict without Linear weights",
            no_weights,
            |b| fuzz::pytorch(b).err().map(|e| e.to_string()),
            "not the state_dict",
        ),
        (
            "3-D Linear weight",
            weight_3d,
            |b| fuzz::pytorch(b).err().map(|e| e.to_string()),
            "2-D",
        ),
        (
            "ONNX graph that is not an MLP",
            onnx_with_node("Conv"),
            |b| fuzz::onnx(b).err().map(|e| e.to_string()),
            "not an MLP",
        ),
        (
            "bytes that are not ONNX",
            b"\xff\xff\xff\xff garbage".to_vec(),
            |b| fuzz::onnx(b).err().map(|e| e.to_string()),
            "not a valid ONNX file",
        ),
    ];
    assert!(cases.len() >= 12);
    for (what, bytes, load, expect) in cases {
        let msg = load(&bytes).unwrap_or_else(|| panic!("{what}: accepted"));
        println!("{what:<36} -> {msg}");
        assert!(
            msg.contains(expect),
            "{what}: message '{msg}' does not say '{expect}'"
        );
        assert!(
            fuzz::any_file(&bytes).is_err(),
            "{what}: accepted by the sniffing loader"
        );
    }
}

/// Every prefix and many byte flips of valid files fail cleanly (a poor man's fuzzer; the
/// reliability harness runs the real one on the same entry points).
#[test]
fn truncations_and_bit_flips_never_panic() {
    let shared = quantize::apply(
        &tiny(),
        &Params {
            scheme: Scheme::KMeans,
            bits: 3,
            huffman: true,
            ..Params::default()
        },
        None,
    )
    .unwrap();
    let files = [
        save(&Model::Float(tiny()), &FileInfo::default()).unwrap(),
        save(&Model::Quantized(shared), &FileInfo::default()).unwrap(),
    ];
    for f in &files {
        for cut in (0..f.len()).step_by(97) {
            let _ = fuzz::any_file(&f[..cut]);
        }
        for i in (0..f.len()).step_by(13) {
            let mut g = f.clone();
            g[i] ^= 0x5a;
            let _ = fuzz::any_file(&g);
        }
    }
}

/// Corrupt quantized and binary Shrink files (the Files panel takes them as well as float ones)
/// are refused with a typed fault, which the page says in its language: never the free English
/// text of `Fault::Other`.
#[test]
fn corrupt_quantized_and_binary_files_name_their_fault() {
    let mut pruned = tiny();
    let sparsity = prune::Params {
        sparsity: vec![0.9],
        ..prune::Params::default()
    };
    prune::apply(&mut pruned, &sparsity, None).unwrap();
    let quantized = |scheme, bits| {
        let p = Params {
            scheme,
            bits,
            ..Params::default()
        };
        quantize::apply(&pruned, &p, None).unwrap()
    };
    let file = |model| save(&model, &FileInfo::default()).unwrap();
    let int8 = file(Model::Quantized(quantized(Scheme::Int, 8)));
    let mut shared = quantized(Scheme::KMeans, 3);
    shared.huffman = true;
    let huffman = file(Model::Quantized(shared));
    let fp = file(Model::Quantized(quantized(Scheme::Float, 8)));
    let mut bp = binarize::Params {
        method: Method::Bnn,
        ..Default::default()
    };
    bp.train.hidden = vec![16];
    let net = BinaryTrainer::new(bp, 100).unwrap().net;
    let binary = file(Model::Binary(PackedNet::from_net(&net).unwrap()));
    let tensor = |name: &'static str, change: fn(&mut Vec<usize>, &mut Vec<u8>)| {
        move |n: &str, _: &mut Dtype, s: &mut Vec<usize>, d: &mut Vec<u8>| {
            if n == name {
                change(s, d);
            }
        }
    };
    let cases: Vec<(&str, Vec<u8>, Fault)> = vec![
        (
            "index bits 0",
            rebuild(
                &int8,
                |m| m["quantized"]["index_bits"] = json!(0),
                |_, _, _, _| {},
            ),
            Fault::IndexBits,
        ),
        (
            "a negative scale",
            rebuild(
                &int8,
                |_| {},
                tensor("layers.0.scales", |_, d| {
                    d[..4].copy_from_slice(&(-1f32).to_le_bytes())
                }),
            ),
            Fault::LayerScale,
        ),
        (
            "a sparse index cut short",
            rebuild(
                &int8,
                |_| {},
                tensor("layers.0.index", |s, d| {
                    d.truncate(d.len() / 2);
                    *s = vec![d.len()];
                }),
            ),
            Fault::SparseIndexEnds,
        ),
        (
            "Huffman code lengths that are no prefix code",
            rebuild(
                &huffman,
                |_| {},
                tensor("layers.0.code_lengths", |_, d| d.fill(1)),
            ),
            Fault::HuffmanNotPrefix,
        ),
        (
            "an fp8 scale of 0",
            rebuild(&fp, |_| {}, tensor("layers.0.scale", |_, d| d.fill(0))),
            Fault::FloatScale,
        ),
        (
            "a binary layer that does not say what it emits",
            rebuild(
                &binary,
                |m| {
                    m["layers"][0].as_object_mut().unwrap().remove("output");
                },
                |_, _, _, _| {},
            ),
            Fault::BinaryOutputUnsaid,
        ),
        (
            "a binary net whose last layer emits signs",
            rebuild(
                &binary,
                |m| m["layers"][1]["output"] = json!("sign"),
                |_, _, _, _| {},
            ),
            Fault::BinaryLastNotLogits,
        ),
    ];
    for (what, bytes, want) in cases {
        match fuzz::shrink_file(&bytes) {
            Err(e @ Error::BadData { fault, .. }) => {
                println!("{what:<48} -> {e}");
                assert_eq!(fault, want, "{what}: {e}");
            }
            Err(e) => panic!("{what}: expected bad data, got {e}"),
            Ok(_) => panic!("{what}: accepted"),
        }
    }
}
