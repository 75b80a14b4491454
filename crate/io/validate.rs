//! Checks shared by every loader: layer widths that chain and stay within the model limits
//! (`model::mlp::MAX_WIDTH`, `MAX_PARAMS`), and the mask bitset (1 bit per weight, row-major,
//! as `io::bits` packs it). Each failure names the layer, numbered from 1, in words.

use super::meta::LayerMeta;
use crate::error::{Error, Result};
use crate::model::mlp::{MAX_HIDDEN_LAYERS, MAX_PARAMS, MAX_WIDTH};

/// Checks that layer l's inputs are layer l−1's outputs and the sizes are sane.
///
/// # Errors
/// `BadData` naming the first offending layer.
pub fn check_layer_widths(metas: &[LayerMeta]) -> Result<()> {
    if metas.is_empty() {
        return Err(Error::data("the model has no layers"));
    }
    if metas.len() > 2 * (MAX_HIDDEN_LAYERS + 1) {
        return Err(Error::data(format!(
            "the model has {} layers (at most {})",
            metas.len(),
            2 * (MAX_HIDDEN_LAYERS + 1)
        )));
    }
    let mut params = 0usize;
    for (l, m) in metas.iter().enumerate() {
        for (what, w) in [("inputs", m.n_in), ("outputs", m.n_out)] {
            if w == 0 || w > MAX_WIDTH {
                return Err(Error::data(format!(
                    "layer {} has {w} {what}; widths must be between 1 and {MAX_WIDTH}",
                    l + 1
                )));
            }
        }
        if let Some(prev) = l.checked_sub(1).and_then(|p| metas.get(p)) {
            if prev.n_out != m.n_in {
                return Err(Error::data(format!(
                    "the layers do not chain: layer {} has {} outputs but layer {} has {} inputs",
                    l,
                    prev.n_out,
                    l + 1,
                    m.n_in
                )));
            }
        }
        params += m.n_in * m.n_out + m.n_out;
    }
    if params > MAX_PARAMS {
        return Err(Error::data(format!(
            "the model has {params} parameters (at most {MAX_PARAMS}, the browser's memory)"
        )));
    }
    Ok(())
}

/// A 0/1 mask as one bit per weight.
pub fn mask_to_bits(mask: &[f32]) -> Vec<u8> {
    let mut w = super::bits::BitWriter::new();
    mask.iter().for_each(|&m| w.push_bit(m != 0.0));
    w.into_bytes()
}

/// The 0/1 mask of `n` weights from its bitset (length already checked by the caller).
pub fn mask_from_bits(bits: &[u8], n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| {
            let on = bits.get(i / 8).is_some_and(|b| (b >> (i % 8)) & 1 == 1);
            if on {
                1.0
            } else {
                0.0
            }
        })
        .collect()
}
