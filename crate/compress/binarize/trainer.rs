//! Training a binary network: seeded batches, training forward (batch-norm statistics),
//! softmax cross-entropy, STE backward, then `train::Optimizer` updates the shadow weights and,
//! separately, the batch-norm γ/β; binary layers' shadow weights are clipped to [−1, 1] after
//! every step (BinaryConnect, Courbariaux et al. 2015). Runs in chunks so the page stays live.

use super::net::{BinaryNet, NetCache};
use super::params::Params;
use crate::data::batch::gather;
use crate::data::{Batcher, Dataset};
use crate::error::Missing;
use crate::error::{check_len, Error, Result};
use crate::model::loss::softmax_cross_entropy;
use crate::model::{Grads, Mlp};
use crate::render::chart::{LineChart, Series};
use crate::train::{Optimizer, Progress};
use serde::Serialize;

/// One point of the training curve (one chunk).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CurvePoint {
    /// Epochs done, fractional.
    pub epoch: f32,
    /// Mean loss over the chunk.
    pub loss: f32,
    /// Training accuracy over the chunk.
    pub train_accuracy: f32,
}

/// Trains one [`BinaryNet`].
#[derive(Debug, Clone)]
pub struct BinaryTrainer {
    /// The settings (checked).
    pub params: Params,
    /// The network being trained.
    pub net: BinaryNet,
    /// Training curve, one point per chunk.
    pub curve: Vec<CurvePoint>,
    /// Test accuracy of the float simulation as (epoch, accuracy), recorded by the caller.
    pub tests: Vec<(f32, f32)>,
    opt: Optimizer,
    norm_opt: Optimizer,
    norm_mlp: Mlp,
    batcher: Batcher,
    cache: NetCache,
    grads: Grads,
    norm_grads: Grads,
    x: Vec<f32>,
    y: Vec<u8>,
    step: u64,
    last_good: BinaryNet,
    total_override: Option<u64>,
}

impl BinaryTrainer {
    /// A fresh network and trainer for `n_train` examples.
    ///
    /// # Errors
    /// `InvalidParam` if `params` fail their check; `NotReady` if `n_train` is 0.
    pub fn new(params: Params, n_train: usize) -> Result<Self> {
        let net = BinaryNet::new(&params)?;
        Self::with_net(params, net, n_train)
    }

    /// A trainer that starts from a trained dense network of the same widths.
    ///
    /// # Errors
    /// As [`BinaryTrainer::new`]; `ShapeMismatch` if the widths differ.
    pub fn from_dense(params: Params, mlp: &Mlp, n_train: usize) -> Result<Self> {
        let net = BinaryNet::from_dense(&params, mlp)?;
        Self::with_net(params, net, n_train)
    }

    fn with_net(params: Params, net: BinaryNet, n_train: usize) -> Result<Self> {
        if n_train == 0 {
            return Err(Error::NotReady {
                what: Missing::NoTrainingData,
            });
        }
        let norm_mlp = net.norm_params();
        let cfg = &params.train;
        Ok(BinaryTrainer {
            opt: Optimizer::new(cfg, &net.shadow),
            norm_opt: Optimizer::new(cfg, &norm_mlp),
            grads: Grads::zeros_like(&net.shadow),
            norm_grads: Grads::zeros_like(&norm_mlp),
            norm_mlp,
            batcher: Batcher::new(n_train, cfg.batch_size, cfg.seed),
            cache: NetCache::default(),
            x: vec![0.0; cfg.batch_size * net.n_in()],
            y: vec![0; cfg.batch_size],
            step: 0,
            curve: Vec::new(),
            tests: Vec::new(),
            last_good: net.clone(),
            total_override: None,
            net,
            params,
        })
    }

    /// Completed epochs.
    pub fn epoch(&self) -> usize {
        self.batcher.epoch() + usize::from(self.batcher.at_epoch_end())
    }

    /// True once the configured epochs are done.
    pub fn done(&self) -> bool {
        self.epoch() >= self.params.train.epochs
    }

    /// Steps taken.
    pub fn steps(&self) -> u64 {
        self.step
    }

    /// Total steps of the run (the length of the learning-rate schedule).
    pub fn total_steps(&self) -> u64 {
        self.total_override
            .unwrap_or((self.params.train.epochs * self.batcher.batches_per_epoch()) as u64)
    }

    /// Sets the schedule's length in steps, for a fractional number of epochs (the caller
    /// stops after that many steps).
    pub fn set_total_steps(&mut self, steps: u64) {
        self.total_override = Some(steps.max(1));
    }

    /// Batches in one epoch.
    pub fn batches_per_epoch(&self) -> usize {
        self.batcher.batches_per_epoch()
    }

    /// Records a test accuracy at the current (fractional) epoch, for the curves.
    pub fn record_test(&mut self, accuracy: f32) {
        let e = self.batcher.epoch() as f32
            + if self.batcher.at_epoch_end() {
                1.0
            } else {
                self.batcher.epoch_fraction()
            };
        self.tests.push((e, accuracy));
    }

