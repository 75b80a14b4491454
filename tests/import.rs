//! Import of a PyTorch MLP (issue 11): the committed fixture (tests/fixtures/pytorch, trained once
//! by PyTorch) imported from its safetensors state_dict and from its ONNX export evaluates on
//! MNIST within 0.01 pp (one digit) of the accuracy PyTorch printed; our own ONNX export of it
//! imports back with identical predictions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use shrink::compress::Compressed;
use shrink::io::import::{self, Kind};
use shrink::io::{onnx, InputScaling};
use shrink::version::Model;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/pytorch/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn pytorch_correct() -> usize {
    String::from_utf8(fixture("accuracy.txt"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn pytorch_safetensors_and_onnx_imports_match_pytorchs_accuracy() {
    let (_, test) = common::mnist();
    let expected = pytorch_correct();
    for (file, kind) in [
        ("mlp_784_100_10.safetensors", Kind::PyTorch),
        ("mlp_784_100_10.onnx", Kind::Onnx),
    ] {
        let bytes = fixture(file);
        assert_eq!(import::sniff(&bytes), kind, "{file}");
        let imported = import::any(&bytes, None).unwrap();
        let said = imported.note.clone().unwrap();
        let note = said.to_string();
        // The note is typed: the page says its scaling and where it came from by id.
        assert_eq!(said.wire()["args"]["how"]["id"], "ScalingFromMetadata");
        assert!(
            note.contains("p/255") && note.contains("metadata"),
            "{file}: {note}"
        );
        let ev = imported.file.model.evaluate(test, 0).unwrap();
        let correct = ev.count - ev.errors();
        println!(
            "{file}: {note}; accuracy {:.2}% ({correct} correct) vs PyTorch {expected}",
            100.0 * ev.accuracy
        );
        assert!(
            correct.abs_diff(expected) <= 1,
            "{file}: {correct} correct vs PyTorch's {expected} (more than 0.01 pp apart)"
        );

        // Asked for the other scaling, the importer uses it (and the accuracy shows it is wrong).
        let asked = import::any(&bytes, Some(InputScaling::default())).unwrap();
        assert!(asked.note.unwrap().to_string().contains("as asked"));
        let wrong = asked.file.model.evaluate(test, 0).unwrap();
        assert_ne!(
            wrong.errors(),
            ev.errors(),
            "{file}: the scaling must matter"
        );
    }
}

#[test]
fn our_onnx_export_imports_back_with_the_same_predictions() {
    let (_, test) = common::mnist();
    let imported = import::any(&fixture("mlp_784_100_10.safetensors"), None)
        .unwrap()
        .file
        .model;
    let bytes = onnx::export(&imported, "round trip").unwrap();
    let back = import::onnx_mlp(&bytes, None).unwrap();
    assert!(back.note.unwrap().to_string().contains("mean/std"));
    let (a, b) = (
        imported.evaluate(test, 0).unwrap(),
        back.file.model.evaluate(test, 0).unwrap(),
    );
    assert_eq!(a.errors(), b.errors());
    let Model::Float(m) = &back.file.model else {
        panic!("float")
    };
    assert_eq!(m.sizes(), vec![784, 100, 10]);
}
