//! The Quantize lab at the wasm boundary: checks the settings, calls
//! `compress::quantize::{run, view, deep}` on the session's model and converts the results.
//! The last quantized model is kept for the histogram, the error heatmaps and the speed test.
//! `drawHistogram` runs on the page's thread (plotters-canvas needs the DOM).
//! `saveVersion` keeps the last quantization as a version (recipe step from its settings).

use super::canvas::Canvas;
use super::dto::{err, from_js, image_to_js, now_ms, to_js};
use super::session::Session;
use super::versions_save::{nothing, save_result, Origin};
use crate::compress::quantize::{self, deep, view, Params, QuantizedMlp};
use crate::error::Missing;
use crate::render::histogram::{draw_histogram, HistogramChart};
use plotters::prelude::*;
use wasm_bindgen::prelude::*;

/// Quantization lab: one per worker.
#[wasm_bindgen]
#[derive(Default)]
pub struct QuantizeLab {
    last: Option<QuantizedMlp>,
    /// The last `apply`: its input, settings and model, for `saveVersion`.
    saved: Option<(Origin, Params, QuantizedMlp)>,
}

#[wasm_bindgen]
impl QuantizeLab {
    /// A lab with nothing quantized yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> QuantizeLab {
        QuantizeLab::default()
    }

    /// Quantizes the session's model with `params` (a `Params` object: `{scheme, bits, format,
    /// symmetry, granularity, activations, calibration, training, qatSteps, ...}`) and returns
    /// the report (accuracy, float accuracy, three sizes, bits, kernel, per-layer errors).
    ///
    /// # Errors
    /// Bad settings (in words), or no model/data yet.
    pub fn apply(&mut self, session: &Session, params: JsValue) -> Result<JsValue, JsError> {
        let mut p: Params = from_js("quantization settings", params)?;
        p.check().map_err(err)?;
        let origin = Origin::capture(session)?;
        // The chain's seed (calibration batches, QAT order), so a saved recipe replays it.
        p.seed = origin.seed;
        let mlp = session.model().map_err(err)?;
        let q = quantize::run(mlp, &p, session.train_data().map_err(err)?).map_err(err)?;
        let r = view::report(mlp, &q, session.test_data().map_err(err)?, 0).map_err(err)?;
        self.saved = Some((origin, p, q.clone()));
        self.last = Some(q);
        to_js(&r)
    }

    /// Saves the last quantized model as a version named `name` (empty: its recipe step), child
    /// of the input version, with the `quantize` (or `share`) step its settings spell. The reply
    /// is the version's summary with a `note` (empty when the recipe rebuilds it exactly).
    ///
    /// # Errors
    /// Nothing quantized yet; the input model changed since; a bad name; a full list.
    #[wasm_bindgen(js_name = saveVersion)]
    pub fn save_version(&self, session: &mut Session, name: &str) -> Result<JsValue, JsError> {
        let (origin, p, q) = self
            .saved
            .as_ref()
            .ok_or_else(|| nothing(Missing::QuantizeTheModelFirst))?;
        let n = session.train_data().map_err(err)?.len();
        let step = crate::version::panel::quantize(p, n);
        save_result(
            session,
            origin,
            step,
            true,
            crate::version::Model::Quantized(q.clone()),
            name,
            "Quantize panel",
        )
    }

    /// Before/after histogram of layer `layer` (0-based) of the last quantization, with its
    /// levels, as a `HistogramChart` object for `drawHistogram`.
    ///
    /// # Errors
    /// Nothing quantized yet, or no such layer.
    pub fn histogram(&self, session: &Session, layer: u32, bins: u32) -> Result<JsValue, JsError> {
        let q = self
            .last
            .as_ref()
            .ok_or_else(|| JsError::new("quantize the model first"))?;
        let h = view::histogram(
            session.model().map_err(err)?,
            q,
            layer as usize,
            bins as usize,
        )
        .map_err(err)?;
        to_js(&h)
    }

    /// |w − q(w)| of layer `layer` as `{width, height, rgba}` (one pixel per weight, scaled to
    /// the layer's largest error).
    ///
    /// # Errors
    /// Nothing quantized yet, or no such layer.
    #[wasm_bindgen(js_name = errorHeatmap)]
    pub fn error_heatmap(&self, session: &Session, layer: u32) -> Result<JsValue, JsError> {
        let q = self
            .last
            .as_ref()
            .ok_or_else(|| JsError::new("quantize the model first"))?;
        let img = view::error_image(session.model().map_err(err)?, q, layer as usize, 0.0)
            .map_err(err)?;
        image_to_js(&img)
    }

    /// Measures f32 against int8 (weights and activations, per-channel) inference of the
    /// session's model on `batch` test images, in this browser.
    ///
    /// # Errors
    /// No model/data yet, or a batch outside 1..=test size.
    pub fn speed(&self, session: &Session, batch: u32) -> Result<JsValue, JsError> {
        let mlp = session.model().map_err(err)?;
        let p = Params {
            activations: true,
            ..Default::default()
        };
        let q = quantize::apply(mlp, &p, Some(session.train_data().map_err(err)?)).map_err(err)?;
        let s = view::measure(
            mlp,
            &q,
            session.test_data().map_err(err)?,
            batch as usize,
            &now_ms,
            300.0,
        )
        .map_err(err)?;
        to_js(&s)
    }

    /// Runs Deep Compression (prune → retrain → share → fine-tune → Huffman) on a copy of the
    /// session's model with `params` (a `DeepParams` object) and returns the list of stages.
    ///
    /// # Errors
    /// Bad settings, or no model/data yet.
    #[wasm_bindgen(js_name = deepCompress)]
    pub fn deep_compress(
        &mut self,
        session: &Session,
        params: JsValue,
    ) -> Result<JsValue, JsError> {
        let p: deep::DeepParams = from_js("Deep Compression settings", params)?;
        p.check().map_err(err)?;
        let mut stages = Vec::new();
        let q = deep::run(
            session.model().map_err(err)?,
            session.train_data().map_err(err)?,
            session.test_data().map_err(err)?,
            &p,
            &mut |s| stages.push(s.clone()),
        )
        .map_err(err)?;
        self.last = Some(q);
        to_js(&stages)
    }
}

/// Draws a `HistogramChart` object on a canvas element (page thread).
///
/// # Errors
/// A malformed chart object or a drawing failure.
#[wasm_bindgen(js_name = drawHistogram)]
pub fn draw_histogram_on(
    canvas: web_sys::HtmlCanvasElement,
    chart: JsValue,
) -> Result<(), JsError> {
    let h: HistogramChart = from_js("histogram", chart)?;
    let backend = Canvas::on(canvas).ok_or_else(|| JsError::new("the canvas has no 2D context"))?;
    let area = backend.into_drawing_area();
    draw_histogram(&area, &h).map_err(err)?;
    area.present()
        .map_err(|e| JsError::new(&format!("histogram drawing failed: {e:?}")))
}
