//! Optimizers that hold pruning masks: gradients, weights and optimizer state are all masked,
//! so a pruned weight stays exactly zero (the pitfall of masking the weights only once).
//!
//! SGD with momentum: v ← μv + g + λw, w ← w − ηv.
//! Adam (Kingma & Ba 2015): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − η·m̂/(√v̂ + ε).

use super::config::{OptimizerKind, TrainConfig};
use crate::error::{Error, Result};
use crate::model::{Grads, Mlp};
use ndarray::{Array1, Array2, Zip};

const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;
const EPS: f32 = 1e-8;

/// Optimizer state for one network.
#[derive(Debug, Clone)]
pub struct Optimizer {
    kind: OptimizerKind,
    /// Learning rate (may be changed between steps, e.g. by a schedule).
    pub lr: f32,
    momentum: f32,
    weight_decay: f32,
    /// First moment (SGD velocity or Adam m), per layer.
    m_w: Vec<Array2<f32>>,
    m_b: Vec<Array1<f32>>,
    /// Adam's second moment.
    v_w: Vec<Array2<f32>>,
    v_b: Vec<Array1<f32>>,
    t: u32,
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
            m_w: zw(),
            m_b: zb(),
            v_w: if adam { zw() } else { Vec::new() },
            v_b: if adam { zb() } else { Vec::new() },
            t: 0,
        }
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

    /// One update of every layer from `grads`, holding masks.
    ///
    /// # Errors
    /// `ShapeMismatch` if the state or the gradients do not match `mlp`.
    pub fn step(&mut self, mlp: &mut Mlp, grads: &Grads) -> Result<()> {
        if !grads.matches(mlp)
            || self.m_w.len() != mlp.layers.len()
            || self
                .m_w
                .iter()
                .zip(&mlp.layers)
                .any(|(m, l)| m.dim() != l.w.dim())
        {
            return Err(Error::shape(
                "Optimizer::step",
                "state shaped like the net",
                "other shapes (reset the optimizer)",
            ));
        }
        self.t = self.t.saturating_add(1);
        let (lr, mu, wd) = (self.lr, self.momentum, self.weight_decay);
        let bc1 = 1.0 - BETA1.powi(self.t.min(10_000) as i32);
        let bc2 = 1.0 - BETA2.powi(self.t.min(10_000) as i32);
        for (l, layer) in mlp.layers.iter_mut().enumerate() {
            match self.kind {
                OptimizerKind::Sgd => {
                    Zip::from(&mut layer.w)
                        .and(&mut self.m_w[l])
                        .and(&grads.w[l])
                        .for_each(|w, v, &g| {
                            *v = mu * *v + g + wd * *w;
                            *w -= lr * *v;
                        });
                    Zip::from(&mut layer.b)
                        .and(&mut self.m_b[l])
                        .and(&grads.b[l])
                        .for_each(|b, v, &g| {
                            *v = mu * *v + g;
                            *b -= lr * *v;
                        });
                }
                OptimizerKind::Adam => {
                    let step = lr / bc1;
                    Zip::from(&mut layer.w)
                        .and(&mut self.m_w[l])
                        .and(&mut self.v_w[l])
                        .and(&grads.w[l])
                        .for_each(|w, m, v, &g| {
                            let g = g + wd * *w;
                            *m = BETA1 * *m + (1.0 - BETA1) * g;
                            *v = BETA2 * *v + (1.0 - BETA2) * g * g;
                            *w -= step * *m / ((*v / bc2).sqrt() + EPS);
                        });
                    Zip::from(&mut layer.b)
                        .and(&mut self.m_b[l])
                        .and(&mut self.v_b[l])
                        .and(&grads.b[l])
                        .for_each(|b, m, v, &g| {
                            *m = BETA1 * *m + (1.0 - BETA1) * g;
                            *v = BETA2 * *v + (1.0 - BETA2) * g * g;
                            *b -= step * *m / ((*v / bc2).sqrt() + EPS);
                        });
                }
            }
            // Hold the mask: the weight and every moment of a pruned weight are zero again,
            // so neither the gradient nor stale momentum can bring it back.
            if let Some(mask) = &layer.mask {
                layer.w.zip_mut_with(mask, |w, &k| *w *= k);
                self.m_w[l].zip_mut_with(mask, |m, &k| *m *= k);
                if let Some(v) = self.v_w.get_mut(l) {
                    v.zip_mut_with(mask, |x, &k| *x *= k);
                }
            }
        }
        Ok(())
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

    #[test]
    fn masked_weights_stay_zero_under_both_optimizers() {
        for kind in [OptimizerKind::Sgd, OptimizerKind::Adam] {
            let mut mlp = Mlp::new(&MlpSpec::mnist(&[4], Activation::Relu), 0).unwrap();
            let mut mask = Array2::ones(mlp.layers[0].w.dim());
            mask[[0, 0]] = 0.0;
            mask[[3, 700]] = 0.0;
            mlp.layers[0].mask = Some(mask);
            mlp.apply_masks();
            let cfg = TrainConfig {
                optimizer: kind,
                ..Default::default()
            };
            let mut opt = Optimizer::new(&cfg, &mlp);
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
