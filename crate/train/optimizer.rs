//! Optimizers that hold pruning masks: gradients, weights and optimizer state are all masked,
//! so a pruned weight stays exactly zero (the pitfall of masking the weights only once).
//!
//! SGD with momentum: v ← μv + g + λw, w ← w − ηv.
//! Adam (Kingma & Ba 2015): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − η·m̂/(√v̂ + ε).

use super::config::{OptimizerKind, TrainConfig};
use crate::error::{Error, Result};
use crate::model::{Grads, Mlp};
use ndarray::{Array1, Array2};

const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;
const EPS: f32 = 1e-8;
/// The bits of an f32 without its sign.
const ABS_BITS: u32 = 0x7fff_ffff;

/// Optimizer state for one network.
#[derive(Debug, Clone)]
pub struct Optimizer {
    kind: OptimizerKind,
    /// Learning rate (may be changed between steps, e.g. by a schedule).
    pub lr: f32,
    momentum: f32,
    weight_decay: f32,
    state: Moments,
}

/// What an optimizer has learnt about the run: per layer, the first moment (SGD velocity or
/// Adam m) and Adam's second moment (empty for SGD), plus the steps taken (Adam's bias
/// correction). A training snapshot carries it, so a resumed run takes the very steps the
/// uninterrupted one would have.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Moments {
    /// First moment of each layer's weights `[n_out, n_in]` and biases `[n_out]`.
    pub m_w: Vec<Array2<f32>>,
    pub m_b: Vec<Array1<f32>>,
    /// Adam's second moment, shaped like the first; empty for SGD.
    pub v_w: Vec<Array2<f32>>,
    pub v_b: Vec<Array1<f32>>,
    /// Steps taken.
    pub t: u32,
}

impl Moments {
    /// True if the moments are shaped like `mlp` for an optimizer of `kind` (second moments
    /// present exactly for Adam; every array contiguous, as the update needs).
    pub fn fits(&self, kind: OptimizerKind, mlp: &Mlp) -> bool {
        let adam = kind == OptimizerKind::Adam;
        let n = mlp.layers.len();
        let contiguous = self
            .m_w
            .iter()
            .chain(&self.v_w)
            .all(|a| a.as_slice().is_some())
            && self
                .m_b
                .iter()
                .chain(&self.v_b)
                .all(|a| a.as_slice().is_some());
        contiguous
            && self.m_w.len() == n
            && self.m_b.len() == n
            && self.v_w.len() == if adam { n } else { 0 }
            && self.v_b.len() == if adam { n } else { 0 }
            && mlp.layers.iter().enumerate().all(|(l, layer)| {
                self.m_w[l].dim() == layer.w.dim()
                    && self.m_b[l].len() == layer.b.len()
                    && (!adam
                        || (self.v_w[l].dim() == layer.w.dim()
                            && self.v_b[l].len() == layer.b.len()))
            })
    }
}

impl Optimizer {
    /// Zero state shaped like `mlp`.
    pub fn new(cfg: &TrainConfig, mlp: &Mlp) -> Self {
        let zw = || {
            mlp.layers
                .iter()
                .map(|l| Array2::zeros(l.w.dim()))
                .collect::<Vec<_>>()
        };
        let zb = || {
            mlp.layers
                .iter()
                .map(|l| Array1::zeros(l.b.len()))
                .collect::<Vec<_>>()
        };
        let adam = cfg.optimizer == OptimizerKind::Adam;
        Optimizer {
            kind: cfg.optimizer,
            lr: cfg.lr,
            momentum: cfg.momentum,
            weight_decay: cfg.weight_decay,
            state: Moments {
                m_w: zw(),
                m_b: zb(),
                v_w: if adam { zw() } else { Vec::new() },
                v_b: if adam { zb() } else { Vec::new() },
                t: 0,
            },
        }
    }

    /// The state it has built up (what a snapshot keeps).
    pub fn moments(&self) -> &Moments {
        &self.state
    }

