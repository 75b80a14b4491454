//! Binary networks in the file: sign bits as u64 words `[n_out, words(n_in)]` (64 weights per
//! word, 1 bit each: XNOR-Net, Rastegari et al. 2016), full-precision layers as f32, and per
//! neuron the bias, α (only where it is part of the model) and batch norm's γ, β, mean and
//! variance — exactly the bytes `PackedNet::size` counts.

use super::meta::{BnMeta, LayerMeta, Layout};
use super::tensors::{Archive, Tensors};
use super::validate::check_layer_widths;
use crate::compress::binarize::{PackedLayerParts, PackedNet, PartWeights};
use crate::error::{bad_data, Result};
use crate::model::BatchNorm;
use crate::tensor::kernels::xnor;
use ndarray::Array1;
use safetensors::Dtype;

/// Appends the layers of `net`; returns their metadata.
pub fn write(net: &PackedNet, ar: &mut Archive) -> Vec<LayerMeta> {
    let mut metas = Vec::new();
    for (l, p) in net.to_parts().into_iter().enumerate() {
        let mut m = LayerMeta::new(p.n_in, p.n_out, Layout::Dense);
        match &p.weights {
            PartWeights::Signs(bits) => {
                m.layout = Layout::Signs;
                let bytes = bits.iter().flat_map(|w| w.to_le_bytes()).collect();
                ar.raw(
                    format!("layers.{l}.sign_bits"),
                    Dtype::U64,
                    vec![p.n_out, xnor::words(p.n_in)],
                    bytes,
                );
            }
            PartWeights::Float(w) => ar.f32(format!("layers.{l}.weight"), vec![p.n_out, p.n_in], w),
        }
        // α is stored when it is not all ones (XNOR-Net scaling).
        if p.alpha.iter().any(|&a| a != 1.0) {
            ar.f32(format!("layers.{l}.alpha"), vec![p.n_out], &p.alpha);
        }
        m.scaled = p.scaled;
        ar.f32(format!("layers.{l}.bias"), vec![p.n_out], &p.bias);
        if let Some(bn) = &p.bn {
            for (part, v) in [
                ("gamma", &bn.gamma),
                ("beta", &bn.beta),
                ("running_mean", &bn.running_mean),
                ("running_var", &bn.running_var),
            ] {
                ar.f32(
                    format!("layers.{l}.bn.{part}"),
                    vec![p.n_out],
                    v.as_slice().unwrap_or(&[]),
                );
            }
            m.bn = Some(BnMeta {
                eps: bn.eps,
                momentum: bn.momentum,
            });
        }
        m.output = Some(p.output);
        m.binary_inputs = p.binary_inputs;
        metas.push(m);
    }
    metas
}

/// Rebuilds the binary network described by `metas`.
///
/// # Errors
/// `BadData` in words for missing or mis-shaped tensors, non-finite values or bad flags.
pub fn read(metas: &[LayerMeta], t: &Tensors) -> Result<PackedNet> {
    check_layer_widths(metas)?;
    let mut parts = Vec::with_capacity(metas.len());
    for (l, m) in metas.iter().enumerate() {
        let (n_in, n_out) = (m.n_in, m.n_out);
        let weights = match m.layout {
            Layout::Signs => {
                let kw = xnor::words(n_in);
                let (_, data) = t.view(
                    &format!("layers.{l}.sign_bits"),
                    Dtype::U64,
                    Some(&[n_out, kw]),
                )?;
                PartWeights::Signs(
                    data.chunks_exact(8)
                        .map(|c| {
                            u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])
                        })
                        .collect(),
                )
            }
            Layout::Dense => {
                PartWeights::Float(t.f32(&format!("layers.{l}.weight"), &[n_out, n_in])?)
            }
            other => {
                return Err(bad_data!(
                    BinaryLayout,
                    layer = l + 1,
                    layout = format!("{other:?}")
                ))
            }
        };
        let alpha_name = format!("layers.{l}.alpha");
        let alpha = if t.has(&alpha_name) {
            t.f32(&alpha_name, &[n_out])?
        } else {
            vec![1.0; n_out]
        };
        let bn = match m.bn {
            Some(BnMeta { eps, momentum }) => {
                let v = |part: &str| {
                    t.f32(&format!("layers.{l}.bn.{part}"), &[n_out])
                        .map(Array1::from)
                };
                Some(BatchNorm {
                    gamma: v("gamma")?,
                    beta: v("beta")?,
                    running_mean: v("running_mean")?,
                    running_var: v("running_var")?,
                    momentum,
                    eps,
                })
            }
            None => None,
        };
        let output = m
            .output
            .ok_or_else(|| bad_data!(BinaryOutputUnsaid, layer = l + 1))?;
        parts.push(PackedLayerParts {
            n_in,
            n_out,
            weights,
            alpha,
            scaled: m.scaled,
            bias: t.f32(&format!("layers.{l}.bias"), &[n_out])?,
            bn,
            output,
            binary_inputs: m.binary_inputs,
        });
    }
    PackedNet::from_parts(parts)
}
