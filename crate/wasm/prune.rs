//! `PruneLab`: the Prune panel's wasm facade. Each method takes the worker's `Session` (which
//! owns the model and the data), checks its input, calls `compress::prune` and converts the
//! result. The lab's state (the dense model the slider prunes from, the fine-tuner holding the
//! masks, the removed neurons) lives in the core's `compress::prune::lab::Lab`.

use super::dto::{err, from_js, image_to_js, now_ms, set, to_js};
use super::session::Session;
use crate::compress::prune::lab::{border_and_centre, Lab, LabParams, View};
use crate::compress::prune::{pitfall, sensitivity, timing, Criterion, Params};
use crate::error::Error;
use crate::error::{Reason, Setting};
use crate::render::chart::LineChart;
use crate::train::TrainConfig;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A chart with its words as ids beside their English (`text`: `{title, xLabel, yLabel,
/// series}` of `{id, args}`); `drawLineChart` ignores `text`.
#[derive(Serialize)]
struct Worded {
    #[serde(flatten)]
    chart: LineChart,
    text: serde_json::Value,
}

/// Most steps one `fineTune` / `pitfall` call may take.
const MAX_STEPS: u32 = 20_000;
/// Test images at most.
const MAX_EVAL: u32 = 10_000;

fn check_steps(steps: u32) -> Result<usize, JsError> {
    if steps == 0 || steps > MAX_STEPS {
        return Err(err(Error::param(
            Setting::Steps,
            steps,
            Reason::MustBeIn1To20000,
        )));
    }
    Ok(steps as usize)
}

fn check_limit(limit: u32) -> Result<usize, JsError> {
    if limit > MAX_EVAL {
        return Err(err(Error::param(
            Setting::EvalLimit,
            limit,
            Reason::MustBeIn0To10000AllIs0,
        )));
    }
    Ok(limit as usize)
}

/// The Prune panel's state, one per worker.
#[wasm_bindgen]
#[derive(Default)]
pub struct PruneLab {
    lab: Lab,
}

