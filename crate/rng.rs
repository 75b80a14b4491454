//! Seeded randomness: every random choice in Shrink comes from a u64 seed.
//!
//! ChaCha8 (rand_chacha) gives the same stream on native and wasm, so the same URL gives the
//! same numbers. Normal samples use the Box–Muller transform.

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

/// A reproducible random stream.
pub struct SeededRng(ChaCha8Rng);

impl SeededRng {
    /// A stream for `seed`; `stream` separates independent uses of one seed (init, shuffle, ...).
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        SeededRng(rng)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f32 {
        // 24 random bits give every representable f32 step in [0, 1).
        (self.0.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
    }

    /// Uniform integer in [0, n); n must be > 0.
    pub fn below(&mut self, n: usize) -> usize {
        // Lemire's multiply-shift; the tiny bias is irrelevant for shuffling.
        ((self.0.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Standard normal sample.
    pub fn normal(&mut self) -> f32 {
        let u1 = (self.uniform() as f64).max(1e-12);
        let u2 = self.uniform() as f64;
        ((-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()) as f32
    }

    /// Fisher–Yates shuffle in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = SeededRng::new(7, 0);
        let mut b = SeededRng::new(7, 0);
        let mut c = SeededRng::new(7, 1);
        let xa: Vec<f32> = (0..8).map(|_| a.uniform()).collect();
        let xb: Vec<f32> = (0..8).map(|_| b.uniform()).collect();
        let xc: Vec<f32> = (0..8).map(|_| c.uniform()).collect();
        assert_eq!(xa, xb);
        assert_ne!(xa, xc);
        assert!(xa.iter().all(|&x| (0.0..1.0).contains(&x)));
    }

    #[test]
    fn normal_has_unit_variance() {
        let mut r = SeededRng::new(1, 0);
        let n = 20_000;
        let xs: Vec<f32> = (0..n).map(|_| r.normal()).collect();
        let mean = xs.iter().sum::<f32>() / n as f32;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f32>() / n as f32;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "var {var}");
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut r = SeededRng::new(3, 0);
        let mut v: Vec<usize> = (0..100).collect();
        r.shuffle(&mut v);
        assert_ne!(v, (0..100).collect::<Vec<_>>());
        v.sort();
        assert_eq!(v, (0..100).collect::<Vec<_>>());
    }
}
