//! Row-parallel GEMMs for the threaded wasm build (cargo feature `threads`, rayon on web
//! workers through wasm-bindgen-rayon): C is cut into contiguous blocks of rows, one rayon task
//! each, and every block runs the single-thread kernel on its rows.
//!
//!   C[i0..i1, :] = op(A)[i0..i1, :] · op(B)     for disjoint row blocks [i0, i1)
//!
//! Every element of C is computed by the same operations in the same order whatever the thread
//! count (a row tile of 4 and a row of 1 both sum p = 0..k in order), so 1 and N threads give
//! bit-identical results; the tests allow 1e-5 relative anyway, in case a future kernel tiles
//! differently. Without the feature this is a plain call on all rows.

/// Below this many multiply-adds a GEMM stays on the calling thread: waking a worker costs tens
/// of microseconds, more than the 784-100-10 output layer's whole GEMM.
#[cfg(feature = "threads")]
const MIN_PARALLEL_MACS: usize = 1 << 18;

/// Calls `f(i0, rows, c_block)` on blocks of whole rows of `c` (`[m, n]`), in parallel when the
/// `threads` feature is on, the pool has more than one thread and the GEMM is big enough.
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
        if threads > 1 && m >= 8 && n > 0 && m * n * k >= MIN_PARALLEL_MACS {
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

/// Number of threads the GEMMs may use (1 without the `threads` feature).
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
            for_row_blocks(m, n, 1 << 20, &mut c, |i0, rows, block| {
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
}
