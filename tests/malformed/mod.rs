//! Builders of malformed model files, shared by the native (tests/bad_files.rs) and the browser
//! (tests/web_files.rs) bad-file tests: a Shrink file rewritten tensor by tensor, a PyTorch-style
//! state_dict, and an ONNX graph of one node.
#![allow(clippy::unwrap_used, dead_code)]

use safetensors::Dtype;
use serde_json::Value;
use shrink::io::onnx::proto::{GraphProto, ModelProto, NodeProto};
use shrink::io::tensors::{open, Archive};

/// A copy of `bytes` with its metadata and tensors passed through `edit_meta` and `edit`.
pub fn rebuild(
    bytes: &[u8],
    edit_meta: impl Fn(&mut Value),
    edit: impl Fn(&str, &mut Dtype, &mut Vec<usize>, &mut Vec<u8>),
) -> Vec<u8> {
    let t = open(bytes).unwrap();
    let mut meta: Value = serde_json::from_str(t.meta("shrink").unwrap()).unwrap();
    edit_meta(&mut meta);
    let mut ar = Archive::new();
    for name in t.names() {
        let (mut shape, data) = t.view_any(&name).unwrap();
        let (mut dtype, mut data) = (t.dtype(&name).unwrap(), data.to_vec());
        edit(&name, &mut dtype, &mut shape, &mut data);
        ar.raw(name, dtype, shape, data);
    }
    ar.serialize(meta.to_string()).unwrap()
}

/// A PyTorch-style state_dict.
pub fn state_dict(layers: &[(&str, Vec<usize>, Vec<f32>)]) -> Vec<u8> {
    let mut ar = Archive::new();
    for (name, shape, v) in layers {
        ar.f32(name.to_string(), shape.clone(), v);
    }
    ar.serialize_plain().unwrap()
}

pub fn onnx_with_node(op: &str) -> Vec<u8> {
    use prost::Message;
    let g = GraphProto {
        node: vec![NodeProto {
            op_type: Some(op.into()),
            input: vec!["input".into()],
            output: vec!["y".into()],
            ..Default::default()
        }],
        input: vec![shrink::io::onnx::builder::float_value("input", 784)],
        output: vec![shrink::io::onnx::builder::float_value("y", 10)],
        ..Default::default()
    };
    ModelProto {
        graph: Some(g),
        ..Default::default()
    }
    .encode_to_vec()
}
