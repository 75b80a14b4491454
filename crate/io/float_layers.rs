//! Float models (dense, masked, narrowed, distilled, low-rank) in the file: each layer dense
//! f32, or — when pruning makes it smaller — CSR (Han et al. 2015): f32 values, u16 column
//! indices and u32 row pointers, the bytes `SparseMlp` counts as the true packed size. The
//! stored positions are the mask, so a pruned weight stays pruned after loading.

use super::meta::{LayerMeta, Layout};
use super::tensors::{Archive, Tensors};
use super::validate::{check_layer_widths, mask_from_bits, mask_to_bits};
use crate::error::bad_data;
use crate::error::{Error, Result};
use crate::model::{Activation, Dense, Mlp};
use crate::tensor::as_slice;
use ndarray::{Array1, Array2};

/// Appends the layers of `mlp` to `ar`; returns their metadata.
///
/// # Errors
/// `BadData` if an array is not contiguous.
pub fn write(mlp: &Mlp, ar: &mut Archive) -> Result<Vec<LayerMeta>> {
    write_layers(mlp, ar, true)
}

/// [`write`] without the sparse layout: every weight stored dense with its exact bits (a
/// pruned weight may be −0.0, which CSR would bring back as +0.0), for a training snapshot
/// that must resume bit for bit, and is faster to write than to pack.
///
/// # Errors
/// As [`write`].
pub fn write_exact(mlp: &Mlp, ar: &mut Archive) -> Result<Vec<LayerMeta>> {
    write_layers(mlp, ar, false)
}

fn write_layers(mlp: &Mlp, ar: &mut Archive, sparse: bool) -> Result<Vec<LayerMeta>> {
    let mut metas = Vec::with_capacity(mlp.layers.len());
    for (l, d) in mlp.layers.iter().enumerate() {
        let (n_in, n_out) = (d.n_in(), d.n_out());
        let w = as_slice(&d.w)?;
        let mask = d.mask.as_ref().and_then(|m| m.as_slice());
        // A weight is stored if it is kept, or (defensively) if it is non-zero.
        let stored = |i: usize| w[i] != 0.0 || mask.is_some_and(|m| m[i] != 0.0);
        let consistent =
            || mask.is_none_or(|m| w.iter().zip(m).all(|(&v, &k)| k != 0.0 || v == 0.0));
        let dense_bytes = w.len() * 4 + mask.map_or(0, |m| m.len().div_ceil(8));
        let mut meta = LayerMeta::new(n_in, n_out, Layout::Dense);
        meta.activation = Some(d.act);
        meta.masked = mask.is_some();
        // The passes over the weights run only when the sparse layout is allowed.
        let allowed = sparse && mask.is_some() && n_in <= usize::from(u16::MAX) + 1 && consistent();
        let csr_nnz = allowed
            .then(|| (0..w.len()).filter(|&i| stored(i)).count())
            .filter(|nnz| nnz * 6 + 4 * (n_out + 1) < dense_bytes);
        if let Some(nnz) = csr_nnz {
            let (mut values, mut cols, mut ptr) =
                (Vec::with_capacity(nnz), Vec::with_capacity(nnz), vec![0u32]);
            for r in 0..n_out {
                for c in 0..n_in {
                    let i = r * n_in + c;
                    if mask.is_some_and(|m| m[i] != 0.0) {
                        values.push(w[i]);
                        cols.push(c as u16);
                    }
                }
                ptr.push(values.len() as u32);
            }
            meta.layout = Layout::Csr;
            meta.nnz = values.len();
            ar.f32(format!("layers.{l}.values"), vec![values.len()], &values);
            ar.u16(format!("layers.{l}.col_index"), &cols);
            ar.u32(format!("layers.{l}.row_ptr"), &ptr);
        } else {
            ar.f32(format!("layers.{l}.weight"), vec![n_out, n_in], w);
            if let Some(m) = mask {
                ar.bytes(format!("layers.{l}.mask_bits"), mask_to_bits(m));
            }
        }
        ar.f32(
            format!("layers.{l}.bias"),
            vec![n_out],
            d.b.as_slice().unwrap_or(&[]),
        );
        metas.push(meta);
    }
    Ok(metas)
}

