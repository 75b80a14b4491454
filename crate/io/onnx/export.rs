//! Any version as an ONNX graph (opset 13) that ONNX Runtime runs on `input` `[batch, n_in]`
//! to `logits` `[batch, n_out]`. Float layers are MatMul + Add (a factored layer is simply two
//! of them; pruned weights are zeros); integer codes stay int8 and pass through
//! DequantizeLinear (per-channel scales and zero points), with activations quantized by
//! QuantizeLinear/DequantizeLinear pairs (the QDQ form, Jacob et al. 2018); other codes are
//! exported decoded. Binary layers multiply by α·(±1), then batch norm and Sign (Hubara 2016).

use super::builder::{attr_float, attr_int, f32_tensor, float_value, i8_tensor, node};
use super::proto::{
    GraphProto, ModelProto, NodeProto, OperatorSetIdProto, StringStringEntryProto, TensorProto,
};
use crate::compress::binarize::{Output, PartWeights};
use crate::compress::quantize::{LayerCodes, QParams};
use crate::error::{Error, Result};
use crate::model::Activation;
use crate::tensor::as_slice;
use crate::tensor::kernels::xnor;
use crate::version::Model;
use prost::Message;

/// The opset the graphs use.
pub const OPSET: i64 = 13;

/// Nodes and initializers under construction, threading the current tensor name.
struct Graph {
    nodes: Vec<NodeProto>,
    inits: Vec<TensorProto>,
    cur: String,
    counter: usize,
}

impl Graph {
    fn push(
        &mut self,
        op: &str,
        extra_inputs: &[&str],
        attributes: Vec<super::proto::AttributeProto>,
    ) {
        self.counter += 1;
        let out = format!("{}_{}", op.to_lowercase(), self.counter);
        let mut inputs = vec![self.cur.as_str()];
        inputs.extend_from_slice(extra_inputs);
        self.nodes.push(node(op, &out, &inputs, &out, attributes));
        self.cur = out;
    }

    /// x → Q → DQ with one activation quantizer.
    fn qdq(&mut self, l: usize, qa: &QParams) {
        let (s, z) = (format!("act{l}.scale"), format!("act{l}.zero_point"));
        self.inits.push(f32_tensor(&s, &[], &[qa.scale]));
        self.inits.push(i8_tensor(&z, &[], &[qa.zero as i8]));
        self.push("QuantizeLinear", &[&s, &z], vec![]);
        self.push("DequantizeLinear", &[&s, &z], vec![]);
    }

    /// x·Wᵀ with W `[n_out, n_in]` given as f32, then + b.
    fn dense(&mut self, l: usize, w: &[f32], n_in: usize, n_out: usize, b: &[f32]) {
        let wt = transpose(w, n_out, n_in);
        let (wn, bn) = (format!("layer{l}.weight_t"), format!("layer{l}.bias"));
        self.inits.push(f32_tensor(&wn, &[n_in, n_out], &wt));
        self.inits.push(f32_tensor(&bn, &[n_out], b));
        self.push("MatMul", &[&wn], vec![]);
        self.push("Add", &[&bn], vec![]);
    }

    fn activation(&mut self, act: Activation) {
        match act {
            Activation::Relu => self.push("Relu", &[], vec![]),
            Activation::Tanh => self.push("Tanh", &[], vec![]),
            Activation::Sigmoid => self.push("Sigmoid", &[], vec![]),
            Activation::Identity => {}
        }
    }
}

fn transpose<T: Copy + Default>(w: &[T], rows: usize, cols: usize) -> Vec<T> {
    let mut t = vec![T::default(); w.len()];
    for r in 0..rows {
        for c in 0..cols {
            if let (Some(v), Some(o)) = (w.get(r * cols + c), t.get_mut(c * rows + r)) {
                *o = *v;
            }
        }
    }
    t
}

