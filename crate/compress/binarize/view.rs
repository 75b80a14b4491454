//! What the page shows of a binary network: weight heatmaps of α·sign(w) (each neuron holds
//! exactly two colours, ±α_j, on a scale set by the layer's largest α so frames compare), and
//! class probabilities of a drawn digit from the bit-packed network (softmax of its logits).

use super::net::BinaryNet;
use super::packed::PackedNet;
use crate::data::mnist::normalize_pixel;
use crate::error::{check_len, Error, Result};
use crate::error::{Reason, Setting};
use crate::model::loss::softmax_in_place;
use crate::render::heatmap::{matrix, robust_scale, tiles, Image};

/// MNIST's side: a first layer of 784 inputs is drawn as 28×28 tiles.
const SIDE: usize = 28;

/// Heatmap of the weights layer `l` uses (binary layers on a scale of 1.5 × the largest α): 28×28 tiles per neuron for 784 inputs
/// (`tiles_per_row` across), else one pixel per weight (`n_out` rows × `n_in` columns).
///
/// # Errors
/// `InvalidParam` if there is no layer `l`.
pub fn heatmap(net: &BinaryNet, l: usize, tiles_per_row: usize) -> Result<Image> {
    let w = net.effective_weights(l)?;
    let binary = net.kinds.get(l).is_some_and(|k| k.binary);
    let scale = if binary {
        // ±α: the largest |value| is the largest α; every neuron shows its own two colours.
        w.iter()
            .fold(0.0f32, |m, v| m.max(v.abs()))
            .max(f32::MIN_POSITIVE)
    } else {
        robust_scale(w.iter().copied())
    };
    if w.ncols() == SIDE * SIDE {
        tiles(&w, None, SIDE, tiles_per_row.clamp(1, 64), scale)
    } else {
        matrix(&w, None, scale)
    }
}

/// Class probabilities from the packed network for one image of 784 intensities in [0, 1]
/// (ink = 1), standardised exactly as the training images are.
///
/// # Errors
/// `ShapeMismatch` if `pixels` is not 784 long; `InvalidParam` for a value outside [0, 1].
pub fn predict(packed: &PackedNet, pixels: &[f32]) -> Result<Vec<f32>> {
    check_len("binary predict pixels", pixels.len(), SIDE * SIDE)?;
    if let Some(v) = pixels.iter().find(|v| !(0.0..=1.0).contains(*v)) {
        return Err(Error::param(Setting::Pixel, v, Reason::MustBeIn0To1));
    }
    let x: Vec<f32> = pixels.iter().map(|&v| normalize_pixel(v)).collect();
    let mut p = packed.logits(&x, 1)?;
    softmax_in_place(&mut p);
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compress::binarize::{Method, Params};
    use crate::train::TrainConfig;

    #[test]
    fn every_tile_holds_exactly_two_colours() {
        let p = Params {
            method: Method::Bnn,
            train: TrainConfig {
                hidden: vec![12, 9],
                ..Params::default().train
            },
            ..Params::default()
        };
        let net = BinaryNet::new(&p).unwrap();
        let img = heatmap(&net, 0, 4).unwrap();
        for t in 0..12 {
            let (ox, oy) = ((t % 4) * 29, (t / 4) * 29);
            let mut colours: Vec<[u8; 4]> = (0..784)
                .map(|i| img.get(ox + i % 28, oy + i / 28))
                .collect();
            colours.sort();
            colours.dedup();
            assert_eq!(colours.len(), 2, "tile {t}");
        }
        let m = heatmap(&net, 1, 4).unwrap();
        assert_eq!((m.width, m.height), (12, 9));
        assert!(heatmap(&net, 3, 4).is_err());
        let packed = PackedNet::from_net(&net).unwrap();
        let probs = predict(&packed, &[0.5; 784]).unwrap();
        assert!((probs.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert!(predict(&packed, &[2.0; 784]).is_err());
        assert!(predict(&packed, &[0.0; 10]).is_err());
    }
}
