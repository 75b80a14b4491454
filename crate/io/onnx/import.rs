//! Reads an ONNX MLP as PyTorch's `torch.onnx.export` writes one: Gemm (transB = 1, or 0), or
//! MatMul then Add, each optionally followed by Relu, in one chain from the graph input to its
//! output (Identity, Flatten and a final (Log)Softmax are allowed: they do not change argmax).
//! Anything else — a Conv, a branch, external data — is refused in words, naming the node.

use super::proto::{tensor_proto::DataType, GraphProto, ModelProto, NodeProto};
use crate::error::bad_data;
use crate::error::{Error, Result};
use crate::model::{Activation, Dense, Mlp};
use ndarray::{Array1, Array2};
use prost::Message;
use std::collections::HashMap;

/// Largest ONNX file we parse.
pub const MAX_ONNX_BYTES: usize = 64 * 1024 * 1024;

/// The MLP in an ONNX file, and its `input_scaling` metadata if any.
///
/// # Errors
/// `BadData` in words when the bytes are not ONNX or the graph is not an MLP.
pub fn import(bytes: &[u8]) -> Result<(Mlp, Option<String>)> {
    if bytes.len() > MAX_ONNX_BYTES {
        return Err(bad_data!(
            OnnxTooLarge,
            bytes = bytes.len(),
            max = MAX_ONNX_BYTES
        ));
    }
    let model = ModelProto::decode(bytes).map_err(|e| bad_data!(OnnxInvalid, detail = e))?;
    let graph = model.graph.as_ref().ok_or_else(|| bad_data!(OnnxNoGraph))?;
    let scaling = model
        .metadata_props
        .iter()
        .find(|p| p.key.as_deref() == Some("input_scaling"))
        .and_then(|p| p.value.clone());
    Ok((read_graph(graph)?, scaling))
}

/// A float initializer: its dimensions and values.
type Initializer = (Vec<usize>, Vec<f32>);

fn initializers(g: &GraphProto) -> Result<HashMap<String, Initializer>> {
    let mut out = HashMap::new();
    for t in &g.initializer {
        let name = t.name.clone().unwrap_or_default();
        if t.data_type != Some(DataType::Float as i32) {
            continue; // not a weight of a float MLP; refused if a node uses it
        }
        if !t.external_data.is_empty() {
            return Err(bad_data!(OnnxExternalData, name = name));
        }
        let dims: Vec<usize> = t
            .dims
            .iter()
            .map(|&d| usize::try_from(d).unwrap_or(usize::MAX))
            .collect();
        let n = dims
            .iter()
            .try_fold(1usize, |a, &d| a.checked_mul(d))
            .filter(|&n| n <= crate::model::mlp::MAX_PARAMS);
        let n =
            n.ok_or_else(|| bad_data!(OnnxBadDims, name = name, dims = format!("{:?}", t.dims)))?;
        let values: Vec<f32> = match &t.raw_data {
            Some(raw) if !raw.is_empty() => raw
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            _ => t.float_data.clone(),
        };
        if values.len() != n {
            return Err(bad_data!(
                OnnxValueCount,
                name = name,
                count = values.len(),
                dims = format!("{dims:?}")
            ));
        }
        if values.iter().any(|v| !v.is_finite()) {
            return Err(bad_data!(OnnxNotFinite, name = name));
        }
        out.insert(name, (dims, values));
    }
    Ok(out)
}

fn attr_i(n: &NodeProto, name: &str, default: i64) -> i64 {
    n.attribute
        .iter()
        .find(|a| a.name.as_deref() == Some(name))
        .and_then(|a| a.i)
        .unwrap_or(default)
}

fn attr_f(n: &NodeProto, name: &str, default: f32) -> f32 {
    n.attribute
        .iter()
        .find(|a| a.name.as_deref() == Some(name))
        .and_then(|a| a.f)
        .unwrap_or(default)
}

