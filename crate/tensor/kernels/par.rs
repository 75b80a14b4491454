//! Thread-parallel helpers for the threaded wasm build (cargo feature `threads`: rayon on web
//! workers through wasm-bindgen-rayon; natively rayon on OS threads). Without the feature every
//! helper runs its work in order on the calling thread, with the same results.
//!
//! Two uses:
//! - [`join`] and [`in_pool`] carry the data-parallel training step (`train::parallel`): the
//!   caller splits the batch and the neurons into shards itself, so one step costs two
//!   fork-joins, whatever the depth of the network.
//! - [`for_row_blocks`] splits one big GEMM (inference at batch 1000) by rows of C:
//!
//!   C[i0..i1, :] = op(A)[i0..i1, :] · op(B)     for disjoint row blocks [i0, i1)
//!
//!   Every element of C is computed by the same operations in the same order whatever the
//!   thread count (a row tile of 4 and a row of 1 both sum p = 0..k in order), so 1 and N threads
//!   give bit-identical results.

/// Below this many multiply-adds a GEMM stays on the calling thread. Waking the pool from
/// outside costs two futex wake-ups (tens of microseconds each in a browser); splitting the
/// batch-64 GEMMs of training this way made 2 threads slower than 1 (0.93×, see issue 12), so
/// only inference-sized GEMMs (1000×300×784 = 235 M) are split.
#[cfg(feature = "threads")]
const MIN_PARALLEL_MACS: usize = 1 << 24;

/// Calls `f(i0, rows, c_block)` on blocks of whole rows of `c` (`[m, n]`), in parallel when the
/// `threads` feature is on, the pool has more than one thread, the GEMM is big enough and the
/// caller is not already a pool worker (a shard of the data-parallel step runs its GEMMs whole).
/// Blocks are multiples of 4 rows (the kernels' row tile) except the last.
pub fn for_row_blocks(
    m: usize,
    n: usize,
    k: usize,
    c: &mut [f32],
    f: impl Fn(usize, usize, &mut [f32]) + Sync,
) {
    #[cfg(feature = "threads")]
    {
        use rayon::prelude::*;
        let threads = rayon::current_num_threads();
        let nested = rayon::current_thread_index().is_some();
        if !nested && threads > 1 && m >= 8 && n > 0 && m * n * k >= MIN_PARALLEL_MACS {
            let rows = m.div_ceil(threads).next_multiple_of(4);
            c.par_chunks_mut(rows * n)
                .enumerate()
                .for_each(|(b, block)| f(b * rows, block.len() / n, block));
            return;
        }
    }
    let _ = (n, k);
    f(0, m, c);
}

/// Runs `a` and `b`, in parallel on the pool with the `threads` feature, else `a` then `b`.
pub fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    #[cfg(feature = "threads")]
    {
        rayon::join(a, b)
    }
    #[cfg(not(feature = "threads"))]
    {
        (a(), b())
    }
}

/// [`join`] for halves that return a `Result`: inside [`in_pool_spinning`] the second half runs
/// on a worker that spins between forks (see `pair.rs`), else as [`join`].
///
/// # Errors
/// Whatever `a` and `b` return.
pub fn join_spinning<T: Send>(
    a: impl FnOnce() -> crate::Result<T> + Send,
    b: impl FnOnce() -> crate::Result<T> + Send,
) -> (crate::Result<T>, crate::Result<T>) {
    #[cfg(feature = "threads")]
    {
        super::pair::join(a, b)
    }
    #[cfg(not(feature = "threads"))]
    {
        (a(), b())
    }
}

/// [`in_pool`] with a second pool worker spinning for the whole call to serve the
/// [`join_spinning`]s of `f` (a chunk of training steps forks twice per step; a sleeping worker
/// costs a futex wake-up per fork). Only for work whose parallelism is such joins: the spinning
/// worker takes no other rayon work meanwhile.
pub fn in_pool_spinning<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    #[cfg(feature = "threads")]
    {
        super::pair::with_helper(f)
    }
    #[cfg(not(feature = "threads"))]
    {
        f()
    }
}

/// Runs `f` on a worker of the pool and waits for it (with the `threads` feature; else here).
/// A chunk of training steps runs this way, so the step's fork-joins are joins between pool
/// workers, which find each other spinning, instead of wake-ups of the pool from outside.
pub fn in_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    #[cfg(feature = "threads")]
    {
        if rayon::current_thread_index().is_none() && rayon::current_num_threads() > 1 {
            return rayon::scope(|_| f());
        }
    }
    f()
}

/// Number of threads the pool has (1 without the `threads` feature).
pub fn threads() -> usize {
    #[cfg(feature = "threads")]
    {
        rayon::current_num_threads()
    }
    #[cfg(not(feature = "threads"))]
    {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_every_row_once() {
        for m in [0usize, 1, 5, 8, 64, 301] {
            let n = 3;
            let mut c = vec![0.0f32; m * n];
            for_row_blocks(m, n, 1 << 24, &mut c, |i0, rows, block| {
                assert_eq!(block.len(), rows * n);
                for (r, row) in block.chunks_exact_mut(n).enumerate() {
                    row.iter_mut().for_each(|x| *x += (i0 + r) as f32 + 1.0);
                }
            });
            for (i, row) in c.chunks_exact(n).enumerate() {
                assert!(row.iter().all(|&x| x == i as f32 + 1.0), "m={m} row {i}");
            }
        }
    }

    #[test]
    fn join_and_in_pool_run_everything() {
        let (a, b) = join(|| 1 + 1, || 2 * 3);
        assert_eq!((a, b), (2, 6));
        assert_eq!(in_pool(|| join(|| 4, || 5)), (4, 5));
    }
}
