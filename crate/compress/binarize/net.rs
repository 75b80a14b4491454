//! A binary network, float simulation: shadow weights in an `Mlp` (so `train::Optimizer` updates
//! them), per-layer kinds (binary or full precision; ReLU, sign or logits) and batch norms.
//! Forward: a_l = act_l(BN_l(α_l ⊙ (a_{l−1}·sign(W_l)ᵀ) + b_l)); backward per `layer.rs`.
//! BinaryConnect (Courbariaux et al. 2015), BNN (Hubara et al. 2016), XNOR-Net α (Rastegari 2016).

use super::layer::{self, LayerCache, LayerGrads, LayerKind, NormMode};
use super::params::{Output, Params};
use crate::data::Dataset;
use crate::error::{check_len, Error, Result};
use crate::model::loss::softmax_in_place;
use crate::model::{BatchNorm, Dense, Grads, Init, Mlp, MlpSpec};
use crate::tensor::{as_slice, as_slice_mut};
use crate::train::metrics::{evaluate_with, Evaluation};
use ndarray::{Array1, Array2};

/// A binary network (float simulation, trainable).
#[derive(Debug, Clone, PartialEq)]
pub struct BinaryNet {
    /// Real-valued shadow weights and biases; binary layers use α·sign of them.
    pub shadow: Mlp,
    /// Per-layer kind.
    pub kinds: Vec<LayerKind>,
    /// Per-layer batch norm (after the affine map, before the activation).
    pub norms: Vec<Option<BatchNorm>>,
    /// XNOR-Net scaling α = mean |w| per output neuron.
    pub scaling: bool,
}

/// Buffers for passes through a [`BinaryNet`].
#[derive(Debug, Clone, Default)]
pub struct NetCache {
    /// One per layer.
    pub layers: Vec<LayerCache>,
}

impl BinaryNet {
    /// A freshly initialised network (Glorot uniform, as both papers use).
    ///
    /// # Errors
    /// `InvalidParam` if `params` fail [`Params::check`].
    pub fn new(params: &Params) -> Result<Self> {
        params.check()?;
        let spec = MlpSpec {
            init: Init::Xavier,
            ..params.train.spec()
        };
        let shadow = Mlp::new(&spec, params.train.seed)?;
        let n = shadow.layers.len();
        let kinds = (0..n)
            .map(|l| LayerKind {
                binary: match l {
                    0 => params.binary_first,
                    _ if l + 1 == n => params.binary_last,
                    _ => true,
                },
                output: if l + 1 == n {
                    Output::Logits
                } else {
                    params.hidden_output()
                },
            })
            .collect();
        let norms = shadow
            .layers
            .iter()
            .map(|d| params.batch_norm.then(|| BatchNorm::new(d.n_out())))
            .collect();
        let mut net = BinaryNet {
            shadow,
            kinds,
            norms,
            scaling: params.scaling,
        };
        net.clip_binary();
        Ok(net)
    }

    /// A network whose shadow weights and biases start from a trained dense `mlp` of the same
    /// widths (clipped to [−1, 1] in binary layers): binarize the network you just trained.
    ///
    /// # Errors
    /// `InvalidParam` if `params` fail their check; `ShapeMismatch` if the widths differ.
    pub fn from_dense(params: &Params, mlp: &Mlp) -> Result<Self> {
        let mut net = BinaryNet::new(params)?;
        if net.shadow.sizes() != mlp.sizes() {
            return Err(Error::shape(
                "BinaryNet::from_dense widths",
                net.shadow.sizes(),
                mlp.sizes(),
            ));
        }
        for (s, d) in net.shadow.layers.iter_mut().zip(&mlp.layers) {
            s.w.assign(&d.w);
            s.b.assign(&d.b);
        }
        net.clip_binary();
        Ok(net)
    }

    /// Input width.
    pub fn n_in(&self) -> usize {
        self.shadow.n_in()
    }

    /// Output width.
    pub fn n_out(&self) -> usize {
        self.shadow.n_out()
    }

    fn ensure(&self, cache: &mut NetCache) {
        cache
            .layers
            .resize_with(self.shadow.layers.len(), LayerCache::default);
    }

