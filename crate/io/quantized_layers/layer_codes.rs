//! What turns a layer's symbols back into weights, one kind of code each: integers on a
//! per-tensor or per-row grid, w = scale·(q − zero) (Jacob et al. 2018, §2.1); low-precision
//! float bit patterns over one scale, w = decode(c)/scale (fp16, bf16, fp8 of Micikevicius et
//! al. 2022); or indices into a k-means codebook, w = centroid[c] (Han et al. 2016, §3).
//! Every value read from a file is checked before it is used: a corrupt file is an error.

use super::super::meta::{CodesMeta, LayerMeta, QuantMeta};
use super::super::tensors::{Archive, Tensors};
use super::code_stream;
use crate::compress::quantize::fixed_point::{grid, row_params};
use crate::compress::quantize::kmeans::Codebook;
use crate::compress::quantize::{LayerCodes, QLayer, QParams};
use crate::error::{bad_data, Error, Result};
use crate::model::Activation;
use ndarray::Array2;
use safetensors::Dtype;

/// Appends layer `l`'s grid parameters (scales and zero points, float scale, or codebook) to
/// `ar` and records their kind in `m`.
pub(super) fn write(l: usize, layer: &QLayer, ar: &mut Archive, m: &mut LayerMeta) {
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
}

/// Rebuilds layer `l` from its metadata and tensors.
///
/// # Errors
/// `BadData` in words for missing or mis-shaped tensors, bad scales, or out-of-range codes.
pub(super) fn read(l: usize, m: &LayerMeta, qm: &QuantMeta, t: &Tensors) -> Result<QLayer> {
    let (n_in, n_out) = (m.n_in, m.n_out);
    let name = l + 1;
    let codes_meta = m
        .codes
        .ok_or_else(|| bad_data!(CodesUnsaid, layer = name))?;
    let b = t.f32(&format!("layers.{l}.bias"), &[n_out])?;
    let act = m.activation.unwrap_or(Activation::Identity);
    let out_of_range = |s: u32| bad_data!(CodeOffGrid, layer = name, code = s, bits = m.bits);
    let (codes, weights, mask) = match codes_meta {
        CodesMeta::Int {
            n_params,
            zero_points,
        } => {
            if !(1..=8).contains(&m.bits) {
                return Err(bad_data!(IntCodeBits, layer = name, bits = m.bits));
            }
            if n_params != 1 && n_params != n_out {
                return Err(bad_data!(
                    ScaleCount,
                    layer = name,
                    count = n_params,
                    n_out = n_out
                ));
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
            let (q_min, q_max) = grid(m.bits);
            // Checked here, in the file's words, before QParams::new checks them as settings.
            for (&s, &z) in scales.iter().zip(&zeros) {
                if !(s.is_finite() && s > 0.0) {
                    return Err(bad_data!(LayerScale, layer = name, value = s));
                }
                if !(q_min..=q_max).contains(&z) {
                    return Err(bad_data!(
                        ZeroPoint,
                        layer = name,
                        zero = z,
                        bits = m.bits,
                        q_min = q_min,
                        q_max = q_max
                    ));
                }
            }
            let qp = scales
                .iter()
                .zip(&zeros)
                .map(|(&s, &z)| QParams::new(s, z, m.bits))
                .collect::<Result<Vec<_>>>()?;
            let pruned = |r: usize| row_params(&qp, r).map_or(0, |p| (p.zero - q_min) as u32);
            let (syms, mask) = code_stream::read(l, m, qm, t, &pruned)?;
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
                return Err(bad_data!(
                    FloatCodeBits,
                    layer = name,
                    format = format!("{format:?}"),
                    bits = format.bits(),
                    got = m.bits
                ));
            }
            let scale = t
                .f32(&format!("layers.{l}.scale"), &[1])?
                .first()
                .copied()
                .unwrap_or(0.0);
            if !(scale.is_finite() && scale > 0.0) {
                return Err(bad_data!(
                    FloatScale,
                    layer = name,
                    format = format!("{format:?}"),
                    value = scale
                ));
            }
            let (syms, mask) = code_stream::read(l, m, qm, t, &|_| 0)?;
            let codes: Vec<u16> = syms.iter().map(|&s| s as u16).collect();
            let mut w = Vec::with_capacity(codes.len());
            for &c in &codes {
                let v = format.decode(c) / scale;
                if !v.is_finite() {
                    return Err(bad_data!(
                        FloatCodeNotFinite,
                        layer = name,
                        code = format!("{c:#x}"),
                        format = format!("{format:?}")
                    ));
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
                return Err(bad_data!(
                    KmeansCentroids,
                    layer = name,
                    k = k,
                    bits = m.bits
                ));
            }
            let centroids = t.f32(&format!("layers.{l}.codebook"), &[k])?;
            let (syms, mask) = code_stream::read(l, m, qm, t, &|_| 0)?;
            if let Some(&s) = syms.iter().find(|&&s| s as usize >= k) {
                return Err(bad_data!(KmeansCode, layer = name, code = s, k = k));
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
