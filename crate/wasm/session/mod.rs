//! The worker's `Session`: the one object that owns the data, the settings, the model and its
//! trainer; the page talks to it by RPC (www/worker.js). Every method checks its input, calls
//! the core and converts the result; errors are the core's `Display` text, and nothing here can
//! panic. This file: data, settings and chunked training; `inspect.rs`: evaluation, gallery,
//! heatmaps and prediction; `access.rs`: the `pub(crate)` accessors the compression labs use.

mod access;
mod inspect;
mod model_file;
mod snapshot;

use super::dto::{err, from_js, to_js};
use crate::data::mnist::Dataset;
use crate::error::bad_data;
use crate::error::Missing;
use crate::error::{Error, Result};
use crate::error::{Reason, Setting};
use crate::train::{TrainConfig, Trainer};
use crate::version::Store;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// Results of the JS-facing methods.
type JsResult<T> = std::result::Result<T, JsError>;

/// MNIST's image side: the first layer's tiles are 28×28.
pub(super) const SIDE: usize = 28;
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
    /// Every version the learner made (crate/wasm/versions.rs lists, runs and picks them).
    versions: Store,
    /// The version the panels work on, when the model came from one (None: trained here).
    input: Option<u32>,
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
            versions: Store::new(),
            input: None,
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
    pub fn load_data(&mut self, kind: JsValue, bytes: Vec<u8>) -> JsResult<JsValue> {
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
            return Err(err(bad_data!(IdxNot28, rows = data.rows, cols = data.cols)));
        }
        report.complete = true;
        report.count = data.len();
        report.label_counts = data.label_counts().to_vec();
        match split {
            Split::Train => {
                // The new model is built from the new data first; only when that succeeds do
                // both replace the old ones, so a rejected set (say, an empty one) leaves the
                // previous data and trainer consistent with each other.
                let trainer = Trainer::new(self.cfg.clone(), data.len()).map_err(err)?;
                self.train = Some(data);
                self.trainer = Some(trainer);
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
    pub fn configure(&mut self, settings: JsValue) -> JsResult<JsValue> {
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
    pub fn reset(&mut self) -> JsResult<JsValue> {
        if self.train.is_none() {
            return Err(err(Error::NotReady {
                what: Missing::LoadTheTrainingDataFirst,
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
    pub fn train_steps(&mut self, max_steps: u32) -> JsResult<JsValue> {
        if max_steps == 0 || max_steps > MAX_STEPS_PER_CALL {
            return Err(err(Error::param(
                Setting::Steps,
                max_steps,
                Reason::MustBeBetween1And100000,
            )));
        }
        let (trainer, train, _) = self.train_parts().map_err(err)?;
        let progress = trainer.run(train, max_steps as usize).map_err(err)?;
        to_js(&progress)
    }

    /// Settings, layer sizes, parameter count, steps, epoch and data counts.
    ///
    /// # Errors
    /// Never in practice (conversion only).
    pub fn info(&self) -> JsResult<JsValue> {
        to_js(&self.info_data())
    }
}

impl Session {
    /// What [`Session::info`] reports, as data.
    fn info_data(&self) -> Info {
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
        Info {
            config: self.cfg.clone(),
            sizes,
            param_count,
            steps,
            epoch,
            done,
            train_count: self.train.as_ref().map_or(0, Dataset::len),
            test_count: self.test.as_ref().map_or(0, Dataset::len),
            kernel: crate::tensor::kernels::ACTIVE,
        }
    }

    /// A fresh trainer (and model, from the seed) once the training data is in.
    fn rebuild(&mut self) -> Result<()> {
        if let Some(train) = &self.train {
            self.trainer = Some(Trainer::new(self.cfg.clone(), train.len())?);
            self.input = None;
        }
        Ok(())
    }
}
