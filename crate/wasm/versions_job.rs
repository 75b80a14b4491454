//! Making a version from the page: one recipe step applied to a parent version as a chunked job
//! that the worker advances in ~60 ms slices (start → advance(max_steps)… → finish), so the page
//! stays live and shows progress. `finish` measures the new model here, with `performance.now()`,
//! and adds it to the session's versions. Thin: `crate::version::Job` does the work.

use super::dto::{err, now_ms, to_js};
use super::session::Session;
use super::versions::{find, summary, VersionsLab};
use crate::error::{Error, Refusal};
use crate::error::{Reason, Setting};
use crate::version::{run::default_name, Job, Recipe, Step};
use serde::Serialize;
use wasm_bindgen::prelude::*;

type JsResult<T> = std::result::Result<T, JsError>;

/// Most optimizer steps one `advance` call may take.
const MAX_STEPS_PER_ADVANCE: u32 = 100_000;

/// A step being applied to a version.
pub(crate) struct Running {
    parent: Option<u32>,
    /// The parent's recipe followed by the step.
    recipe: Recipe,
    job: Job,
}

/// Where a job is, for the page.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Progress<'a> {
    /// The step, as recipe text.
    step: String,
    /// Fraction of the job done, in [0, 1].
    fraction: f32,
    /// What it is doing, in words.
    phase: &'a str,
    /// True once `finish` can be called.
    done: bool,
}

#[wasm_bindgen]
impl VersionsLab {
    /// Starts applying one recipe step (`step` as text, e.g. `prune:magnitude,0.9,ft1`) to
    /// version `parent` (or to nothing, for a `train` step). Replaces any job in progress.
    ///
    /// # Errors
    /// A bad step, in words; no such parent; a step that makes no sense for the parent's
    /// model (said why); `not ready` before the data is loaded.
    pub fn start(
        &mut self,
        session: &mut Session,
        parent: Option<u32>,
        step: &str,
    ) -> JsResult<JsValue> {
        self.job = None;
        let step = Step::parse(step).map_err(err)?;
        let train = session.train_data().map_err(err)?;
        let parent_version = match parent {
            Some(id) => Some(find(session.versions(), id)?),
            None => None,
        };
        let base = parent_version.map_or(Recipe { steps: vec![] }, |p| p.recipe.clone());
        let recipe = base.then(step.clone());
        let seed = parent_version.map_or_else(|| recipe.seed(), |p| p.seed);
        let job = Job::start(&step, parent_version, train, seed).map_err(err)?;
        self.job = Some(Running {
            parent,
            recipe,
            job,
        });
        self.progress()
    }

    /// Does up to `max_steps` optimizer steps of the job (the worker asks for ~60 ms of work).
    ///
    /// # Errors
    /// No job; `max_steps` outside 1..=100000; the step's errors (a diverged loss is reported
    /// in words).
    pub fn advance(&mut self, session: &mut Session, max_steps: u32) -> JsResult<JsValue> {
        if max_steps == 0 || max_steps > MAX_STEPS_PER_ADVANCE {
            return Err(err(Error::param(
                Setting::Steps,
                max_steps,
                Reason::MustBeBetween1And100000,
            )));
        }
        let train = session.train_data().map_err(err)?;
        let running = self.job.as_mut().ok_or_else(no_job)?;
        if let Err(e) = running.job.advance(train, max_steps as usize) {
            self.job = None;
            return Err(err(e));
        }
        self.progress()
    }

    /// The job's progress: `{step, fraction, phase, done}`.
    ///
    /// # Errors
    /// No job.
    pub fn progress(&self) -> JsResult<JsValue> {
        let running = self.job.as_ref().ok_or_else(no_job)?;
        let p = running.job.progress();
        to_js(&Progress {
            step: running.job.step().to_string(),
            fraction: p.fraction,
            phase: &p.phase,
            done: p.done,
        })
    }

    /// Ends the job: measures the new model here (accuracy on every test digit, the three
    /// sizes, time per batch of 1 and 64 with `performance.now()`) and adds it as version
    /// `name` (empty: the step's text). Returns its summary.
    ///
    /// # Errors
    /// No job, or one that is not done; a bad name; a full list; `not ready` without test data.
    pub fn finish(&mut self, session: &mut Session, name: &str) -> JsResult<JsValue> {
        let running = self.job.take().ok_or_else(no_job)?;
        if !running.job.progress().done {
            self.job = Some(running);
            return Err(err(Error::Refused {
                refusal: Refusal::StepNotDone,
                args: vec![],
            }));
        }
        let Running {
            parent,
            recipe,
            job,
        } = running;
        let seed = job.seed();
        let (model, figures) = job
            .finish(session.test_data().map_err(err)?, &now_ms)
            .map_err(err)?;
        let name = if name.trim().is_empty() {
            default_name(&recipe)
        } else {
            name.to_string()
        };
        let id = session
            .versions_mut()
            .add(&name, parent, recipe, seed, model, figures)
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
    pub fn existing(
        &self,
        session: &Session,
        parent: Option<u32>,
        step: &str,
    ) -> JsResult<Option<u32>> {
        let step = Step::parse(step).map_err(err)?;
        let base = match parent {
            Some(id) => find(session.versions(), id)?.recipe.clone(),
            None => Recipe { steps: vec![] },
        };
        Ok(session.versions().find(parent, &base.then(step)))
    }
}

fn no_job() -> JsError {
    JsError::new("no step is running: start one first")
}