/// The ONNX bytes of `model`.
///
/// # Errors
/// `BadData` if the model's arrays are not contiguous.
pub fn export(model: &Model, name: &str) -> Result<Vec<u8>> {
    let sizes = model.sizes();
    let (n_in, n_out) = (
        sizes.first().copied().unwrap_or(0),
        sizes.last().copied().unwrap_or(0),
    );
    let mut g = Graph {
        nodes: Vec::new(),
        inits: Vec::new(),
        cur: "input".into(),
        counter: 0,
    };
    match model {
        Model::Float(m) => {
            for (l, d) in m.layers.iter().enumerate() {
                g.dense(
                    l,
                    as_slice(&d.w)?,
                    d.n_in(),
                    d.n_out(),
                    d.b.as_slice().unwrap_or(&[]),
                );
                g.activation(d.act);
            }
        }
        Model::Quantized(q) => {
            for (l, layer) in q.layers.iter().enumerate() {
                if let Some(qa) = q.act_qp.as_ref().and_then(|a| a.get(l)) {
                    g.qdq(l, qa);
                }
                let (ni, no) = (layer.n_in(), layer.n_out());
                match &layer.codes {
                    LayerCodes::Int { q: codes, qp, .. } => {
                        let (wn, sn, zn, bn) = (
                            format!("layer{l}.weight_q_t"),
                            format!("layer{l}.weight_scale"),
                            format!("layer{l}.weight_zero_point"),
                            format!("layer{l}.bias"),
                        );
                        g.inits
                            .push(i8_tensor(&wn, &[ni, no], &transpose(codes, no, ni)));
                        let scales: Vec<f32> = qp.iter().map(|p| p.scale).collect();
                        let zeros: Vec<i8> = qp.iter().map(|p| p.zero as i8).collect();
                        let dims: &[usize] = if qp.len() == 1 { &[] } else { &[no] };
                        g.inits.push(f32_tensor(&sn, dims, &scales));
                        g.inits.push(i8_tensor(&zn, dims, &zeros));
                        g.inits.push(f32_tensor(&bn, &[no], &layer.b));
                        // Dequantize the int8 weights (per output column), then MatMul + Add.
                        let keep = std::mem::replace(&mut g.cur, wn.clone());
                        g.push("DequantizeLinear", &[&sn, &zn], vec![attr_int("axis", 1)]);
                        let w = std::mem::replace(&mut g.cur, keep);
                        g.push("MatMul", &[&w], vec![]);
                        g.push("Add", &[&bn], vec![]);
                    }
                    _ => g.dense(
                        l,
                        layer
                            .weights
                            .as_slice()
                            .ok_or_else(|| Error::data("weights are not contiguous"))?,
                        ni,
                        no,
                        &layer.b,
                    ),
                }
                g.activation(layer.act);
            }
        }
        Model::Binary(b) => {
            for (l, p) in b.to_parts().into_iter().enumerate() {
                let w: Vec<f32> = match &p.weights {
                    PartWeights::Float(w) => w
                        .iter()
                        .enumerate()
                        .map(|(i, &v)| v * p.alpha[i / p.n_in.max(1)])
                        .collect(),
                    PartWeights::Signs(bits) => {
                        let kw = xnor::words(p.n_in);
                        (0..p.n_out * p.n_in)
                            .map(|i| {
                                let (r, c) = (i / p.n_in, i % p.n_in);
                                let bit = (bits[r * kw + c / 64] >> (c % 64)) & 1;
                                p.alpha[r] * if bit == 1 { -1.0 } else { 1.0 }
                            })
                            .collect()
                    }
                };
                g.dense(l, &w, p.n_in, p.n_out, &p.bias);
                if let Some(bn) = &p.bn {
                    let names: Vec<String> = ["gamma", "beta", "mean", "var"]
                        .iter()
                        .map(|s| format!("layer{l}.bn_{s}"))
                        .collect();
                    for (n, v) in
                        names
                            .iter()
                            .zip([&bn.gamma, &bn.beta, &bn.running_mean, &bn.running_var])
                    {
                        g.inits
                            .push(f32_tensor(n, &[p.n_out], v.as_slice().unwrap_or(&[])));
                    }
                    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                    g.push(
                        "BatchNormalization",
                        &refs,
                        vec![attr_float("epsilon", bn.eps)],
                    );
                }
                match p.output {
                    Output::Relu => g.push("Relu", &[], vec![]),
                    Output::Sign => g.push("Sign", &[], vec![]),
                    Output::Logits => {}
                }
            }
        }
    }
    // Name the last tensor `logits`.
    let last = g.cur.clone();
    g.nodes
        .push(node("Identity", "logits", &[&last], "logits", vec![]));
    let graph = GraphProto {
        name: Some(name.to_string()),
        node: g.nodes,
        initializer: g.inits,
        input: vec![float_value("input", n_in)],
        output: vec![float_value("logits", n_out)],
        ..Default::default()
    };
    let m = ModelProto {
        ir_version: Some(7),
        producer_name: Some("shrink".into()),
        producer_version: Some(env!("CARGO_PKG_VERSION").into()),
        opset_import: vec![OperatorSetIdProto {
            domain: Some(String::new()),
            version: Some(OPSET),
        }],
        metadata_props: vec![StringStringEntryProto {
            key: Some("input_scaling".into()),
            value: Some("mean-std".into()),
        }],
        graph: Some(graph),
        ..Default::default()
    };
    Ok(m.encode_to_vec())
}
