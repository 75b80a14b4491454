//! Making a version from the page: one recipe step applied to a parent version as a chunked job
//! that the worker advances in ~60 ms slices (start → advance(max_steps)… → finish), so the page
//! stays live and shows progress. `finish` measures the new model here, with `performance.now()`,
//! and adds it to the session's versions. Thin: the steps themselves are the core's.

use super::dto::{err, now_ms, to_js};
use super::session::Session;
use super::versions::{find, summary, VersionsLab};
use crate::compress::ModelSize;
use crate::error::Error;
use crate::train::{TrainConfig, Trainer};
use crate::version::{measure, Model, Recipe, Step};
use serde::Serialize;
use wasm_bindgen::prelude::*;

type JsResult<T> = std::result::Result<T, JsError>;

/// Most mini-batches one `advance` call may take.
const MAX_STEPS_PER_ADVANCE: u32 = 100_000;

/// A step being applied.
pub(crate) struct Running {
    parent: Option<u32>,
    recipe: Recipe,
    seed: u64,
    root_bytes: Option<usize>,
    work: Work,
}

/// What a running step does between `advance` calls.
enum Work {
    /// Training a fresh network for `total` mini-batches.
    Train { trainer: Box<Trainer>, total: u64 },
}

/// Where a job is.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JobProgress {
    /// The step, as recipe text.
    step: String,
    /// Fraction of the work done, in [0, 1].
    fraction: f32,
    /// Mini-batches taken so far and in all.
    done_steps: u64,
    total_steps: u64,
    /// True once `finish` can be called.
    done: bool,
}

#[wasm_bindgen]
impl VersionsLab {
    /// Starts applying one recipe step (`step` as text, e.g. `prune:magnitude,0.9,ft1`) to
    /// version `parent` (or to nothing, for a `train` step). Replaces any job in progress.
    ///
    /// # Errors
    /// A bad step, in words; no such parent; a step that needs a parent without one;
    /// `not ready` before the data is loaded.
    pub fn start(&mut self, session: &mut Session, parent: Option<u32>, step: &str) -> JsResult<JsValue> {
        self.job = None;
        let step = Step::parse(step).map_err(err)?;
        let (mut recipe, seed, root_bytes) = match parent {
            Some(id) => {
                let p = find(session.versions(), id)?;
                let root = (p.figures.ratio as f64 * p.figures.size.packed_bytes as f64).round();
                (p.recipe.clone(), p.seed, Some(root as usize))
            }
            None => (Recipe { steps: vec![] }, 1, None),
        };
        let work = match (&step, parent) {
            (Step::Train { hidden, epochs, lr, weight_decay, batch, seed: s }, None) => {
                let defaults = TrainConfig::default();
                let cfg = TrainConfig {
                    hidden: hidden.clone(),
                    lr: lr.unwrap_or(defaults.lr),
                    weight_decay: weight_decay.unwrap_or(defaults.weight_decay),
                    batch_size: batch.unwrap_or(defaults.batch_size),
                    epochs: (epochs.ceil() as usize).max(1),
                    seed: s.unwrap_or(defaults.seed),
                    ..defaults
                };
                let n = session.train_data().map_err(err)?.len();
                let total = ((*epochs as f64 * n as f64) / cfg.batch_size as f64).ceil().max(1.0) as u64;
                let trainer = Trainer::new(cfg, n).map_err(err)?;
                Work::Train { trainer: Box::new(trainer), total }
            }
            (Step::Train { .. }, Some(id)) => {
                return Err(JsError::new(&format!(
                    "a train step makes a fresh network, so it has no parent (got version #{id}); use finetune to retrain a version"
                )))
            }
            (other, None) => {
                return Err(JsError::new(&format!(
                    "the {} step needs a version to work on: pick one in the Versions list, or start the recipe with train",
                    other.name()
                )))
            }
            (other, Some(_)) => {
                return Err(JsError::new(&format!(
                    "the {} step cannot run in the page yet (only train is wired in this build)",
                    other.name()
                )))
            }
        };
        let seed = match &step {
            Step::Train { seed: s, .. } => s.unwrap_or(seed),
            _ => seed,
        };
        recipe.steps.push(step);
        self.job = Some(Running { parent, recipe, seed, root_bytes, work });
        self.progress()
    }

