//! Training a student: from scratch (hard labels, cross-entropy) or distilled (the Hinton loss
//! against stored teacher logits, looked up by example index). Both runs share the loop, the
//! seed, the batches and the schedule, so the only difference between them is the loss.

use super::{distill_loss, DistillParams};
use crate::data::Dataset;
use crate::error::{check_len, Error, Result};
use crate::model::Mlp;
use crate::train::{cross_entropy, Trainer};
use crate::train::{Progress, TrainConfig};
use std::sync::Arc;

/// The teacher's logits for a training set, `[n, classes]`, shared between runs.
#[derive(Debug, Clone)]
pub struct TeacherLogits {
    /// Row-major logits.
    pub logits: Arc<Vec<f32>>,
    /// Number of classes (row width).
    pub classes: usize,
}

impl TeacherLogits {
    /// Number of examples covered.
    pub fn len(&self) -> usize {
        self.logits.len() / self.classes.max(1)
    }

    /// True if there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One student run.
#[derive(Debug, Clone)]
pub struct Student {
    /// The loop and the student network (`tuner.mlp`).
    pub tuner: Trainer,
    teacher: Option<(TeacherLogits, DistillParams)>,
    rows: Vec<f32>,
}

impl Student {
    /// A fresh student of `cfg.hidden` (seeded by `cfg.seed`) trained on hard labels only.
    ///
    /// # Errors
    /// `InvalidParam` if `cfg` fails its check; `NotReady` without data.
    pub fn scratch(cfg: TrainConfig, n_train: usize) -> Result<Self> {
        let mlp = Mlp::new(&cfg.spec(), cfg.seed)?;
        Ok(Student {
            tuner: Trainer::from_model(cfg, mlp, n_train)?,
            teacher: None,
            rows: Vec::new(),
        })
    }

    /// The same fresh student (same seed, so the same initial weights and batches) trained on the
    /// distillation loss against `teacher`.
    ///
    /// # Errors
    /// As [`Student::scratch`]; `InvalidParam` for bad `params`; `ShapeMismatch` if the teacher
    /// logits do not cover `n_train` examples of the student's width.
    pub fn distilled(
        cfg: TrainConfig,
        n_train: usize,
        teacher: TeacherLogits,
        params: DistillParams,
    ) -> Result<Self> {
        params.check()?;
        let mut s = Self::scratch(cfg, n_train)?;
        check_len(
            "Student teacher classes",
            teacher.classes,
            s.tuner.mlp.n_out(),
        )?;
        check_len(
            "Student teacher rows",
            teacher.logits.len(),
            n_train * teacher.classes,
        )?;
        s.rows = vec![0.0; s.tuner.cfg.batch_size * teacher.classes];
        s.teacher = Some((teacher, params));
        Ok(s)
    }

    /// True for a distilled run.
    pub fn is_distilled(&self) -> bool {
        self.teacher.is_some()
    }

    /// The distillation settings (None for a scratch run).
    pub fn params(&self) -> Option<DistillParams> {
        self.teacher.as_ref().map(|(_, p)| *p)
    }

    /// Up to `max_steps` steps (stopping at an epoch's end).
    ///
    /// # Errors
    /// As [`Trainer::run`]; `ShapeMismatch` if `data` is not the set the teacher logits cover.
    pub fn run(&mut self, data: &Dataset, max_steps: usize) -> Result<Progress> {
        let classes = self.tuner.mlp.n_out();
        match &self.teacher {
            None => self
                .tuner
                .run_with(data, max_steps, &mut cross_entropy(classes)),
            Some((teacher, params)) => {
                check_len("Student::run training set", data.len(), teacher.len())?;
                let (logits, params, rows) = (&teacher.logits, *params, &mut self.rows);
                let mut loss = |idx: &[u32], z: &[f32], y: &[u8], d: &mut [f32]| {
                    let b = idx.len();
                    for (r, &i) in idx.iter().enumerate() {
                        let start = i as usize * classes;
                        let src = logits
                            .get(start..start + classes)
                            .ok_or_else(|| Error::data("teacher logits do not cover the batch"))?;
                        rows[r * classes..(r + 1) * classes].copy_from_slice(src);
                    }
                    distill_loss(z, &rows[..b * classes], y, classes, &params, d)
                };
                self.tuner.run_with(data, max_steps, &mut loss)
            }
        }
    }

    /// Trains until the configured epochs are done.
    ///
    /// # Errors
    /// As [`Student::run`].
    pub fn run_to_end(&mut self, data: &Dataset) -> Result<()> {
        while !self.tuner.done() {
            self.run(data, 100_000)?;
        }
        Ok(())
    }
}
