//! wasm simd128 kernels (4 × f32 lanes), twins of `scalar.rs`, which is their test oracle.
//!
//! GEMMs use register tiles: gemm_nt keeps a 4×4 block of dot-product accumulators (16 v128),
//! gemm_nn / gemm_tn a 4-row × 8-column block of C (8 v128) fed by splatted A values. Column
//! blocks are the outer loop so the B panel stays in L1 while all rows of A stream past it.
//! Soundness: every public function here is safe for any input. The GEMMs check their three
//! lengths in O(1) (`fits`) and write nothing when a buffer is too short (the checked wrappers
//! in `mod.rs` report that as an error first); the unchecked loads live in private `unsafe fn`s
//! whose `# Safety` sections state what the callers guarantee.

use crate::model::activation::Activation;
use core::arch::wasm32::*;

/// Loads 4 f32.
///
/// # Safety
/// `p..p + 4` must be inside one live allocation (no alignment needed: `v128.load` is unaligned).
#[inline(always)]
unsafe fn ld(p: *const f32) -> v128 {
    // SAFETY: the caller guarantees 4 readable f32 at p.
    unsafe { v128_load(p as *const v128) }
}

/// Stores 4 f32.
///
/// # Safety
/// `p..p + 4` must be inside one live, writable allocation.
#[inline(always)]
unsafe fn st(p: *mut f32, v: v128) {
    // SAFETY: the caller guarantees 4 writable f32 at p.
    unsafe { v128_store(p as *mut v128, v) }
}

/// True if `s` holds at least `rows · cols` elements (and that product does not overflow).
#[inline(always)]
fn fits<T>(s: &[T], rows: usize, cols: usize) -> bool {
    rows.checked_mul(cols).is_some_and(|need| s.len() >= need)
}

#[inline(always)]
fn hsum(v: v128) -> f32 {
    (f32x4_extract_lane::<0>(v) + f32x4_extract_lane::<2>(v))
        + (f32x4_extract_lane::<1>(v) + f32x4_extract_lane::<3>(v))
}

#[inline(always)]
fn fma(acc: v128, a: v128, b: v128) -> v128 {
    f32x4_add(acc, f32x4_mul(a, b))
}

/// Σ a_i·b_i with two vector accumulators.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let mut acc0 = f32x4_splat(0.0);
    let mut acc1 = f32x4_splat(0.0);
    let mut p = 0;
    // SAFETY: p + 8 ≤ n (then p + 4 ≤ n) and n ≤ a.len(), b.len().
    unsafe {
        while p + 8 <= n {
            acc0 = fma(acc0, ld(pa.add(p)), ld(pb.add(p)));
            acc1 = fma(acc1, ld(pa.add(p + 4)), ld(pb.add(p + 4)));
            p += 8;
        }
        if p + 4 <= n {
            acc0 = fma(acc0, ld(pa.add(p)), ld(pb.add(p)));
            p += 4;
        }
    }
    let mut s = hsum(f32x4_add(acc0, acc1));
    while p < n {
        s += a[p] * b[p];
        p += 1;
    }
    s
}

/// y += alpha·x.
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    let n = x.len().min(y.len());
    let va = f32x4_splat(alpha);
    let (px, py) = (x.as_ptr(), y.as_mut_ptr());
    let mut p = 0;
    // SAFETY: p + 4 ≤ n ≤ x.len(), y.len().
    unsafe {
        while p + 4 <= n {
            st(py.add(p), fma(ld(py.add(p)), va, ld(px.add(p))));
            p += 4;
        }
    }
    while p < n {
        y[p] += alpha * x[p];
        p += 1;
    }
}

