//! The worker's `Session`: the one object that owns the data, the settings, the model and its
//! trainer. The page talks to it by RPC (www/worker.js); compression labs reach the same model
//! through the `pub(crate)` accessors below. Every method checks its input, calls the core and
//! converts the result; errors are the core's `Display` text, and nothing here can panic.

use super::dto::{err, from_js, image_to_js, to_js};
use crate::data::mnist::{normalize_pixel, Dataset};
use crate::error::{check_len, Error};
type Result<T, E = Error> = std::result::Result<T, E>;
use crate::model::Mlp;
use crate::render::heatmap::{matrix, robust_scale, tiles};
use crate::train::{evaluate, gallery, TrainConfig, Trainer};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// MNIST's image side: the first layer's tiles are 28×28.
const SIDE: usize = 28;
/// Most steps one `trainSteps` call may take (the worker asks for ~50–100 ms of work).
const MAX_STEPS_PER_CALL: u32 = 100_000;

/// Which of the four MNIST files a buffer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
enum DataKind {
    TrainImages,
    TrainLabels,
    TestImages,
    TestLabels,
}

/// The two halves of MNIST.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
enum Split {
    Train,
    Test,
}

impl DataKind {
    fn slot(self) -> usize {
        self as usize
    }
    fn split(self) -> Split {
        match self {
            DataKind::TrainImages | DataKind::TrainLabels => Split::Train,
            DataKind::TestImages | DataKind::TestLabels => Split::Test,
        }
    }
}

/// What `loadData` did.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LoadReport {
    split: Split,
    /// True once both files of the split are in and parsed.
    complete: bool,
    /// Examples in the split (0 until complete).
    count: usize,
    label_counts: Vec<usize>,
}

/// A snapshot of the session for the page.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Info {
    config: TrainConfig,
    sizes: Vec<usize>,
    param_count: usize,
    steps: u64,
    epoch: usize,
    done: bool,
    train_count: usize,
    test_count: usize,
    kernel: &'static str,
}

