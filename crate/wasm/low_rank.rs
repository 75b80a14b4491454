//! The Low-rank panel's facade: `LowRankLab` decomposes the session's model once, then moves the
//! per-layer cuts, reports accuracy / parameters / true bytes / reconstruction error / measured
//! layer time, draws W | U_kΣ_kV_kᵀ | difference, and fine-tunes in chunks. Logic lives in
//! `compress::low_rank::study`; this file checks input and converts.

use super::dto::{err, from_js, image_to_js, now_ms, to_js};
use super::session::Session;
use super::versions_save::{nothing, save_result, Origin};
use crate::compress::low_rank::finetune::FinetuneScope;
use crate::compress::low_rank::study::Study;
use crate::compress::low_rank::{LayerRank, LowRankParams};
use crate::error::Error;
use crate::error::Missing;
use crate::error::{Reason, Setting};
use crate::train::TrainConfig;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// `{layers: ["full" | {rank: k} | {energy: e}, ...], evalLimit, timeLayer}`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ApplyArgs {
    layers: Vec<LayerRank>,
    /// Test digits to evaluate (0 = all 10,000).
    eval_limit: usize,
    /// Layer to time dense against factored, if any.
    time_layer: Option<usize>,
}

/// `{epochs, lr, scope: "all" | "factored"}`.
#[derive(Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct FinetuneArgs {
    epochs: usize,
    lr: f32,
    scope: FinetuneScope,
}

