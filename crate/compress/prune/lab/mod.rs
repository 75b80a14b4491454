//! The state behind the page's Prune panel: the dense model the slider prunes from, the
//! removed neurons (for greyed tiles), and a fine-tuner that holds the masks (Han et al. 2015:
//! W' = M ⊙ W, retrained with M held). Every slider move re-prunes the saved dense model, so
//! dragging back down restores weights. The panel's views of that state live beside it:
//! `heatmap` (weights / mask / importance), `survival` (per input pixel), `curve` (accuracy).

mod curve;
mod heatmap;
mod survival;

pub use heatmap::View;
pub use survival::border_and_centre;

use super::structured::{self, StructuredParams};
use super::{apply, sparsity_report, total_sparsity, LayerReport, Params, SparseMlp};
use crate::compress::{Compressed, ModelSize};
use crate::data::Dataset;
use crate::error::Missing;
use crate::error::{check_positive, Error, Result};
use crate::error::{Reason, Setting};
use crate::model::Mlp;
use crate::train::{evaluate, TrainConfig, Trainer};
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

    /// The saved model when neurons were removed from it (the reference for timings).
    pub fn reference(&self) -> Option<&Mlp> {
        self.keep.as_ref().and(self.base.as_ref())
    }
}
