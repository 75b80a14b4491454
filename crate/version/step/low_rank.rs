//! The `lowrank` step: W ≈ U_k Σ_k V_kᵀ (truncated SVD, Eckart & Young 1936) turns a layer into
//! two thin ones, n_in → k → n_out, then the factored net is fine-tuned end to end (Denton et al.
//! 2014). A rank k factors the first layer (capped at min(n_in, n_out)); `energy e` factors
//! every layer at the fewest singular values keeping the fraction e of Σσ².

use super::float_run::{finetune_config, FloatRun};
use super::{progress, JobProgress, Work};
use crate::compress::low_rank::finetune::{fine_tuner, FinetuneScope};
use crate::compress::low_rank::{LayerRank, LowRank, LowRankParams};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::model::Mlp;
use crate::version::model::Model;
use crate::version::recipe::{LowRankStep, RankChoice};

pub struct LowRankWork {
    factored: Option<LowRank>,
    run: Option<FloatRun>,
}

impl LowRankWork {
    /// Factoring `mlp`, an unfactored, unpruned float network.
    pub fn start(step: &LowRankStep, mlp: &Mlp, train: &Dataset, seed: u64) -> Result<Self> {
        let LowRankStep {
            rank,
            finetune_epochs,
        } = step;
        let layers = match *rank {
            RankChoice::Rank(k) => {
                let first = mlp.layers.first().ok_or(Error::NotReady {
                    what: "a layer to factor",
                })?;
                vec![LayerRank::Rank(
                    k.min(first.n_in().min(first.n_out())).max(1),
                )]
            }
            RankChoice::Energy(e) => vec![LayerRank::Energy(e); mlp.layers.len()],
        };
        let factored = LowRank::apply(mlp, &LowRankParams { layers })?;
        let run = if *finetune_epochs > 0.0 {
            let cfg = finetune_config(&factored.mlp, *finetune_epochs, None, None, seed);
            let t = fine_tuner(&factored, cfg, FinetuneScope::All, train.len())?;
            Some(FloatRun::from_trainer(t, train.len(), *finetune_epochs))
        } else {
            None
        };
        Ok(LowRankWork {
            factored: Some(factored),
            run,
        })
    }
}

impl Work for LowRankWork {
    fn advance(&mut self, train: &Dataset, max_steps: usize) -> Result<JobProgress> {
        match &mut self.run {
            Some(run) => {
                run.advance(train, max_steps)?;
                Ok(progress(
                    run.fraction(),
                    "fine-tuning the factors",
                    run.done(),
                ))
            }
            None => Ok(progress(1.0, "factored", true)),
        }
    }

    fn model(self: Box<Self>) -> Result<Model> {
        match (self.run, self.factored) {
            (Some(run), _) => Ok(Model::Float(run.trainer.mlp)),
            (None, Some(f)) => Ok(Model::Float(f.mlp)),
            (None, None) => Err(Error::NotReady {
                what: "the factored model",
            }),
        }
    }
}