    /// Runs every layer; `train_norms` is `Some` for a training pass (batch statistics).
    fn pass(
        &self,
        mut train_norms: Option<&mut [Option<BatchNorm>]>,
        x: &[f32],
        batch: usize,
        cache: &mut NetCache,
    ) -> Result<()> {
        check_len("BinaryNet input", x.len(), batch * self.n_in())?;
        self.ensure(cache);
        for (l, dense) in self.shadow.layers.iter().enumerate() {
            let (before, rest) = cache.layers.split_at_mut(l);
            let input: &[f32] = match before.last() {
                None => x,
                Some(prev) => &prev.a[..batch * dense.n_in()],
            };
            let mode = match train_norms.as_deref_mut().and_then(|n| n.get_mut(l)) {
                Some(Some(bn)) => NormMode::Train(bn),
                Some(None) => NormMode::Off,
                None => self
                    .norms
                    .get(l)
                    .and_then(Option::as_ref)
                    .map_or(NormMode::Off, NormMode::Infer),
            };
            layer::forward(
                dense,
                self.kinds[l],
                mode,
                self.scaling,
                input,
                batch,
                &mut rest[0],
            )?;
        }
        Ok(())
    }

    /// Training forward (batch statistics; running averages updated).
    ///
    /// # Errors
    /// `ShapeMismatch` if `x` is not `[batch, n_in]`.
    pub fn forward_train(&mut self, x: &[f32], batch: usize, cache: &mut NetCache) -> Result<()> {
        // The norms move out for the pass so the rest of the net can be borrowed immutably.
        let mut norms = std::mem::take(&mut self.norms);
        let r = self.pass(Some(&mut norms), x, batch, cache);
        self.norms = norms;
        r
    }

    /// Inference forward (running statistics): the float simulation of the packed network.
    ///
    /// # Errors
    /// `ShapeMismatch` if `x` is not `[batch, n_in]`.
    pub fn forward_infer(&self, x: &[f32], batch: usize, cache: &mut NetCache) -> Result<()> {
        self.pass(None, x, batch, cache)
    }

