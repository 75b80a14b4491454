//! Quantization-aware training (Jacob et al. 2018, §3; Courbariaux et al. 2015): float shadow
//! weights W are kept; each step runs forward and backward on the fake-quantized copy
//! Q(W) = S·(clamp(round(W/S) + Z) − Z), and the straight-through estimator (Bengio et al.
//! 2013) takes ∂L/∂W ≈ ∂L/∂Q(W), so the optimizer updates the shadow weights with the gradient
//! of the quantized ones. Composed from `Mlp::forward/backward` and the shared `Optimizer`.

use super::params::Params;
use crate::data::batch::gather;
use crate::data::{Batcher, Dataset};
use crate::error::Missing;
use crate::error::{check_len, Error, Result};
use crate::model::loss::softmax_cross_entropy;
use crate::model::{Grads, Mlp, Workspace};
use crate::train::{Optimizer, TrainConfig};

/// Seeded batches and the buffers of one gradient computation, shared by QAT and k-means
/// fine-tuning.
#[derive(Debug, Clone)]
pub struct GradStep {
    batcher: Batcher,
    x: Vec<f32>,
    y: Vec<u8>,
    ws: Workspace,
    /// Gradients of the last step.
    pub grads: Grads,
}

impl GradStep {
    /// Buffers for `mlp` over `n_train` examples in batches of `batch`.
    pub fn new(mlp: &Mlp, n_train: usize, batch: usize, seed: u64) -> Self {
        GradStep {
            batcher: Batcher::new(n_train, batch, seed),
            x: vec![0.0; batch * mlp.n_in()],
            y: vec![0; batch],
            ws: Workspace::default(),
            grads: Grads::zeros_like(mlp),
        }
    }

    /// Forward and backward of `mlp` on the next batch; returns the mean loss.
    ///
    /// # Errors
    /// `ShapeMismatch` if `data` does not fit the network; `Diverged` on a non-finite loss.
    pub fn run(&mut self, mlp: &Mlp, data: &Dataset, step: u64) -> Result<f32> {
        check_len("training image width", data.dim(), mlp.n_in())?;
        self.batcher.check_data(data)?;
        let idx = self.batcher.next_indices();
        let (b, d) = (idx.len(), data.dim());
        gather(data, idx, &mut self.x[..b * d], &mut self.y[..b])?;
        let x = &self.x[..b * d];
        mlp.forward(x, b, &mut self.ws)?;
        let (logits, dlogits) = self.ws.logits_and_dlogits(b);
        let (loss, _) = softmax_cross_entropy(logits, &self.y[..b], mlp.n_out(), dlogits)?;
        if !loss.is_finite() {
            return Err(Error::Diverged { step, loss });
        }
        mlp.backward(x, b, &mut self.ws, &mut self.grads)?;
        Ok(loss)
    }
}

/// Quantization-aware training of one network.
#[derive(Debug, Clone)]
pub struct QatTrainer {
    /// Float shadow weights (the ones the optimizer updates).
    pub shadow: Mlp,
    work: Mlp,
    opt: Optimizer,
    params: Params,
    cfg: TrainConfig,
    grad: GradStep,
    step: u64,
}

impl QatTrainer {
    /// QAT from a trained `mlp`, for `params.qat_steps` steps of SGD (momentum 0.9, cosine
    /// schedule from `params.qat_lr`), batches of 64.
    ///
    /// # Errors
    /// `InvalidParam` if `params` fail their check; `NotReady` with no training examples.
    pub fn new(mlp: Mlp, params: &Params, n_train: usize) -> Result<Self> {
        params.check()?;
        if n_train == 0 {
            return Err(Error::NotReady {
                what: Missing::NoTrainingData,
            });
        }
        let cfg = TrainConfig {
            lr: params.qat_lr,
            seed: params.seed,
            ..Default::default()
        };
        cfg.check()?;
        Ok(QatTrainer {
            opt: Optimizer::new(&cfg, &mlp),
            grad: GradStep::new(&mlp, n_train, cfg.batch_size, params.seed ^ 0x0A7),
            work: mlp.clone(),
            shadow: mlp,
            params: params.clone(),
            cfg,
            step: 0,
        })
    }

    /// Steps taken.
    pub fn steps(&self) -> u64 {
        self.step
    }

    /// True once `qat_steps` steps are done.
    pub fn done(&self) -> bool {
        self.step >= self.params.qat_steps as u64
    }

    /// Up to `max_steps` QAT steps; returns the mean loss of the chunk.
    ///
    /// # Errors
    /// `Diverged` on a non-finite loss (the shadow weights are left as before that step).
    pub fn run(&mut self, data: &Dataset, max_steps: usize) -> Result<f32> {
        let total = self.params.qat_steps.max(1) as f32;
        let (mut sum, mut n) = (0.0f64, 0usize);
        while n < max_steps.max(1) && !self.done() {
            self.opt.lr = self.cfg.lr * self.cfg.schedule.factor(self.step as f32 / total);
            super::project(&self.shadow, &mut self.work, &self.params)?;
            let loss = self.grad.run(&self.work, data, self.step)?;
            // Straight-through: the gradient of Q(W) updates W itself.
            self.opt.step(&mut self.shadow, &self.grad.grads)?;
            self.step += 1;
            sum += f64::from(loss);
            n += 1;
        }
        Ok((sum / n.max(1) as f64) as f32)
    }
}
