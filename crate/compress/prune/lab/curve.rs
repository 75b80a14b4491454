//! The Prune panel's accuracy-against-sparsity curve: the saved dense model magnitude-pruned
//! one-shot (W' = M ⊙ W, M zeroing the s·n smallest |w| of each layer; Han et al. 2015) to each
//! level with no retraining, and the current model as one marked point beside it. Its words are
//! ids ([`ChartText`]) the page says in its language; the chart holds their English.

use super::super::{apply, total_sparsity, Params};
use super::Lab;
use crate::data::Dataset;
use crate::error::{ChartText, ChartWords, Error, Missing, Result, Said};
use crate::model::Mlp;
use crate::render::chart::{LineChart, Series};
use crate::train::evaluate;

impl Lab {
    /// Test accuracy of the saved dense model magnitude-pruned (uniformly, layer-wise) to each
    /// level, with the current point marked; and the chart's words as ids.
    ///
    /// # Errors
    /// Bad levels; evaluation errors.
    pub fn accuracy_curve(
        &mut self,
        model: &Mlp,
        levels: &[f32],
        test: &Dataset,
        limit: usize,
    ) -> Result<(LineChart, ChartWords)> {
        self.sync(model);
        let base = self.base.clone().ok_or(Error::NotReady {
            what: Missing::NoModel,
        })?;
        let mut pts = Vec::new();
        for &s in levels {
            let mut m = base.clone();
            apply(
                &mut m,
                &Params {
                    sparsity: vec![s],
                    ..Default::default()
                },
                None,
            )?;
            pts.push((100.0 * s, 100.0 * evaluate(&m, test, limit)?.accuracy));
        }
        let now = (
            100.0 * total_sparsity(model),
            100.0 * evaluate(model, test, limit)?.accuracy,
        );
        let words = ChartWords {
            title: Said::new(ChartText::AccuracyVsSparsity),
            x_label: Said::new(ChartText::WeightsPruned),
            y_label: Said::new(ChartText::TestAccuracy),
            series: vec![
                Said::new(ChartText::OneShotMagnitude),
                Said::new(ChartText::CurrentModel),
            ],
        };
        let chart = LineChart {
            title: words.title.to_string(),
            x_label: words.x_label.to_string(),
            y_label: words.y_label.to_string(),
            series: vec![
                Series {
                    name: words.series[0].to_string(),
                    color: "#2166ac".into(),
                    points: pts,
                    markers: true,
                },
                Series {
                    name: words.series[1].to_string(),
                    color: "#b2182b".into(),
                    points: vec![now],
                    markers: true,
                },
            ],
            x_range: Some((0.0, 100.0)),
            ..Default::default()
        };
        Ok((chart, words))
    }
}