    /// The logits of the last pass, `[batch, n_out]`.
    pub fn logits<'a>(&self, cache: &'a NetCache, batch: usize) -> &'a [f32] {
        cache
            .layers
            .last()
            .map_or(&[][..], |c| &c.a[..(batch * self.n_out()).min(c.a.len())])
    }

    /// Backpropagates ∂L/∂logits, already written into the last layer's `delta`.
    ///
    /// # Errors
    /// `ShapeMismatch` if the gradients or the cache do not match the network.
    pub fn backward(
        &self,
        x: &[f32],
        batch: usize,
        cache: &mut NetCache,
        grads: &mut Grads,
        norm_grads: &mut Grads,
    ) -> Result<()> {
        let n = self.shadow.layers.len();
        if !grads.matches(&self.shadow) || norm_grads.b.len() != n || cache.layers.len() != n {
            return Err(Error::shape(
                "BinaryNet::backward",
                "buffers shaped like the net",
                "other shapes",
            ));
        }
        for l in (0..n).rev() {
            let (before, rest) = cache.layers.split_at_mut(l);
            let dense = &self.shadow.layers[l];
            let (input, dx): (&[f32], Option<&mut [f32]>) = match before.last_mut() {
                None => (x, None),
                Some(prev) => (
                    &prev.a[..batch * dense.n_in()],
                    Some(&mut prev.delta[..batch * dense.n_in()]),
                ),
            };
            let bn_grads = match (
                &self.norms[l],
                norm_grads.w.get_mut(l),
                norm_grads.b.get_mut(l),
            ) {
                (Some(_), Some(gw), Some(gb)) => Some((
                    as_slice_mut(gw)?,
                    gb.as_slice_mut()
                        .ok_or_else(|| Error::data("not contiguous"))?,
                )),
                _ => None,
            };
            let g = LayerGrads {
                w: as_slice_mut(&mut grads.w[l])?,
                b: grads.b[l]
                    .as_slice_mut()
                    .ok_or_else(|| Error::data("bias gradient is not contiguous"))?,
                bn: bn_grads,
                x: dx,
            };
            layer::backward(
                dense,
                self.kinds[l],
                self.norms[l].as_ref(),
                input,
                batch,
                &mut rest[0],
                g,
            )?;
        }
        Ok(())
    }

    /// Clips the shadow weights of every binary layer to [−1, 1].
    pub fn clip_binary(&mut self) {
        for (d, k) in self.shadow.layers.iter_mut().zip(&self.kinds) {
            if k.binary {
                d.w.mapv_inplace(|v| v.clamp(-1.0, 1.0));
            }
        }
    }

    /// The weights layer `l` really uses: α_j·sign(w_ji) for a binary layer, w otherwise.
    ///
    /// # Errors
    /// `InvalidParam` if there is no layer `l`.
    pub fn effective_weights(&self, l: usize) -> Result<Array2<f32>> {
        let (dense, kind) = match (self.shadow.layers.get(l), self.kinds.get(l)) {
            (Some(d), Some(k)) => (d, *k),
            _ => return Err(Error::no_layer(l, self.kinds.len())),
        };
        let mut c = LayerCache::default();
        layer::refresh_weights(dense, kind, self.scaling, &mut c)?;
        let n_in = dense.n_in().max(1);
        for (row, a) in c.weights.chunks_exact_mut(n_in).zip(&c.alpha) {
            row.iter_mut().for_each(|v| *v *= a);
        }
        crate::tensor::array2_from_vec(dense.n_out(), dense.n_in(), c.weights)
    }

    /// Per-neuron α of layer `l` (all 1 for a full-precision layer or without scaling).
    ///
    /// # Errors
    /// `InvalidParam` if there is no layer `l`.
    pub fn alpha(&self, l: usize) -> Result<Vec<f32>> {
        let (dense, kind) = match (self.shadow.layers.get(l), self.kinds.get(l)) {
            (Some(d), Some(k)) => (d, *k),
            _ => return Err(Error::no_layer(l, self.kinds.len())),
        };
        let mut c = LayerCache::default();
        layer::refresh_weights(dense, kind, self.scaling, &mut c)?;
        Ok(c.alpha)
    }

    /// γ and β of every batch norm as an `Mlp`-shaped container (γ as a `[1, n]` weight row,
    /// β as the bias), so the same `train::Optimizer` can update them. Layers without batch
    /// norm get an empty `[1, 0]` entry.
    pub fn norm_params(&self) -> Mlp {
        let layers = self
            .norms
            .iter()
            .map(|bn| {
                let (g, b) = bn
                    .as_ref()
                    .map_or((Array1::zeros(0), Array1::zeros(0)), |bn| {
                        (bn.gamma.clone(), bn.beta.clone())
                    });
                let n = g.len();
                Dense {
                    w: g.into_shape_with_order((1, n))
                        .unwrap_or_else(|_| Array2::zeros((1, 0))),
                    b,
                    act: crate::model::Activation::Identity,
                    mask: None,
                }
            })
            .collect();
        Mlp { layers }
    }

    /// Writes γ and β back from an `Mlp` made by [`BinaryNet::norm_params`].
    ///
    /// # Errors
    /// `ShapeMismatch` if `p` does not match.
    pub fn set_norm_params(&mut self, p: &Mlp) -> Result<()> {
        check_len(
            "BinaryNet::set_norm_params",
            p.layers.len(),
            self.norms.len(),
        )?;
        for (bn, d) in self.norms.iter_mut().zip(&p.layers) {
            if let Some(bn) = bn {
                check_len("BinaryNet::set_norm_params γ", d.w.len(), bn.gamma.len())?;
                bn.gamma.assign(&Array1::from(as_slice(&d.w)?.to_vec()));
                bn.beta.assign(&d.b);
            }
        }
        Ok(())
    }

    /// True if every parameter and running statistic is finite.
    pub fn is_finite(&self) -> bool {
        self.shadow.is_finite()
            && self.norms.iter().flatten().all(|bn| {
                bn.gamma
                    .iter()
                    .chain(&bn.beta)
                    .chain(&bn.running_mean)
                    .chain(&bn.running_var)
                    .all(|v| v.is_finite())
            })
    }

    /// Class probabilities of the float simulation for `batch` rows.
    ///
    /// # Errors
    /// `ShapeMismatch` if `x` is not `[batch, n_in]`.
    pub fn predict_proba(&self, x: &[f32], batch: usize) -> Result<Vec<f32>> {
        let mut cache = NetCache::default();
        self.forward_infer(x, batch, &mut cache)?;
        let mut p = self.logits(&cache, batch).to_vec();
        for row in p.chunks_exact_mut(self.n_out().max(1)) {
            softmax_in_place(row);
        }
        Ok(p)
    }

    /// Accuracy of the float simulation on the first `limit` examples (0 = all).
    ///
    /// # Errors
    /// `ShapeMismatch` if the data width is not the network's input width.
    pub fn evaluate(&self, data: &Dataset, limit: usize) -> Result<Evaluation> {
        let mut cache = NetCache::default();
        evaluate_with(
            |x, b, _| {
                self.forward_infer(x, b, &mut cache)?;
                Ok(self.logits(&cache, b).to_vec())
            },
            self.n_in(),
            data,
            limit,
        )
    }
}
