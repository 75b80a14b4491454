//! Looking at the model from the page: test accuracy and the confusion matrix, a gallery of test
//! digits with predictions, weight heatmaps as RGBA (render::heatmap, fixed diverging palette)
//! and class probabilities for a drawn digit (standardised like the training images).

use super::{Session, SIDE};
use crate::data::mnist::normalize_pixel;
use crate::error::{check_len, Error, Result};
use crate::error::{Reason, Setting};
use crate::wasm::dto::{err, image_to_js, set, to_js};

type JsResult<T> = std::result::Result<T, JsError>;
use crate::render::heatmap::{matrix, robust_scale, tiles};
use crate::train::{evaluate, gallery};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Session {
    /// Accuracy, mean loss and the 10×10 confusion matrix (`confusion[true·10 + predicted]`)
    /// on the first `limit` test digits (0 = all 10,000).
    ///
    /// # Errors
    /// `not ready` without a model or test data.
    pub fn evaluate(&self, limit: u32) -> JsResult<JsValue> {
        let e = evaluate(
            self.model().map_err(err)?,
            self.test_data().map_err(err)?,
            limit as usize,
        )
        .map_err(err)?;
        to_js(&e)
    }

    /// Just the 10×10 confusion matrix (`[true·10 + predicted]`, a `Uint32Array` of 100) on the
    /// first `limit` test digits (0 = all).
    ///
    /// # Errors
    /// As [`Session::evaluate`].
    pub fn confusion(&self, limit: u32) -> JsResult<Vec<u32>> {
        let e = evaluate(
            self.model().map_err(err)?,
            self.test_data().map_err(err)?,
            limit as usize,
        )
        .map_err(err)?;
        Ok(e.confusion)
    }

    /// Up to `n` test digits (1..=500) with predictions: `{indices, images (raw 0–255 bytes,
    /// n·784), labels, predictions, confidence}`; with `mistakes_only`, only misclassified ones.
    ///
    /// # Errors
    /// `n` out of range; `not ready` without a model or test data.
    pub fn gallery(&self, n: u32, mistakes_only: bool) -> JsResult<JsValue> {
        let g = gallery(
            self.model().map_err(err)?,
            self.test_data().map_err(err)?,
            n as usize,
            mistakes_only,
        )
        .map_err(err)?;
        let obj = js_sys::Object::new();
        set(
            &obj,
            "indices",
            &js_sys::Uint32Array::from(g.indices.as_slice()).into(),
        )?;
        set(
            &obj,
            "images",
            &js_sys::Uint8Array::from(g.images.as_slice()).into(),
        )?;
        set(
            &obj,
            "labels",
            &js_sys::Uint8Array::from(g.labels.as_slice()).into(),
        )?;
        set(
            &obj,
            "predictions",
            &js_sys::Uint8Array::from(g.predictions.as_slice()).into(),
        )?;
        set(
            &obj,
            "confidence",
            &js_sys::Float32Array::from(g.confidence.as_slice()).into(),
        )?;
        Ok(obj.into())
    }

    /// The first layer's weights as 28×28 tiles, one per hidden neuron, `tiles_per_row`
    /// across, in the fixed diverging palette scaled by the 99th percentile of |w|; pruned
    /// weights and removed neurons get their own colours. Returns `{width, height, rgba}`.
    ///
    /// # Errors
    /// `tiles_per_row` outside 1..=128; `not ready` without a model.
    #[wasm_bindgen(js_name = firstLayerHeatmap)]
    pub fn first_layer_heatmap(&self, tiles_per_row: u32) -> JsResult<JsValue> {
        if tiles_per_row == 0 || tiles_per_row > 128 {
            return Err(err(Error::param(
                Setting::TilesPerRowSpaced,
                tiles_per_row,
                Reason::MustBeBetween1And128,
            )));
        }
        let layer = self.layer(0).map_err(err)?;
        let scale = robust_scale(layer.w.iter().copied());
        let img = tiles(
            &layer.w,
            layer.mask.as_ref(),
            SIDE,
            tiles_per_row as usize,
            scale,
        )
        .map_err(err)?;
        image_to_js(&img)
    }

    /// Layer `index`'s weight matrix, one pixel per weight (`n_out` rows × `n_in` columns).
    ///
    /// # Errors
    /// No such layer; `not ready` without a model.
    #[wasm_bindgen(js_name = layerHeatmap)]
    pub fn layer_heatmap(&self, index: u32) -> JsResult<JsValue> {
        let layer = self.layer(index as usize).map_err(err)?;
        let scale = robust_scale(layer.w.iter().copied());
        let img = matrix(&layer.w, layer.mask.as_ref(), scale).map_err(err)?;
        image_to_js(&img)
    }

    /// Class probabilities (10, summing to 1) for one 28×28 image given as 784 intensities in
    /// [0, 1] (ink = 1, like MNIST), standardised exactly as the training images are.
    ///
    /// # Errors
    /// A buffer that is not 784 long, a value that is not finite or outside [0, 1];
    /// `not ready` without a model.
    pub fn predict(&self, pixels: &[f32]) -> JsResult<Vec<f32>> {
        check_len("predict pixels", pixels.len(), SIDE * SIDE).map_err(err)?;
        if let Some(v) = pixels.iter().find(|v| !(0.0..=1.0).contains(*v)) {
            return Err(err(Error::param(Setting::Pixel, v, Reason::MustBeIn0To1)));
        }
        let x: Vec<f32> = pixels.iter().map(|&v| normalize_pixel(v)).collect();
        self.model().map_err(err)?.predict_proba(&x, 1).map_err(err)
    }
}

impl Session {
    fn layer(&self, index: usize) -> Result<&crate::model::Dense> {
        let layers = &self.model()?.layers;
        layers
            .get(index)
            .ok_or_else(|| Error::no_layer(index, layers.len()))
    }
}
