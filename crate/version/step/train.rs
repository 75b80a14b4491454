//! The `train` step: a fresh dense MLP 784 → hidden… → 10 trained from the chain's seed with
//! SGD + momentum and a cosine schedule over the (possibly fractional) epochs, minimising
//! softmax cross-entropy (LeCun et al. 1998's LeNet-300-100 by default widths).

use super::float_run::{whole_epochs, FloatRun};
use super::{progress, JobProgress, Work};
use crate::data::Dataset;
use crate::error::Result;
use crate::model::Mlp;
use crate::train::TrainConfig;
use crate::version::model::Model;
use crate::version::recipe::TrainStep;

pub struct TrainWork {
    run: FloatRun,
}

impl TrainWork {
    pub fn start(step: &TrainStep, train: &Dataset, seed: u64) -> Result<Self> {
        let TrainStep {
            hidden,
            epochs,
            lr,
            weight_decay,
            batch,
            ..
        } = step;
        let d = TrainConfig::default();
        let cfg = TrainConfig {
            hidden: hidden.clone(),
            lr: lr.unwrap_or(d.lr),
            weight_decay: weight_decay.unwrap_or(d.weight_decay),
            batch_size: batch.unwrap_or(d.batch_size),
            epochs: whole_epochs(*epochs),
            seed,
            ..d
        };
        cfg.check()?;
        let mlp = Mlp::new(&cfg.spec(), seed)?;
        Ok(TrainWork {
            run: FloatRun::new(cfg, mlp, train.len(), *epochs)?,
        })
    }
}

impl Work for TrainWork {
    fn advance(&mut self, train: &Dataset, max_steps: usize) -> Result<JobProgress> {
        self.run.advance(train, max_steps)?;
        Ok(progress(self.run.fraction(), "training", self.run.done()))
    }

    fn model(self: Box<Self>) -> Result<Model> {
        Ok(Model::Float(self.run.trainer.mlp))
    }
}
