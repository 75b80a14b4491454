//! Targets `model_file` (`shrink::io::load`, Shrink's own files), `onnx`
//! (`io::onnx::import`) and `pytorch` (`io::pytorch::import`), fed mutated valid files.

use super::fixtures::tiny_model;
use super::outcome;
use shrink::compress::quantize;

fn saved_models() -> Vec<Vec<u8>> {
    use shrink::io::{save, FileInfo};
    use shrink::version::Model;
    let mlp = tiny_model().clone();
    let mut out = vec![save(&Model::Float(mlp.clone()), &FileInfo::default()).unwrap()];
    let mut pruned = mlp.clone();
    quantize::deep::magnitude_prune(&mut pruned, &[0.8]);
    out.push(save(&Model::Float(pruned), &FileInfo::default()).unwrap());
    let q = quantize::apply(
        &mlp,
        &quantize::Params {
            bits: 4,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    out.push(save(&Model::Quantized(q), &FileInfo::default()).unwrap());
    out
}

pub fn model_file_seeds() -> Vec<Vec<u8>> {
    saved_models()
}

pub fn model_file(input: &[u8]) -> String {
    let loaded = shrink::io::load(input);
    if let Ok(f) = &loaded {
        // A file that loads must also run: one forward pass on one digit.
        let x = vec![0.0f32; 784];
        if let shrink::version::Model::Float(m) = &f.model {
            return outcome(&m.forward(&x, 1, &mut shrink::model::Workspace::default()));
        }
    }
    outcome(&loaded)
}

pub fn onnx_seeds() -> Vec<Vec<u8>> {
    let mlp = tiny_model().clone();
    vec![shrink::io::onnx::export(&shrink::version::Model::Float(mlp), "tiny").unwrap()]
}

pub fn onnx(input: &[u8]) -> String {
    match shrink::io::onnx::import(input) {
        Ok((m, _)) => {
            let x = vec![0.0f32; m.n_in()];
            outcome(&m.forward(&x, 1, &mut shrink::model::Workspace::default()))
        }
        Err(e) => outcome::<()>(&Err(e)),
    }
}

pub fn pytorch_seeds() -> Vec<Vec<u8>> {
    // No exporter: a tiny zip-like header and a pickle opcode stream to start from.
    vec![
        b"PK\x03\x04".to_vec(),
        b"\x80\x02}q\x00.".to_vec(),
        Vec::new(),
    ]
}

pub fn pytorch(input: &[u8]) -> String {
    outcome(&shrink::io::pytorch::import(input))
}
