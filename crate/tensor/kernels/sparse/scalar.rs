//! Scalar CSR kernel: the reference twin of `simd128.rs` and the native path.
//!
//! Activations are feature-major (`[features, batch]`), so each stored weight w[r,c] adds
//! w·x[c, :] to y[r, :] — one axpy over the batch, contiguous on both sides.

/// yt[r, :] = Σ_{p ∈ row r} val[p] · xt[col[p], :] for every row r (overwrites yt).
/// `row_ptr` has `n_rows + 1` entries; `xt` is `[n_cols, batch]`, `yt` `[n_rows, batch]`.
/// Callers have checked every length and index.
pub fn csr_mm_t(
    n_rows: usize,
    batch: usize,
    row_ptr: &[u32],
    col: &[u16],
    val: &[f32],
    xt: &[f32],
    yt: &mut [f32],
) {
    if batch == 1 {
        for r in 0..n_rows {
            let (s, e) = (row_ptr[r] as usize, row_ptr[r + 1] as usize);
            let mut acc = [0.0f32; 4];
            let (cs, vs) = (&col[s..e], &val[s..e]);
            let mut i = 0;
            while i + 4 <= cs.len() {
                for l in 0..4 {
                    acc[l] += vs[i + l] * xt[cs[i + l] as usize];
                }
                i += 4;
            }
            let mut sum = (acc[0] + acc[2]) + (acc[1] + acc[3]);
            while i < cs.len() {
                sum += vs[i] * xt[cs[i] as usize];
                i += 1;
            }
            yt[r] = sum;
        }
        return;
    }
    for r in 0..n_rows {
        let y = &mut yt[r * batch..(r + 1) * batch];
        y.fill(0.0);
        for p in row_ptr[r] as usize..row_ptr[r + 1] as usize {
            let c = col[p] as usize;
            let v = val[p];
            for (yi, xi) in y.iter_mut().zip(&xt[c * batch..(c + 1) * batch]) {
                *yi += v * xi;
            }
        }
    }
}