    /// Puts back state taken by [`Optimizer::moments`] (from a snapshot).
    ///
    /// # Errors
    /// `ShapeMismatch` if it is not shaped like `mlp` for this kind of optimizer.
    pub fn set_moments(&mut self, moments: Moments, mlp: &Mlp) -> Result<()> {
        if !moments.fits(self.kind, mlp) {
            return Err(Error::shape(
                "Optimizer::set_moments",
                "state shaped like the net",
                "other shapes",
            ));
        }
        self.state = moments;
        Ok(())
    }

    /// Clears the state (after pruning or a structural change, reshaped like `mlp`).
    pub fn reset(&mut self, mlp: &Mlp) {
        let cfg = TrainConfig {
            optimizer: self.kind,
            lr: self.lr,
            momentum: self.momentum,
            weight_decay: self.weight_decay,
            ..Default::default()
        };
        *self = Optimizer::new(&cfg, mlp);
    }

    /// One update of every layer from `grads`, holding masks. Returns whether every updated
    /// weight and bias is finite (the trainer's divergence guard, at no extra pass).
    ///
    /// # Errors
    /// `ShapeMismatch` if the state or the gradients do not match `mlp`.
    pub fn step(&mut self, mlp: &mut Mlp, grads: &Grads) -> Result<bool> {
        self.check(mlp, grads)?;
        let hyper = self.begin_step();
        let mut finite = true;
        for (l, layer) in mlp.layers.iter_mut().enumerate() {
            let st = &mut self.state;
            let v_w = st.v_w.get_mut(l).map(slice_mut).unwrap_or_default();
            let v_b = st
                .v_b
                .get_mut(l)
                .and_then(|v| v.as_slice_mut())
                .unwrap_or_default();
            finite &= hyper.update(
                Rows {
                    w: slice_mut(&mut layer.w),
                    b: layer.b.as_slice_mut().unwrap_or_default(),
                    m_w: slice_mut(&mut st.m_w[l]),
                    m_b: st.m_b[l].as_slice_mut().unwrap_or_default(),
                    v_w,
                    v_b,
                },
                grads.w[l].as_slice().unwrap_or_default(),
                grads.b[l].as_slice().unwrap_or_default(),
                layer.mask.as_ref().and_then(|m| m.as_slice()),
            );
        }
        Ok(finite)
    }

    /// Checks that the state and `grads` are shaped like `mlp` (contiguous, as they are built).
    ///
    /// # Errors
    /// `ShapeMismatch` otherwise.
    pub(crate) fn check(&self, mlp: &Mlp, grads: &Grads) -> Result<()> {
        let shaped = grads.matches(mlp)
            && self.state.fits(self.kind, mlp)
            && mlp.layers.iter().enumerate().all(|(l, layer)| {
                grads.b[l].len() == layer.b.len()
                    && layer.mask.as_ref().is_none_or(|m| m.dim() == layer.w.dim())
            });
        if !shaped {
            return Err(Error::shape(
                "Optimizer::step",
                "state shaped like the net",
                "other shapes (reset the optimizer)",
            ));
        }
        Ok(())
    }

    /// Counts the step and returns its hyper-parameters (Adam's bias corrections included).
    pub(crate) fn begin_step(&mut self) -> Hyper {
        let t = self.state.t.saturating_add(1);
        self.state.t = t;
        Hyper {
            kind: self.kind,
            lr: self.lr,
            mu: self.momentum,
            wd: self.weight_decay,
            bc1: 1.0 - BETA1.powi(t.min(10_000) as i32),
            bc2: 1.0 - BETA2.powi(t.min(10_000) as i32),
        }
    }

    /// Each layer's state as slices `(m_w, m_b, v_w, v_b)`; `v_*` are empty for SGD.
    pub(crate) fn state_mut(
        &mut self,
    ) -> impl Iterator<Item = (&mut [f32], &mut [f32], &mut [f32], &mut [f32])> {
        let adam = self.kind == OptimizerKind::Adam;
        let st = &mut self.state;
        let mut v_w = st.v_w.iter_mut();
        let mut v_b = st.v_b.iter_mut();
        st.m_w
            .iter_mut()
            .zip(st.m_b.iter_mut())
            .map(move |(mw, mb)| {
                let (vw, vb) = if adam {
                    (
                        v_w.next().map(slice_mut).unwrap_or_default(),
                        v_b.next()
                            .and_then(|v| v.as_slice_mut())
                            .unwrap_or_default(),
                    )
                } else {
                    (Default::default(), Default::default())
                };
                (slice_mut(mw), mb.as_slice_mut().unwrap_or_default(), vw, vb)
            })
    }
}

