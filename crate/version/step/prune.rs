//! The `prune` and `neurons` steps. Weight pruning: W' = M ⊙ W with M zeroing the k = round(s·n)
//! lowest-importance weights, the mask held while retraining (Han et al. 2015); with R rounds,
//! round r prunes to s·(1 − (1 − r/R)³) (Zhu & Gupta 2017) and retrains for 1/R of the epochs,
//! as Deep Compression's first stage does. Structured: whole hidden neurons with the smallest
//! ‖W[j,:]‖₁ leave the network (Li et al. 2017), then the smaller net is fine-tuned. With `t`/`a`
//! the retraining minimises the distillation loss against the unpruned parent's logits (Hinton
//! et al. 2015) instead of the labels alone.

use super::float_run::{finetune_config, FloatRun};
use super::teacher::parent_logits;
use super::{progress, JobProgress, Work};
use crate::compress::distill::student::TeacherLogits;
use crate::compress::distill::DistillParams;
use crate::compress::prune::structured::{self, StructuredParams};
use crate::compress::prune::{self, Params, Scope};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::model::Mlp;
use crate::version::model::Model;
use crate::version::recipe::{NeuronsStep, PruneStep};
use crate::version::store::Version;

pub struct PruneWork {
    params: Params,
    rounds: usize,
    round: usize,
    epochs_per_round: f32,
    lr: Option<f32>,
    weight_decay: Option<f32>,
    seed: u64,
    mlp: Option<Mlp>,
    run: Option<FloatRun>,
    /// The unpruned parent's logits and the loss settings, when retraining distils from it.
    teacher: Option<(TeacherLogits, DistillParams)>,
}

impl PruneWork {
    /// Pruning `mlp`, the float weights of `parent` (whose logits teach when the step distils).
    pub fn start(
        step: &PruneStep,
        parent: &Version,
        mlp: &Mlp,
        train: &Dataset,
        seed: u64,
    ) -> Result<Self> {
        let PruneStep {
            criterion,
            sparsity,
            global,
            finetune_epochs,
            lr,
            weight_decay,
            rounds,
            distill,
        } = step;
        let params = Params {
            criterion: *criterion,
            scope: if *global { Scope::Global } else { Scope::Layer },
            sparsity: sparsity.clone(),
            seed,
            ..Params::default()
        };
        // Checked now, so a wrong number of sparsities is reported before any work.
        params.targets(mlp)?;
        let rounds = (*rounds).max(1);
        let teacher = match distill {
            Some(d) if *finetune_epochs > 0.0 => {
                d.check()?;
                Some((parent_logits(&parent.model, train)?, *d))
            }
            _ => None,
        };
        Ok(PruneWork {
            params,
            rounds,
            round: 0,
            epochs_per_round: finetune_epochs / rounds as f32,
            lr: *lr,
            weight_decay: *weight_decay,
            seed,
            mlp: Some(mlp.clone()),
            run: None,
            teacher,
        })
    }

    fn fraction(&self) -> f32 {
        let inner = self.run.as_ref().map_or(0.0, FloatRun::fraction);
        (self.round as f32 - 1.0 + inner).max(0.0) / self.rounds as f32
    }

    fn phase(&self) -> String {
        if self.rounds > 1 {
            format!(
                "pruning round {} of {}: retraining with the mask held",
                self.round, self.rounds
            )
        } else {
            "retraining with the mask held".into()
        }
    }
}

impl Work for PruneWork {
    fn advance(&mut self, train: &Dataset, max_steps: usize) -> Result<JobProgress> {
        if let Some(run) = &mut self.run {
            run.advance(train, max_steps)?;
            if !run.done() {
                return Ok(progress(self.fraction(), self.phase(), false));
            }
            self.mlp = self.run.take().map(|r| r.trainer.mlp);
        }
        if self.round >= self.rounds {
            return Ok(progress(1.0, "pruned", true));
        }
        self.round += 1;
        let mut mlp = self.mlp.take().ok_or(Error::NotReady {
            what: "the model to prune",
        })?;
        let r = self.round as f32 / self.rounds as f32;
        let f = 1.0 - (1.0 - r).powi(3);
        let round = Params {
            sparsity: self.params.sparsity.iter().map(|s| s * f).collect(),
            ..self.params.clone()
        };
        prune::apply(&mut mlp, &round, Some(train))?;
        if self.epochs_per_round > 0.0 {
            let cfg = finetune_config(
                &mlp,
                self.epochs_per_round,
                self.lr,
                self.weight_decay,
                self.seed,
            );
            let run = FloatRun::new(cfg, mlp, train.len(), self.epochs_per_round)?;
            self.run = Some(match &self.teacher {
                Some((logits, params)) => run.with_teacher(logits.clone(), *params, train.len())?,
                None => run,
            });
        } else {
            self.mlp = Some(mlp);
        }
        let done = self.round >= self.rounds && self.run.is_none();
        Ok(progress(
            if done { 1.0 } else { self.fraction() },
            self.phase(),
            done,
        ))
    }

    fn model(self: Box<Self>) -> Result<Model> {
        self.mlp.map(Model::Float).ok_or(Error::NotReady {
            what: "the pruned model",
        })
    }
}

pub struct NeuronsWork {
    small: Option<Mlp>,
    run: Option<FloatRun>,
}

impl NeuronsWork {
    /// Removing neurons from `mlp`, an unfactored float network.
    pub fn start(step: &NeuronsStep, mlp: &Mlp, train: &Dataset, seed: u64) -> Result<Self> {
        let NeuronsStep {
            fraction,
            finetune_epochs,
            lr,
        } = step;
        let p = StructuredParams {
            fraction: vec![*fraction],
            seed,
            ..StructuredParams::default()
        };
        p.check()?;
        let (small, _) = structured::apply(mlp, &p, Some(train))?;
        let run = if *finetune_epochs > 0.0 {
            let cfg = finetune_config(&small, *finetune_epochs, *lr, None, seed);
            Some(FloatRun::new(
                cfg,
                small.clone(),
                train.len(),
                *finetune_epochs,
            )?)
        } else {
            None
        };
        Ok(NeuronsWork {
            small: Some(small),
            run,
        })
    }
}

impl Work for NeuronsWork {
    fn advance(&mut self, train: &Dataset, max_steps: usize) -> Result<JobProgress> {
        match &mut self.run {
            Some(run) => {
                run.advance(train, max_steps)?;
                Ok(progress(
                    run.fraction(),
                    "fine-tuning the narrower network",
                    run.done(),
                ))
            }
            None => Ok(progress(1.0, "neurons removed", true)),
        }
    }

    fn model(self: Box<Self>) -> Result<Model> {
        match (self.run, self.small) {
            (Some(run), _) => Ok(Model::Float(run.trainer.mlp)),
            (None, Some(m)) => Ok(Model::Float(m)),
            (None, None) => Err(Error::NotReady {
                what: "the narrowed model",
            }),
        }
    }
}
