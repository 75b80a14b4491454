//! The `distill` step: a fresh student learns from its parent (the teacher) with
//! L = α·T²·KL(softmax(z_t/T) ‖ softmax(z_s/T)) + (1 − α)·CE(y, softmax(z_s)) (Hinton, Vinyals &
//! Dean 2015). The teacher may be any version — pruned, quantized or binary — since its logits
//! come from its own kernel; they are computed once, in slices, before the student trains.

use super::float_run::{steps_for, whole_epochs};
use super::{progress, JobProgress, Work};
use crate::compress::distill::student::{Student, TeacherLogits};
use crate::compress::distill::DistillParams;
use crate::compress::Compressed;
use crate::data::batch::gather;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::model::Workspace;
use crate::train::TrainConfig;
use crate::version::model::Model;
use crate::version::recipe::DistillStep;
use std::sync::Arc;

/// Teacher forward passes per slice of work (one "step" of the budget is one batch).
const LOGIT_BATCH: usize = 250;

pub struct DistillWork {
    teacher: Model,
    logits: Vec<f32>,
    cfg: TrainConfig,
    params: DistillParams,
    epochs: f32,
    student: Option<Student>,
    total: u64,
}

impl DistillWork {
    /// A student of `teacher` (the parent's model, of any kind).
    pub fn start(step: &DistillStep, teacher: &Model, seed: u64) -> Result<Self> {
        let DistillStep {
            hidden,
            epochs,
            temperature,
            alpha,
            lr,
            weight_decay,
        } = step;
        let teacher = teacher.clone();
        let d = TrainConfig::default();
        let cfg = TrainConfig {
            hidden: hidden.clone(),
            lr: lr.unwrap_or(d.lr),
            weight_decay: weight_decay.unwrap_or(0.0),
            epochs: whole_epochs(*epochs),
            seed,
            ..d
        };
        cfg.check()?;
        let params = DistillParams {
            temperature: *temperature,
            alpha: *alpha,
        };
        params.check()?;
        Ok(DistillWork {
            teacher,
            logits: Vec::new(),
            cfg,
            params,
            epochs: *epochs,
            student: None,
            total: 0,
        })
    }

    /// Teacher logits for the next `batches` batches of the training set.
    fn teach(&mut self, train: &Dataset, batches: usize) -> Result<()> {
        let classes = 10;
        let done = self.logits.len() / classes;
        let end = (done + batches * LOGIT_BATCH).min(train.len());
        let d = self.teacher.n_in();
        let mut ws = Workspace::default();
        let mut x = vec![0.0; LOGIT_BATCH * d];
        let mut y = vec![0u8; LOGIT_BATCH];
        let idx: Vec<u32> = (done as u32..end as u32).collect();
        for chunk in idx.chunks(LOGIT_BATCH) {
            let b = chunk.len();
            gather(train, chunk, &mut x[..b * d], &mut y[..b])?;
            let z = self.teacher.forward(&x[..b * d], b, &mut ws)?;
            if z.len() != b * classes {
                return Err(Error::shape("distill teacher logits", b * classes, z.len()));
            }
            self.logits.extend_from_slice(&z);
        }
        Ok(())
    }
}

impl Work for DistillWork {
    fn advance(&mut self, train: &Dataset, max_steps: usize) -> Result<JobProgress> {
        let n = train.len();
        if self.student.is_none() {
            // A teacher batch of 250 costs about as much as a few training steps of 64.
            self.teach(train, (max_steps / 8).max(1))?;
            let have = self.logits.len() / 10;
            if have < n {
                return Ok(progress(
                    0.1 * have as f32 / n as f32,
                    "computing the teacher's logits",
                    false,
                ));
            }
            let teacher = TeacherLogits {
                logits: Arc::new(std::mem::take(&mut self.logits)),
                classes: 10,
            };
            let mut s = Student::distilled(self.cfg.clone(), n, teacher, self.params)?;
            self.total = steps_for(self.epochs, n, self.cfg.batch_size);
            s.tuner.set_total_steps(self.total);
            self.student = Some(s);
        }
        let Some(s) = &mut self.student else {
            return Err(Error::NotReady {
                what: "the student",
            });
        };
        let mut budget = max_steps as u64;
        while budget > 0 && s.tuner.steps() < self.total {
            let want = budget.min(self.total - s.tuner.steps());
            let before = s.tuner.steps();
            s.run(train, want as usize)?;
            budget = budget.saturating_sub(s.tuner.steps() - before);
        }
        let f = s.tuner.steps() as f32 / self.total.max(1) as f32;
        Ok(progress(
            0.1 + 0.9 * f,
            "training the student on the teacher's soft targets",
            s.tuner.steps() >= self.total,
        ))
    }

    fn model(self: Box<Self>) -> Result<Model> {
        self.student
            .map(|s| Model::Float(s.tuner.mlp))
            .ok_or(Error::NotReady {
                what: "the student",
            })
    }
}
