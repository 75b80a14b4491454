//! wasm simd128 kernels (4 × f32 lanes), twins of `scalar.rs`, which is their test oracle.
//!
//! GEMMs use register tiles: gemm_nt keeps a 4×4 block of dot-product accumulators (16 v128),
//! gemm_nn / gemm_tn a 4-row × 8-column block of C (8 v128) fed by splatted A values. Column
//! blocks are the outer loop so the B panel stays in L1 while all rows of A stream past it.
//! Callers have checked the buffer lengths; every pointer offset below stays inside them.

use crate::model::activation::Activation;
use core::arch::wasm32::*;

#[inline(always)]
unsafe fn ld(p: *const f32) -> v128 {
    v128_load(p as *const v128)
}

#[inline(always)]
unsafe fn st(p: *mut f32, v: v128) {
    v128_store(p as *mut v128, v)
}

#[inline(always)]
fn hsum(v: v128) -> f32 {
    (f32x4_extract_lane::<0>(v) + f32x4_extract_lane::<2>(v))
        + (f32x4_extract_lane::<1>(v) + f32x4_extract_lane::<3>(v))
}

/// acc + a·b. The default build rounds twice (mul, then add: exact simd128 semantics, the
/// same bits on every engine); a `+relaxed-simd` build (the measured opt-in of `cargo xtask
/// bench`) uses f32x4.relaxed_madd, which the engine may fuse into one FMA.
#[inline(always)]
fn fma(acc: v128, a: v128, b: v128) -> v128 {
    #[cfg(target_feature = "relaxed-simd")]
    {
        f32x4_relaxed_madd(a, b, acc)
    }
    #[cfg(not(target_feature = "relaxed-simd"))]
    {
        f32x4_add(acc, f32x4_mul(a, b))
    }
}

/// Σ a_i·b_i with two vector accumulators.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let mut acc0 = f32x4_splat(0.0);
    let mut acc1 = f32x4_splat(0.0);
    let mut p = 0;
    // SAFETY: p + 8 ≤ n ≤ len(a), len(b) in the loop and p < n in the tail, so every read is in bounds.
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
    // SAFETY: p + 4 ≤ n ≤ len(x), len(y) in the loop and p < n in the tail: reads and writes stay in bounds.
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
    /// Scratch panels for `gemm_nt` callers that hold no packed Wᵀ of their own: grows once,
    /// then reused, so those paths stay allocation-free too.
    static PACKED: std::cell::RefCell<super::packed::PackedBt> =
        std::cell::RefCell::new(super::packed::PackedBt::default());
}

/// Below this many rows of A, packing B costs more than it saves.
const PACK_MIN_ROWS: usize = 8;

/// C = A·Bᵀ. For a real batch, B is packed into 8-wide panels (n·k copies) and the panel
/// kernel runs on them; the model's forward pass keeps its own packed Wᵀ and skips this.
pub fn gemm_nt(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    if super::check_gemm("gemm_nt", m, n, k, a, b, c).is_err() {
        return;
    }
    if m >= PACK_MIN_ROWS {
        let done = PACKED.with(|cell| {
            let Ok(mut bt) = cell.try_borrow_mut() else {
                return false;
            };
            bt.pack(n, k, b).is_ok() && gemm_packed(m, n, k, a, bt.panels(), c).is_ok()
        });
        if done {
            return;
        }
    }
    gemm_nt_dots(m, n, k, a, b, c);
}

