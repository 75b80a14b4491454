//! The Prune panel's heatmaps of one layer, at the size of the model before any neuron was
//! removed (removed neurons come back as all-masked rows and columns, so tiles keep their
//! place): the weights, the mask M of W' = M ⊙ W, or the importance the criterion ranks by
//! (|w|, or Σ|∂L/∂w| over batches as in Han et al. 2015). 28×28 tiles for the first layer.

use super::super::{importance, Criterion};
use super::Lab;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::model::Mlp;
use crate::render::heatmap::{matrix, robust_scale, tiles, Image};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

/// Which heatmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum View {
    /// The weights, pruned cells in the pruned colour.
    #[default]
    Weights,
    /// Kept (red) versus pruned cells.
    Mask,
    /// |w| or the accumulated |∂L/∂w| (per the criterion), pruned cells marked.
    Importance,
}

impl Lab {
    /// The full-size view of layer `l`: removed neurons come back as all-masked rows/columns.
    pub(super) fn full_layer(
        &self,
        model: &Mlp,
        l: usize,
    ) -> Result<(Array2<f32>, Option<Array2<f32>>)> {
        let layer = model
            .layers
            .get(l)
            .ok_or_else(|| Error::no_layer(l, model.layers.len()))?;
        let (Some(keep), Some(base)) = (&self.keep, &self.base) else {
            return Ok((layer.w.clone(), layer.mask.clone()));
        };
        let sizes = base.sizes();
        let (n_out, n_in) = (sizes[l + 1], sizes[l]);
        let rows: Vec<usize> = keep.get(l).cloned().unwrap_or_else(|| (0..n_out).collect());
        let cols: Vec<usize> = if l == 0 {
            (0..n_in).collect()
        } else {
            keep.get(l - 1)
                .cloned()
                .unwrap_or_else(|| (0..n_in).collect())
        };
        let mut w = Array2::zeros((n_out, n_in));
        let mut m = Array2::zeros((n_out, n_in));
        for (i, &r) in rows.iter().enumerate() {
            for (j, &c) in cols.iter().enumerate() {
                w[[r, c]] = layer.w[[i, j]];
                m[[r, c]] = layer.mask.as_ref().map_or(1.0, |k| k[[i, j]]);
            }
        }
        Ok((w, Some(m)))
    }

    /// RGBA heatmap of layer `l`: 28×28 tiles for the first layer, a matrix otherwise.
    ///
    /// # Errors
    /// `InvalidParam` for an unknown layer; `NotReady` if importance needs data it lacks.
    pub fn heatmap(
        &self,
        model: &Mlp,
        l: usize,
        view: View,
        criterion: Criterion,
        train: &Dataset,
        tiles_per_row: usize,
    ) -> Result<Image> {
        let (w, mask) = self.full_layer(model, l)?;
        let values = match view {
            View::Weights => w,
            View::Mask => mask
                .clone()
                .unwrap_or_else(|| Array2::ones(w.dim()))
                .mapv(|k| 0.6 * k),
            View::Importance => {
                let stats = if criterion.needs_data() {
                    Some(importance::accumulate(model, train, 10, 64, 1)?)
                } else {
                    None
                };
                let s = importance::scores(model, criterion, stats.as_ref(), 1)?;
                let layer = s
                    .into_iter()
                    .nth(l)
                    .ok_or_else(|| Error::no_layer(l, model.layers.len()))?;
                if layer.dim() == w.dim() {
                    layer
                } else {
                    self.full_scores(model, l, layer)?
                }
            }
        };
        let scale = match view {
            View::Mask => 1.0,
            _ => robust_scale(values.iter().copied()),
        };
        if l == 0 && values.ncols() == 784 {
            tiles(&values, mask.as_ref(), 28, tiles_per_row.max(1), scale)
        } else {
            matrix(&values, mask.as_ref(), scale)
        }
    }

    fn full_scores(&self, model: &Mlp, l: usize, s: Array2<f32>) -> Result<Array2<f32>> {
        let mut m = model.clone();
        if let Some(layer) = m.layers.get_mut(l) {
            layer.w = s;
        }
        self.full_layer(&m, l).map(|(w, _)| w)
    }
}
