//! Applying one recipe step to a version, in chunks: `Job::start` checks that the step makes
//! sense for its input (in words where it does not), `advance` does at most `max_steps`
//! optimizer steps (the page's worker calls it in ~60 ms slices; the CLI until done) and
//! `finish` measures the new model once. Every method is the existing core (prune, quantize,
//! low_rank, distill, binarize, train); this module only chains them. Seeds come only from the
//! recipe, so the same recipe gives the same numbers.

mod binarize;
pub mod chain;
mod distill;
mod finetune;
pub mod float_run;
mod low_rank;
mod prune;
pub(crate) mod quantize;
mod teacher;
mod train;

use super::figures::{measure, Figures};
use super::model::Model;
use super::recipe::Step;
use super::store::Version;
use crate::compress::Compressed;
use crate::data::Dataset;
use crate::error::{Error, Result};
use serde::Serialize;
use std::fmt;

/// Where a job is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobProgress {
    /// Fraction of the job done, in [0, 1].
    pub fraction: f32,
    /// What it is doing, in words ("pruning round 2 of 4: retraining").
    pub phase: String,
    /// True once the model is ready for [`Job::finish`].
    pub done: bool,
}

/// One method's work in progress.
trait Work {
    /// Up to `max_steps` optimizer steps (or one comparable slice of other work).
    fn advance(&mut self, train: &Dataset, max_steps: usize) -> Result<JobProgress>;
    /// The finished model (only called once `advance` reported done).
    fn model(self: Box<Self>) -> Result<Model>;
}

/// Work that is already done (Huffman coding, a step with nothing to train).
struct Ready(Model, &'static str);

impl Work for Ready {
    fn advance(&mut self, _: &Dataset, _: usize) -> Result<JobProgress> {
        Ok(progress(1.0, self.1, true))
    }
    fn model(self: Box<Self>) -> Result<Model> {
        Ok(self.0)
    }
}

fn progress(fraction: f32, phase: impl Into<String>, done: bool) -> JobProgress {
    JobProgress {
        fraction: fraction.clamp(0.0, 1.0),
        phase: phase.into(),
        done,
    }
}

/// Making one version from its parent by one step.
pub struct Job {
    step: Step,
    seed: u64,
    root_dense_bytes: Option<usize>,
    work: Box<dyn Work>,
    last: JobProgress,
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job")
            .field("step", &self.step.to_string())
            .field("seed", &self.seed)
            .field("progress", &self.last)
            .finish()
    }
}

impl Job {
    /// Starts applying `step` to `parent` (None only for `train`, or `binarize` with widths),
    /// with the chain's `seed`.
    ///
    /// # Errors
    /// `Unsupported` in words where the combination makes no sense (e.g. pruning int8 codes);
    /// `InvalidParam` for settings the method rejects.
    pub fn start(step: &Step, parent: Option<&Version>, train: &Dataset, seed: u64) -> Result<Job> {
        if train.is_empty() {
            return Err(Error::NotReady {
                what: "training digits (load MNIST first)",
            });
        }
        // Each step gets its own settings and the input it works on, checked here in the
        // step's words: the parent it needs, float weights, an unfactored or unpruned net.
        let input = || chain::needs_parent(step, parent);
        let float = || chain::float_input(step, input()?);
        let plain_float = || chain::plain_float_input(step, input()?);
        let work: Box<dyn Work> = match step {
            Step::Train(_) if parent.is_some() => return Err(chain::train_not_first()),
            Step::Train(s) => Box::new(train::TrainWork::start(s, train, seed)?),
            Step::Prune(s) => {
                let v = input()?;
                let m = chain::float_input(step, v)?;
                Box::new(prune::PruneWork::start(s, v, m, train, seed)?)
            }
            Step::Neurons(s) => {
                Box::new(prune::NeuronsWork::start(s, plain_float()?, train, seed)?)
            }
            Step::Quantize(s) => Box::new(quantize::QuantizeWork::start(s, float()?, train, seed)?),
            Step::Share(s) => Box::new(quantize::ShareWork::start(s, float()?, train, seed)?),
            Step::Huffman => {
                let mut q = chain::huffman_input(input()?)?.clone();
                q.huffman = true;
                Box::new(Ready(Model::Quantized(q), "Huffman coding"))
            }
            Step::LowRank(s) => Box::new(low_rank::LowRankWork::start(
                s,
                plain_float()?,
                train,
                seed,
            )?),
            Step::Distill(s) => Box::new(distill::DistillWork::start(s, &input()?.model, seed)?),
            Step::Binarize(s) => Box::new(binarize::BinarizeWork::start(s, parent, train, seed)?),
            Step::Finetune(s) => finetune::start(s, input()?, train, seed)?,
        };
        Ok(Job {
            step: step.clone(),
            seed,
            root_dense_bytes: parent.map(|p| p.figures.root_dense_bytes),
            work,
            last: progress(0.0, "starting", false),
        })
    }

    /// The step this job applies.
    pub fn step(&self) -> &Step {
        &self.step
    }

    /// The chain's seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The last progress reported.
    pub fn progress(&self) -> &JobProgress {
        &self.last
    }

    /// Up to `max_steps` optimizer steps; a done job stays done.
    ///
    /// # Errors
    /// `Diverged` if the loss turns NaN (the last good weights are kept); method errors.
    pub fn advance(&mut self, train: &Dataset, max_steps: usize) -> Result<JobProgress> {
        if !self.last.done {
            self.last = self.work.advance(train, max_steps.max(1))?;
        }
        Ok(self.last.clone())
    }

    /// Runs to the end (the CLI and tests).
    ///
    /// # Errors
    /// As [`Job::advance`].
    pub fn run_to_end(&mut self, train: &Dataset) -> Result<()> {
        while !self.advance(train, 1000)?.done {}
        Ok(())
    }

    /// The new model and its figures, measured once on `test` with the clock `now_ms`.
    ///
    /// # Errors
    /// `NotReady` if `advance` has not reported done; measurement errors.
    pub fn finish(self, test: &Dataset, now_ms: &dyn Fn() -> f64) -> Result<(Model, Figures)> {
        if !self.last.done {
            return Err(Error::NotReady {
                what: "the step has not finished; keep calling advance",
            });
        }
        let model = self.work.model()?;
        let root = self
            .root_dense_bytes
            .unwrap_or_else(|| model.size().dense_fp32_bytes);
        let figures = measure(&model, test, root, now_ms)?;
        Ok((model, figures))
    }
}
