//! The version list from the page: list, rename, delete and clear versions; save the session's
//! model as a version (figures measured here with `performance.now()`); pick a version as the
//! panels' input; predict one drawn digit with several versions; and draw any version's first
//! layer. Thin: each method checks its input, calls `crate::version` and converts the result.
//! Running steps and recipes as chunked jobs lives in `versions_job.rs`.

use super::dto::{err, image_to_js, now_ms, to_js};
use super::session::{Session, SIDE};
use crate::compress::Compressed;
use crate::data::mnist::normalize_pixel;
use crate::error::{check_len, Error};
use crate::model::loss::softmax_in_place;
use crate::model::{Mlp, Workspace};
use crate::render::heatmap::{robust_scale, tiles};
use crate::version::{measure, Model, Recipe, Step, Store, TrainStep, Version};
use serde::Serialize;
use wasm_bindgen::prelude::*;

type JsResult<T> = std::result::Result<T, JsError>;

/// Most versions one `predict` call may compare.
const MAX_PREDICT_VERSIONS: usize = 16;

/// The version list of the worker's session (target `versions`; every method gets the session
/// first, see www/worker.js). The chunked job that makes new versions is kept here too.
#[wasm_bindgen]
#[derive(Default)]
pub struct VersionsLab {
    pub(super) job: Option<super::versions_job::Running>,
}

/// The version with this id, or an error in words.
pub(super) fn find(store: &Store, id: u32) -> Result<&Version, JsError> {
    store.get(id).map_err(|_| {
        JsError::new(&format!(
            "there is no version #{id} (it was deleted, or never made)"
        ))
    })
}

/// What the page shows about the session's current input.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Input {
    id: Option<u32>,
    name: Option<String>,
    method: Option<String>,
    /// True only when no version has changed the model and no weight is masked.
    dense: bool,
    /// Mini-batches the session's trainer has taken on this model.
    steps: u64,
}

/// One version's class probabilities for a drawn digit.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Prediction {
    id: u32,
    name: String,
    probabilities: Vec<f32>,
    digit: usize,
}

#[wasm_bindgen]
impl VersionsLab {
    /// An empty lab (the versions themselves live in the session).
    #[wasm_bindgen(constructor)]
    pub fn new() -> VersionsLab {
        VersionsLab::default()
    }

    /// Every version, oldest first: `{id, name, parent, method, step, recipe, seed, figures}`.
    ///
    /// # Errors
    /// Never in practice (conversion only).
    pub fn list(&self, session: &Session) -> JsResult<JsValue> {
        to_js(&session.versions().summaries())
    }

    /// Renames version `id`.
    ///
    /// # Errors
    /// No such version; an empty name, one over 60 characters or with control characters.
    pub fn rename(&self, session: &mut Session, id: u32, name: &str) -> JsResult<JsValue> {
        find(session.versions(), id)?;
        session.versions_mut().rename(id, name).map_err(err)?;
        self.list(session)
    }

    /// Deletes version `id` (its children stay, with their recipes). If it was the panels'
    /// input, the model stays loaded but is no longer said to be that version.
    ///
    /// # Errors
    /// No such version.
    pub fn delete(&mut self, session: &mut Session, id: u32) -> JsResult<JsValue> {
        find(session.versions(), id)?;
        session.versions_mut().delete(id).map_err(err)?;
        if session.input() == Some(id) {
            session.set_input(None);
        }
        self.list(session)
    }

    /// Deletes every version.
    ///
    /// # Errors
    /// Never in practice.
    pub fn clear(&mut self, session: &mut Session) -> JsResult<JsValue> {
        session.versions_mut().clear();
        session.set_input(None);
        self.job = None;
        self.list(session)
    }

    /// Saves the session's current model (the one the panels show) as a new version named
    /// `name`, measuring its figures now: accuracy on every test digit, the three sizes and
    /// the time per batch of 1 and 64 in this browser. Its parent is the version the model was
    /// picked from, if any; a model trained here gets a `train` recipe from the settings.
    ///
    /// # Errors
    /// `not ready` without a model or test data; a bad name; a full list.
    #[wasm_bindgen(js_name = saveCurrent)]
    pub fn save_current(&mut self, session: &mut Session, name: &str) -> JsResult<JsValue> {
        let id = save_session_model(session, name)?;
        summary(session.versions(), id)
    }

