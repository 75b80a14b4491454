//! Scalar kernels: the reference twins of `simd128/` and the native path.
//!
//! Same signatures and semantics as the SIMD versions; callers have checked the lengths.
//! Dot products keep 8 independent partial sums so LLVM can vectorise them natively (a single
//! running sum is a serial dependency that it must not reorder).

use crate::model::activation::Activation;

/// Σ a_i·b_i with 8 partial sums.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let (ta, tb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..8 {
            acc[l] += x[l] * y[l];
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (x, y) in ta.iter().zip(tb) {
        s += x * y;
    }
    s
}

/// y += alpha·x.
#[inline]
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
}

/// C = A·Bᵀ: every C[i,j] is the dot of row i of A and row j of B.
pub fn gemm_nt(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    for i in 0..m {
        let ar = &a[i * k..(i + 1) * k];
        for j in 0..n {
            c[i * n + j] = dot(ar, &b[j * k..(j + 1) * k]);
        }
    }
}

/// C = A·B as a sum of scaled rows of B.
#[inline]
pub fn gemm_nn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    c.fill(0.0);
    for i in 0..m {
        let cr = &mut c[i * n..(i + 1) * n];
        for p in 0..k {
            let s = a[i * k + p];
            if s != 0.0 {
                axpy(s, &b[p * n..(p + 1) * n], cr);
            }
        }
    }
}

/// C = Aᵀ·B as a sum over the shared dimension of outer products.
pub fn gemm_tn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    c.fill(0.0);
    for p in 0..k {
        let br = &b[p * n..(p + 1) * n];
        for i in 0..m {
            let s = a[p * m + i];
            if s != 0.0 {
                axpy(s, br, &mut c[i * n..(i + 1) * n]);
            }
        }
    }
}

/// row ← act(row + bias) for every row.
pub fn bias_act(act: Activation, bias: &[f32], c: &mut [f32]) {
    for row in c.chunks_exact_mut(bias.len()) {
        for (x, b) in row.iter_mut().zip(bias) {
            *x = act.apply(*x + b);
        }
    }
}

/// C = A·Bᵀ from B packed in 8-wide column panels (see `packed.rs`): for each panel, every row
/// of A accumulates 8 columns at once, 4 rows at a time. Written so LLVM vectorises the 8 lanes
/// (AVX2 natively, where the dispatcher enables it).
///
/// # Errors
/// `ShapeMismatch` if a buffer does not match `m, n, k`.
#[inline(always)]
pub fn gemm_packed(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    panels: &[f32],
    c: &mut [f32],
) -> crate::error::Result<()> {
    use super::packed::PANEL;
    super::packed::check_packed(m, n, k, a, panels, c)?;
    if k == 0 {
        c.fill(0.0);
        return Ok(());
    }
    for (q, panel) in panels.chunks_exact(PANEL * k.max(1)).enumerate() {
        let j0 = q * PANEL;
        let width = PANEL.min(n - j0);
        let mut i = 0;
        while i + 4 <= m {
            let mut acc = [[0.0f32; PANEL]; 4];
            for (p, bp) in panel.chunks_exact(PANEL).enumerate() {
                for (r, acc_r) in acc.iter_mut().enumerate() {
                    let s = a[(i + r) * k + p];
                    for (x, &b) in acc_r.iter_mut().zip(bp) {
                        *x += s * b;
                    }
                }
            }
            for (r, acc_r) in acc.iter().enumerate() {
                c[(i + r) * n + j0..(i + r) * n + j0 + width].copy_from_slice(&acc_r[..width]);
            }
            i += 4;
        }
        for i in i..m {
            let mut acc = [0.0f32; PANEL];
            let ar = &a[i * k..(i + 1) * k];
            for (bp, &s) in panel.chunks_exact(PANEL).zip(ar) {
                for (x, &b) in acc.iter_mut().zip(bp) {
                    *x += s * b;
                }
            }
            c[i * n + j0..i * n + j0 + width].copy_from_slice(&acc[..width]);
        }
    }
    Ok(())
}

/// One whole panel of `packed::pack_block`: `rows` (8 rows of B, `[8, k]`) transposed into
/// `panel` (`[k, 8]`), panel[p·8 + s] = rows[s·k + p]. Writes run in order; the 8 reads of
/// each output row come from 8 streams that stay in cache.
pub fn pack_panel(k: usize, rows: &[f32], panel: &mut [f32]) {
    for (p, out) in panel.chunks_exact_mut(8).take(k).enumerate() {
        for (lane, o) in out.iter_mut().enumerate() {
            *o = rows[lane * k + p];
        }
    }
}
