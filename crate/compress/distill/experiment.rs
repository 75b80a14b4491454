//! A whole distillation experiment in resumable chunks, as the page runs it: (1) train a teacher
//! or take the current model, (2) store its training-set logits once, (3) train the same student
//! from scratch and distilled, step for step on the same batches, evaluating both on the test
//! set every quarter epoch so the two curves share their x axis.

use super::student::{Student, TeacherLogits};
use super::DistillParams;
use crate::data::Dataset;
use crate::error::Missing;
use crate::error::{Error, Result};
use crate::error::{Reason, Setting};
use crate::model::Mlp;
use crate::train::{evaluate, TrainConfig, Trainer};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Where the teacher comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum TeacherSource {
    /// The model trained in the Train panel.
    #[default]
    Current,
    /// A new teacher of `teacher_hidden`, trained here.
    Train,
}

/// Settings of an experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExperimentParams {
    /// Teacher source.
    pub teacher: TeacherSource,
    /// Hidden widths of a teacher trained here.
    pub teacher_hidden: Vec<usize>,
    /// Epochs for a teacher trained here.
    pub teacher_epochs: usize,
    /// Hidden widths of the student.
    pub student_hidden: Vec<usize>,
    /// Epochs for both students.
    pub epochs: usize,
    /// Seed shared by both students (same init, same batches).
    pub seed: u64,
    /// Learning rate for the students (SGD momentum 0.9, cosine).
    pub lr: f32,
    /// T and α.
    pub distill: DistillParams,
    /// Test digits per curve point (the final table uses all of them).
    pub eval_limit: usize,
}

impl Default for ExperimentParams {
    fn default() -> Self {
        ExperimentParams {
            teacher: TeacherSource::Current,
            teacher_hidden: vec![1200, 1200],
            teacher_epochs: 1,
            student_hidden: vec![30],
            epochs: 2,
            seed: 1,
            lr: 0.05,
            distill: DistillParams::default(),
            eval_limit: 2000,
        }
    }
}

impl ExperimentParams {
    fn student_cfg(&self) -> TrainConfig {
        TrainConfig {
            hidden: self.student_hidden.clone(),
            epochs: self.epochs,
            seed: self.seed,
            lr: self.lr,
            ..Default::default()
        }
    }

    fn teacher_cfg(&self) -> TrainConfig {
        TrainConfig {
            hidden: self.teacher_hidden.clone(),
            epochs: self.teacher_epochs,
            seed: self.seed,
            ..Default::default()
        }
    }

    /// Checks both training settings, T, α and the evaluation size.
    ///
    /// # Errors
    /// `InvalidParam` naming the first bad field.
    pub fn check(&self) -> Result<()> {
        self.distill.check()?;
        self.student_cfg().check()?;
        if self.teacher == TeacherSource::Train {
            self.teacher_cfg().check()?;
        }
        if self.eval_limit == 0 || self.eval_limit > 10_000 {
            return Err(Error::param(
                Setting::EvalLimitSpaced,
                self.eval_limit,
                Reason::MustBeBetween1And10000,
            ));
        }
        Ok(())
    }
}

/// Which stage the experiment is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    Teacher,
    Logits,
    Students,
    Done,
}

/// One point of both curves: test accuracy of each student after `epoch` epochs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CurvePoint {
    pub epoch: f32,
    pub scratch: f32,
    pub distilled: f32,
}

/// What a chunk did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    pub phase: Phase,
    /// Fraction of the current phase done.
    pub fraction: f32,
    /// Curve points added by this chunk.
    pub points: Vec<CurvePoint>,
    /// Teacher test accuracy (once known).
    pub teacher_accuracy: Option<f32>,
    /// Final full-test-set errors (scratch, distilled), when done.
    pub final_errors: Option<(usize, usize)>,
}

/// A running experiment.
#[derive(Debug, Clone)]
pub struct Experiment {
    params: ExperimentParams,
    phase: Phase,
    trainer: Option<Trainer>,
    teacher: Option<Mlp>,
    teacher_accuracy: Option<f32>,
    logits: Vec<f32>,
    students: Option<(Student, Student)>,
    steps: usize,
    next_eval: usize,
    per_epoch: usize,
    n_train: usize,
}

impl Experiment {
    /// Sets up an experiment; `current` is the teacher when `params.teacher` is `Current`.
    ///
    /// # Errors
    /// `InvalidParam` for bad settings; `NotReady` without data or a current model.
    pub fn new(params: ExperimentParams, current: Option<&Mlp>, n_train: usize) -> Result<Self> {
        params.check()?;
        let (phase, trainer, teacher) = match params.teacher {
            TeacherSource::Current => {
                let t = current.ok_or(Error::NotReady {
                    what: Missing::ThereIsNoCurrentModelToUseAs,
                })?;
                (Phase::Logits, None, Some(t.clone()))
            }
            TeacherSource::Train => (
                Phase::Teacher,
                Some(Trainer::new(params.teacher_cfg(), n_train)?),
                None,
            ),
        };
        let batch = params.student_cfg().batch_size;
        Ok(Experiment {
            per_epoch: n_train.div_ceil(batch.max(1)),
            params,
            phase,
            trainer,
            teacher,
            teacher_accuracy: None,
            logits: Vec::new(),
            students: None,
            steps: 0,
            next_eval: 0,
            n_train,
        })
    }

    /// The teacher, once there is one.
    pub fn teacher(&self) -> Option<&Mlp> {
        self.teacher.as_ref()
    }

    /// The two students (scratch, distilled), once they exist.
    pub fn students(&self) -> Option<(&Mlp, &Mlp)> {
        self.students
            .as_ref()
            .map(|(a, b)| (&a.tuner.mlp, &b.tuner.mlp))
    }