    /// Does up to `max_steps` mini-batches of the job (the worker asks for ~60 ms of work).
    ///
    /// # Errors
    /// No job; `max_steps` outside 1..=100000; the training errors of the step (a diverged
    /// loss is reported in words).
    pub fn advance(&mut self, session: &mut Session, max_steps: u32) -> JsResult<JsValue> {
        if max_steps == 0 || max_steps > MAX_STEPS_PER_ADVANCE {
            return Err(err(Error::param("steps", max_steps, "must be between 1 and 100000")));
        }
        let train = session.train_data().map_err(err)?;
        let job = self.job.as_mut().ok_or_else(no_job)?;
        match &mut job.work {
            Work::Train { trainer, total } => {
                let left = total.saturating_sub(trainer.steps());
                let n = left.min(max_steps as u64) as usize;
                if n > 0 {
                    trainer.run(train, n).map_err(err)?;
                }
            }
        }
        self.progress()
    }

    /// The job's progress (see `advance`).
    ///
    /// # Errors
    /// No job.
    pub fn progress(&self) -> JsResult<JsValue> {
        let job = self.job.as_ref().ok_or_else(no_job)?;
        let (done_steps, total_steps) = match &job.work {
            Work::Train { trainer, total } => (trainer.steps().min(*total), *total),
        };
        to_js(&JobProgress {
            step: job.recipe.steps.last().map(ToString::to_string).unwrap_or_default(),
            fraction: done_steps as f32 / total_steps.max(1) as f32,
            done_steps,
            total_steps,
            done: done_steps >= total_steps,
        })
    }

    /// Ends the job: measures the new model (accuracy on every test digit, sizes, time per
    /// batch in this browser) and adds it as version `name`. Returns its summary.
    ///
    /// # Errors
    /// No job, or one that is not done; a bad name; a full list; `not ready` without test data.
    pub fn finish(&mut self, session: &mut Session, name: &str) -> JsResult<JsValue> {
        let job = self.job.take().ok_or_else(no_job)?;
        let done = match &job.work {
            Work::Train { trainer, total } => trainer.steps() >= *total,
        };
        if !done {
            let msg = "the job is not done yet: advance it until its progress says done";
            self.job = Some(job);
            return Err(JsError::new(msg));
        }
        let model = match job.work {
            Work::Train { trainer, .. } => Model::Float(trainer.mlp),
        };
        let root = job.root_bytes.unwrap_or_else(|| match &model {
            Model::Float(m) => ModelSize::dense(m).dense_fp32_bytes,
            other => crate::compress::Compressed::size(other).dense_fp32_bytes,
        });
        let figures = measure(&model, session.test_data().map_err(err)?, root, &now_ms).map_err(err)?;
        let id = session
            .versions_mut()
            .add(name, job.parent, job.recipe, job.seed, model, figures)
            .map_err(err)?;
        summary(session.versions(), id)
    }

    /// Drops the job in progress, if any.
    pub fn cancel(&mut self) {
        self.job = None;
    }

    /// The id of an existing version made from `parent` by `parent`'s recipe plus `step`, or
    /// undefined (so a recipe link opened twice reuses what it already made).
    ///
    /// # Errors
    /// A bad step; no such parent.
    pub fn existing(&self, session: &Session, parent: Option<u32>, step: &str) -> JsResult<Option<u32>> {
        let step = Step::parse(step).map_err(err)?;
        let mut recipe = match parent {
            Some(id) => find(session.versions(), id)?.recipe.clone(),
            None => Recipe { steps: vec![] },
        };
        recipe.steps.push(step);
        Ok(session.versions().find(parent, &recipe))
    }
}

fn no_job() -> JsError {
    JsError::new("no step is running: start one first")
}
