//! Batch normalisation over the batch axis of `[batch, n]` activations (Ioffe & Szegedy 2015).
//!
//! Training: x̂ = (x − μ_B)/√(σ²_B + ε), y = γ·x̂ + β, with the running averages μ ← (1−m)μ + m·μ_B
//! and σ² ← (1−m)σ² + m·σ²_B·B/(B−1) kept for inference, where y = γ·(x − μ)/√(σ² + ε) + β.
//! Backward: ∂L/∂x = (γ/(B·σ_B))·(B·g − Σg − x̂·Σ(g·x̂)), ∂L/∂γ = Σ g·x̂, ∂L/∂β = Σ g.

use crate::error::{check_len, Error, Result};
use ndarray::Array1;

/// Per-feature normalisation with a learned scale γ and shift β.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchNorm {
    /// Scale γ `[n]`.
    pub gamma: Array1<f32>,
    /// Shift β `[n]`.
    pub beta: Array1<f32>,
    /// Running mean used at inference `[n]`.
    pub running_mean: Array1<f32>,
    /// Running (unbiased) variance used at inference `[n]`.
    pub running_var: Array1<f32>,
    /// Weight m of the newest batch in the running averages.
    pub momentum: f32,
    /// ε added to the variance.
    pub eps: f32,
}

/// What the backward pass needs from the training forward pass.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BnCache {
    /// Normalised inputs x̂ `[batch, n]`.
    pub xhat: Vec<f32>,
    /// 1/√(σ²_B + ε) per feature `[n]`.
    pub inv_std: Vec<f32>,
}

fn slice(a: &Array1<f32>) -> Result<&[f32]> {
    a.as_slice()
        .ok_or_else(|| Error::data("batch-norm vector is not contiguous"))
}

impl BatchNorm {
    /// γ = 1, β = 0, running mean 0 and variance 1 (the identity at inference).
    pub fn new(n: usize) -> Self {
        BatchNorm {
            gamma: Array1::ones(n),
            beta: Array1::zeros(n),
            running_mean: Array1::zeros(n),
            running_var: Array1::ones(n),
            momentum: 0.1,
            eps: 1e-5,
        }
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.gamma.len()
    }

    /// True when there are no features.
    pub fn is_empty(&self) -> bool {
        self.gamma.is_empty()
    }

    /// Normalises `x` `[batch, n]` in place with the batch's own statistics, records x̂ in
    /// `cache` and updates the running averages.
    ///
    /// # Errors
    /// `ShapeMismatch` if `x.len() != batch · n` or `batch == 0`.
    pub fn forward_train(
        &mut self,
        x: &mut [f32],
        batch: usize,
        cache: &mut BnCache,
    ) -> Result<()> {
        let n = self.len();
        if batch == 0 {
            return Err(Error::shape("BatchNorm::forward_train batch", ">= 1", 0));
        }
        check_len("BatchNorm::forward_train", x.len(), batch * n)?;
        let inv_b = 1.0 / batch as f32;
        let mut mean = vec![0.0f32; n];
        for row in x.chunks_exact(n) {
            mean.iter_mut().zip(row).for_each(|(m, v)| *m += v);
        }
        mean.iter_mut().for_each(|m| *m *= inv_b);
        let mut var = vec![0.0f32; n];
        for row in x.chunks_exact(n) {
            for ((s, v), m) in var.iter_mut().zip(row).zip(&mean) {
                *s += (v - m) * (v - m);
            }
        }
        var.iter_mut().for_each(|s| *s *= inv_b);
        cache.inv_std.clear();
        cache
            .inv_std
            .extend(var.iter().map(|v| 1.0 / (v + self.eps).sqrt()));
        cache.xhat.resize(batch * n, 0.0);
        let (gamma, beta) = (slice(&self.gamma)?, slice(&self.beta)?);
        for (row, hrow) in x.chunks_exact_mut(n).zip(cache.xhat.chunks_exact_mut(n)) {
            for j in 0..n {
                let h = (row[j] - mean[j]) * cache.inv_std[j];
                hrow[j] = h;
                row[j] = gamma[j] * h + beta[j];
            }
        }
        // PyTorch's convention: the running variance is the unbiased estimate.
        let unbias = if batch > 1 {
            batch as f32 / (batch - 1) as f32
        } else {
            1.0
        };
        let m = self.momentum;
        self.running_mean
            .iter_mut()
            .zip(&mean)
            .for_each(|(r, v)| *r = (1.0 - m) * *r + m * v);
        self.running_var
            .iter_mut()
            .zip(&var)
            .for_each(|(r, v)| *r = (1.0 - m) * *r + m * v * unbias);
        Ok(())
    }

