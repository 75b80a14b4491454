//! Quantized models in the file, as Deep Compression stores them (Han et al. 2016, §2–4): each
//! layer's codes at their bit width (int1–8 as q − q_min, fp16/bf16/fp8 bit patterns, k-means
//! indices), its scales and zero points or codebook, and — when the model is pruned and that is
//! smaller — only the kept weights' codes plus a relative gap index of `index_bits`-bit symbols
//! (with escapes), both optionally Huffman-coded with one length byte per alphabet symbol.

use super::bits::{packed_len, BitReader, BitWriter};
use super::huffman_code;
use super::meta::{CodesMeta, LayerMeta, Layout, QuantMeta};
use super::tensors::{Archive, Tensors};
use super::validate::{check_layer_widths, mask_from_bits, mask_to_bits};
use crate::compress::quantize::fixed_point::{grid, row_params};
use crate::compress::quantize::kmeans::Codebook;
use crate::compress::quantize::packing::{gap_symbols, LayerBits};
use crate::compress::quantize::{LayerCodes, QLayer, QParams, QuantizedMlp};
use crate::error::Setting;
use crate::error::{check_positive, Error, Result};
use crate::model::Activation;
use ndarray::Array2;
use safetensors::Dtype;

/// Every weight's code symbol (row-major), as `packing` counts it.
fn symbols(l: &QLayer) -> Vec<u32> {
    match &l.codes {
        LayerCodes::Int { q, .. } => {
            let (q_min, _) = grid(l.bits);
            q.iter()
                .map(|&v| (i32::from(v) - q_min).max(0) as u32)
                .collect()
        }
        LayerCodes::Float { codes, format, .. } => codes
            .iter()
            .map(|&c| u32::from(c) & ((1u32 << format.bits()) - 1))
            .collect(),
        LayerCodes::Shared { book } => book.codes.iter().map(|&c| u32::from(c)).collect(),
    }
}

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
        let syms = symbols(layer);
        if let Some(s) = syms.iter().find(|&&s| s >= 1u32 << layer.bits.min(31)) {
            return Err(Error::data(format!(
                "layer {}: code {s} does not fit in {} bits",
                l + 1,
                layer.bits
            )));
        }
        let mask = layer.mask.as_ref().and_then(|m| m.as_slice());
        match mask {
            Some(mk) if sparse => {
                m.layout = Layout::SparseCodes;
                let kept: Vec<u32> = syms
                    .iter()
                    .zip(mk)
                    .filter(|(_, &k)| k != 0.0)
                    .map(|(&s, _)| s)
                    .collect();
                let gaps = gap_symbols(mk, q.index_bits);
                m.kept = kept.len();
                m.index_symbols = gaps.len();
                let (mut cw, mut iw) = (BitWriter::new(), BitWriter::new());
                if q.huffman {
                    let lc = huffman_code::lengths_for(&kept, 1 << layer.bits)?;
                    let li = huffman_code::lengths_for(&gaps, 1 << q.index_bits)?;
                    huffman_code::encode(&kept, &lc, &mut cw)?;
                    huffman_code::encode(&gaps, &li, &mut iw)?;
                    ar.bytes(format!("layers.{l}.code_lengths"), lc);
                    ar.bytes(format!("layers.{l}.index_lengths"), li);
                } else {
                    kept.iter().for_each(|&s| cw.put(s, layer.bits));
                    gaps.iter().for_each(|&s| iw.put(s, q.index_bits));
                }
                ar.bytes(format!("layers.{l}.codes"), cw.into_bytes());
                ar.bytes(format!("layers.{l}.index"), iw.into_bytes());
            }
            _ => {
                let mut w = BitWriter::new();
                syms.iter().for_each(|&s| w.put(s, layer.bits));
                ar.bytes(format!("layers.{l}.codes"), w.into_bytes());
                if let Some(mk) = mask {
                    ar.bytes(format!("layers.{l}.mask_bits"), mask_to_bits(mk));
                }
            }
        }
        match &layer.codes {
            LayerCodes::Int { qp, .. } => {
                let zero_points = qp.iter().any(|p| p.zero != 0);
                m.codes = Some(CodesMeta::Int {
                    n_params: qp.len(),
                    zero_points,
                });
                let scales: Vec<f32> = qp.iter().map(|p| p.scale).collect();
                ar.f32(format!("layers.{l}.scales"), vec![qp.len()], &scales);
                if zero_points {
                    let z = qp.iter().map(|p| p.zero as i8 as u8).collect();
                    ar.raw(
                        format!("layers.{l}.zero_points"),
                        Dtype::I8,
                        vec![qp.len()],
                        z,
                    );
                }
            }
            LayerCodes::Float { format, scale, .. } => {
                m.codes = Some(CodesMeta::Float { format: *format });
                ar.f32(format!("layers.{l}.scale"), vec![1], &[*scale]);
            }
            LayerCodes::Shared { book } => {
                m.codes = Some(CodesMeta::Shared {
                    k: book.centroids.len(),
                });
                ar.f32(
                    format!("layers.{l}.codebook"),
                    vec![book.centroids.len()],
                    &book.centroids,
                );
            }
        }
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
        return Err(Error::data(format!(
            "index bits = {} (must be 1 to 16)",
            qm.index_bits
        )));
    }
    let layers = metas
        .iter()
        .enumerate()
        .map(|(l, m)| read_layer(l, m, qm, t))
        .collect::<Result<Vec<_>>>()?;
    let act_qp = if qm.act_params == 0 {
        None
    } else {
        if qm.act_params != metas.len() {
            return Err(Error::data(format!(
                "{} activation quantizers for {} layers",
                qm.act_params,
                metas.len()
            )));
        }
        let scales = t.f32("activations.scales", &[qm.act_params])?;
        let ints = t.i32("activations.zero_min_max", 3 * qm.act_params)?;
        let qps = scales
            .iter()
            .zip(ints.chunks_exact(3))
            .map(|(&scale, z)| {
                check_positive(Setting::ActivationScale, scale)?;
                let (zero, q_min, q_max) = (z[0], z[1], z[2]);
                if !(-128 <= q_min && q_min < q_max && q_max <= 127 && q_min <= zero && zero <= q_max) {
                    return Err(Error::data(format!("activation grid [{q_min}, {q_max}] with zero point {zero} is not a signed 8-bit grid")));
                }
                Ok(QParams { scale, zero, q_min, q_max })
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

/// The mask and every weight's symbol of layer `l` (pruned positions get `pruned_symbol(row)`).
fn read_symbols(
    l: usize,
    m: &LayerMeta,
    qm: &QuantMeta,
    t: &Tensors,
    pruned_symbol: &dyn Fn(usize) -> u32,
) -> Result<(Vec<u32>, Option<Vec<f32>>)> {
    let n = m.n_in * m.n_out;
    match m.layout {
        Layout::DenseCodes => {
            let bytes = t.bytes(&format!("layers.{l}.codes"), packed_len(n, m.bits))?;
            let mut r = BitReader::new(bytes, "the code stream");
            let syms = (0..n).map(|_| r.get(m.bits)).collect::<Result<Vec<_>>>()?;
            let mask = if m.masked {
                Some(mask_from_bits(
                    t.bytes(&format!("layers.{l}.mask_bits"), n.div_ceil(8))?,
                    n,
                ))
            } else {
                None
            };
            Ok((syms, mask))
        }
        Layout::SparseCodes => {
            if m.kept > n || m.index_symbols > 2 * n + 1 {
                return Err(Error::data(format!(
                    "layer {}: {} kept weights and {} index symbols for {n} weights",
                    l + 1,
                    m.kept,
                    m.index_symbols
                )));
            }
            let codes = t.bytes_any(&format!("layers.{l}.codes"))?;
            let index = t.bytes_any(&format!("layers.{l}.index"))?;
            let (mut cr, mut ir) = (
                BitReader::new(codes, "the code stream"),
                BitReader::new(index, "the sparse index"),
            );
            let (kept, gaps) = if qm.huffman {
                let lc = t.bytes(&format!("layers.{l}.code_lengths"), 1 << m.bits)?;
                let li = t.bytes(&format!("layers.{l}.index_lengths"), 1 << qm.index_bits)?;
                (
                    huffman_code::decode(m.kept, lc, &mut cr)?,
                    huffman_code::decode(m.index_symbols, li, &mut ir)?,
                )
            } else {
                (
                    (0..m.kept)
                        .map(|_| cr.get(m.bits))
                        .collect::<Result<Vec<_>>>()?,
                    (0..m.index_symbols)
                        .map(|_| ir.get(qm.index_bits))
                        .collect::<Result<Vec<_>>>()?,
                )
            };
            let esc = (1u32 << qm.index_bits) - 1;
            let mut mask = vec![0f32; n];
            let mut syms: Vec<u32> = (0..n).map(|i| pruned_symbol(i / m.n_in.max(1))).collect();
            let (mut cursor, mut k) = (0usize, 0usize);
            for g in gaps {
                cursor += g as usize;
                if g == esc {
                    continue;
                }
                let (Some(slot), Some(&s)) = (mask.get_mut(cursor), kept.get(k)) else {
                    return Err(Error::data(format!(
                        "layer {}: the sparse index points past the end of the layer",
                        l + 1
                    )));
                };
                *slot = 1.0;
                syms[cursor] = s;
                cursor += 1;
                k += 1;
            }
            if k != m.kept {
                return Err(Error::data(format!(
                    "layer {}: the sparse index holds {k} weights but the file says {}",
                    l + 1,
                    m.kept
                )));
            }
            Ok((syms, Some(mask)))
        }
        other => Err(Error::data(format!(
            "layer {} of a quantized model cannot have the {other:?} layout",
            l + 1
        ))),
    }
}

fn read_layer(l: usize, m: &LayerMeta, qm: &QuantMeta, t: &Tensors) -> Result<QLayer> {
    let (n_in, n_out) = (m.n_in, m.n_out);
    let name = l + 1;
    let codes_meta = m.codes.ok_or_else(|| {
        Error::data(format!(
            "layer {name} does not say how its codes are stored"
        ))
    })?;
    let b = t.f32(&format!("layers.{l}.bias"), &[n_out])?;
    let act = m.activation.unwrap_or(Activation::Identity);
    let out_of_range = |s: u32| {
        Error::data(format!(
            "layer {name}: code {s} is out of range for its {}-bit grid",
            m.bits
        ))
    };
    let (codes, weights, mask) = match codes_meta {
        CodesMeta::Int {
            n_params,
            zero_points,
        } => {
            if !(1..=8).contains(&m.bits) {
                return Err(Error::data(format!(
                    "layer {name}: {} bits per integer code (must be 1 to 8)",
                    m.bits
                )));
            }
            if n_params != 1 && n_params != n_out {
                return Err(Error::data(format!(
                    "layer {name}: {n_params} scales (1 or {n_out})"
                )));
            }
            let scales = t.f32(&format!("layers.{l}.scales"), &[n_params])?;
            let zeros: Vec<i32> = if zero_points {
                let (_, z) = t.view(
                    &format!("layers.{l}.zero_points"),
                    Dtype::I8,
                    Some(&[n_params]),
                )?;
                z.iter().map(|&v| i32::from(v as i8)).collect()
            } else {
                vec![0; n_params]
            };
            let qp = scales
                .iter()
                .zip(&zeros)
                .map(|(&s, &z)| QParams::new(s, z, m.bits))
                .collect::<Result<Vec<_>>>()
                .map_err(|e| Error::data(format!("layer {name}: {e}")))?;
            let (q_min, q_max) = grid(m.bits);
            let pruned = |r: usize| row_params(&qp, r).map_or(0, |p| (p.zero - q_min) as u32);
            let (syms, mask) = read_symbols(l, m, qm, t, &pruned)?;
            let mut q = Vec::with_capacity(syms.len());
            for &s in &syms {
                let v = q_min + s as i32;
                if v > q_max {
                    return Err(out_of_range(s));
                }
                q.push(v as i8);
            }
            let mut w = vec![0f32; q.len()];
            for (r, (qr, wr)) in q.chunks(n_in).zip(w.chunks_mut(n_in)).enumerate() {
                let p = row_params(&qp, r).ok_or_else(|| Error::data("missing scales"))?;
                qr.iter().zip(wr).for_each(|(&v, o)| *o = p.dequantize(v));
            }
            let row_sums = q
                .chunks(n_in)
                .map(|r| r.iter().map(|&v| i32::from(v)).sum())
                .collect();
            (LayerCodes::Int { q, qp, row_sums }, w, mask)
        }
        CodesMeta::Float { format } => {
            if m.bits != format.bits() {
                return Err(Error::data(format!(
                    "layer {name}: {format:?} codes are {} bits, not {}",
                    format.bits(),
                    m.bits
                )));
            }
            let scale = t
                .f32(&format!("layers.{l}.scale"), &[1])?
                .first()
                .copied()
                .unwrap_or(0.0);
            check_positive(Setting::FloatFormatScale, scale)
                .map_err(|e| Error::data(format!("layer {name}: {e}")))?;
            let (syms, mask) = read_symbols(l, m, qm, t, &|_| 0)?;
            let codes: Vec<u16> = syms.iter().map(|&s| s as u16).collect();
            let mut w = Vec::with_capacity(codes.len());
            for &c in &codes {
                let v = format.decode(c) / scale;
                if !v.is_finite() {
                    return Err(Error::data(format!(
                        "layer {name}: code {c:#x} is not a finite {format:?} number"
                    )));
                }
                w.push(v);
            }
            (
                LayerCodes::Float {
                    codes,
                    format,
                    scale,
                },
                w,
                mask,
            )
        }
        CodesMeta::Shared { k } => {
            if !(1..=8).contains(&m.bits) || k == 0 || k > 1 << m.bits {
                return Err(Error::data(format!(
                    "layer {name}: {k} centroids with {}-bit codes",
                    m.bits
                )));
            }
            let centroids = t.f32(&format!("layers.{l}.codebook"), &[k])?;
            let (syms, mask) = read_symbols(l, m, qm, t, &|_| 0)?;
            if let Some(&s) = syms.iter().find(|&&s| s as usize >= k) {
                return Err(Error::data(format!(
                    "layer {name}: code {s} is out of range (the codebook has {k} centroids)"
                )));
            }
            let book = Codebook {
                centroids,
                codes: syms.iter().map(|&s| s as u8).collect(),
            };
            let mut w = vec![0f32; syms.len()];
            book.decode(mask.as_deref(), &mut w);
            (LayerCodes::Shared { book }, w, mask)
        }
    };
    let mut weights = weights;
    if let Some(mk) = &mask {
        weights.iter_mut().zip(mk).for_each(|(o, &k)| *o *= k);
    }
    let shape = (n_out, n_in);
    Ok(QLayer {
        codes,
        bits: m.bits,
        weights: Array2::from_shape_vec(shape, weights)
            .map_err(|_| Error::shape("load codes", shape, "other"))?,
        b,
        act,
        mask: mask
            .map(|v| Array2::from_shape_vec(shape, v))
            .transpose()
            .map_err(|_| Error::shape("load mask", shape, "other"))?,
    })
}
