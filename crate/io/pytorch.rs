//! Import of a PyTorch MLP saved by `safetensors.torch.save_file(model.state_dict(), path)`:
//! an `nn.Sequential` of Linear and ReLU gives keys `0.weight` `[out, in]`, `0.bias`,
//! `2.weight`, … (any common prefix, e.g. `net.0.weight`, is allowed). A state_dict records no
//! activations, so ReLU between the Linear layers is assumed, as in the article's network.

use super::tensors;
use crate::error::bad_data;
use crate::error::{Error, Result};
use crate::model::{Activation, Dense, Mlp};
use ndarray::{Array1, Array2};
use safetensors::Dtype;

/// f32 values of a tensor stored as F32, F16 or BF16.
fn floats(t: &tensors::Tensors, name: &str, shape: &[usize]) -> Result<Vec<f32>> {
    let (s, data) = t.view_any(name)?;
    if s != shape {
        return Err(bad_data!(
            TensorShape,
            name = name,
            shape = format!("{s:?}"),
            expected = format!("{shape:?}")
        ));
    }
    let dtype = t.dtype(name)?;
    let v: Vec<f32> = match dtype {
        Dtype::F32 => data
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
        Dtype::F16 => data
            .chunks_exact(2)
            .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32())
            .collect(),
        Dtype::BF16 => data
            .chunks_exact(2)
            .map(|c| half::bf16::from_le_bytes([c[0], c[1]]).to_f32())
            .collect(),
        other => {
            return Err(bad_data!(
                TorchDtype,
                name = name,
                dtype = format!("{other:?}")
            ))
        }
    };
    if let Some(i) = v.iter().position(|x| !x.is_finite()) {
        return Err(bad_data!(TorchNotFinite, name = name, index = i + 1));
    }
    Ok(v)
}

/// The MLP of a PyTorch state_dict, and the file's `input_scaling` metadata if any.
///
/// # Errors
/// `BadData` in words: not safetensors, no `.weight` tensors, a weight that is not 2-D, a
/// missing bias, widths that do not chain, a wrong dtype or a NaN.
pub fn import(bytes: &[u8]) -> Result<(Mlp, Option<String>)> {
    let t = tensors::open(bytes)?;
    let mut prefixes: Vec<String> = t
        .names()
        .iter()
        .filter_map(|n| n.strip_suffix(".weight").map(str::to_string))
        .collect();
    if prefixes.is_empty() {
        return Err(bad_data!(TorchNoWeights));
    }
    // Natural order: `net.2` before `net.10`.
    let key = |p: &String| -> Vec<(String, u64)> {
        p.split('.')
            .map(|s| {
                s.parse::<u64>()
                    .map_or((s.to_string(), 0), |n| (String::new(), n))
            })
            .collect()
    };
    prefixes.sort_by_key(key);
    if prefixes.len() > 2 * (crate::model::mlp::MAX_HIDDEN_LAYERS + 1) {
        return Err(bad_data!(TorchTooManyLayers, count = prefixes.len()));
    }
    let mut layers = Vec::new();
    let mut n_in_expected: Option<usize> = None;
    for (l, p) in prefixes.iter().enumerate() {
        let wname = format!("{p}.weight");
        let (shape, _) = t.view_any(&wname)?;
        let [n_out, n_in] = shape[..] else {
            return Err(bad_data!(
                TorchWeightNot2d,
                name = wname,
                shape = format!("{shape:?}")
            ));
        };
        if n_in == 0
            || n_out == 0
            || n_in > crate::model::mlp::MAX_WIDTH
            || n_out > crate::model::mlp::MAX_WIDTH
        {
            return Err(bad_data!(
                TorchLayerSize,
                name = wname,
                n_out = n_out,
                n_in = n_in
            ));
        }
        if let Some(e) = n_in_expected.filter(|&e| e != n_in) {
            return Err(bad_data!(
                TorchNotChain,
                a = l,
                outputs = e,
                name = wname,
                b = l + 1,
                inputs = n_in
            ));
        }
        n_in_expected = Some(n_out);
        let w = floats(&t, &wname, &[n_out, n_in])?;
        let bname = format!("{p}.bias");
        let b = if t.has(&bname) {
            floats(&t, &bname, &[n_out])?
        } else {
            vec![0.0; n_out]
        };
        let act = if l + 1 == prefixes.len() {
            Activation::Identity
        } else {
            Activation::Relu
        };
        let w = Array2::from_shape_vec((n_out, n_in), w)
            .map_err(|_| Error::shape("PyTorch layer", (n_out, n_in), "other"))?;
        layers.push(Dense::from_parts(w, Array1::from(b), act, None)?);
    }
    Ok((Mlp { layers }, t.meta("input_scaling").map(str::to_string)))
}
