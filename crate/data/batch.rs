//! Seeded shuffling and mini-batches: each epoch visits every example once, in an order that
//! depends only on (seed, epoch), so the same settings give the same run on any machine.

use super::mnist::Dataset;
use crate::error::{Error, Result};
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

    /// A batcher resumed at `epoch` with `cursor` examples of it already served: the order of
    /// an epoch depends only on (seed, epoch), so this continues exactly where a batcher at that
    /// [`position`](Batcher::position) was (a snapshot stores the two numbers, not the order).
    ///
    /// # Errors
    /// `BadData` if `cursor` is past the end of the epoch.
    pub fn resume(
        n: usize,
        batch_size: usize,
        seed: u64,
        epoch: usize,
        cursor: usize,
    ) -> Result<Self> {
        if cursor > n {
            return Err(crate::error::bad_data!(
                SnapshotPosition,
                cursor = cursor,
                n = n
            ));
        }
        let mut b = Batcher {
            order: (0..n as u32).collect(),
            cursor,
            epoch,
            seed,
            batch_size: batch_size.max(1),
        };
        b.shuffle();
        Ok(b)
    }

    /// (epochs begun before this one, examples of this epoch served): with the seed, the
    /// batch size and the data's size, everything that decides the batches still to come.
    pub fn position(&self) -> (usize, usize) {
        (self.epoch, self.cursor)
    }

    fn shuffle(&mut self) {
        self.order.sort_unstable();
        SeededRng::new(self.seed, 1000 + self.epoch as u64).shuffle(&mut self.order);
    }

    /// Completed epochs.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// Examples it shuffles (the size of the dataset it was made for).
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// True if it was made for an empty dataset.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Checks that `data` is the size this batcher was made for: its indices are only valid
    /// there (a smaller set loaded later would otherwise be indexed past its end).
    ///
    /// # Errors
    /// `ShapeMismatch` naming the two sizes.
    pub fn check_data(&self, data: &Dataset) -> Result<()> {
        if data.len() != self.order.len() {
            return Err(Error::shape(
                "training examples (the data changed since this model was built; reset it)",
                self.order.len(),
                data.len(),
            ));
        }
        Ok(())
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
///
/// # Errors
/// `ShapeMismatch` if `x` or `y` is too short, `BadData` if an index is past the end of `data`
/// (checked here, where indices meet data, so no caller can turn a stale index into a trap).
pub fn gather(data: &Dataset, idx: &[u32], x: &mut [f32], y: &mut [u8]) -> Result<()> {
    let d = data.dim();
    let b = idx.len();
    if x.len() < b * d || y.len() < b {
        return Err(Error::shape(
            "gather buffers",
            (b * d, b),
            (x.len(), y.len()),
        ));
    }
    if let Some(&bad) = idx.iter().find(|&&i| i as usize >= data.len()) {
        return Err(Error::data(format!(
            "example {} asked for, but the data holds {} examples",
            bad as usize + 1,
            data.len()
        )));
    }
    for (r, &i) in idx.iter().enumerate() {
        data.write_image(i as usize, &mut x[r * d..(r + 1) * d]);
        y[r] = data.labels[i as usize];
    }
    Ok(())
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

    /// A batcher resumed at another's position gives the very batches that one gives, mid-epoch
    /// and at an epoch's end, and an impossible position is refused.
    #[test]
    fn resumed_batcher_continues_the_same_order() {
        for stop in 0..8 {
            let mut a = Batcher::new(10, 4, 9);
            for _ in 0..stop {
                a.next_indices();
            }
            let (epoch, cursor) = a.position();
            let mut b = Batcher::resume(10, 4, 9, epoch, cursor).unwrap();
            assert_eq!(b.at_epoch_end(), a.at_epoch_end(), "after {stop} batches");
            for _ in 0..5 {
                assert_eq!(a.next_indices().to_vec(), b.next_indices(), "after {stop}");
            }
        }
        assert!(Batcher::resume(10, 4, 9, 0, 11).is_err());
    }

    #[test]
    fn gather_rejects_an_index_past_the_data_and_short_buffers() {
        let data = Dataset::synthetic(3);
        let (mut x, mut y) = (vec![0.0; 2 * 784], vec![0u8; 2]);
        assert!(gather(&data, &[0, 2], &mut x, &mut y).is_ok());
        assert_eq!(y, vec![0, 2]);
        let e = gather(&data, &[0, 3], &mut x, &mut y)
            .unwrap_err()
            .to_string();
        assert!(e.contains("example 4") && e.contains("3 examples"), "{e}");
        assert!(gather(&data, &[0, 1], &mut x[..784], &mut y).is_err());
        let b = Batcher::new(3, 2, 1);
        assert!(b.check_data(&data).is_ok());
        assert!(b.check_data(&Dataset::synthetic(2)).is_err());
    }
}