    /// The training curves: loss, training accuracy and test accuracy against epochs.
    pub fn chart(&self) -> LineChart {
        let series = |name: &str, color: &str, points: Vec<(f32, f32)>, markers| Series {
            name: name.to_string(),
            color: color.to_string(),
            points,
            markers,
        };
        LineChart {
            title: format!("{:?} training", self.params.method),
            x_label: "epoch".into(),
            y_label: "accuracy / loss".into(),
            series: vec![
                series(
                    "loss",
                    "#6b7280",
                    self.curve
                        .iter()
                        .map(|c| (c.epoch, c.loss.min(1.0)))
                        .collect(),
                    false,
                ),
                series(
                    "train accuracy",
                    "#2563eb",
                    self.curve
                        .iter()
                        .map(|c| (c.epoch, c.train_accuracy))
                        .collect(),
                    false,
                ),
                series("test accuracy", "#dc2626", self.tests.clone(), true),
            ],
            y_range: Some((0.0, 1.0)),
            x_range: Some((0.0, self.params.train.epochs as f32)),
            ..LineChart::default()
        }
    }

    /// One step; returns (loss, correct, batch size).
    ///
    /// # Errors
    /// `ShapeMismatch` if `data` does not match the network's input width.
    pub fn step(&mut self, data: &Dataset) -> Result<(f32, usize, usize)> {
        check_len(
            "BinaryTrainer::step image width",
            data.dim(),
            self.net.n_in(),
        )?;
        let cfg = &self.params.train;
        let lr = cfg.lr
            * cfg
                .schedule
                .factor(self.step as f32 / self.total_steps().max(1) as f32);
        self.opt.lr = lr;
        self.norm_opt.lr = lr;
        self.batcher.check_data(data)?;
        let idx = self.batcher.next_indices();
        let (b, d) = (idx.len(), data.dim());
        gather(data, idx, &mut self.x[..b * d], &mut self.y[..b])?;
        let x = &self.x[..b * d];
        self.net.forward_train(x, b, &mut self.cache)?;
        let n_out = self.net.n_out();
        let last = self.cache.layers.last_mut().ok_or(Error::NotReady {
            what: Missing::TheNetworkHasNoLayers,
        })?;
        let (loss, correct) = softmax_cross_entropy(
            &last.a[..b * n_out],
            &self.y[..b],
            n_out,
            &mut last.delta[..b * n_out],
        )?;
        if !loss.is_finite() {
            return Ok((loss, correct, b));
        }
        self.net
            .backward(x, b, &mut self.cache, &mut self.grads, &mut self.norm_grads)?;
        self.opt.step(&mut self.net.shadow, &self.grads)?;
        self.net.clip_binary();
        self.norm_mlp = self.net.norm_params();
        self.norm_opt.step(&mut self.norm_mlp, &self.norm_grads)?;
        self.net.set_norm_params(&self.norm_mlp)?;
        self.step += 1;
        Ok((loss, correct, b))
    }

    /// Up to `max_steps` steps, stopping at the end of an epoch; appends a curve point.
    ///
    /// # Errors
    /// `Diverged` (weights of the chunk's start restored) on a NaN/infinite loss; `NotReady`
    /// when training is already done.
    pub fn run(&mut self, data: &Dataset, max_steps: usize) -> Result<Progress> {
        if self.done() {
            return Err(Error::NotReady {
                what: Missing::TrainingIsFinished,
            });
        }
        self.last_good.clone_from(&self.net);
        let (mut loss_sum, mut steps, mut samples, mut correct) = (0.0f64, 0usize, 0usize, 0usize);
        let mut epoch_ended = false;
        for _ in 0..max_steps.max(1) {
            let (loss, c, b) = self.step(data)?;
            if !loss.is_finite() || !self.net.is_finite() {
                self.net.clone_from(&self.last_good);
                self.opt.reset(&self.net.shadow);
                self.norm_opt.reset(&self.norm_mlp);
                return Err(Error::Diverged {
                    step: self.step,
                    loss,
                });
            }
            loss_sum += loss as f64;
            steps += 1;
            samples += b;
            correct += c;
            if self.batcher.at_epoch_end() {
                epoch_ended = true;
                break;
            }
        }
        let loss = (loss_sum / steps.max(1) as f64) as f32;
        let train_accuracy = correct as f32 / samples.max(1) as f32;
        let epoch_fraction = if epoch_ended {
            1.0
        } else {
            self.batcher.epoch_fraction()
        };
        self.curve.push(CurvePoint {
            epoch: self.batcher.epoch() as f32 + epoch_fraction,
            loss,
            train_accuracy,
        });
        Ok(Progress {
            epoch: self.epoch(),
            epoch_fraction,
            step: self.step,
            loss,
            train_accuracy,
            samples,
            epoch_ended,
            done: self.done(),
        })
    }
}
