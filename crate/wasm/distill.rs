//! The Distill panel's facade: `DistillLab` runs a distillation experiment in chunks (teacher →
//! stored logits → the same student from scratch and distilled), shows the teacher's soft
//! targets for a test digit at a temperature, and measures sizes and speed of teacher and
//! students. Logic lives in `compress::distill`; this file checks input and converts.

use super::dto::{err, from_js, now_ms, to_js};
use super::session::Session;
use super::versions_save::{nothing, save_result, Origin};
use crate::compress::distill::experiment::{Experiment, ExperimentParams, Phase, TeacherSource};
use crate::compress::distill::{dark_knowledge, forward_ms};
use crate::compress::ModelSize;
use crate::error::Missing;
use crate::error::{Error, Refusal};
use crate::model::Mlp;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// Rows per timed forward call.
const TIME_BATCH: usize = 64;

/// `{index, temperature}`.
#[derive(Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct SoftArgs {
    index: usize,
    temperature: f32,
}

impl Default for SoftArgs {
    fn default() -> Self {
        SoftArgs {
            index: 0,
            temperature: 4.0,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Soft {
    label: u8,
    probs: Vec<f32>,
    /// The digit's 784 raw bytes, for drawing.
    image: Vec<u8>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ModelFacts {
    sizes: Vec<usize>,
    params: usize,
    size: ModelSize,
    /// Measured ms per forward pass of 64 digits.
    ms: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Facts {
    teacher: Option<ModelFacts>,
    student: Option<ModelFacts>,
}

fn facts(mlp: &Mlp) -> Result<ModelFacts, JsError> {
    let clock = now_ms;
    Ok(ModelFacts {
        sizes: mlp.sizes(),
        params: mlp.param_count(),
        size: ModelSize::dense(mlp),
        ms: forward_ms(mlp, TIME_BATCH, &clock).map_err(err)?,
    })
}

/// The lab for the Distill panel (the worker holds one).
#[wasm_bindgen]
#[derive(Default)]
pub struct DistillLab {
    experiment: Option<Experiment>,
    /// The teacher's origin (the session's model when the experiment started).
    origin: Option<Origin>,
    /// The experiment has finished (its distilled student is final).
    done: bool,
}

#[wasm_bindgen]
impl DistillLab {
    /// An empty lab.
    #[wasm_bindgen(constructor)]
    pub fn new() -> DistillLab {
        DistillLab::default()
    }

    /// Starts an experiment: `{teacher: "current" | "train", teacherHidden, teacherEpochs,
    /// studentHidden, epochs, seed, lr, distill: {temperature, alpha}, evalLimit}`.
    ///
    /// # Errors
    /// Bad settings (T ≤ 0 or NaN, α outside [0, 1], widths, epochs); `not ready` without data
    /// or without a current model when it is the teacher.
    pub fn start(&mut self, session: &Session, params: JsValue) -> Result<(), JsError> {
        let p: ExperimentParams = from_js("distillation settings", params)?;
        p.check().map_err(err)?;
        let n = session.train_data().map_err(err)?.len();
        self.experiment = Some(Experiment::new(p, session.model().ok(), n).map_err(err)?);
        self.origin = Origin::capture(session).ok();
        self.done = false;
        Ok(())
    }

    /// About `max_steps` mini-batches of work: `{phase, fraction, points, teacherAccuracy,
    /// finalErrors}`.
    ///
    /// # Errors
    /// `not ready` before `start`; a diverged loss.
    pub fn step(&mut self, session: &Session, max_steps: u32) -> Result<JsValue, JsError> {
        let (train, test) = (
            session.train_data().map_err(err)?,
            session.test_data().map_err(err)?,
        );
        let e = self.experiment.as_mut().ok_or_else(|| {
            err(Error::NotReady {
                what: Missing::StartAnExperimentFirst,
            })
        })?;
        let status = e
            .step(train, test, max_steps.clamp(1, 100_000) as usize)
            .map_err(err)?;
        self.done = status.phase == Phase::Done;
        to_js(&status)
    }

    /// Saves the distilled student of the finished experiment as a version named `name`
    /// (empty: its recipe step), child of the teacher version, with the `distill` step its
    /// settings spell. The reply has a `note` (empty when the recipe rebuilds it exactly).
    ///
    /// # Errors
    /// No finished experiment; a teacher trained inside the panel (it is not a version); the
    /// teacher model changed since; a bad name; a full list.
    #[wasm_bindgen(js_name = saveVersion)]
    pub fn save_version(&self, session: &mut Session, name: &str) -> Result<JsValue, JsError> {
        let e = self
            .experiment
            .as_ref()
            .filter(|_| self.done)
            .ok_or_else(|| nothing(Missing::RunTheDistillationToTheEndFirst))?;
        if e.params().teacher == TeacherSource::Train {
            return Err(err(Error::Refused {
                refusal: Refusal::TeacherNotAVersion,
                args: vec![],
            }));
        }
        let origin = self
            .origin
            .as_ref()
            .ok_or_else(|| nothing(Missing::RunTheDistillationToTheEndFirst))?;
        let (_, student) = e
            .students()
            .ok_or_else(|| nothing(Missing::RunTheDistillationToTheEndFirst))?;
        let sparse = e.teacher().is_some_and(|t| {
            crate::version::Model::Float(t.clone()).kernel() == crate::version::Kernel::Csr
        });
        let step = crate::version::panel::distill(e.params(), origin.seed, sparse);
        save_result(
            session,
            origin,
            step,
            true,
            crate::version::Model::Float(student.clone()),
            name,
            "Distill panel",
        )
    }

    /// The teacher's soft targets softmax(z/T) for test digit `index`: `{label, probs, image}`.
    /// Uses the experiment's teacher, or the session's model before one exists.
    ///
    /// # Errors
    /// A bad index or temperature; `not ready` without a model or test data.
    #[wasm_bindgen(js_name = softTargets)]
    pub fn soft_targets(&self, session: &Session, args: JsValue) -> Result<JsValue, JsError> {
        let a: SoftArgs = from_js("soft-target settings", args)?;
        let test = session.test_data().map_err(err)?;
        let teacher = match self.experiment.as_ref().and_then(Experiment::teacher) {
            Some(t) => t,
            None => session.model().map_err(err)?,
        };
        let probs = dark_knowledge(teacher, test, a.index, a.temperature).map_err(err)?;
        let d = test.dim();
        to_js(&Soft {
            label: test.labels.get(a.index).copied().unwrap_or(0),
            probs,
            image: test
                .images
                .get(a.index * d..(a.index + 1) * d)
                .map(<[u8]>::to_vec)
                .unwrap_or_default(),
        })
    }

    /// Sizes and measured speed (ms per 64 digits) of the teacher and the distilled student.
    /// Takes the session first like every lab method (the worker's rule).
    ///
    /// # Errors
    /// Never in practice (conversion only).
    pub fn facts(&self, _session: &Session) -> Result<JsValue, JsError> {
        let e = self.experiment.as_ref();
        let teacher = e.and_then(Experiment::teacher).map(facts).transpose()?;
        let student = e
            .and_then(Experiment::students)
            .map(|(_, d)| facts(d))
            .transpose()?;
        to_js(&Facts { teacher, student })
    }
}