fn read_graph(g: &GraphProto) -> Result<Mlp> {
    let inits = initializers(g)?;
    let input = g
        .input
        .iter()
        .filter_map(|v| v.name.clone())
        .find(|n| !inits.contains_key(n))
        .ok_or_else(|| bad_data!(OnnxNoInput))?;
    let output = g
        .output
        .first()
        .and_then(|v| v.name.clone())
        .ok_or_else(|| bad_data!(OnnxNoOutput))?;
    let mut cur = input;
    let mut layers: Vec<Dense> = Vec::new();
    let weight = |name: &str, node: &str| {
        inits
            .get(name)
            .ok_or_else(|| bad_data!(OnnxNeedsWeight, node = node, name = name))
    };
    for (i, n) in g.node.iter().enumerate() {
        let op = n.op_type.as_deref().unwrap_or("");
        let label = n
            .name
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("#{} ({op})", i + 1));
        let others: Vec<&String> = n.input.iter().filter(|s| **s != cur).collect();
        if !n.input.contains(&cur) {
            return Err(bad_data!(OnnxNotChain, node = label, op = op));
        }
        let out = n
            .output
            .first()
            .cloned()
            .ok_or_else(|| bad_data!(OnnxNodeNoOutput, node = label))?;
        let not_mlp = || bad_data!(OnnxNotMlp, node = label, op = op);
        match op {
            "Gemm" => {
                if n.input.first() != Some(&cur)
                    || attr_i(n, "transA", 0) != 0
                    || attr_f(n, "alpha", 1.0) != 1.0
                    || attr_f(n, "beta", 1.0) != 1.0
                {
                    return Err(bad_data!(OnnxGemmForm, node = label));
                }
                let (dims, w) = weight(n.input.get(1).map_or("", String::as_str), &label)?;
                let [a, b] = dims[..] else {
                    return Err(bad_data!(
                        OnnxWeightNot2d,
                        op = "Gemm",
                        node = label,
                        dims = format!("{dims:?}")
                    ));
                };
                let (n_out, n_in, w) = if attr_i(n, "transB", 0) == 1 {
                    (a, b, w.clone())
                } else {
                    (b, a, transpose(w, a, b))
                };
                let bias = match n.input.get(2) {
                    Some(c) => bias_of(weight(c, &label)?, n_out, &label)?,
                    None => vec![0.0; n_out],
                };
                layers.push(layer(w, n_in, n_out, bias, &label)?);
            }
            "MatMul" => {
                if n.input.first() != Some(&cur) {
                    return Err(bad_data!(OnnxMatMulForm, node = label));
                }
                let (dims, w) = weight(n.input.get(1).map_or("", String::as_str), &label)?;
                let [a, b] = dims[..] else {
                    return Err(bad_data!(
                        OnnxWeightNot2d,
                        op = "MatMul",
                        node = label,
                        dims = format!("{dims:?}")
                    ));
                };
                layers.push(layer(transpose(w, a, b), a, b, vec![0.0; b], &label)?);
            }
            "Add" => {
                let last = layers
                    .last_mut()
                    .filter(|l| l.act == Activation::Identity && l.b.iter().all(|&v| v == 0.0));
                let (Some(last), [c]) = (last, others.as_slice()) else {
                    return Err(not_mlp());
                };
                last.b = Array1::from(bias_of(weight(c, &label)?, last.n_out(), &label)?);
            }
            "Relu" => match layers.last_mut() {
                Some(l) if l.act == Activation::Identity => l.act = Activation::Relu,
                _ => return Err(bad_data!(OnnxReluFirst, node = label)),
            },
            "Identity" | "Flatten" | "Softmax" | "LogSoftmax" => {}
            _ => return Err(not_mlp()),
        }
        cur = out;
    }
    if cur != output {
        return Err(bad_data!(OnnxOutputNotEnd));
    }
    if layers.is_empty() {
        return Err(bad_data!(OnnxNoLayers));
    }
    for (l, pair) in layers.windows(2).enumerate() {
        if pair[0].n_out() != pair[1].n_in() {
            return Err(bad_data!(
                LayersDoNotChain,
                a = l + 1,
                outputs = pair[0].n_out(),
                b = l + 2,
                inputs = pair[1].n_in()
            ));
        }
    }
    Ok(Mlp { layers })
}

fn transpose(w: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut t = vec![0f32; w.len()];
    for r in 0..rows {
        for c in 0..cols {
            t[c * rows + r] = w[r * cols + c];
        }
    }
    t
}

fn bias_of((dims, v): &Initializer, n_out: usize, label: &str) -> Result<Vec<f32>> {
    if v.len() != n_out || dims.iter().filter(|&&d| d != 1).count() > 1 {
        return Err(bad_data!(
            OnnxBiasDims,
            node = label,
            dims = format!("{dims:?}"),
            n_out = n_out
        ));
    }
    Ok(v.clone())
}

fn layer(w: Vec<f32>, n_in: usize, n_out: usize, b: Vec<f32>, label: &str) -> Result<Dense> {
    if n_in == 0
        || n_out == 0
        || n_in > crate::model::mlp::MAX_WIDTH
        || n_out > crate::model::mlp::MAX_WIDTH
    {
        return Err(bad_data!(
            OnnxLayerSize,
            node = label,
            n_out = n_out,
            n_in = n_in
        ));
    }
    let w = Array2::from_shape_vec((n_out, n_in), w)
        .map_err(|_| Error::shape("ONNX layer", (n_out, n_in), "other"))?;
    Dense::from_parts(w, Array1::from(b), Activation::Identity, None)
}