/// Data, settings, model and trainer, living in the worker.
#[wasm_bindgen]
pub struct Session {
    /// Raw files waiting for their partner (images wait for labels and vice versa).
    pending: [Option<Vec<u8>>; 4],
    train: Option<Dataset>,
    test: Option<Dataset>,
    cfg: TrainConfig,
    trainer: Option<Trainer>,
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl Session {
    /// An empty session with the default settings (LeNet-300-100, SGD, seed 1).
    #[wasm_bindgen(constructor)]
    pub fn new() -> Session {
        Session {
            pending: [None, None, None, None],
            train: None,
            test: None,
            cfg: TrainConfig::default(),
            trainer: None,
        }
    }

    /// Takes one MNIST file (`kind`: "trainImages", "trainLabels", "testImages" or
    /// "testLabels"; plain IDX or gzipped). When both files of a split are in, they are parsed
    /// and validated together; a new training set also starts a fresh model.
    ///
    /// # Errors
    /// An unknown kind; `bad data: ...` for a wrong magic, truncated file, counts that disagree,
    /// a label > 9, broken gzip, or images that are not 28×28. The pair is then discarded and
    /// whatever was loaded before stays.
    #[wasm_bindgen(js_name = loadData)]
    pub fn load_data(&mut self, kind: JsValue, bytes: Vec<u8>) -> Result<JsValue, JsError> {
        let kind: DataKind = from_js("data kind", kind)?;
        if let Some(slot) = self.pending.get_mut(kind.slot()) {
            *slot = Some(bytes);
        }
        let split = kind.split();
        let (img, lab) = match split {
            Split::Train => (0, 1),
            Split::Test => (2, 3),
        };
        let ready = self.pending[img].is_some() && self.pending[lab].is_some();
        let mut report = LoadReport {
            split,
            complete: false,
            count: 0,
            label_counts: vec![],
        };
        if !ready {
            return to_js(&report);
        }
        let images = self.pending[img].take().unwrap_or_default();
        let labels = self.pending[lab].take().unwrap_or_default();
        let data = Dataset::from_idx(&images, &labels).map_err(err)?;
        drop((images, labels));
        if (data.rows, data.cols) != (SIDE, SIDE) {
            return Err(err(Error::data(format!(
                "images are {}×{}, expected MNIST's 28×28",
                data.rows, data.cols
            ))));
        }
        report.complete = true;
        report.count = data.len();
        report.label_counts = data.label_counts().to_vec();
        match split {
            Split::Train => {
                self.train = Some(data);
                self.rebuild().map_err(err)?;
            }
            Split::Test => self.test = Some(data),
        }
        to_js(&report)
    }

    /// Replaces the training settings (a `TrainConfig` object: hidden, activation, optimizer,
    /// lr, momentum, weightDecay, batchSize, epochs, seed, schedule) and starts a fresh model
    /// from the seed. Returns the session info.
    ///
    /// # Errors
    /// `invalid <setting> = <value>: <reason>`; the previous settings and model stay.
    pub fn configure(&mut self, settings: JsValue) -> Result<JsValue, JsError> {
        let cfg: TrainConfig = from_js("training settings", settings)?;
        cfg.check().map_err(err)?;
        let old = std::mem::replace(&mut self.cfg, cfg);
        if let Err(e) = self.rebuild() {
            self.cfg = old;
            return Err(err(e));
        }
        self.info()
    }

    /// A fresh model from the current settings and seed (the same seed gives the same weights).
    ///
    /// # Errors
    /// `not ready` before the training data is loaded.
    pub fn reset(&mut self) -> Result<JsValue, JsError> {
        if self.train.is_none() {
            return Err(err(Error::NotReady {
                what: "load the training data first",
            }));
        }
        self.rebuild().map_err(err)?;
        self.info()
    }

    /// Trains up to `max_steps` mini-batches, stopping early at an epoch's end, and returns
    /// the `Progress` (epoch, epochFraction, step, loss, trainAccuracy, samples, epochEnded,
    /// done).
    ///
    /// # Errors
    /// `max_steps` outside 1..=100000; `not ready` without data or when training is finished;
    /// `training diverged ...` when the loss became NaN or infinite (the last good weights are
    /// restored first).
    #[wasm_bindgen(js_name = trainSteps)]
    pub fn train_steps(&mut self, max_steps: u32) -> Result<JsValue, JsError> {
        if max_steps == 0 || max_steps > MAX_STEPS_PER_CALL {
            return Err(err(Error::param(
                "steps",
                max_steps,
                "must be between 1 and 100000",
            )));
        }
        let (trainer, train, _) = self.train_parts().map_err(err)?;
        let progress = trainer.run(train, max_steps as usize).map_err(err)?;
        to_js(&progress)
    }

    /// Accuracy, mean loss and the 10×10 confusion matrix (`confusion[true·10 + predicted]`)
    /// on the first `limit` test digits (0 = all 10,000).
    ///
    /// # Errors
    /// `not ready` without a model or test data.
    pub fn evaluate(&self, limit: u32) -> Result<JsValue, JsError> {
        let e = evaluate(
            self.model().map_err(err)?,
            self.test_data().map_err(err)?,
            limit as usize,
        )
        .map_err(err)?;
        to_js(&e)
    }

    /// Up to `n` test digits (1..=500) with predictions: `{indices, images (raw 0–255 bytes,
    /// n·784), labels, predictions, confidence}`; with `mistakes_only`, only misclassified ones.
    ///
    /// # Errors
    /// `n` out of range; `not ready` without a model or test data.
    pub fn gallery(&self, n: u32, mistakes_only: bool) -> Result<JsValue, JsError> {
        let g = gallery(
            self.model().map_err(err)?,
            self.test_data().map_err(err)?,
            n as usize,
            mistakes_only,
        )
        .map_err(err)?;
        let obj = js_sys::Object::new();
        super::dto::set(
            &obj,
            "indices",
            &js_sys::Uint32Array::from(g.indices.as_slice()).into(),
        )?;
        super::dto::set(
            &obj,
            "images",
            &js_sys::Uint8Array::from(g.images.as_slice()).into(),
        )?;
        super::dto::set(
            &obj,
            "labels",
            &js_sys::Uint8Array::from(g.labels.as_slice()).into(),
        )?;
        super::dto::set(
            &obj,
            "predictions",
            &js_sys::Uint8Array::from(g.predictions.as_slice()).into(),
        )?;
        super::dto::set(
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
    pub fn first_layer_heatmap(&self, tiles_per_row: u32) -> Result<JsValue, JsError> {
        if tiles_per_row == 0 || tiles_per_row > 128 {
            return Err(err(Error::param(
                "tiles per row",
                tiles_per_row,
                "must be between 1 and 128",
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
    pub fn layer_heatmap(&self, index: u32) -> Result<JsValue, JsError> {
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
    pub fn predict(&self, pixels: &[f32]) -> Result<Vec<f32>, JsError> {
        check_len("predict pixels", pixels.len(), SIDE * SIDE).map_err(err)?;
        if let Some(v) = pixels.iter().find(|v| !(0.0..=1.0).contains(*v)) {
            return Err(err(Error::param("pixel", v, "must be in [0, 1]")));
        }
        let x: Vec<f32> = pixels.iter().map(|&v| normalize_pixel(v)).collect();
        self.model().map_err(err)?.predict_proba(&x, 1).map_err(err)
    }

    /// Settings, layer sizes, parameter count, steps, epoch and data counts.
    ///
    /// # Errors
    /// Never in practice (conversion only).
    pub fn info(&self) -> Result<JsValue, JsError> {
        let (sizes, param_count, steps, epoch, done) = match &self.trainer {
            Some(t) => (
                t.mlp.sizes(),
                t.mlp.param_count(),
                t.steps(),
                t.epoch(),
                t.done(),
            ),
            None => (self.cfg.spec().sizes(), 0, 0, 0, false),
        };
        to_js(&Info {
            config: self.cfg.clone(),
            sizes,
            param_count,
            steps,
            epoch,
            done,
            train_count: self.train.as_ref().map_or(0, Dataset::len),
            test_count: self.test.as_ref().map_or(0, Dataset::len),
            kernel: crate::tensor::kernels::ACTIVE,
        })
    }
}

/// Accessors for the compression labs (`crate/wasm/<method>.rs`). Some are unused until the
/// labs land, hence the `allow`.
#[allow(dead_code)]
impl Session {
    fn rebuild(&mut self) -> Result<()> {
        if let Some(train) = &self.train {
            self.trainer = Some(Trainer::new(self.cfg.clone(), train.len())?);
        }
        Ok(())
    }

    fn layer(&self, index: usize) -> Result<&crate::model::Dense> {
        self.model()?
            .layers
            .get(index)
            .ok_or_else(|| Error::param("layer", index, "no such layer"))
    }

    /// The current settings.
    pub(crate) fn config(&self) -> &TrainConfig {
        &self.cfg
    }

    /// The model being trained.
    ///
    /// # Errors
    /// `NotReady` before the training data is loaded.
    pub(crate) fn model(&self) -> Result<&Mlp> {
        self.trainer
            .as_ref()
            .map(|t| &t.mlp)
            .ok_or(Error::NotReady {
                what: "no model yet: load the training data first",
            })
    }

    /// The model, mutably (a lab that changes its shape or masks must then call
    /// `trainer_mut()?.model_changed()`).
    ///
    /// # Errors
    /// As [`Session::model`].
    pub(crate) fn model_mut(&mut self) -> Result<&mut Mlp> {
        Ok(&mut self.trainer_mut()?.mlp)
    }

    /// The trainer (model, optimizer state, settings).
    ///
    /// # Errors
    /// As [`Session::model`].
    pub(crate) fn trainer_mut(&mut self) -> Result<&mut Trainer> {
        self.trainer.as_mut().ok_or(Error::NotReady {
            what: "no model yet: load the training data first",
        })
    }

    /// The 60,000 training digits.
    ///
    /// # Errors
    /// `NotReady` before they are loaded.
    pub(crate) fn train_data(&self) -> Result<&Dataset> {
        self.train.as_ref().ok_or(Error::NotReady {
            what: "the training data is not loaded yet",
        })
    }

    /// The 10,000 test digits.
    ///
    /// # Errors
    /// `NotReady` before they are loaded.
    pub(crate) fn test_data(&self) -> Result<&Dataset> {
        self.test.as_ref().ok_or(Error::NotReady {
            what: "the test data is not loaded yet",
        })
    }

    /// The trainer together with both datasets, for labs that fine-tune (borrowing them one
    /// by one through `&mut self` would not compile). The test set is `None` until loaded.
    ///
    /// # Errors
    /// `NotReady` before the training data is loaded.
    pub(crate) fn train_parts(&mut self) -> Result<(&mut Trainer, &Dataset, Option<&Dataset>)> {
        let not_ready = Error::NotReady {
            what: "load the training data first",
        };
        match (self.trainer.as_mut(), self.train.as_ref()) {
            (Some(t), Some(d)) => Ok((t, d, self.test.as_ref())),
            _ => Err(not_ready),
        }
    }
}
