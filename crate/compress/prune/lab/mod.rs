//! The state behind the page's Prune panel: the dense model the slider prunes from, the
//! removed neurons (for greyed tiles), a fine-tuner that holds the masks, and the views
//! (heatmaps of weights / mask / importance, the input-pixel survival map, curves, timings).
//! Every slider move re-prunes the saved dense model, so dragging back down restores weights.

use super::structured::{self, StructuredParams};
use super::{apply, importance, sparsity_report, total_sparsity, LayerReport, Params, SparseMlp};
use crate::compress::{Compressed, ModelSize};
use crate::data::Dataset;
use crate::error::Missing;
use crate::error::{check_positive, Error, Result};
use crate::error::{Reason, Setting};
use crate::model::Mlp;
use crate::render::chart::{LineChart, Series};
use crate::render::heatmap::{matrix, robust_scale, tiles, Image};
use crate::render::palette;
use crate::train::{evaluate, TrainConfig, Trainer};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

/// Weight level or neuron level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Level {
    /// Individual weights (masks).
    #[default]
    Weights,
    /// Whole hidden neurons (a smaller model).
    Neurons,
}

/// What the panel sends to `apply`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LabParams {
    /// Weight or neuron pruning.
    pub level: Level,
    /// Weight-level settings.
    pub weights: Params,
    /// Neuron-level settings.
    pub neurons: StructuredParams,
    /// Prune the saved dense model (slider) rather than the current one (iterative rounds).
    pub from_base: bool,
    /// Test images to evaluate (0 = all 10,000): a fast subset while dragging.
    pub eval_limit: usize,
}

impl Default for LabParams {
    fn default() -> Self {
        LabParams {
            level: Level::Weights,
            weights: Params::default(),
            neurons: StructuredParams::default(),
            from_base: true,
            eval_limit: 0,
        }
    }
}

/// What the panel shows after a change.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabReport {
    /// Per-layer sparsity.
    pub layers: Vec<LayerReport>,
    /// Fraction of all weights that are zero.
    pub total_sparsity: f32,
    /// Test accuracy on `evaluated` images.
    pub accuracy: f32,
    /// Test images evaluated.
    pub evaluated: usize,
    /// dense fp32 = the model before pruning; dense with zeros = the current model stored
    /// densely (smaller once neurons are removed); packed = CSR or plain dense, whichever is
    /// smaller (a model without zeros is best stored densely).
    pub size: ModelSize,
    /// Widths of the current model, input first.
    pub model_sizes: Vec<usize>,
    /// Hidden neurons removed so far.
    pub removed_neurons: usize,
}

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

/// The panel's state.
#[derive(Debug, Clone, Default)]
pub struct Lab {
    base: Option<Mlp>,
    last: Option<Mlp>,
    keep: Option<Vec<Vec<usize>>>,
    tuner: Option<Trainer>,
}

impl Lab {
    /// A lab with nothing saved.
    pub fn new() -> Self {
        Lab::default()
    }

    /// Saves `model` as the new base if it was changed outside the lab (trained, reset).
    fn sync(&mut self, model: &Mlp) {
        if self.last.as_ref() != Some(model) {
            self.base = Some(model.clone());
            self.keep = None;
            self.tuner = None;
        }
    }

    fn done(&mut self, model: &Mlp, test: &Dataset, limit: usize) -> Result<LabReport> {
        self.last = Some(model.clone());
        let sp = SparseMlp::from_mlp(model)?;
        let ev = evaluate(model, test, limit)?;
        let removed = match (&self.keep, &self.base) {
            (Some(k), Some(b)) => b
                .sizes()
                .iter()
                .skip(1)
                .zip(k)
                .map(|(n, k)| n - k.len())
                .sum(),
            _ => 0,
        };
        Ok(LabReport {
            layers: sparsity_report(model),
            total_sparsity: total_sparsity(model),
            accuracy: ev.accuracy,
            evaluated: ev.count,
            size: self.size(model, &sp),
            model_sizes: model.sizes(),
            removed_neurons: removed,
        })
    }

    fn size(&self, model: &Mlp, sp: &SparseMlp) -> ModelSize {
        let now = 4 * model.param_count();
        ModelSize {
            dense_fp32_bytes: self.base.as_ref().map_or(now, |b| 4 * b.param_count()),
            dense_with_zeros_bytes: now,
            packed_bytes: sp.size().packed_bytes.min(now),
        }
    }

    /// The dense model the slider prunes from: the one saved before the first cut, or `model`
    /// itself if it was changed outside the lab (trained, reset) since. The tutorial's pitfall
    /// starts here, so that it compares the two retrainings of one pruning, not a re-pruning.
    pub fn dense(&mut self, model: &Mlp) -> &Mlp {
        self.sync(model);
        self.base.get_or_insert_with(|| model.clone())
    }