thread_local! {
    /// Scratch for Bᵀ in `gemm_nt`: grows once, then reused, so training stays allocation-free.
    static TRANSPOSED: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Below this many rows of A, transposing B costs more than it saves.
const TRANSPOSE_MIN_ROWS: usize = 8;

/// C = A·Bᵀ. For a real batch, B is transposed once into scratch (n·k copies) and the
/// broadcast-A panel kernel of `gemm_nn` runs on it: it reuses each loaded B vector across 4
/// rows of A instead of doing 16 horizontal sums per 4×4 tile, measured ≈ 2.5× faster here.
pub fn gemm_nt(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    if m >= TRANSPOSE_MIN_ROWS {
        let done = TRANSPOSED.with(|cell| {
            let Ok(mut bt) = cell.try_borrow_mut() else {
                return false;
            };
            if bt.len() < n * k {
                bt.resize(n * k, 0.0);
            }
            transpose(n, k, b, &mut bt[..n * k]);
            gemm_nn(m, n, k, a, &bt[..n * k], c);
            true
        });
        if done {
            return;
        }
    }
    gemm_nt_dots(m, n, k, a, b, c);
}

/// Bt[k×n] = B[n×k]ᵀ, in 8×8 blocks to keep both sides in cache.
fn transpose(n: usize, k: usize, b: &[f32], bt: &mut [f32]) {
    const T: usize = 8;
    for j0 in (0..n).step_by(T) {
        for p0 in (0..k).step_by(T) {
            for j in j0..(j0 + T).min(n) {
                for p in p0..(p0 + T).min(k) {
                    bt[p * n + j] = b[j * k + p];
                }
            }
        }
    }
}

/// C = A·Bᵀ with 4×4 tiles of dot products (small m, where a transpose does not pay).
/// Writes nothing if a buffer is shorter than its shape.
pub fn gemm_nt_dots(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    if !(fits(a, m, k) && fits(b, n, k) && fits(c, m, n)) {
        return;
    }
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let k4 = k & !3;
    let mut j = 0;
    while j + 4 <= n {
        let mut i = 0;
        while i + 4 <= m {
            let mut acc = [[f32x4_splat(0.0); 4]; 4];
            let mut p = 0;
            // SAFETY: rows i..i+4 < m of A and j..j+4 < n of B hold k ≥ k4 ≥ p + 4 values,
            // and a.len() ≥ m·k, b.len() ≥ n·k were checked on entry.
            unsafe {
                while p < k4 {
                    let av = [
                        ld(pa.add(i * k + p)),
                        ld(pa.add((i + 1) * k + p)),
                        ld(pa.add((i + 2) * k + p)),
                        ld(pa.add((i + 3) * k + p)),
                    ];
                    let bv = [
                        ld(pb.add(j * k + p)),
                        ld(pb.add((j + 1) * k + p)),
                        ld(pb.add((j + 2) * k + p)),
                        ld(pb.add((j + 3) * k + p)),
                    ];
                    for r in 0..4 {
                        for s in 0..4 {
                            acc[r][s] = fma(acc[r][s], av[r], bv[s]);
                        }
                    }
                    p += 4;
                }
            }
            for r in 0..4 {
                for s in 0..4 {
                    let mut v = hsum(acc[r][s]);
                    for q in k4..k {
                        v += a[(i + r) * k + q] * b[(j + s) * k + q];
                    }
                    c[(i + r) * n + j + s] = v;
                }
            }
            i += 4;
        }
        for ii in i..m {
            for s in 0..4 {
                c[ii * n + j + s] = dot(&a[ii * k..(ii + 1) * k], &b[(j + s) * k..(j + s + 1) * k]);
            }
        }
        j += 4;
    }
    for jj in j..n {
        for i in 0..m {
            c[i * n + jj] = dot(&a[i * k..(i + 1) * k], &b[jj * k..(jj + 1) * k]);
        }
    }
}

/// The shared 4×8 microkernel of gemm_nn and gemm_tn: C[i..i+4, j..j+8] = Σ_p a(p, r)·B[p, j..j+8],
/// where `a_at(p, r)` reads the A value for shared index p and C row i+r.
///
/// # Safety
/// `pb` points to ≥ k·n readable f32 and `c` to ≥ (i + 4)·n writable f32, with j + 8 ≤ n;
/// `a_at(p, r)` must be valid for p < k and r < 4.
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
        // SAFETY: p < k and j + 8 ≤ n, so p·n + j + 8 ≤ k·n (the caller's guarantee on pb).
        let (b0, b1) = unsafe { (ld(pb.add(p * n + j)), ld(pb.add(p * n + j + 4))) };
        for r in 0..4 {
            let av = f32x4_splat(a_at(p, r));
            acc[r][0] = fma(acc[r][0], av, b0);
            acc[r][1] = fma(acc[r][1], av, b1);
        }
    }
    for r in 0..4 {
        // SAFETY: (i + r)·n + j + 8 ≤ (i + 4)·n (the caller's guarantee on c).
        unsafe {
            st(c.add((i + r) * n + j), acc[r][0]);
            st(c.add((i + r) * n + j + 4), acc[r][1]);
        }
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

/// C[m×n] = Σ_p a(p, ·)·B[p, ·] over 4×8 tiles, then the row and column tails.
///
/// # Safety
/// `b.len() ≥ k·n`, `c.len() ≥ m·n`, and `a_at(p, i)` must be valid for p < k, i < m.
unsafe fn gemm_b_panel(
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
            // SAFETY: i + 4 ≤ m4 ≤ m and j + 8 ≤ n8 ≤ n, with b and c as long as the caller
            // guarantees; a_at is called with p < k and i + r < m.
            unsafe { tile_4x8(pc, n, i, j, k, pb, |p, r| a_at(p, i + r)) };
            i += 4;
        }
        j += 8;
    }
    tail_rows(m4, m, n, k, n8, b, c, a_at);
    tail_cols(m, n, k, n8, b, c, a_at);
}

