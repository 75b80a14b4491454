//! Sensitivity analysis: for each layer alone, test accuracy against its sparsity (0–99 %)
//! with every other layer dense (Han et al. 2015, Fig. 6). Layers whose curve falls early
//! should be pruned less; the chart has one line per layer.

use super::{apply, check_sparsity, Criterion, Params};
use crate::data::Dataset;
use crate::error::{ChartText, ChartWords, Reason, Said, Setting};
use crate::error::{Error, Result};
use crate::model::Mlp;
use crate::render::chart::{LineChart, Series};
use crate::train::evaluate;
use serde::Serialize;

/// The default sparsity levels.
pub const LEVELS: [f32; 12] = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];

/// One layer's curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Curve {
    /// Layer index.
    pub layer: usize,
    /// (sparsity, test accuracy) pairs.
    pub points: Vec<(f32, f32)>,
}

/// Accuracy of `mlp` on the first `limit` test images (0 = all) with one layer at a time
/// pruned by `criterion` to each of `levels`.
///
/// # Errors
/// `InvalidParam` for a level outside [0, 1) or no levels; errors from pruning/evaluation.
pub fn sensitivity(
    mlp: &Mlp,
    criterion: Criterion,
    levels: &[f32],
    train: Option<&Dataset>,
    test: &Dataset,
    limit: usize,
) -> Result<Vec<Curve>> {
    if levels.is_empty() || levels.len() > 100 {
        return Err(Error::param(
            Setting::Levels,
            levels.len(),
            Reason::Give1To100Levels,
        ));
    }
    levels.iter().try_for_each(|&s| check_sparsity(s))?;
    let mut curves = Vec::new();
    for layer in 0..mlp.layers.len() {
        let mut points = Vec::with_capacity(levels.len());
        for &s in levels {
            let mut m = mlp.clone();
            let p = Params {
                criterion,
                sparsity: vec![s],
                layers: vec![layer],
                ..Default::default()
            };
            apply(&mut m, &p, train)?;
            points.push((s, evaluate(&m, test, limit)?.accuracy));
        }
        curves.push(Curve { layer, points });
    }
    Ok(curves)
}

const COLORS: [&str; 8] = [
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
];

/// The curves as a chart (accuracy in %, sparsity in %), one line per layer, and its words as
/// ids the page says in its language (the chart holds their English).
pub fn chart(curves: &[Curve]) -> (LineChart, ChartWords) {
    let words = ChartWords {
        title: Said::new(ChartText::Sensitivity),
        x_label: Said::new(ChartText::LayerSparsity),
        y_label: Said::new(ChartText::TestAccuracy),
        series: curves
            .iter()
            .map(|c| Said::new(ChartText::Layer).arg("n", c.layer + 1))
            .collect(),
    };
    let chart = LineChart {
        title: words.title.to_string(),
        x_label: words.x_label.to_string(),
        y_label: words.y_label.to_string(),
        series: curves
            .iter()
            .zip(&words.series)
            .map(|(c, name)| Series {
                name: name.to_string(),
                color: COLORS[c.layer % COLORS.len()].into(),
                points: c
                    .points
                    .iter()
                    .map(|&(s, a)| (100.0 * s, 100.0 * a))
                    .collect(),
                markers: true,
            })
            .collect(),
        x_range: Some((0.0, 100.0)),
        ..Default::default()
    };
    (chart, words)
}
