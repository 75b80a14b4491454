//! C = A·B (input gradient δ·W) and C = Aᵀ·B (weight gradient δᵀ·x): both walk B by rows, so
//! one 4-row × 8-column register tile of C (8 v128) accumulates splatted A values times two
//! f32x4 of a B row; only how A is read differs. Column blocks are the outer loop so the B
//! panel stays in L1 while all rows of A stream past it. Twins of `scalar::{gemm_nn, gemm_tn}`.

use super::{axpy, fma, ld, st};
use crate::tensor::kernels::{check_gemm, par};
use core::arch::wasm32::*;

/// The shared 4×8 microkernel of gemm_nn and gemm_tn: C[i..i+4, j..j+8] = Σ_p a(p, r)·B[p, j..j+8],
/// where `a_at(p, r)` reads the A value for shared index p and C row i+r.
///
/// # Safety
/// `pb` must point at `k·n` readable floats with `j + 8 ≤ n`, `c` at `(i + 4)·n` writable
/// floats, and `a_at` must be valid for p < k, r < 4.
#[inline(always)]
unsafe fn tile_4x8(
    c: *mut f32,
    n: usize,
    i: usize,
    j: usize,
    k: usize,
    pb: *const f32,
    a_at: impl Fn(usize, usize) -> f32,
) {
    let mut acc = [[f32x4_splat(0.0); 2]; 4];
    for p in 0..k {
        let b0 = ld(pb.add(p * n + j));
        let b1 = ld(pb.add(p * n + j + 4));
        for r in 0..4 {
            let av = f32x4_splat(a_at(p, r));
            acc[r][0] = fma(acc[r][0], av, b0);
            acc[r][1] = fma(acc[r][1], av, b1);
        }
    }
    for r in 0..4 {
        st(c.add((i + r) * n + j), acc[r][0]);
        st(c.add((i + r) * n + j + 4), acc[r][1]);
    }
}

/// Columns `j0..n` of C (fewer than 8 left), one row at a time with 4-wide then scalar steps.
#[inline(always)]
fn tail_cols(
    m: usize,
    n: usize,
    k: usize,
    j0: usize,
    b: &[f32],
    c: &mut [f32],
    a_at: impl Fn(usize, usize) -> f32,
) {
    for i in 0..m {
        for j in j0..n {
            let mut s = 0.0;
            for p in 0..k {
                s += a_at(p, i) * b[p * n + j];
            }
            c[i * n + j] = s;
        }
    }
}

/// Rows `i0..m` of C for columns `0..j_end` (a multiple of 8), one row at a time.
#[inline(always)]
fn tail_rows(
    i0: usize,
    m: usize,
    n: usize,
    k: usize,
    j_end: usize,
    b: &[f32],
    c: &mut [f32],
    a_at: impl Fn(usize, usize) -> f32,
) {
    for i in i0..m {
        let row = &mut c[i * n..i * n + j_end];
        row.fill(0.0);
        for p in 0..k {
            axpy(a_at(p, i), &b[p * n..p * n + j_end], row);
        }
    }
}

fn gemm_b_panel(
    m: usize,
    n: usize,
    k: usize,
    b: &[f32],
    c: &mut [f32],
    a_at: impl Fn(usize, usize) -> f32 + Copy,
) {
    let pb = b.as_ptr();
    let pc = c.as_mut_ptr();
    let m4 = m & !3;
    let n8 = n & !7;
    let mut j = 0;
    while j < n8 {
        let mut i = 0;
        while i < m4 {
            // SAFETY: i + 4 ≤ m4 ≤ m and j + 8 ≤ n8 ≤ n, and the callers checked b = k·n and
            // c = m·n floats.
            unsafe { tile_4x8(pc, n, i, j, k, pb, |p, r| a_at(p, i + r)) };
            i += 4;
        }
        j += 8;
    }
    tail_rows(m4, m, n, k, n8, b, c, a_at);
    tail_cols(m, n, k, n8, b, c, a_at);
}

/// C = A·B (A is [m×k]).
pub fn gemm_nn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    // Public and pointer-based: a wrong length is a silent no-op here (the checked wrapper in
    // `kernels` reports it), never an out-of-bounds read.
    if check_gemm("gemm_nn", m, n, k, a, b, c).is_err() {
        return;
    }
    // Row blocks of C are row blocks of A; `i` below is relative to the block's first row i0.
    par::for_row_blocks(m, n, k, c, |i0, rows, cb| {
        // SAFETY: gemm_b_panel asks for p < k and i < rows, and i0 + rows ≤ m, so the index is
        // below m·k = a.len() (checked above).
        gemm_b_panel(rows, n, k, b, cb, |p, i| unsafe {
            *a.get_unchecked((i0 + i) * k + p)
        });
    });
}

/// C = Aᵀ·B (A is [k×m]).
pub fn gemm_tn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    if check_gemm("gemm_tn", m, n, k, a, b, c).is_err() {
        return;
    }
    // Row blocks of C are column blocks of A.
    par::for_row_blocks(m, n, k, c, |i0, rows, cb| {
        // SAFETY: p < k and i0 + i < m, so the index is below k·m = a.len() (checked above).
        gemm_b_panel(rows, n, k, b, cb, |p, i| unsafe {
            *a.get_unchecked(p * m + i0 + i)
        });
    });
}