/// C = A·B (A is [m×k]). Writes nothing if a buffer is shorter than its shape.
pub fn gemm_nn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    if !(fits(a, m, k) && fits(b, k, n) && fits(c, m, n)) {
        return;
    }
    // SAFETY: the lengths were checked just above; gemm_b_panel calls a_at with p < k, i < m,
    // so i·k + p < m·k ≤ a.len().
    unsafe { gemm_b_panel(m, n, k, b, c, |p, i| *a.get_unchecked(i * k + p)) }
}

/// C = Aᵀ·B (A is [k×m]). Writes nothing if a buffer is shorter than its shape.
pub fn gemm_tn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    if !(fits(a, k, m) && fits(b, k, n) && fits(c, m, n)) {
        return;
    }
    // SAFETY: as in gemm_nn, with p·m + i < k·m ≤ a.len().
    unsafe { gemm_b_panel(m, n, k, b, c, |p, i| *a.get_unchecked(p * m + i)) }
}

/// row ← act(row + bias); ReLU and identity are fully vectorised, tanh/sigmoid add the bias in
/// SIMD and call the scalar function per lane (they are not on the LeNet hot path).
pub fn bias_act(act: Activation, bias: &[f32], c: &mut [f32]) {
    let w = bias.len();
    let w4 = w & !3;
    let zero = f32x4_splat(0.0);
    for row in c.chunks_exact_mut(w) {
        let (pr, pbias) = (row.as_mut_ptr(), bias.as_ptr());
        let mut p = 0;
        // SAFETY: p + 4 ≤ w4 ≤ w = row.len() = bias.len() (chunks_exact(w)).
        unsafe {
            while p < w4 {
                let v = f32x4_add(ld(pr.add(p)), ld(pbias.add(p)));
                let v = match act {
                    Activation::Relu => f32x4_pmax(zero, v),
                    _ => v,
                };
                st(pr.add(p), v);
                p += 4;
            }
        }
        for q in w4..w {
            row[q] += bias[q];
            if act == Activation::Relu {
                row[q] = Activation::Relu.apply(row[q]);
            }
        }
        if !matches!(act, Activation::Relu | Activation::Identity) {
            for x in row.iter_mut() {
                *x = act.apply(*x);
            }
        }
    }
}
