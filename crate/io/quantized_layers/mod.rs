//! Quantized models in the file, as Deep Compression stores them (Han et al. 2016, §2–4): each
//! layer's codes at their bit width (int1–8 as q − q_min, fp16/bf16/fp8 bit patterns, k-means
//! indices), its scales and zero points or codebook, and — when the model is pruned and that is
//! smaller — only the kept weights' codes plus a relative gap index of `index_bits`-bit symbols
//! (with escapes), both optionally Huffman-coded with one length byte per alphabet symbol.
//! `code_stream` holds the symbols' layout, `layer_codes` what turns them back into weights.

mod code_stream;
mod layer_codes;

use super::meta::{LayerMeta, Layout, QuantMeta};
use super::tensors::{Archive, Tensors};
use super::validate::check_layer_widths;
use crate::compress::quantize::packing::LayerBits;
use crate::compress::quantize::{QParams, QuantizedMlp};
use crate::error::Setting;
use crate::error::{bad_data, check_positive, Result};

/// True when the whole model is smaller stored sparsely (the choice `QuantizedMlp::size` makes).
pub fn sparse_is_smaller(q: &QuantizedMlp) -> bool {
    let total = |sparse| {
        q.layer_bits(sparse)
            .iter()
            .map(LayerBits::total)
            .sum::<u64>()
    };
    total(true) < total(false)
}

/// Appends the layers of `q`; `sparse` stores masked layers as kept codes + gap index.
///
/// # Errors
/// `BadData` if a code does not fit its width or a Huffman code would be too long.
pub fn write(
    q: &QuantizedMlp,
    sparse: bool,
    ar: &mut Archive,
) -> Result<(Vec<LayerMeta>, QuantMeta)> {
    let mut metas = Vec::new();
    for (l, layer) in q.layers.iter().enumerate() {
        let (n_in, n_out) = (layer.n_in(), layer.n_out());
        let mut m = LayerMeta::new(n_in, n_out, Layout::DenseCodes);
        m.activation = Some(layer.act);
        m.bits = layer.bits;
        m.masked = layer.mask.is_some();
        code_stream::write(l, layer, sparse, q, ar, &mut m)?;
        layer_codes::write(l, layer, ar, &mut m);
        ar.f32(format!("layers.{l}.bias"), vec![n_out], &layer.b);
        metas.push(m);
    }
    let act_params = q.act_qp.as_ref().map_or(0, Vec::len);
    if let Some(aq) = &q.act_qp {
        let scales: Vec<f32> = aq.iter().map(|p| p.scale).collect();
        ar.f32("activations.scales".into(), vec![aq.len()], &scales);
        let ints: Vec<i32> = aq.iter().flat_map(|p| [p.zero, p.q_min, p.q_max]).collect();
        ar.i32("activations.zero_min_max".into(), &ints);
    }
    Ok((
        metas,
        QuantMeta {
            index_bits: q.index_bits,
            huffman: q.huffman,
            act_params,
        },
    ))
}

/// Rebuilds the quantized model described by `metas` and `qm`.
///
/// # Errors
/// `BadData` in words for missing or mis-shaped tensors, bad scales, or out-of-range codes.
pub fn read(metas: &[LayerMeta], qm: &QuantMeta, t: &Tensors) -> Result<QuantizedMlp> {
    check_layer_widths(metas)?;
    if !(1..=16).contains(&qm.index_bits) {
        return Err(bad_data!(IndexBits, bits = qm.index_bits));
    }
    let layers = metas
        .iter()
        .enumerate()
        .map(|(l, m)| layer_codes::read(l, m, qm, t))
        .collect::<Result<Vec<_>>>()?;
    let act_qp = if qm.act_params == 0 {
        None
    } else {
        if qm.act_params != metas.len() {
            return Err(bad_data!(
                ActivationQuantizers,
                count = qm.act_params,
                layers = metas.len()
            ));
        }
        let scales = t.f32("activations.scales", &[qm.act_params])?;
        let ints = t.i32("activations.zero_min_max", 3 * qm.act_params)?;
        let qps = scales
            .iter()
            .zip(ints.chunks_exact(3))
            .map(|(&scale, z)| {
                check_positive(Setting::ActivationScale, scale)?;
                let (zero, q_min, q_max) = (z[0], z[1], z[2]);
                if !(-128 <= q_min
                    && q_min < q_max
                    && q_max <= 127
                    && q_min <= zero
                    && zero <= q_max)
                {
                    return Err(bad_data!(
                        ActivationGrid,
                        q_min = q_min,
                        q_max = q_max,
                        zero = zero
                    ));
                }
                Ok(QParams {
                    scale,
                    zero,
                    q_min,
                    q_max,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Some(qps)
    };
    Ok(QuantizedMlp {
        layers,
        act_qp,
        index_bits: qm.index_bits,
        huffman: qm.huffman,
    })
}
