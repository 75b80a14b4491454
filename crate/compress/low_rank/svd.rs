//! Thin singular value decomposition of one weight matrix, W = U Σ Vᵀ, with σ sorted descending.
//!
//! Computed by nalgebra (Golub–Kahan bidiagonalisation + implicit-shift QR) in f64, so a rank-k
//! matrix comes back to f32 precision. nalgebra was chosen over faer for the wasm size: +22 KB
//! gzipped against +99 KB for faer, at ~55 ms for 784×300 in wasm (faer is 3× faster natively).
//! Truncating to the k largest σ is optimal in Frobenius norm (Eckart & Young 1936).

use crate::error::{Error, Result};
use ndarray::Array2;

/// Iteration cap for the QR sweeps: far above what a 4096-wide matrix needs, so it only stops
/// pathological input instead of looping forever.
const MAX_SWEEPS: usize = 100_000;

/// W `[m, n]` = U `[m, r]` · diag(σ) `[r]` · Vᵀ `[r, n]`, r = min(m, n).
#[derive(Debug, Clone, PartialEq)]
pub struct Svd {
    /// Left singular vectors as columns, `[m, r]`.
    pub u: Array2<f32>,
    /// Singular values, descending, `[r]`.
    pub s: Vec<f32>,
    /// Right singular vectors as rows, `[r, n]`.
    pub vt: Array2<f32>,
}

impl Svd {
    /// Decomposes `w`.
    ///
    /// # Shapes
    /// `w`: `[m, n]` with m, n ≥ 1.
    /// # Errors
    /// `BadData` for an empty matrix, a non-finite entry, or no convergence.
    pub fn new(w: &Array2<f32>) -> Result<Self> {
        let (m, n) = w.dim();
        if m == 0 || n == 0 {
            return Err(Error::data("cannot decompose an empty matrix"));
        }
        if w.iter().any(|v| !v.is_finite()) {
            return Err(Error::data("the weight matrix has a NaN or infinite entry"));
        }
        let a = nalgebra::DMatrix::<f64>::from_fn(m, n, |i, j| f64::from(w[[i, j]]));
        let svd = nalgebra::SVD::try_new_unordered(a, true, true, f64::EPSILON, MAX_SWEEPS)
            .ok_or_else(|| Error::data("the SVD did not converge"))?;
        let (Some(u), Some(vt)) = (svd.u, svd.v_t) else {
            return Err(Error::data("the SVD returned no singular vectors"));
        };
        let r = m.min(n);
        let mut order: Vec<usize> = (0..r).collect();
        order.sort_by(|&a, &b| svd.singular_values[b].total_cmp(&svd.singular_values[a]));
        let s = order
            .iter()
            .map(|&i| svd.singular_values[i] as f32)
            .collect();
        let u = Array2::from_shape_fn((m, r), |(i, c)| u[(i, order[c])] as f32);
        let vt = Array2::from_shape_fn((r, n), |(c, j)| vt[(order[c], j)] as f32);
        Ok(Svd { u, s, vt })
    }

    /// Number of singular values, min(m, n).
    pub fn full_rank(&self) -> usize {
        self.s.len()
    }

    /// Fraction of the energy Σσ² held by the first `k` singular values.
    pub fn energy_kept(&self, k: usize) -> f32 {
        let total: f64 = self.s.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
        let head: f64 = self
            .s
            .iter()
            .take(k)
            .map(|&s| f64::from(s) * f64::from(s))
            .sum();
        if total > 0.0 {
            (head / total) as f32
        } else {
            1.0
        }
    }

    /// The smallest k whose first k singular values keep at least `energy` of Σσ².
    pub fn rank_for_energy(&self, energy: f32) -> usize {
        let total: f64 = self.s.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
        let target = f64::from(energy) * total;
        let mut acc = 0.0;
        for (i, &s) in self.s.iter().enumerate() {
            acc += f64::from(s) * f64::from(s);
            // A relative slack so energy = 1 is reached despite rounding.
            if acc >= target * (1.0 - 1e-12) {
                return i + 1;
            }
        }
        self.s.len().max(1)
    }

    /// ‖W − W_k‖_F predicted by Eckart–Young: √(Σ_{i>k} σᵢ²).
    pub fn tail_norm(&self, k: usize) -> f32 {
        let tail: f64 = self
            .s
            .iter()
            .skip(k)
            .map(|&s| f64::from(s) * f64::from(s))
            .sum();
        tail.sqrt() as f32
    }

