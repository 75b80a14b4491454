//! Weight sharing by 1-D k-means (Deep Compression, Han et al. 2016, §3): each layer's kept
//! weights are clustered into k = 2^b centroids, initialised linearly over [min, max] (the
//! paper's best choice: it keeps the rare large weights), then refined by Lloyd's algorithm,
//! min Σ_i |w_i − c_{a(i)}|², which never increases that error. Each weight stores a b-bit index.
//! Fine-tuning then moves each centroid by the summed gradient of its members (§3.3).

use crate::error::{Error, Result};
use crate::error::{Reason, Setting};

/// A layer's shared weights: the codebook and one code per weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Codebook {
    /// Centroids, ascending.
    pub centroids: Vec<f32>,
    /// Index into `centroids` for every weight (row-major); pruned weights have code 0 but are
    /// never read (their mask is 0).
    pub codes: Vec<u8>,
}

/// k centroids evenly spaced over [min, max] of `values`.
pub fn linear_init(values: &[f32], k: usize) -> Vec<f32> {
    let (lo, hi) = super::fixed_point::min_max(values.iter().copied());
    if k <= 1 {
        return vec![0.5 * (lo + hi); k];
    }
    (0..k)
        .map(|i| lo + (hi - lo) * i as f32 / (k - 1) as f32)
        .collect()
}

/// Index of the nearest centroid (centroids ascending): a binary search, then the closer of
/// the two neighbours.
#[inline]
pub fn nearest(centroids: &[f32], v: f32) -> usize {
    let i = centroids.partition_point(|&c| c < v);
    if i == 0 {
        return 0;
    }
    if i >= centroids.len() {
        return centroids.len() - 1;
    }
    if (v - centroids[i - 1]).abs() <= (centroids[i] - v).abs() {
        i - 1
    } else {
        i
    }
}

/// Σ |v_i − c_{code_i}|² (within-cluster sum of squares).
pub fn inertia(values: &[f32], centroids: &[f32], codes: &[u8]) -> f64 {
    values
        .iter()
        .zip(codes)
        .map(|(&v, &c)| {
            let d = f64::from(v - centroids.get(usize::from(c)).copied().unwrap_or(0.0));
            d * d
        })
        .sum()
}

/// Lloyd's algorithm from `centroids` for at most `iters` rounds (stops when no code changes).
/// Returns the codes and the within-cluster error after each round (non-increasing).
pub fn lloyd(values: &[f32], centroids: &mut [f32], iters: usize) -> (Vec<u8>, Vec<f64>) {
    let mut codes: Vec<u8> = values
        .iter()
        .map(|&v| nearest(centroids, v) as u8)
        .collect();
    let mut history = vec![inertia(values, centroids, &codes)];
    for _ in 0..iters {
        let k = centroids.len();
        let mut sum = vec![0f64; k];
        let mut count = vec![0usize; k];
        for (&v, &c) in values.iter().zip(&codes) {
            sum[usize::from(c)] += f64::from(v);
            count[usize::from(c)] += 1;
        }
        for j in 0..k {
            // An empty cluster keeps its centroid: moving it cannot lower the error.
            if count[j] > 0 {
                centroids[j] = (sum[j] / count[j] as f64) as f32;
            }
        }
        centroids.sort_unstable_by(f32::total_cmp);
        let new: Vec<u8> = values
            .iter()
            .map(|&v| nearest(centroids, v) as u8)
            .collect();
        let changed = new != codes;
        codes = new;
        history.push(inertia(values, centroids, &codes));
        if !changed {
            break;
        }
    }
    (codes, history)
}

/// Clusters the kept weights of one `[rows, cols]` layer into `k` shared values.
///
/// # Errors
/// `InvalidParam` if k is 0, above 256, or larger than the number of kept weights.
pub fn share(w: &[f32], mask: Option<&[f32]>, k: usize, iters: usize) -> Result<Codebook> {
    let kept: Vec<f32> = match mask {
        Some(m) => w
            .iter()
            .zip(m)
            .filter(|(_, &k)| k != 0.0)
            .map(|(&v, _)| v)
            .collect(),
        None => w.to_vec(),
    };
    if k == 0 || k > 256 {
        return Err(Error::param(
            Setting::Clusters,
            k,
            Reason::MustBeBetween1And256,
        ));
    }
    if k > kept.len() {
        return Err(Error::param(
            Setting::Clusters,
            k,
            Reason::MustNotExceedTheNumberOfKeptWeights,
        ));
    }
    let mut centroids = linear_init(&kept, k);
    lloyd(&kept, &mut centroids, iters);
    let codes = w.iter().map(|&v| nearest(&centroids, v) as u8).collect();
    Ok(Codebook { centroids, codes })
}

impl Codebook {
    /// The shared weight of every position (0 where `mask` is 0).
    pub fn decode(&self, mask: Option<&[f32]>, out: &mut [f32]) {
        for (i, (o, &c)) in out.iter_mut().zip(&self.codes).enumerate() {
            let keep = mask.and_then(|m| m.get(i)).is_none_or(|&m| m != 0.0);
            *o = if keep {
                self.centroids.get(usize::from(c)).copied().unwrap_or(0.0)
            } else {
                0.0
            };
        }
    }

    /// Σ of the gradients of each centroid's members (Han et al. 2016, eq. 3), masked.
    pub fn centroid_grads(&self, grad: &[f32], mask: Option<&[f32]>) -> Vec<f32> {
        let mut g = vec![0f32; self.centroids.len()];
        for (i, (&gi, &c)) in grad.iter().zip(&self.codes).enumerate() {
            let keep = mask.and_then(|m| m.get(i)).is_none_or(|&m| m != 0.0);
            if keep {
                if let Some(s) = g.get_mut(usize::from(c)) {
                    *s += gi;
                }
            }
        }
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SeededRng;

    #[test]
    fn lloyd_never_increases_the_error() {
        let mut rng = SeededRng::new(3, 0);
        for k in [2, 4, 16, 64] {
            let v: Vec<f32> = (0..5000).map(|_| rng.normal() * 0.1).collect();
            let mut c = linear_init(&v, k);
            let (_, hist) = lloyd(&v, &mut c, 50);
            for w in hist.windows(2) {
                assert!(w[1] <= w[0] * (1.0 + 1e-9), "k {k}: {hist:?}");
            }
            assert!(hist.last().unwrap() < hist.first().unwrap());
        }
    }

    #[test]
    fn two_obvious_clusters_and_hand_init() {
        assert_eq!(linear_init(&[0.0, 3.0, 1.0], 4), vec![0.0, 1.0, 2.0, 3.0]);
        let v = [0.9, 1.0, 1.1, 4.9, 5.0, 5.1];
        let cb = share(&v, None, 2, 10).unwrap();
        assert!((cb.centroids[0] - 1.0).abs() < 1e-6 && (cb.centroids[1] - 5.0).abs() < 1e-6);
        assert_eq!(cb.codes, vec![0, 0, 0, 1, 1, 1]);
        let g = cb.centroid_grads(
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            Some(&[1.0, 1.0, 0.0, 1.0, 1.0, 1.0]),
        );
        assert_eq!(g, vec![3.0, 15.0]);
    }

    #[test]
    fn too_many_clusters_is_a_typed_error() {
        assert!(matches!(
            share(&[1.0, 2.0], None, 4, 5),
            Err(Error::InvalidParam { .. })
        ));
        assert!(share(&[1.0, 2.0, 3.0], Some(&[1.0, 0.0, 0.0]), 2, 5).is_err());
        assert!(share(&[1.0; 300], None, 0, 5).is_err());
    }
}