    /// Settings.
    pub fn params(&self) -> &ExperimentParams {
        &self.params
    }

    /// Advances by about `max_steps` mini-batches of work (or as many rows of teacher logits).
    ///
    /// # Errors
    /// `ShapeMismatch` if the data do not fit; `Diverged` from training.
    pub fn step(&mut self, train: &Dataset, test: &Dataset, max_steps: usize) -> Result<Status> {
        if train.len() != self.n_train {
            return Err(Error::shape(
                "Experiment::step training set",
                self.n_train,
                train.len(),
            ));
        }
        let max_steps = max_steps.max(1);
        let mut status = Status {
            phase: self.phase,
            fraction: 0.0,
            points: Vec::new(),
            teacher_accuracy: self.teacher_accuracy,
            final_errors: None,
        };
        match self.phase {
            Phase::Teacher => {
                if let Some(t) = self.trainer.as_mut() {
                    let p = t.run(train, max_steps)?;
                    status.fraction = (p.epoch as f32
                        + if p.epoch_ended { 0.0 } else { p.epoch_fraction })
                        / t.cfg.epochs.max(1) as f32;
                    if p.done {
                        self.teacher = Some(t.mlp.clone());
                        self.trainer = None;
                        self.phase = Phase::Logits;
                    }
                }
            }
            Phase::Logits => {
                let teacher = self.teacher.as_ref().ok_or(Error::NotReady {
                    what: Missing::NoTeacher,
                })?;
                if self.teacher_accuracy.is_none() {
                    self.teacher_accuracy = Some(evaluate(teacher, test, 0)?.accuracy);
                }
                let done = self.logits.len() / teacher.n_out().max(1);
                let end = (done + max_steps * 64).min(train.len());
                self.logits
                    .extend(super::teacher_logits_range(teacher, train, done, end)?);
                status.fraction = end as f32 / train.len().max(1) as f32;
                if end >= train.len() {
                    let logits = TeacherLogits {
                        logits: Arc::new(std::mem::take(&mut self.logits)),
                        classes: teacher.n_out(),
                    };
                    let cfg = self.params.student_cfg();
                    let scratch = Student::scratch(cfg.clone(), self.n_train)?;
                    let distilled =
                        Student::distilled(cfg, self.n_train, logits, self.params.distill)?;
                    self.students = Some((scratch, distilled));
                    status.points.push(self.evaluate_point(test)?);
                    self.next_eval = (self.per_epoch / 4).max(1);
                    self.phase = Phase::Students;
                }
            }
            Phase::Students => {
                let chunk = max_steps.min(self.next_eval.saturating_sub(self.steps).max(1));
                let done = if let Some((s, d)) = self.students.as_mut() {
                    let p = s.run(train, chunk)?;
                    d.run(train, chunk)?;
                    self.steps = p.step as usize;
                    p.done
                } else {
                    true
                };
                if self.steps >= self.next_eval || done {
                    status.points.push(self.evaluate_point(test)?);
                    self.next_eval += (self.per_epoch / 4).max(1);
                }
                let total = (self.per_epoch * self.params.epochs).max(1);
                status.fraction = (self.steps as f32 / total as f32).min(1.0);
                if done {
                    if let Some((s, d)) = &self.students {
                        let es = evaluate(&s.tuner.mlp, test, 0)?.errors();
                        let ed = evaluate(&d.tuner.mlp, test, 0)?.errors();
                        status.final_errors = Some((es, ed));
                    }
                    self.phase = Phase::Done;
                }
            }
            Phase::Done => {
                status.fraction = 1.0;
            }
        }
        status.phase = self.phase;
        status.teacher_accuracy = self.teacher_accuracy;
        Ok(status)
    }

    fn evaluate_point(&self, test: &Dataset) -> Result<CurvePoint> {
        let (s, d) = self.students.as_ref().ok_or(Error::NotReady {
            what: Missing::NoStudents,
        })?;
        let lim = self.params.eval_limit;
        Ok(CurvePoint {
            epoch: self.steps as f32 / self.per_epoch.max(1) as f32,
            scratch: evaluate(&s.tuner.mlp, test, lim)?.accuracy,
            distilled: evaluate(&d.tuner.mlp, test, lim)?.accuracy,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, MlpSpec};

    #[test]
    fn runs_through_every_phase_on_a_toy_set() {
        let n = 128;
        let data = Dataset {
            images: (0..n * 784)
                .map(|i| ((i * 37 + i / 784 * 11) % 256) as u8)
                .collect(),
            labels: (0..n).map(|i| (i % 10) as u8).collect(),
            rows: 28,
            cols: 28,
        };
        let params = ExperimentParams {
            teacher: TeacherSource::Train,
            teacher_hidden: vec![16],
            student_hidden: vec![4],
            epochs: 1,
            eval_limit: 50,
            ..Default::default()
        };
        let mut e = Experiment::new(params, None, n).unwrap();
        let mut phases = vec![];
        for _ in 0..100 {
            let s = e.step(&data, &data, 1).unwrap();
            phases.push(s.phase);
            if s.phase == Phase::Done {
                assert!(s.final_errors.is_some());
                break;
            }
        }
        assert_eq!(phases.last(), Some(&Phase::Done));
        assert!(phases.contains(&Phase::Students));
        let bad = ExperimentParams {
            distill: DistillParams {
                temperature: 0.0,
                alpha: 0.5,
            },
            ..Default::default()
        };
        let cur = Mlp::new(&MlpSpec::mnist(&[4], Activation::Relu), 0).unwrap();
        assert!(matches!(
            Experiment::new(bad, Some(&cur), n),
            Err(Error::InvalidParam { .. })
        ));
        assert!(Experiment::new(ExperimentParams::default(), None, n).is_err());
    }
}