fn slice_mut(a: &mut Array2<f32>) -> &mut [f32] {
    a.as_slice_mut().unwrap_or_default()
}

/// The hyper-parameters of one optimizer step.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hyper {
    kind: OptimizerKind,
    lr: f32,
    mu: f32,
    wd: f32,
    bc1: f32,
    bc2: f32,
}

/// A block of whole output rows of one layer: weights `[r, n_in]`, biases `[r]` and their
/// optimizer state (`v_*` empty for SGD).
pub(crate) struct Rows<'a> {
    pub w: &'a mut [f32],
    pub b: &'a mut [f32],
    pub m_w: &'a mut [f32],
    pub m_b: &'a mut [f32],
    pub v_w: &'a mut [f32],
    pub v_b: &'a mut [f32],
}

impl Hyper {
    /// Updates one block of rows from its gradients, then holds its mask (a pruned weight and
    /// its moments are zero again). Element-wise, so a block gives exactly what the whole
    /// layer gives for those rows: the data-parallel step updates shards of rows in parallel.
    /// Returns whether every updated weight and bias is finite.
    pub(crate) fn update(
        &self,
        r: Rows<'_>,
        g_w: &[f32],
        g_b: &[f32],
        mask: Option<&[f32]>,
    ) -> bool {
        let (lr, mu, wd) = (self.lr, self.mu, self.wd);
        // The largest |value| bit pattern seen: ≥ that of +∞ means an ∞ or a NaN. An integer
        // max vectorises inside the update loop, so the guard costs no pass of its own (the
        // trainer used to scan all 266,000 weights after every step).
        let mut worst = 0u32;
        match self.kind {
            OptimizerKind::Sgd => {
                for ((w, v), &g) in r.w.iter_mut().zip(r.m_w.iter_mut()).zip(g_w) {
                    *v = mu * *v + g + wd * *w;
                    *w -= lr * *v;
                    worst = worst.max(w.to_bits() & ABS_BITS);
                }
                for ((b, v), &g) in r.b.iter_mut().zip(r.m_b.iter_mut()).zip(g_b) {
                    *v = mu * *v + g;
                    *b -= lr * *v;
                    worst = worst.max(b.to_bits() & ABS_BITS);
                }
            }
            OptimizerKind::Adam => {
                let (step, bc2) = (lr / self.bc1, self.bc2);
                let w_state = r.m_w.iter_mut().zip(r.v_w.iter_mut());
                for ((w, (m, v)), &g) in r.w.iter_mut().zip(w_state).zip(g_w) {
                    let g = g + wd * *w;
                    *m = BETA1 * *m + (1.0 - BETA1) * g;
                    *v = BETA2 * *v + (1.0 - BETA2) * g * g;
                    *w -= step * *m / ((*v / bc2).sqrt() + EPS);
                }
                let b_state = r.m_b.iter_mut().zip(r.v_b.iter_mut());
                for ((b, (m, v)), &g) in r.b.iter_mut().zip(b_state).zip(g_b) {
                    *m = BETA1 * *m + (1.0 - BETA1) * g;
                    *v = BETA2 * *v + (1.0 - BETA2) * g * g;
                    *b -= step * *m / ((*v / bc2).sqrt() + EPS);
                }
                worst =
                    r.w.iter()
                        .chain(r.b.iter())
                        .fold(0, |x, v| x.max(v.to_bits() & ABS_BITS));
            }
        }
        // Hold the mask: the weight and every moment of a pruned weight are zero again,
        // so neither the gradient nor stale momentum can bring it back.
        if let Some(mask) = mask {
            r.w.iter_mut().zip(mask).for_each(|(w, &k)| *w *= k);
            r.m_w.iter_mut().zip(mask).for_each(|(m, &k)| *m *= k);
            r.v_w.iter_mut().zip(mask).for_each(|(v, &k)| *v *= k);
        }
        // A masked NaN stays NaN (NaN·0 = NaN), so masking cannot hide a non-finite weight.
        worst < f32::INFINITY.to_bits()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, MlpSpec};

