//! The `quantize` and `share` steps. Fixed point r = S·q per output channel (Jacob et al. 2018)
//! or a float format, post-training or after quantization-aware training with a straight-through
//! estimator (Bengio et al. 2013); k-means sharing with 2^b centroids per layer whose centroids
//! then move by the summed gradient of the weights that share them (Han et al. 2016, §3.3).
//! A pruned parent keeps its mask, so the codes of the kept weights are stored sparsely (gap
//! index) wherever that is smaller than dense codes.

use super::float_run::steps_for;
use super::{progress, JobProgress, Work};
use crate::compress::quantize::finetune::CentroidTrainer;
use crate::compress::quantize::qat::QatTrainer;
use crate::compress::quantize::{self, Params, QuantizedMlp, Scheme, Training};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::model::Mlp;
use crate::version::model::Model;
use crate::version::recipe::{QuantFormat, QuantizeStep, ShareStep};

/// The centroid learning rate when the recipe sets none (Deep Compression's setting here).
pub const CENTROID_LR: f32 = 1e-4;
/// Batch of QAT and centroid fine-tuning (fixed by those trainers).
const BATCH: usize = 64;

/// The quantizer a `quantize` step describes, with `qat_epochs` of QAT when above 0.
///
/// # Errors
/// `InvalidParam` from [`Params::check`].
pub fn params_for(
    format: QuantFormat,
    activations: bool,
    qat_epochs: f32,
    lr: Option<f32>,
    seed: u64,
    n_train: usize,
) -> Result<Params> {
    let d = Params::default();
    let qat_steps = steps_for(qat_epochs, n_train, BATCH) as usize;
    let mut p = Params {
        activations,
        training: if qat_steps > 0 {
            Training::Qat
        } else {
            Training::Ptq
        },
        qat_steps: qat_steps.max(1),
        qat_lr: lr.unwrap_or(d.qat_lr),
        seed,
        ..d
    };
    match format {
        QuantFormat::Int(bits) => {
            p.scheme = Scheme::Int;
            p.bits = bits;
        }
        QuantFormat::Float(f) => {
            p.scheme = Scheme::Float;
            p.format = f;
        }
    }
    p.check()?;
    Ok(p)
}

pub struct QuantizeWork {
    params: Params,
    huffman: bool,
    qat: Option<QatTrainer>,
    result: Option<QuantizedMlp>,
}

impl QuantizeWork {
    /// Quantizing the float network `mlp`.
    pub fn start(step: &QuantizeStep, mlp: &Mlp, train: &Dataset, seed: u64) -> Result<Self> {
        let QuantizeStep {
            format,
            qat_epochs,
            activations,
            lr,
        } = step;
        let params = params_for(*format, *activations, *qat_epochs, *lr, seed, train.len())?;
        let mut work = QuantizeWork {
            params,
            huffman: false,
            qat: None,
            result: None,
        };
        if work.params.training == Training::Qat {
            work.qat = Some(QatTrainer::new(mlp.clone(), &work.params, train.len())?);
        } else {
            work.result = Some(quantize::apply(mlp, &work.params, Some(train))?);
        }
        Ok(work)
    }

    /// QAT that continues from a quantized version's decoded weights (fine-tuning with the
    /// format held), re-quantized with the same settings (and Huffman coding) at the end.
    pub fn resume(params: Params, qat: QatTrainer, huffman: bool) -> Self {
        QuantizeWork {
            params,
            huffman,
            qat: Some(qat),
            result: None,
        }
    }
}

impl Work for QuantizeWork {
    fn advance(&mut self, train: &Dataset, max_steps: usize) -> Result<JobProgress> {
        let Some(t) = &mut self.qat else {
            return Ok(progress(1.0, "quantized", true));
        };
        if !t.done() {
            t.run(train, max_steps)?;
        }
        let fraction = t.steps() as f32 / self.params.qat_steps.max(1) as f32;
        if !t.done() {
            return Ok(progress(fraction, "quantization-aware training", false));
        }
        let mut q = quantize::apply(&t.shadow, &self.params, Some(train))?;
        q.huffman = self.huffman;
        self.result = Some(q);
        self.qat = None;
        Ok(progress(1.0, "quantized", true))
    }

    fn model(self: Box<Self>) -> Result<Model> {
        self.result.map(Model::Quantized).ok_or(Error::NotReady {
            what: "the quantized model",
        })
    }
}

pub struct ShareWork {
    trainer: Option<CentroidTrainer>,
    model: Option<QuantizedMlp>,
    total: u64,
    taken: u64,
}

impl ShareWork {
    /// Sharing the weights of the float network `mlp`.
    pub fn start(step: &ShareStep, mlp: &Mlp, train: &Dataset, seed: u64) -> Result<Self> {
        let ShareStep {
            bits,
            finetune_epochs,
            lr,
        } = step;
        let p = Params {
            scheme: Scheme::KMeans,
            bits: *bits,
            seed,
            ..Params::default()
        };
        let shared = quantize::apply(mlp, &p, None)?;
        let total = steps_for(*finetune_epochs, train.len(), BATCH);
        Self::tune(shared, lr.unwrap_or(CENTROID_LR), total, train.len(), seed)
    }

    /// Centroid fine-tuning of an already shared model for `total` steps.
    pub fn tune(
        shared: QuantizedMlp,
        lr: f32,
        total: u64,
        n_train: usize,
        seed: u64,
    ) -> Result<Self> {
        let trainer = if total > 0 {
            Some(CentroidTrainer::new(shared.clone(), lr, n_train, seed)?)
        } else {
            None
        };
        Ok(ShareWork {
            trainer,
            model: Some(shared),
            total,
            taken: 0,
        })
    }
}

impl Work for ShareWork {
    fn advance(&mut self, train: &Dataset, max_steps: usize) -> Result<JobProgress> {
        let Some(t) = &mut self.trainer else {
            return Ok(progress(1.0, "weights shared", true));
        };
        let n = (max_steps as u64).min(self.total - self.taken);
        let loss = t.run(train, n as usize)?;
        if !loss.is_finite() {
            return Err(Error::Diverged {
                step: self.taken,
                loss,
            });
        }
        self.taken += n;
        let done = self.taken >= self.total;
        Ok(progress(
            self.taken as f32 / self.total.max(1) as f32,
            "fine-tuning the shared centroids",
            done,
        ))
    }

    fn model(self: Box<Self>) -> Result<Model> {
        match (self.trainer, self.model) {
            (Some(t), _) => Ok(Model::Quantized(t.model)),
            (None, Some(m)) => Ok(Model::Quantized(m)),
            (None, None) => Err(Error::NotReady {
                what: "the shared model",
            }),
        }
    }
}
