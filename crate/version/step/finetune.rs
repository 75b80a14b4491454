//! The `finetune` step: retrain a version with its mask or format held. Float: SGD with the
//! pruning mask held by the optimizer (Han et al. 2015). k-means shared: the centroids move by
//! the summed gradient of their weights, assignments fixed (Han et al. 2016, §3.3). Fixed- or
//! float-point codes: quantization-aware training from the decoded weights with the same
//! quantizer, straight-through (Jacob et al. 2018). Binary: refused, since packed signs keep no
//! shadow weights.

use super::chain;
use super::float_run::{finetune_config, steps_for, FloatRun};
use super::quantize::{params_for, QuantizeWork, ShareWork, CENTROID_LR};
use super::{progress, JobProgress, Work};
use crate::compress::quantize::qat::QatTrainer;
use crate::compress::quantize::{LayerCodes, QuantizedMlp};
use crate::data::Dataset;
use crate::error::Result;
use crate::model::{Dense, Mlp};
use crate::version::model::Model;
use crate::version::recipe::{FinetuneStep, Step};
use crate::version::store::Version;
use ndarray::Array1;

/// Fine-tuning of a float network, masks held.
pub struct FloatWork {
    run: FloatRun,
}

impl Work for FloatWork {
    fn advance(&mut self, train: &Dataset, max_steps: usize) -> Result<JobProgress> {
        self.run.advance(train, max_steps)?;
        Ok(progress(
            self.run.fraction(),
            "fine-tuning with the mask held",
            self.run.done(),
        ))
    }

    fn model(self: Box<Self>) -> Result<Model> {
        Ok(Model::Float(self.run.trainer.mlp))
    }
}

/// Starts the fine-tuning that fits the format of the parent `v`.
///
/// # Errors
/// `Unsupported` for binary parents and quantized parents of unknown format.
pub fn start(
    step: &FinetuneStep,
    v: &Version,
    train: &Dataset,
    seed: u64,
) -> Result<Box<dyn Work>> {
    let FinetuneStep {
        epochs,
        lr,
        weight_decay,
    } = step;
    let n = train.len();
    match &v.model {
        Model::Float(m) => {
            let cfg = finetune_config(m, *epochs, *lr, *weight_decay, seed);
            Ok(Box::new(FloatWork {
                run: FloatRun::new(cfg, m.clone(), n, *epochs)?,
            }))
        }
        Model::Quantized(q)
            if q.layers
                .iter()
                .all(|l| matches!(l.codes, LayerCodes::Shared { .. })) =>
        {
            let total = steps_for(*epochs, n, 64);
            Ok(Box::new(ShareWork::tune(
                q.clone(),
                lr.unwrap_or(CENTROID_LR),
                total,
                n,
                seed,
            )?))
        }
        Model::Quantized(q) => {
            let Some((format, activations)) = v.recipe.steps.iter().rev().find_map(|s| match s {
                Step::Quantize(q) => Some((q.format, q.activations)),
                _ => None,
            }) else {
                return Err(chain::unknown_format(v));
            };
            let params = params_for(format, activations, *epochs, *lr, seed, n)?;
            let qat = QatTrainer::new(decoded(q)?, &params, n)?;
            Ok(Box::new(QuantizeWork::resume(params, qat, q.huffman)))
        }
        Model::Binary(_) => Err(chain::binary_finetune(v)),
    }
}

/// The float network the codes stand for (masks kept), the start of QAT.
fn decoded(q: &QuantizedMlp) -> Result<Mlp> {
    let layers = q
        .layers
        .iter()
        .map(|l| {
            Dense::from_parts(
                l.weights.clone(),
                Array1::from_vec(l.b.clone()),
                l.act,
                l.mask.clone(),
            )
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Mlp { layers })
}