    /// Loads version `id`'s float model into the session as the input of every panel. Only
    /// float models can be trained and edited there; a quantized or binary version is refused
    /// in words (use it through a recipe step instead).
    ///
    /// # Errors
    /// No such version; not a float model; `not ready` without training data.
    #[wasm_bindgen(js_name = useAsInput)]
    pub fn use_as_input(&mut self, session: &mut Session, id: u32) -> JsResult<JsValue> {
        let v = find(session.versions(), id)?;
        let mlp: Mlp = match &v.model {
            Model::Float(m) => m.clone(),
            Model::Quantized(_) => {
                return Err(JsError::new(&format!(
                    "version #{id} \"{}\" is quantized: the panels train and edit float weights, so run a step on it from the Versions list instead (e.g. huffman or finetune)",
                    v.name
                )))
            }
            Model::Binary(_) => {
                return Err(JsError::new(&format!(
                    "version #{id} \"{}\" is a binary network: its ±α weights cannot be edited by the float panels; compare it or predict with it instead",
                    v.name
                )))
            }
        };
        let trainer = session.trainer_mut().map_err(err)?;
        trainer.mlp = mlp;
        trainer.model_changed();
        session.set_input(Some(id));
        self.input(session)
    }

    /// The panels' input: `{id, name, method, dense, steps}`; `id` is null for a model trained in this
    /// session and not picked from the list.
    ///
    /// # Errors
    /// Never in practice.
    pub fn input(&self, session: &Session) -> JsResult<JsValue> {
        let masked = session
            .model()
            .map(|m| m.layers.iter().any(|d| d.mask.is_some()))
            .unwrap_or(false);
        let picked = session
            .input()
            .and_then(|id| session.versions().get(id).ok());
        let dense = !masked
            && picked.is_none_or(|v| {
                matches!(v.step(), None | Some(Step::Train(_))) && v.model.kept_fraction() >= 1.0
            });
        to_js(&Input {
            id: picked.map(|v| v.id),
            name: picked.map(|v| v.name.clone()),
            method: picked.map(|v| v.step().map_or("import", Step::name).to_string()),
            dense,
            steps: session.steps_done(),
        })
    }

    /// Class probabilities for one drawn digit (784 intensities in [0, 1], ink = 1) from each
    /// version in `ids`, each on its own kernel: `[{id, name, probabilities, digit}]`.
    ///
    /// # Errors
    /// A buffer that is not 784 long or a value outside [0, 1]; no ids or more than 16; an id
    /// that is not a version.
    pub fn predict(&self, session: &Session, ids: Vec<u32>, pixels: &[f32]) -> JsResult<JsValue> {
        check_len("drawn digit", pixels.len(), SIDE * SIDE).map_err(err)?;
        if let Some(v) = pixels.iter().find(|v| !(0.0..=1.0).contains(*v)) {
            return Err(err(Error::param("pixel", v, "must be in [0, 1]")));
        }
        if ids.is_empty() || ids.len() > MAX_PREDICT_VERSIONS {
            return Err(err(Error::param(
                "selected versions",
                ids.len(),
                "must be between 1 and 16",
            )));
        }
        let x: Vec<f32> = pixels.iter().map(|&v| normalize_pixel(v)).collect();
        let mut ws = Workspace::default();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let v = find(session.versions(), id)?;
            let mut p = v.model.forward(&x, 1, &mut ws).map_err(err)?;
            softmax_in_place(&mut p);
            let digit = p
                .iter()
                .enumerate()
                .fold(
                    (0, f32::NEG_INFINITY),
                    |b, (i, &q)| if q > b.1 { (i, q) } else { b },
                )
                .0;
            out.push(Prediction {
                id,
                name: v.name.clone(),
                probabilities: p,
                digit,
            });
        }
        to_js(&out)
    }

    /// Version `id`'s first layer as 28×28 tiles (one per neuron, `tiles_per_row` across) in
    /// the fixed diverging palette; pruned weights in their own colour. A factored first layer
    /// shows the product of its factors, a binary one its ±α weights. `{width, height, rgba}`.
    ///
    /// # Errors
    /// No such version; `tiles_per_row` outside 1..=128.
    pub fn heatmap(&self, session: &Session, id: u32, tiles_per_row: u32) -> JsResult<JsValue> {
        if tiles_per_row == 0 || tiles_per_row > 128 {
            return Err(err(Error::param(
                "tiles per row",
                tiles_per_row,
                "must be between 1 and 128",
            )));
        }
        let v = find(session.versions(), id)?;
        let (w, mask) = v.model.first_layer().map_err(err)?;
        let scale = robust_scale(w.iter().copied());
        let img = tiles(&w, mask.as_ref(), SIDE, tiles_per_row as usize, scale).map_err(err)?;
        image_to_js(&img)
    }

    /// Checks a recipe text and returns its steps as text, one per step (so the page can run
    /// them one by one and show progress).
    ///
    /// # Errors
    /// The first bad step, named, in words.
    #[wasm_bindgen(js_name = parseRecipe)]
    pub fn parse_recipe(&self, text: &str) -> JsResult<Vec<String>> {
        let r = Recipe::parse(text).map_err(err)?;
        Ok(r.steps.iter().map(ToString::to_string).collect())
    }
}

