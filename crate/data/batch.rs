//! Seeded shuffling and mini-batches: each epoch visits every example once, in an order that
//! depends only on (seed, epoch), so the same settings give the same run on any machine.

use super::mnist::Dataset;
use crate::rng::SeededRng;

/// Produces batches of indices over one dataset, epoch after epoch.
#[derive(Debug, Clone)]
pub struct Batcher {
    order: Vec<u32>,
    cursor: usize,
    epoch: usize,
    seed: u64,
    batch_size: usize,
}

impl Batcher {
    /// A batcher over `n` examples; the first epoch is shuffled with `seed`.
    pub fn new(n: usize, batch_size: usize, seed: u64) -> Self {
        let mut b = Batcher {
            order: (0..n as u32).collect(),
            cursor: 0,
            epoch: 0,
            seed,
            batch_size: batch_size.max(1),
        };
        b.shuffle();
        b
    }

    fn shuffle(&mut self) {
        self.order.sort_unstable();
        SeededRng::new(self.seed, 1000 + self.epoch as u64).shuffle(&mut self.order);
    }

    /// Completed epochs.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// Fraction of the current epoch done.
    pub fn epoch_fraction(&self) -> f32 {
        self.cursor as f32 / self.order.len().max(1) as f32
    }

    /// Batches per epoch (the last may be short).
    pub fn batches_per_epoch(&self) -> usize {
        self.order.len().div_ceil(self.batch_size)
    }

    /// The next batch's indices; an epoch ends with a possibly short batch, then reshuffles.
    pub fn next_indices(&mut self) -> &[u32] {
        if self.cursor >= self.order.len() {
            self.epoch += 1;
            self.cursor = 0;
            self.shuffle();
        }
        let start = self.cursor;
        self.cursor = (start + self.batch_size).min(self.order.len());
        &self.order[start..self.cursor]
    }

    /// True when the last batch returned ended an epoch.
    pub fn at_epoch_end(&self) -> bool {
        self.cursor >= self.order.len()
    }
}

/// Gathers examples `idx` of `data` into `x` (`[idx.len(), dim]`, standardised f32) and `y`.
/// `x` and `y` must be at least that long; extra room is left untouched.
pub fn gather(data: &Dataset, idx: &[u32], x: &mut [f32], y: &mut [u8]) {
    let d = data.dim();
    for (r, &i) in idx.iter().enumerate() {
        data.write_image(i as usize, &mut x[r * d..(r + 1) * d]);
        y[r] = data.labels[i as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_once_per_epoch_and_reproducible() {
        let mut a = Batcher::new(10, 4, 9);
        let mut b = Batcher::new(10, 4, 9);
        let mut seen = Vec::new();
        for _ in 0..3 {
            let ia = a.next_indices().to_vec();
            assert_eq!(ia, b.next_indices());
            seen.extend(ia);
        }
        assert!(a.at_epoch_end());
        assert_eq!(seen.len(), 10);
        seen.sort();
        assert_eq!(seen, (0..10).collect::<Vec<u32>>());
        let first_of_epoch2 = a.next_indices().to_vec();
        assert_eq!(a.epoch(), 1);
        assert_eq!(first_of_epoch2.len(), 4);
    }
}