    /// The rank-k reconstruction U_k Σ_k V_kᵀ, `[m, n]` (k is clamped to 1..=r).
    pub fn reconstruct(&self, k: usize) -> Array2<f32> {
        let k = k.clamp(1, self.full_rank().max(1));
        let (m, n) = (self.u.nrows(), self.vt.ncols());
        let mut w = Array2::<f32>::zeros((m, n));
        for c in 0..k {
            let s = self.s[c];
            for i in 0..m {
                let a = self.u[[i, c]] * s;
                if a == 0.0 {
                    continue;
                }
                for (out, &v) in w.row_mut(i).iter_mut().zip(self.vt.row(c)) {
                    *out += a * v;
                }
            }
        }
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SeededRng;

    fn random(m: usize, n: usize, seed: u64) -> Array2<f32> {
        let mut r = SeededRng::new(seed, 0);
        Array2::from_shape_fn((m, n), |_| r.normal())
    }

    fn frobenius(a: &Array2<f32>, b: &Array2<f32>) -> f32 {
        a.iter()
            .zip(b)
            .map(|(x, y)| f64::from(x - y).powi(2))
            .sum::<f64>()
            .sqrt() as f32
    }

    #[test]
    fn a_rank_k_matrix_comes_back_to_float_precision() {
        for (m, n) in [(30, 50), (50, 30)] {
            let k = 4;
            let w = random(m, k, 1).dot(&random(k, n, 2));
            let svd = Svd::new(&w).unwrap();
            assert!(svd.s[k] < 1e-4 * svd.s[0], "σ_k = {}", svd.s[k]);
            let back = svd.reconstruct(k);
            let rel = frobenius(&w, &back) / frobenius(&w, &Array2::zeros((m, n)));
            assert!(rel < 1e-6, "relative error {rel}");
        }
    }

    #[test]
    fn u_and_v_are_orthonormal_and_sigma_descends() {
        for (m, n) in [(20, 35), (35, 20), (7, 7)] {
            let svd = Svd::new(&random(m, n, 3)).unwrap();
            let r = m.min(n);
            let utu = svd.u.t().dot(&svd.u);
            let vvt = svd.vt.dot(&svd.vt.t());
            let eye = Array2::<f32>::eye(r);
            assert!(frobenius(&utu, &eye) < 1e-5, "UᵀU");
            assert!(frobenius(&vvt, &eye) < 1e-5, "VᵀV");
            assert!(svd.s.windows(2).all(|p| p[0] >= p[1]));
            assert!(svd.s.iter().all(|&s| s >= 0.0));
        }
    }

    #[test]
    fn eckart_young_error_is_the_tail_norm() {
        let w = random(40, 60, 4);
        let svd = Svd::new(&w).unwrap();
        for k in [1, 5, 20, 39, 40] {
            let err = frobenius(&w, &svd.reconstruct(k));
            let tail = svd.tail_norm(k);
            assert!(
                (err - tail).abs() < 1e-4 * (1.0 + tail),
                "k {k}: {err} vs {tail}"
            );
        }
    }

    #[test]
    fn energy_picks_the_smallest_sufficient_rank() {
        let mut w = Array2::<f32>::zeros((3, 3));
        w[[0, 0]] = 3.0; // energies 9, 4, 1 of 14
        w[[1, 1]] = 2.0;
        w[[2, 2]] = 1.0;
        let svd = Svd::new(&w).unwrap();
        assert_eq!(svd.rank_for_energy(9.0 / 14.0), 1);
        assert_eq!(svd.rank_for_energy(0.7), 2);
        assert_eq!(svd.rank_for_energy(1.0), 3);
        assert!((svd.energy_kept(2) - 13.0 / 14.0).abs() < 1e-6);
    }

    #[test]
    fn bad_matrices_are_errors() {
        assert!(matches!(
            Svd::new(&Array2::zeros((0, 3))),
            Err(Error::BadData { .. })
        ));
        let mut w = random(3, 3, 5);
        w[[1, 1]] = f32::NAN;
        assert!(matches!(Svd::new(&w), Err(Error::BadData { .. })));
    }
}
