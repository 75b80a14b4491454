//! The `binarize` step: BinaryConnect (w_b = α·sign(w), Courbariaux et al. 2015, with XNOR-Net's
//! α = mean|w| per neuron, Rastegari et al. 2016) or BNN (signs as activations too, Hubara et
//! al. 2016), trained through the straight-through estimator, then bit-packed so the forward
//! pass is XNOR-popcount. The shadow weights start from the parent when the widths match.

use super::chain;
use super::float_run::{steps_for, whole_epochs};
use super::{progress, JobProgress, Work};
use crate::compress::binarize::{BinaryTrainer, PackedNet, Params};
use crate::data::Dataset;
use crate::error::Result;
use crate::version::model::Model;
use crate::version::recipe::BinarizeStep;
use crate::version::store::Version;

pub struct BinarizeWork {
    trainer: BinaryTrainer,
    total: u64,
}

impl BinarizeWork {
    /// A binary network of the step's widths, or of `parent`'s (and from its weights) when the
    /// step names none.
    pub fn start(
        step: &BinarizeStep,
        parent: Option<&Version>,
        train: &Dataset,
        seed: u64,
    ) -> Result<Self> {
        let BinarizeStep {
            method,
            hidden,
            epochs,
        } = step;
        let d = Params::default();
        let plain = parent.and_then(|v| match &v.model {
            Model::Float(m) if !chain::is_factored(m) => Some(m),
            _ => None,
        });
        let parent_hidden = plain.map(|m| {
            let s = m.sizes();
            s.get(1..s.len().saturating_sub(1))
                .map(<[usize]>::to_vec)
                .unwrap_or_default()
        });
        let widths = match (hidden.is_empty(), &parent_hidden, parent) {
            (false, _, _) => hidden.clone(),
            (true, Some(h), _) => h.clone(),
            (true, None, Some(v)) => return Err(chain::binarize_widths(v)),
            (true, None, None) => d.train.hidden.clone(),
        };
        let params = Params {
            method: *method,
            train: crate::train::TrainConfig {
                hidden: widths.clone(),
                epochs: whole_epochs(*epochs),
                seed,
                ..d.train.clone()
            },
            ..d
        };
        params.check()?;
        let mut trainer = match plain {
            Some(m) if parent_hidden.as_ref() == Some(&widths) => {
                BinaryTrainer::from_dense(params, m, train.len())?
            }
            _ => BinaryTrainer::new(params, train.len())?,
        };
        let total = steps_for(*epochs, train.len(), trainer.params.train.batch_size);
        trainer.set_total_steps(total);
        Ok(BinarizeWork { trainer, total })
    }
}

impl Work for BinarizeWork {
    fn advance(&mut self, train: &Dataset, max_steps: usize) -> Result<JobProgress> {
        let mut budget = max_steps as u64;
        while budget > 0 && self.trainer.steps() < self.total {
            let want = budget.min(self.total - self.trainer.steps());
            let before = self.trainer.steps();
            self.trainer.run(train, want as usize)?;
            budget = budget.saturating_sub(self.trainer.steps() - before);
        }
        let done = self.trainer.steps() >= self.total;
        Ok(progress(
            self.trainer.steps() as f32 / self.total.max(1) as f32,
            "training binary weights through the straight-through estimator",
            done,
        ))
    }

    fn model(self: Box<Self>) -> Result<Model> {
        PackedNet::from_net(&self.trainer.net).map(Model::Binary)
    }
}