/// Saves the session's current model as a version named `name` (see `saveCurrent`); its id.
pub(super) fn save_session_model(session: &mut Session, name: &str) -> JsResult<u32> {
    let mlp = session.model().map_err(err)?.clone();
    let (parent, recipe, seed, root_bytes) = match session.input() {
        Some(pid) => {
            let p = find(session.versions(), pid)?;
            let mut recipe = p.recipe.clone();
            // The panels changed it in place (prune, fine-tune, ...): record a fine-tune
            // step only if it still has the parent's format; otherwise the recipe is the
            // parent's plus nothing we can name, so it is saved as an import.
            if Model::Float(mlp.clone()) != p.model {
                recipe.steps.clear();
            }
            (Some(pid), recipe, p.seed, p.figures.root_dense_bytes)
        }
        None => {
            let (recipe, seed) = train_recipe(session);
            (
                None,
                recipe,
                seed,
                crate::compress::ModelSize::dense(&mlp).dense_fp32_bytes,
            )
        }
    };
    let model = Model::Float(mlp);
    let figures = measure(
        &model,
        session.test_data().map_err(err)?,
        root_bytes,
        &now_ms,
    )
    .map_err(err)?;
    session
        .versions_mut()
        .add(name, parent, recipe, seed, model, figures)
        .map_err(err)
}

/// One version's summary as a JS object.
pub(super) fn summary(store: &Store, id: u32) -> JsResult<JsValue> {
    let s = store.summaries().into_iter().find(|s| s.id == id);
    match s {
        Some(s) => to_js(&s),
        None => Err(JsError::new(&format!("there is no version #{id}"))),
    }
}

/// The `train` step that describes the session's own run (widths, epochs trained so far,
/// learning rate, weight decay, batch and seed).
fn train_recipe(session: &Session) -> (Recipe, u64) {
    let cfg = session.config();
    let n_train = session.train_data().map_or(1, |d| d.len()).max(1);
    let steps = session.steps_done();
    let epochs = (steps as f64 * cfg.batch_size as f64 / n_train as f64) as f32;
    let step = Step::Train(TrainStep {
        hidden: cfg.hidden.clone(),
        epochs: (epochs * 100.0).round() / 100.0,
        lr: Some(cfg.lr),
        weight_decay: (cfg.weight_decay > 0.0).then_some(cfg.weight_decay),
        batch: Some(cfg.batch_size),
        seed: Some(cfg.seed),
    });
    (Recipe { steps: vec![step] }, cfg.seed)
}