/// Rebuilds the float model described by `metas` from `t`.
///
/// # Errors
/// `BadData` in words for any tensor that is missing, mis-shaped, non-finite or out of range.
pub fn read(metas: &[LayerMeta], t: &Tensors) -> Result<Mlp> {
    check_layer_widths(metas)?;
    let mut layers = Vec::with_capacity(metas.len());
    for (l, m) in metas.iter().enumerate() {
        let (n_in, n_out) = (m.n_in, m.n_out);
        let act = m.activation.unwrap_or(Activation::Identity);
        let b = Array1::from(t.f32(&format!("layers.{l}.bias"), &[n_out])?);
        let (w, mask) = match m.layout {
            Layout::Dense => {
                let w = t.f32(&format!("layers.{l}.weight"), &[n_out, n_in])?;
                let mask = if m.masked {
                    let bits =
                        t.bytes(&format!("layers.{l}.mask_bits"), (n_in * n_out).div_ceil(8))?;
                    Some(mask_from_bits(bits, n_in * n_out))
                } else {
                    None
                };
                (w, mask)
            }
            Layout::Csr => read_csr(l, m, t)?,
            other => {
                return Err(bad_data!(
                    FloatLayout,
                    layer = l + 1,
                    layout = format!("{other:?}")
                ))
            }
        };
        let w = Array2::from_shape_vec((n_out, n_in), w)
            .map_err(|_| Error::shape("load weights", (n_out, n_in), "other"))?;
        let mask = mask
            .map(|v| Array2::from_shape_vec((n_out, n_in), v))
            .transpose()
            .map_err(|_| Error::shape("load mask", (n_out, n_in), "other"))?;
        layers.push(Dense::from_parts(w, b, act, mask)?);
    }
    Ok(Mlp { layers })
}

/// Dense weights and mask from a CSR layer, every index checked.
fn read_csr(l: usize, m: &LayerMeta, t: &Tensors) -> Result<(Vec<f32>, Option<Vec<f32>>)> {
    let (n_in, n_out, nnz) = (m.n_in, m.n_out, m.nnz);
    if nnz > n_in * n_out {
        return Err(bad_data!(
            SparseCount,
            layer = l + 1,
            nnz = nnz,
            count = n_in * n_out
        ));
    }
    let values = t.f32(&format!("layers.{l}.values"), &[nnz])?;
    let cols = t.u16(&format!("layers.{l}.col_index"), nnz)?;
    let ptr = t.u32(&format!("layers.{l}.row_ptr"), n_out + 1)?;
    let mut w = vec![0f32; n_in * n_out];
    let mut mask = vec![0f32; n_in * n_out];
    let bad = || bad_data!(SparseRows, layer = l + 1);
    if ptr.first() != Some(&0) || ptr.last().map(|&p| p as usize) != Some(nnz) {
        return Err(bad());
    }
    for r in 0..n_out {
        let (a, b) = (ptr[r] as usize, ptr[r + 1] as usize);
        // Each row's range must lie inside the stored values, not only the last pointer.
        if a > b || b > nnz {
            return Err(bad());
        }
        let mut last: Option<u16> = None;
        for k in a..b {
            let c = cols[k];
            if usize::from(c) >= n_in || last.is_some_and(|p| p >= c) {
                return Err(bad_data!(
                    SparseColumn,
                    layer = l + 1,
                    row = r + 1,
                    column = c,
                    inputs = n_in
                ));
            }
            last = Some(c);
            w[r * n_in + usize::from(c)] = values[k];
            mask[r * n_in + usize::from(c)] = 1.0;
        }
    }
    Ok((w, Some(mask)))
}