    /// The inference map of feature `j`: γ_j·(x − μ_j)/√(σ²_j + ε) + β_j. The float simulation
    /// and the bit-packed network both call this, so their outputs agree bit for bit.
    #[inline]
    pub fn infer_one(&self, j: usize, x: f32) -> f32 {
        match (
            self.gamma.get(j),
            self.beta.get(j),
            self.running_mean.get(j),
            self.running_var.get(j),
        ) {
            (Some(g), Some(b), Some(m), Some(v)) => g * (x - m) / (v + self.eps).sqrt() + b,
            _ => x,
        }
    }

    /// Normalises `x` `[batch, n]` in place with the running statistics.
    ///
    /// # Errors
    /// `ShapeMismatch` if `x.len()` is not a multiple of `n`.
    pub fn forward_infer(&self, x: &mut [f32]) -> Result<()> {
        let n = self.len();
        if n == 0 || !x.len().is_multiple_of(n) {
            return Err(Error::shape(
                "BatchNorm::forward_infer",
                format!("a multiple of {n}"),
                x.len(),
            ));
        }
        for row in x.chunks_exact_mut(n) {
            for (j, v) in row.iter_mut().enumerate() {
                *v = self.infer_one(j, *v);
            }
        }
        Ok(())
    }

    /// Turns ∂L/∂y in `g` `[batch, n]` into ∂L/∂x in place, and writes ∂L/∂γ, ∂L/∂β.
    ///
    /// # Errors
    /// `ShapeMismatch` if the buffers do not match the cache of the last `forward_train`.
    pub fn backward(
        &self,
        g: &mut [f32],
        batch: usize,
        cache: &BnCache,
        dgamma: &mut [f32],
        dbeta: &mut [f32],
    ) -> Result<()> {
        let n = self.len();
        check_len("BatchNorm::backward", g.len(), batch * n)?;
        check_len("BatchNorm::backward cache", cache.xhat.len(), batch * n)?;
        check_len("BatchNorm::backward inv_std", cache.inv_std.len(), n)?;
        check_len("BatchNorm::backward dgamma", dgamma.len(), n)?;
        check_len("BatchNorm::backward dbeta", dbeta.len(), n)?;
        dgamma.fill(0.0);
        dbeta.fill(0.0);
        for (grow, hrow) in g.chunks_exact(n).zip(cache.xhat.chunks_exact(n)) {
            for j in 0..n {
                dgamma[j] += grow[j] * hrow[j];
                dbeta[j] += grow[j];
            }
        }
        let gamma = slice(&self.gamma)?;
        let b = batch as f32;
        for (grow, hrow) in g.chunks_exact_mut(n).zip(cache.xhat.chunks_exact(n)) {
            for j in 0..n {
                let k = gamma[j] * cache.inv_std[j] / b;
                grow[j] = k * (b * grow[j] - dbeta[j] - hrow[j] * dgamma[j]);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SeededRng;

    /// A loss that weighs every output differently: L = Σ c_i·y_i.
    fn loss(bn: &BatchNorm, x: &[f32], batch: usize, c: &[f32]) -> f32 {
        let mut bn = bn.clone();
        let mut y = x.to_vec();
        bn.forward_train(&mut y, batch, &mut BnCache::default())
            .unwrap();
        y.iter().zip(c).map(|(a, b)| a * b).sum()
    }

    #[test]
    fn gradients_match_finite_differences() {
        let (batch, n) = (5, 3);
        let mut rng = SeededRng::new(2, 0);
        let x: Vec<f32> = (0..batch * n).map(|_| rng.normal() * 2.0 + 0.5).collect();
        let c: Vec<f32> = (0..batch * n).map(|_| rng.normal()).collect();
        let mut bn = BatchNorm::new(n);
        bn.gamma = Array1::from(vec![1.5, -0.7, 0.3]);
        bn.beta = Array1::from(vec![0.1, 0.2, -0.3]);
        let mut cache = BnCache::default();
        let mut y = x.clone();
        bn.clone().forward_train(&mut y, batch, &mut cache).unwrap();
        let mut g = c.clone();
        let (mut dg, mut db) = (vec![0.0; n], vec![0.0; n]);
        bn.backward(&mut g, batch, &cache, &mut dg, &mut db)
            .unwrap();
        let h = 1e-2f32;
        for i in 0..batch * n {
            let (mut xp, mut xm) = (x.clone(), x.clone());
            xp[i] += h;
            xm[i] -= h;
            let numeric = (loss(&bn, &xp, batch, &c) - loss(&bn, &xm, batch, &c)) / (2.0 * h);
            assert!(
                (numeric - g[i]).abs() < 3e-3,
                "dx[{i}]: {numeric} vs {}",
                g[i]
            );
        }
        for j in 0..n {
            let (mut p, mut m) = (bn.clone(), bn.clone());
            p.gamma[j] += h;
            m.gamma[j] -= h;
            let numeric = (loss(&p, &x, batch, &c) - loss(&m, &x, batch, &c)) / (2.0 * h);
            assert!((numeric - dg[j]).abs() < 3e-3, "dγ[{j}]");
            let (mut p, mut m) = (bn.clone(), bn.clone());
            p.beta[j] += h;
            m.beta[j] -= h;
            let numeric = (loss(&p, &x, batch, &c) - loss(&m, &x, batch, &c)) / (2.0 * h);
            assert!((numeric - db[j]).abs() < 3e-3, "dβ[{j}]");
        }
    }

    #[test]
    fn training_output_is_normalised_and_running_stats_converge() {
        let (batch, n) = (200, 2);
        let mut bn = BatchNorm::new(n);
        let mut rng = SeededRng::new(4, 0);
        let mut cache = BnCache::default();
        for _ in 0..100 {
            let mut x: Vec<f32> = (0..batch * n)
                .map(|i| {
                    if i % 2 == 0 {
                        3.0 + 2.0 * rng.normal()
                    } else {
                        -1.0 + 0.5 * rng.normal()
                    }
                })
                .collect();
            bn.forward_train(&mut x, batch, &mut cache).unwrap();
            let mean0 = x.iter().step_by(2).sum::<f32>() / batch as f32;
            let var0 = x.iter().step_by(2).map(|v| v * v).sum::<f32>() / batch as f32;
            assert!(mean0.abs() < 1e-4 && (var0 - 1.0).abs() < 1e-3);
        }
        assert!(
            (bn.running_mean[0] - 3.0).abs() < 0.2,
            "{}",
            bn.running_mean[0]
        );
        assert!(
            (bn.running_var[0] - 4.0).abs() < 0.5,
            "{}",
            bn.running_var[0]
        );
        assert!((bn.running_mean[1] + 1.0).abs() < 0.05);
        assert!((bn.running_var[1] - 0.25).abs() < 0.05);
        // Inference uses the running statistics: the mean input maps to β.
        assert!((bn.infer_one(0, bn.running_mean[0]) - 0.0).abs() < 1e-6);
        let mut y = vec![3.0, -1.0];
        bn.forward_infer(&mut y).unwrap();
        assert!(y[0].abs() < 0.2 && y[1].abs() < 0.2);
    }

    #[test]
    fn shapes_are_checked() {
        let mut bn = BatchNorm::new(3);
        let mut c = BnCache::default();
        assert!(bn.forward_train(&mut [0.0; 7], 2, &mut c).is_err());
        assert!(bn.forward_train(&mut [], 0, &mut c).is_err());
        assert!(bn.forward_infer(&mut [0.0; 4]).is_err());
    }
}
