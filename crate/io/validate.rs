//! Checks shared by every loader: layer widths that chain and stay within the model limits
//! (`model::mlp::MAX_WIDTH`, `MAX_PARAMS`), and the mask bitset (1 bit per weight, row-major,
//! as `io::bits` packs it). Each failure names the layer, numbered from 1, in words.

use super::meta::LayerMeta;
use crate::error::bad_data;
use crate::error::{Error, Fault, Result};
use crate::model::mlp::{MAX_HIDDEN_LAYERS, MAX_PARAMS, MAX_WIDTH};

/// Checks that layer l's inputs are layer l−1's outputs and the sizes are sane.
///
/// # Errors
/// `BadData` naming the first offending layer.
pub fn check_layer_widths(metas: &[LayerMeta]) -> Result<()> {
    if metas.is_empty() {
        return Err(bad_data!(ModelNoLayers));
    }
    if metas.len() > 2 * (MAX_HIDDEN_LAYERS + 1) {
        return Err(bad_data!(
            ModelTooManyLayers,
            count = metas.len(),
            max = 2 * (MAX_HIDDEN_LAYERS + 1)
        ));
    }
    let mut params = 0usize;
    for (l, m) in metas.iter().enumerate() {
        for (fault, w) in [(Fault::LayerInputs, m.n_in), (Fault::LayerOutputs, m.n_out)] {
            if w == 0 || w > MAX_WIDTH {
                return Err(Error::bad(
                    fault,
                    vec![
                        ("layer", (l + 1).to_string()),
                        ("width", w.to_string()),
                        ("max", MAX_WIDTH.to_string()),
                    ],
                ));
            }
        }
        if let Some(prev) = l.checked_sub(1).and_then(|p| metas.get(p)) {
            if prev.n_out != m.n_in {
                return Err(bad_data!(
                    LayersDoNotChain,
                    a = l,
                    outputs = prev.n_out,
                    b = l + 1,
                    inputs = m.n_in
                ));
            }
        }
        params += m.n_in * m.n_out + m.n_out;
    }
    if params > MAX_PARAMS {
        return Err(bad_data!(
            ModelTooManyParams,
            params = params,
            max = MAX_PARAMS
        ));
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