#[wasm_bindgen]
impl PruneLab {
    /// A lab with nothing pruned yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> PruneLab {
        PruneLab::default()
    }

    /// Prunes the session's model per `params` (`LabParams`: level, weights {criterion, scope,
    /// sparsity, layers, holdMask, ...}, neurons {criterion, fraction, layers}, fromBase,
    /// evalLimit) and returns the report (sparsity per layer, accuracy, sizes).
    ///
    /// # Errors
    /// Bad params in words; `not ready` before the data is loaded.
    pub fn apply(&mut self, session: &mut Session, params: JsValue) -> Result<JsValue, JsError> {
        let p: LabParams = from_js("pruning settings", params)?;
        p.weights.check().map_err(err)?;
        p.neurons.check().map_err(err)?;
        check_limit(p.eval_limit as u32)?;
        let (trainer, train, test) = session.lab_parts().map_err(err)?;
        let r = self
            .lab
            .apply(&mut trainer.mlp, &p, train, test)
            .map_err(err)?;
        trainer.model_changed();
        to_js(&r)
    }

    /// The report on the session's model as it stands (nothing is pruned): what the panel
    /// shows before the slider first moves.
    ///
    /// # Errors
    /// `not ready` before the data is loaded.
    pub fn report(&mut self, session: &mut Session, eval_limit: u32) -> Result<JsValue, JsError> {
        let limit = check_limit(eval_limit)?;
        let (trainer, _, test) = session.lab_parts().map_err(err)?;
        let r = self.lab.report(&trainer.mlp, test, limit).map_err(err)?;
        to_js(&r)
    }

    /// Puts back the dense model saved before the first pruning.
    ///
    /// # Errors
    /// `not ready` if nothing was pruned.
    pub fn restore(&mut self, session: &mut Session, eval_limit: u32) -> Result<JsValue, JsError> {
        let limit = check_limit(eval_limit)?;
        let (trainer, _, test) = session.lab_parts().map_err(err)?;
        let r = self
            .lab
            .restore(&mut trainer.mlp, test, limit)
            .map_err(err)?;
        trainer.model_changed();
        to_js(&r)
    }

    /// `steps` fine-tuning steps at learning rate `lr` with the masks held.
    ///
    /// # Errors
    /// Bad steps/lr in words; training errors (divergence restores the weights).
    #[wasm_bindgen(js_name = fineTune)]
    pub fn fine_tune(
        &mut self,
        session: &mut Session,
        steps: u32,
        lr: f32,
        eval_limit: u32,
    ) -> Result<JsValue, JsError> {
        let steps = check_steps(steps)?;
        let limit = check_limit(eval_limit)?;
        let cfg: TrainConfig = session.config().clone();
        let (trainer, train, test) = session.lab_parts().map_err(err)?;
        let r = self
            .lab
            .fine_tune(&mut trainer.mlp, &cfg, steps, lr, train, test, limit)
            .map_err(err)?;
        trainer.model_changed();
        to_js(&r)
    }

    /// Heatmap of layer `layer` as `{width, height, rgba}`: `view` is "weights", "mask" or
    /// "importance"; `criterion` ("magnitude", "gradient", ...) picks the importance shown.
    ///
    /// # Errors
    /// Unknown layer/view/criterion in words.
    pub fn heatmap(
        &self,
        session: &Session,
        layer: u32,
        view: JsValue,
        criterion: JsValue,
        tiles_per_row: u32,
    ) -> Result<JsValue, JsError> {
        let view: View = from_js("heatmap view", view)?;
        let criterion: Criterion = from_js("importance criterion", criterion)?;
        if tiles_per_row == 0 || tiles_per_row > 64 {
            return Err(err(Error::param(
                Setting::TilesPerRow,
                tiles_per_row,
                Reason::MustBeIn1To64,
            )));
        }
        let img = self
            .lab
            .heatmap(
                session.model().map_err(err)?,
                layer as usize,
                view,
                criterion,
                session.train_data().map_err(err)?,
                tiles_per_row as usize,
            )
            .map_err(err)?;
        image_to_js(&img)
    }

    /// 28×28 map of the fraction of first-layer weights that survive per input pixel, as
    /// `{width, height, rgba, border, centre}` (mean survival of the 4-pixel border and the
    /// central 12×12).
    ///
    /// # Errors
    /// `not ready` before a model exists.
    #[wasm_bindgen(js_name = survivalMap)]
    pub fn survival_map(&self, session: &Session) -> Result<JsValue, JsError> {
        let (img, frac) = self
            .lab
            .survival_map(session.model().map_err(err)?)
            .map_err(err)?;
        let obj = image_to_js(&img)?;
        let (border, centre) = border_and_centre(&frac);
        let o: js_sys::Object = obj.clone().into();
        set(&o, "border", &JsValue::from(border))?;
        set(&o, "centre", &JsValue::from(centre))?;
        Ok(obj)
    }

    /// The accuracy-vs-sparsity chart (a `LineChart` for `drawLineChart`, its words in English,
    /// with `text`: the same words as ids, which www/rustmsg.js `chartWords` says in the page's
    /// language).
    ///
    /// # Errors
    /// `not ready` before a model exists.
    #[wasm_bindgen(js_name = accuracyCurve)]
    pub fn accuracy_curve(
        &mut self,
        session: &Session,
        eval_limit: u32,
    ) -> Result<JsValue, JsError> {
        let limit = check_limit(eval_limit)?;
        let levels = [0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99];
        let (chart, words) = self
            .lab
            .accuracy_curve(
                session.model().map_err(err)?,
                &levels,
                session.test_data().map_err(err)?,
                limit,
            )
            .map_err(err)?;
        to_js(&Worded {
            chart,
            text: words.wire(),
        })
    }

    /// Per-layer sensitivity chart (one layer magnitude-pruned at a time, others dense), with
    /// `text` as for `accuracyCurve`.
    ///
    /// # Errors
    /// `not ready` before a model exists.
    pub fn sensitivity(&self, session: &Session, eval_limit: u32) -> Result<JsValue, JsError> {
        let limit = check_limit(eval_limit)?;
        let curves = sensitivity::sensitivity(
            session.model().map_err(err)?,
            Criterion::Magnitude,
            &sensitivity::LEVELS,
            None,
            session.test_data().map_err(err)?,
            limit,
        )
        .map_err(err)?;
        let (chart, words) = sensitivity::chart(&curves);
        to_js(&Worded {
            chart,
            text: words.wire(),
        })
    }

    /// Measured dense vs sparse (CSR, simd128) inference time at batch 1 and 64.
    ///
    /// # Errors
    /// `not ready` before a model exists.
    pub fn timings(&self, session: &Session, min_ms: f64) -> Result<JsValue, JsError> {
        if !min_ms.is_finite() || !(1.0..=2000.0).contains(&min_ms) {
            return Err(err(Error::param(
                Setting::MinMs,
                min_ms,
                Reason::MustBeIn1To2000,
            )));
        }
        let inputs = timing::real_inputs(session.test_data().map_err(err)?, 64).map_err(err)?;
        let t = timing::timings(
            session.model().map_err(err)?,
            self.lab.reference(),
            Some(&inputs),
            &now_ms,
            min_ms,
        )
        .map_err(err)?;
        to_js(&t)
    }

    /// The tutorial's pitfall: prune a copy of the dense model (the one the slider prunes
    /// from) with `params`, then retrain `steps` steps with the mask held and with it
    /// multiplied in once; the session's model itself is unchanged.
    ///
    /// # Errors
    /// Bad params or steps in words.
    pub fn pitfall(
        &mut self,
        session: &Session,
        params: JsValue,
        steps: u32,
        lr: f32,
        eval_limit: u32,
    ) -> Result<JsValue, JsError> {
        let p: Params = from_js("pruning settings", params)?;
        p.check().map_err(err)?;
        let steps = check_steps(steps)?;
        let limit = check_limit(eval_limit)?;
        crate::error::check_positive(Setting::Lr, lr).map_err(err)?;
        let cfg = TrainConfig {
            lr,
            schedule: crate::train::Schedule::Constant,
            epochs: 1000,
            ..session.config().clone()
        };
        let dense = self.lab.dense(session.model().map_err(err)?);
        let r = pitfall::compare(
            dense,
            &p,
            &cfg,
            session.train_data().map_err(err)?,
            session.test_data().map_err(err)?,
            steps,
            limit,
        )
        .map_err(err)?;
        to_js(&r)
    }
}