    /// The report on `model` as it stands (pruned or not), without changing it: the panel shows
    /// the current mask at once, before the slider moves.
    ///
    /// # Errors
    /// Evaluation or shape errors.
    pub fn report(&mut self, model: &Mlp, test: &Dataset, limit: usize) -> Result<LabReport> {
        self.sync(model);
        self.done(model, test, limit)
    }

    /// Prunes `model` (in place) per `p`.
    ///
    /// # Errors
    /// Bad params (`InvalidParam`), missing data, shape errors.
    pub fn apply(
        &mut self,
        model: &mut Mlp,
        p: &LabParams,
        train: &Dataset,
        test: &Dataset,
    ) -> Result<LabReport> {
        self.sync(model);
        self.tuner = None;
        let start = match (&self.base, p.from_base) {
            (Some(b), true) => b.clone(),
            _ => model.clone(),
        };
        match p.level {
            Level::Weights => {
                let mut m = start;
                apply(&mut m, &p.weights, Some(train))?;
                self.keep = None;
                *model = m;
            }
            Level::Neurons => {
                let (small, keep) = structured::apply(&start, &p.neurons, Some(train))?;
                self.keep = Some(keep);
                *model = small;
            }
        }
        self.done(model, test, p.eval_limit)
    }

    /// Puts the saved dense model back.
    ///
    /// # Errors
    /// `NotReady` if nothing was pruned yet; evaluation errors.
    pub fn restore(&mut self, model: &mut Mlp, test: &Dataset, limit: usize) -> Result<LabReport> {
        self.sync(model);
        *model = self.base.clone().ok_or(Error::NotReady {
            what: Missing::NothingToRestore,
        })?;
        self.keep = None;
        self.tuner = None;
        self.done(model, test, limit)
    }

    /// Up to `steps` fine-tuning steps at `lr` with the masks held (the tuner persists across
    /// calls so momentum carries over), then a report.
    ///
    /// # Errors
    /// `InvalidParam` for a bad lr or zero steps; training errors.
    #[allow(clippy::too_many_arguments)]
    pub fn fine_tune(
        &mut self,
        model: &mut Mlp,
        cfg: &TrainConfig,
        steps: usize,
        lr: f32,
        train: &Dataset,
        test: &Dataset,
        limit: usize,
    ) -> Result<LabReport> {
        check_positive(Setting::Lr, lr)?;
        if steps == 0 {
            return Err(Error::param(Setting::Steps, 0, Reason::MustBeAtLeast1));
        }
        self.sync(model);
        if self
            .tuner
            .as_ref()
            .is_none_or(|t| &t.mlp != model || t.done())
        {
            let c = TrainConfig {
                lr,
                epochs: crate::train::config::MAX_EPOCHS,
                schedule: crate::train::Schedule::Constant,
                ..cfg.clone()
            };
            self.tuner = Some(Trainer::from_model(c, model.clone(), train.len())?);
        }
        let t = self.tuner.as_mut().ok_or(Error::NotReady {
            what: Missing::FineTuner,
        })?;
        t.opt.lr = lr;
        t.cfg.lr = lr;
        let mut left = steps;
        while left > 0 {
            let p = t.run(train, left)?;
            left = left.saturating_sub(p.samples.div_ceil(t.cfg.batch_size.max(1)).max(1));
        }
        *model = t.mlp.clone();
        self.done(model, test, limit)
    }

    /// The full-size view of layer `l`: removed neurons come back as all-masked rows/columns.
    fn full_layer(&self, model: &Mlp, l: usize) -> Result<(Array2<f32>, Option<Array2<f32>>)> {
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

    /// The saved model when neurons were removed from it (the reference for timings).
    pub fn reference(&self) -> Option<&Mlp> {
        self.keep.as_ref().and(self.base.as_ref())
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
        criterion: super::Criterion,
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

    /// Test accuracy of the saved dense model magnitude-pruned (uniformly, layer-wise) to each
    /// level, with the current point marked.
    ///
    /// # Errors
    /// Bad levels; evaluation errors.
    pub fn accuracy_curve(
        &mut self,
        model: &Mlp,
        levels: &[f32],
        test: &Dataset,
        limit: usize,
    ) -> Result<LineChart> {
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
        Ok(LineChart {
            title: "Accuracy vs sparsity (magnitude, no fine-tuning)".into(),
            x_label: "weights pruned (%)".into(),
            y_label: "test accuracy (%)".into(),
            series: vec![
                Series {
                    name: "one-shot magnitude".into(),
                    color: "#2166ac".into(),
                    points: pts,
                    markers: true,
                },
                Series {
                    name: "current model".into(),
                    color: "#b2182b".into(),
                    points: vec![now],
                    markers: true,
                },
            ],
            x_range: Some((0.0, 100.0)),
            ..Default::default()
        })
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
