//! Which input pixels the pruned first layer still reads: per pixel, the fraction of its 784
//! weights (one column of W, one per first-layer neuron) that survive the mask M of
//! W' = M ⊙ W (Han et al. 2015). The blank border of MNIST digits should go first: its input is
//! 0, so its weights get no gradient (importance 0 by |∂L/∂w|) and only shrink under decay.

use super::Lab;
use crate::error::{Error, Result};
use crate::model::Mlp;
use crate::render::heatmap::Image;
use crate::render::palette;

impl Lab {
    /// 28×28 map: the fraction of the first layer's weights that survive per input pixel.
    ///
    /// # Errors
    /// `ShapeMismatch` if the first layer does not take 784 inputs.
    pub fn survival_map(&self, model: &Mlp) -> Result<(Image, Vec<f32>)> {
        let (w, mask) = self.full_layer(model, 0)?;
        if w.ncols() != 784 {
            return Err(Error::shape("survival map", 784, w.ncols()));
        }
        let kept = mask.unwrap_or_else(|| w.mapv(|v| f32::from(v != 0.0)));
        let frac: Vec<f32> = kept
            .columns()
            .into_iter()
            .map(|c| c.sum() / c.len().max(1) as f32)
            .collect();
        // Scaled to the best-kept pixel so the contrast shows at any sparsity.
        let top = frac.iter().copied().fold(0.0f32, f32::max).max(1e-6);
        let mut rgba = Vec::with_capacity(784 * 4);
        frac.iter()
            .for_each(|&f| rgba.extend_from_slice(&palette::sequential(f / top)));
        Ok((
            Image {
                width: 28,
                height: 28,
                rgba,
            },
            frac,
        ))
    }
}

/// Mean survival of the 4-pixel border and of the central 12×12 of a 28×28 survival map:
/// the border (blank in every MNIST digit) should go first.
pub fn border_and_centre(frac: &[f32]) -> (f32, f32) {
    let (mut border, mut nb, mut centre, mut nc) = (0.0f32, 0usize, 0.0f32, 0usize);
    for (i, f) in frac.iter().enumerate() {
        let (r, c) = (i / 28, i % 28);
        if !(4..24).contains(&r) || !(4..24).contains(&c) {
            border += f;
            nb += 1;
        } else if (8..20).contains(&r) && (8..20).contains(&c) {
            centre += f;
            nc += 1;
        }
    }
    (border / nb.max(1) as f32, centre / nc.max(1) as f32)
}