impl Default for FinetuneArgs {
    fn default() -> Self {
        FinetuneArgs {
            epochs: 1,
            lr: 0.01,
            scope: FinetuneScope::All,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Analysis {
    spectra: Vec<crate::compress::low_rank::study::Spectrum>,
    /// Wall time of all the SVDs, measured with performance.now().
    svd_ms: f64,
}

/// The lab for the Low-rank panel (the worker holds one).
#[wasm_bindgen]
#[derive(Default)]
pub struct LowRankLab {
    study: Option<Study>,
    /// The model `analyze` decomposed, the cuts last applied, and whether it was fine-tuned.
    origin: Option<Origin>,
    cuts: Vec<LayerRank>,
    finetuned: bool,
}

#[wasm_bindgen]
impl LowRankLab {
    /// An empty lab.
    #[wasm_bindgen(constructor)]
    pub fn new() -> LowRankLab {
        LowRankLab::default()
    }

    /// Decomposes every layer of the session's current model: `{spectra: [{nIn, nOut,
    /// singularValues, svdMs}], svdMs}` (each layer's SVD time, then the total).
    ///
    /// # Errors
    /// `not ready` without a model; `bad data` for non-finite weights.
    pub fn analyze(&mut self, session: &Session) -> Result<JsValue, JsError> {
        let clock = now_ms;
        let t0 = now_ms();
        let study = Study::new(session.model().map_err(err)?, &clock).map_err(err)?;
        self.origin = Some(Origin::capture(session)?);
        self.cuts.clear();
        self.finetuned = false;
        let svd_ms = now_ms() - t0;
        let out = Analysis {
            spectra: study.spectra(),
            svd_ms,
        };
        self.study = Some(study);
        to_js(&out)
    }

    /// Moves the cuts and reports (see `study::Report`).
    ///
    /// # Errors
    /// A bad rank (0 or above min(n_in, n_out)) or energy (outside (0, 1]); `not ready` before
    /// `analyze`.
    pub fn apply(&mut self, session: &Session, args: JsValue) -> Result<JsValue, JsError> {
        let a: ApplyArgs = from_js("low-rank settings", args)?;
        let params = LowRankParams { layers: a.layers };
        params.check().map_err(err)?;
        let test = session.test_data().map_err(err)?;
        let study = self.study_mut()?;
        study.apply(&params).map_err(err)?;
        self.cuts = params.layers.clone();
        self.finetuned = false;
        let study = self.study_mut()?;
        let clock = now_ms;
        to_js(
            &study
                .report(test, a.eval_limit, &clock, a.time_layer)
                .map_err(err)?,
        )
    }

    /// Reports on the model as it stands (after fine-tuning steps): `{evalLimit, timeLayer}`.
    ///
    /// # Errors
    /// `not ready` before `analyze`; a bad layer.
    pub fn report(&self, session: &Session, args: JsValue) -> Result<JsValue, JsError> {
        let a: ApplyArgs = from_js("report settings", args)?;
        let test = session.test_data().map_err(err)?;
        let clock = now_ms;
        to_js(
            &self
                .study()?
                .report(test, a.eval_limit, &clock, a.time_layer)
                .map_err(err)?,
        )
    }

    /// W, its rank-k approximation and their difference for `layer` (0-based): `{width, height,
    /// rgba}`. Takes the session first like every lab method (the worker's rule), though it
    /// draws from the lab's own study.
    ///
    /// # Errors
    /// No such layer; `not ready` before `analyze`.
    pub fn heatmap(&self, _session: &Session, layer: u32) -> Result<JsValue, JsError> {
        image_to_js(&self.study()?.triptych(layer as usize).map_err(err)?)
    }

    /// Starts fine-tuning the factored net: `{epochs (1..=20), lr, scope: "all" | "factored"}`.
    ///
    /// # Errors
    /// Bad settings; `not ready` without data or before `analyze`.
    #[wasm_bindgen(js_name = fineTuneStart)]
    pub fn fine_tune_start(&mut self, session: &Session, args: JsValue) -> Result<(), JsError> {
        let a: FinetuneArgs = from_js("fine-tune settings", args)?;
        if a.epochs == 0 || a.epochs > 20 {
            return Err(err(Error::param(
                Setting::Epochs,
                a.epochs,
                Reason::MustBeBetween1And20,
            )));
        }
        let cfg = TrainConfig {
            epochs: a.epochs,
            lr: a.lr,
            ..session.config().clone()
        };
        let n = session.train_data().map_err(err)?.len();
        self.study_mut()?
            .finetune_start(cfg, a.scope, n)
            .map_err(err)?;
        self.finetuned = true;
        Ok(())
    }

    /// Saves the factored model as it stands (cut, and fine-tuned if it was) as a version named
    /// `name` (empty: its recipe step), child of the decomposed input version, with the
    /// `lowrank` step its cuts spell. The reply has a `note` (empty when the recipe is exact).
    ///
    /// # Errors
    /// Nothing decomposed and cut yet; the input model changed since; a bad name; a full list.
    #[wasm_bindgen(js_name = saveVersion)]
    pub fn save_version(&self, session: &mut Session, name: &str) -> Result<JsValue, JsError> {
        let origin = self
            .origin
            .as_ref()
            .filter(|_| !self.cuts.is_empty())
            .ok_or_else(|| nothing(Missing::DecomposeTheModelAndMoveACutFirst))?;
        let model = crate::version::Model::Float(self.study()?.current().mlp.clone());
        let step = crate::version::panel::low_rank(&self.cuts, self.finetuned);
        save_result(session, origin, step, true, model, name, "Low-rank panel")
    }

    /// Up to `max_steps` fine-tuning steps: the trainer's progress report.
    ///
    /// # Errors
    /// `not ready` if not started or finished; a diverged loss (weights restored).
    #[wasm_bindgen(js_name = fineTuneSteps)]
    pub fn fine_tune_steps(
        &mut self,
        session: &Session,
        max_steps: u32,
    ) -> Result<JsValue, JsError> {
        let train = session.train_data().map_err(err)?;
        let p = self
            .study_mut()?
            .finetune_steps(train, max_steps.clamp(1, 100_000) as usize)
            .map_err(err)?;
        to_js(&p)
    }
}

impl LowRankLab {
    fn study(&self) -> Result<&Study, JsError> {
        self.study.as_ref().ok_or_else(|| {
            err(Error::NotReady {
                what: Missing::DecomposeTheModelFirst,
            })
        })
    }

    fn study_mut(&mut self) -> Result<&mut Study, JsError> {
        self.study.as_mut().ok_or_else(|| {
            err(Error::NotReady {
                what: Missing::DecomposeTheModelFirst,
            })
        })
    }
}