    #[test]
    fn sgd_step_is_hand_computable() {
        let mut mlp = Mlp::new(
            &MlpSpec {
                n_in: 2,
                hidden: vec![1],
                n_out: 1,
                activation: Activation::Relu,
                init: Default::default(),
            },
            0,
        )
        .unwrap();
        mlp.layers[0].w.fill(1.0);
        let cfg = TrainConfig {
            lr: 0.1,
            momentum: 0.5,
            ..Default::default()
        };
        let mut opt = Optimizer::new(&cfg, &mlp);
        let mut g = Grads::zeros_like(&mlp);
        g.w[0].fill(2.0);
        opt.step(&mut mlp, &g).unwrap(); // v = 2, w = 1 − 0.2
        assert!((mlp.layers[0].w[[0, 0]] - 0.8).abs() < 1e-6);
        opt.step(&mut mlp, &g).unwrap(); // v = 0.5·2 + 2 = 3, w = 0.8 − 0.3
        assert!((mlp.layers[0].w[[0, 0]] - 0.5).abs() < 1e-6);
    }

    /// A 784-4-10 network.
    fn small_net() -> Mlp {
        Mlp::new(&MlpSpec::mnist(&[4], Activation::Relu), 0).unwrap()
    }

    /// A fresh `kind` optimizer for `mlp`, default settings otherwise.
    fn optimizer_for(kind: OptimizerKind, mlp: &Mlp) -> Optimizer {
        let cfg = TrainConfig {
            optimizer: kind,
            ..Default::default()
        };
        Optimizer::new(&cfg, mlp)
    }

    /// The update reports a non-finite weight or bias (the trainer's divergence guard), under
    /// both optimizers, and a finite step as finite.
    #[test]
    fn update_reports_non_finite_weights() {
        for kind in [OptimizerKind::Sgd, OptimizerKind::Adam] {
            let mut mlp = small_net();
            let mut opt = optimizer_for(kind, &mlp);
            let mut g = Grads::zeros_like(&mlp);
            g.w[0].fill(0.5);
            assert!(opt.step(&mut mlp, &g).unwrap(), "{kind:?}");
            g.w[1][[2, 3]] = f32::NAN;
            assert!(!opt.step(&mut mlp, &g).unwrap(), "{kind:?} NaN weight");
            let mut mlp = small_net();
            let mut opt = optimizer_for(kind, &mlp);
            let mut g = Grads::zeros_like(&mlp);
            g.b[0][1] = f32::INFINITY;
            assert!(!opt.step(&mut mlp, &g).unwrap(), "{kind:?} infinite bias");
        }
    }

    #[test]
    fn masked_weights_stay_zero_under_both_optimizers() {
        for kind in [OptimizerKind::Sgd, OptimizerKind::Adam] {
            let mut mlp = small_net();
            let mut mask = Array2::ones(mlp.layers[0].w.dim());
            mask[[0, 0]] = 0.0;
            mask[[3, 700]] = 0.0;
            mlp.layers[0].mask = Some(mask);
            mlp.apply_masks();
            let mut opt = optimizer_for(kind, &mlp);
            let mut g = Grads::zeros_like(&mlp);
            g.w[0].fill(1.0);
            for _ in 0..3 {
                opt.step(&mut mlp, &g).unwrap();
            }
            assert_eq!(mlp.layers[0].w[[0, 0]], 0.0);
            assert_eq!(mlp.layers[0].w[[3, 700]], 0.0);
            assert_ne!(mlp.layers[0].w[[0, 1]], 0.0);
        }
    }
}
