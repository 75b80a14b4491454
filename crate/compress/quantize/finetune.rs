//! Fine-tuning of shared weights (Deep Compression, Han et al. 2016, §3.3): the network runs on
//! the decoded centroids; each centroid moves by the summed gradient of the weights that share
//! it, c_k ← c_k − η·Σ_{i: a(i)=k} ∂L/∂w_i (with momentum); the assignments stay fixed and
//! pruned weights stay zero. Biases train as usual.

use super::kmeans::Codebook;
use super::model::{LayerCodes, QuantizedMlp};
use super::qat::GradStep;
use crate::data::Dataset;
use crate::error::Missing;
use crate::error::{Error, Result};
use crate::error::{Reason, Setting};
use crate::model::{Dense, Mlp};
use crate::tensor::as_slice_mut;
use ndarray::Array1;

/// Trains the centroids and biases of a k-means-shared model.
#[derive(Debug, Clone)]
pub struct CentroidTrainer {
    /// The shared model being tuned.
    pub model: QuantizedMlp,
    work: Mlp,
    grad: GradStep,
    velocity: Vec<Vec<f32>>,
    bias_velocity: Vec<Array1<f32>>,
    /// Learning rate for centroids and biases.
    pub lr: f32,
    momentum: f32,
    step: u64,
}

impl CentroidTrainer {
    /// A trainer for a model whose layers are all k-means shared.
    ///
    /// # Errors
    /// `InvalidParam` if a layer is not shared, lr is not finite and positive, or there is no
    /// training data.
    pub fn new(model: QuantizedMlp, lr: f32, n_train: usize, seed: u64) -> Result<Self> {
        crate::error::check_positive(Setting::CentroidLearningRate, lr)?;
        if n_train == 0 {
            return Err(Error::NotReady {
                what: Missing::NoTrainingData,
            });
        }
        let mut layers = Vec::new();
        let mut velocity = Vec::new();
        for l in &model.layers {
            let LayerCodes::Shared { book } = &l.codes else {
                return Err(Error::param(
                    Setting::Scheme,
                    "not k-means",
                    Reason::FineTuningNeedsSharedWeights,
                ));
            };
            velocity.push(vec![0f32; book.centroids.len()]);
            layers.push(Dense::from_parts(
                l.weights.clone(),
                Array1::from_vec(l.b.clone()),
                l.act,
                None,
            )?);
        }
        let work = Mlp { layers };
        Ok(CentroidTrainer {
            grad: GradStep::new(&work, n_train, 64, seed ^ 0xF17E),
            bias_velocity: work
                .layers
                .iter()
                .map(|l| Array1::zeros(l.b.len()))
                .collect(),
            work,
            model,
            velocity,
            lr,
            momentum: 0.9,
            step: 0,
        })
    }

    /// `steps` steps; returns the mean loss.
    ///
    /// # Errors
    /// `Diverged` on a non-finite loss; shape errors if the model changed underneath.
    pub fn run(&mut self, data: &Dataset, steps: usize) -> Result<f32> {
        let mut sum = 0.0f64;
        for _ in 0..steps {
            let loss = self.grad.run(&self.work, data, self.step)?;
            sum += f64::from(loss);
            for (l, layer) in self.model.layers.iter_mut().enumerate() {
                let mask = layer.mask.as_ref().and_then(|m| m.as_slice());
                let LayerCodes::Shared { book } = &mut layer.codes else {
                    continue;
                };
                let g = self.grad.grads.w[l]
                    .as_slice()
                    .ok_or_else(|| Error::data("gradient is not contiguous"))?;
                let gc = book.centroid_grads(g, mask);
                update(book, &mut self.velocity[l], &gc, self.lr, self.momentum);
                book.decode(mask, as_slice_mut(&mut layer.weights)?);
                let w = &mut self.work.layers[l];
                w.w.assign(&layer.weights);
                let bv = &mut self.bias_velocity[l];
                for ((b, v), &gb) in w.b.iter_mut().zip(bv.iter_mut()).zip(&self.grad.grads.b[l]) {
                    *v = self.momentum * *v + gb;
                    *b -= self.lr * *v;
                }
                layer
                    .b
                    .iter_mut()
                    .zip(w.b.iter())
                    .for_each(|(d, s)| *d = *s);
            }
            self.step += 1;
        }
        Ok((sum / steps.max(1) as f64) as f32)
    }
}

fn update(book: &mut Codebook, v: &mut [f32], g: &[f32], lr: f32, mu: f32) {
    for ((c, v), &g) in book.centroids.iter_mut().zip(v.iter_mut()).zip(g) {
        *v = mu * *v + g;
        *c -= lr * *v;
    }
}