/// C = A·Bᵀ with 4×4 tiles of dot products (small m, where a transpose does not pay).
pub fn gemm_nt_dots(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    if super::check_gemm("gemm_nt", m, n, k, a, b, c).is_err() {
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
            // SAFETY: the caller checked a.len() ≥ m·k and b.len() ≥ k·n (see the length guard above); i + 4 ≤ m, j + 4 ≤ n and p < k4 ≤ k keep every read inside them.
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
    if super::check_gemm("gemm_nn", m, n, k, a, b, c).is_err() {
        return;
    }
    // Row blocks of C are row blocks of A; `i` below is relative to the block's first row i0.
    super::par::for_row_blocks(m, n, k, c, |i0, rows, cb| {
        // SAFETY: gemm_b_panel asks for p < k and i < rows, and i0 + rows ≤ m, so the index is
        // below m·k = a.len() (checked above).
        gemm_b_panel(rows, n, k, b, cb, |p, i| unsafe {
            *a.get_unchecked((i0 + i) * k + p)
        });
    });
}

/// C = Aᵀ·B (A is [k×m]).
pub fn gemm_tn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    if super::check_gemm("gemm_tn", m, n, k, a, b, c).is_err() {
        return;
    }
    // Row blocks of C are column blocks of A.
    super::par::for_row_blocks(m, n, k, c, |i0, rows, cb| {
        // SAFETY: p < k and i0 + i < m, so the index is below k·m = a.len() (checked above).
        gemm_b_panel(rows, n, k, b, cb, |p, i| unsafe {
            *a.get_unchecked(p * m + i0 + i)
        });
    });
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
        // SAFETY: row and bias both have w elements (chunks_exact of width w) and p + 4 ≤ w4 ≤ w in the loop, p < w in the tail.
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

/// Rows `i..i+R` of C, columns `j0..j0+width` (width ≤ 8), from one packed panel.
///
/// # Safety
/// `pa` must point at `(i + R)·k` readable floats (A is `[m, k]` with `i + R ≤ m`), `panel` at
/// `8·k` readable floats, and `pc` at `(i + R − 1)·n + j0 + width` writable floats.
#[inline(always)]
unsafe fn packed_tile<const R: usize>(
    pa: *const f32,
    panel: *const f32,
    pc: *mut f32,
    (i, j0, width): (usize, usize, usize),
    (n, k): (usize, usize),
) {
    let mut acc = [[f32x4_splat(0.0); 2]; R];
    for p in 0..k {
        let b0 = ld(panel.add(p * 8));
        let b1 = ld(panel.add(p * 8 + 4));
        for (r, acc_r) in acc.iter_mut().enumerate() {
            let av = v128_load32_splat(pa.add((i + r) * k + p) as *const u32);
            acc_r[0] = fma(acc_r[0], av, b0);
            acc_r[1] = fma(acc_r[1], av, b1);
        }
    }
    for (r, acc_r) in acc.iter().enumerate() {
        let out = pc.add((i + r) * n + j0);
        if width == 8 {
            st(out, acc_r[0]);
            st(out.add(4), acc_r[1]);
        } else {
            let mut lanes = [0.0f32; 8];
            st(lanes.as_mut_ptr(), acc_r[0]);
            st(lanes.as_mut_ptr().add(4), acc_r[1]);
            core::ptr::copy_nonoverlapping(lanes.as_ptr(), out, width);
        }
    }
}

/// C = A·Bᵀ from B packed in 8-wide panels (`packed.rs`): no transpose and no horizontal sums;
/// each panel (k·32 bytes) stays in L1 while the rows of A stream past it, 4 at a time.
///
/// # Errors
/// `ShapeMismatch` if a buffer does not match `m, n, k` (checked before any pointer is formed).
pub fn gemm_packed(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    panels: &[f32],
    c: &mut [f32],
) -> crate::error::Result<()> {
    super::packed::check_packed(m, n, k, a, panels, c)?;
    super::par::for_row_blocks(m, n, k, c, |i0, rows, cb| {
        packed_rows(rows, n, k, &a[i0 * k..(i0 + rows) * k], panels, cb);
    });
    Ok(())
}

/// `gemm_packed` on `m` rows, lengths already checked (a = m·k, panels = ⌈n/8⌉·8·k, c = m·n).
fn packed_rows(m: usize, n: usize, k: usize, a: &[f32], panels: &[f32], c: &mut [f32]) {
    let (pa, pc) = (a.as_ptr(), c.as_mut_ptr());
    for q in 0..n.div_ceil(8) {
        let j0 = q * 8;
        let width = 8.min(n - j0);
        // SAFETY: the caller checked a = m·k, panels = ⌈n/8⌉·8·k and c = m·n floats, so
        // panel q (8·k floats at q·8·k) and rows i..i+R ≤ m with columns j0..j0+width ≤ n are
        // in bounds, which is what `packed_tile` requires.
        unsafe {
            let panel = panels.as_ptr().add(q * 8 * k);
            let mut i = 0;
            while i + 4 <= m {
                packed_tile::<4>(pa, panel, pc, (i, j0, width), (n, k));
                i += 4;
            }
            while i < m {
                packed_tile::<1>(pa, panel, pc, (i, j0, width), (n, k));
                i += 1;
            }
        }
    }
}

/// [`super::scalar::pack_panel`] by 4×4 transposes: four f32x4 loads from four rows of B,
/// eight shuffles, four stores into the panel, for each half (rows 0–3, rows 4–7) of each four
/// columns; the last `k % 4` columns one by one. The scalar form stored one float per 32 bytes
/// and was most of the repack the training step does after every update.
pub fn pack_panel(k: usize, rows: &[f32], panel: &mut [f32]) {
    if rows.len() < 8 * k || panel.len() < 8 * k {
        // Lengths are the caller's (`pack_block` checks them); never read out of bounds.
        return super::scalar::pack_panel(k, rows, panel);
    }
    let mut p = 0;
    while p + 4 <= k {
        for half in 0..2 {
            // SAFETY: rows holds 8·k floats, so rows half·4 + i (i < 4) at columns p..p+4 ≤ k
            // are in bounds; panel holds 8·k floats, so lanes half·4..half·4+4 of panel rows
            // p..p+4 ≤ k are too. v128 loads and stores need no alignment.
            unsafe {
                let r = rows.as_ptr().add(half * 4 * k + p);
                let a0 = v128_load(r.cast());
                let a1 = v128_load(r.add(k).cast());
                let a2 = v128_load(r.add(2 * k).cast());
                let a3 = v128_load(r.add(3 * k).cast());
                let t0 = i32x4_shuffle::<0, 4, 1, 5>(a0, a1);
                let t1 = i32x4_shuffle::<2, 6, 3, 7>(a0, a1);
                let t2 = i32x4_shuffle::<0, 4, 1, 5>(a2, a3);
                let t3 = i32x4_shuffle::<2, 6, 3, 7>(a2, a3);
                let o = panel.as_mut_ptr().add(p * 8 + half * 4);
                v128_store(o.cast(), i32x4_shuffle::<0, 1, 4, 5>(t0, t2));
                v128_store(o.add(8).cast(), i32x4_shuffle::<2, 3, 6, 7>(t0, t2));
                v128_store(o.add(16).cast(), i32x4_shuffle::<0, 1, 4, 5>(t1, t3));
                v128_store(o.add(24).cast(), i32x4_shuffle::<2, 3, 6, 7>(t1, t3));
            }
        }
        p += 4;
    }
    for p in p..k {
        for lane in 0..8 {
            panel[p * 8 + lane] = rows[lane * k + p];
        }
    }
}
