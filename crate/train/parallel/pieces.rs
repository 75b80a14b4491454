//! Pieces of one phase of the data-parallel step, handed out first come, first served.
//!
//! A phase is cut into more pieces than there are threads (a few rows of the batch in phase 1,
//! a few panels of neurons in phase 2), and each thread takes the next untaken piece until none
//! is left: self-scheduling, as in OpenMP's `schedule(dynamic)` (Polychronopoulos & Kuck,
//! "Guided self-scheduling", IEEE TC 1987). With halves fixed in advance, a thread that the
//! operating system paused (on two cores the page's own main thread also needs one) made the
//! other wait at the join; now the other takes the paused thread's remaining pieces.
//!
//! Which thread computes a piece changes nothing in it: a piece's numbers depend only on its
//! rows or neurons, so the step stays bit-identical for any thread count and timing.

use crate::error::{Error, Result};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Most pieces a phase is cut into (a fixed array: the step allocates nothing).
pub const MAX_PIECES: usize = 32;

/// The pieces of one phase and the index of the next one to hand out.
pub struct Pieces<T> {
    items: [Mutex<Option<T>>; MAX_PIECES],
    next: AtomicUsize,
}

impl<T> Pieces<T> {
    /// The pieces, in the order they will be handed out.
    ///
    /// # Errors
    /// `ShapeMismatch` if there are more than [`MAX_PIECES`] (callers cut fewer; a piece left
    /// out would be work never done).
    pub fn new(pieces: impl IntoIterator<Item = T>) -> Result<Self> {
        let mut it = pieces.into_iter();
        let items = std::array::from_fn(|_| Mutex::new(it.next()));
        if it.next().is_some() {
            return Err(Error::shape("step pieces", MAX_PIECES, MAX_PIECES + 1));
        }
        Ok(Pieces {
            items,
            next: AtomicUsize::new(0),
        })
    }

    /// The next untaken piece, or `None` when all are taken. Each piece is handed out once:
    /// the counter gives each index to one caller, and the lock is never contended.
    pub fn take(&self) -> Option<T> {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        self.items.get(i)?.lock().ok()?.take()
    }
}

/// `whole` cut front to back into pieces of `size` units (the last may be shorter; an empty
/// `whole` gives none): `len` counts a piece's units, `split(x, at)` returns its first `at`
/// units and the rest.
pub fn cut_into<T>(
    whole: T,
    size: usize,
    len: impl Fn(&T) -> usize,
    mut split: impl FnMut(T, usize) -> (T, T),
) -> impl Iterator<Item = T> {
    let mut rest = Some(whole);
    std::iter::from_fn(move || {
        let x = rest.take()?;
        if len(&x) <= size {
            return (len(&x) > 0).then_some(x);
        }
        let (piece, tail) = split(x, size);
        rest = Some(tail);
        Some(piece)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_piece_is_handed_out_once_in_order() {
        let p = Pieces::new(0..5).unwrap();
        let got: Vec<i32> = std::iter::from_fn(|| p.take()).collect();
        assert_eq!(got, vec![0, 1, 2, 3, 4]);
        assert_eq!(p.take(), None);
    }

    #[test]
    fn more_than_the_maximum_is_an_error_not_lost_work() {
        assert!(Pieces::new(0..(MAX_PIECES + 1)).is_err());
        let p = Pieces::new(0..MAX_PIECES).unwrap();
        assert_eq!(std::iter::from_fn(|| p.take()).count(), MAX_PIECES);
    }

    #[test]
    fn cut_into_gives_whole_pieces_and_a_short_last_one() {
        let cut = |v: Vec<u8>, size| {
            cut_into(
                v,
                size,
                |v| v.len(),
                |mut v, at| {
                    let tail = v.split_off(at);
                    (v, tail)
                },
            )
            .collect::<Vec<_>>()
        };
        assert_eq!(
            cut(vec![1, 2, 3, 4, 5], 2),
            vec![vec![1, 2], vec![3, 4], vec![5]]
        );
        assert_eq!(cut(vec![1, 2], 2), vec![vec![1, 2]]);
        assert!(cut(Vec::new(), 2).is_empty());
    }

    #[test]
    fn two_threads_share_the_pieces_without_loss_or_repeat() {
        let p = Pieces::new(0..MAX_PIECES).unwrap();
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| std::iter::from_fn(|| p.take()).collect::<Vec<_>>());
            let b = std::iter::from_fn(|| p.take()).collect::<Vec<_>>();
            (a.join().unwrap(), b)
        });
        let mut all: Vec<usize> = a.into_iter().chain(b).collect();
        all.sort_unstable();
        assert_eq!(all, (0..MAX_PIECES).collect::<Vec<_>>());
    }
}
