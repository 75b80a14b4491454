//! C = A·Bᵀ on B packed once in 8-wide column panels (`kernels/packed.rs`; the packed-B scheme
//! of Goto & van de Geijn, ACM TOMS 2008), and the packing itself by f32x4 4×4 transposes.
//! C[i, 8q + s] = Σ_p A[i, p] · panel_q[p, s]: each panel row is two f32x4, so the tile needs no
//! transpose and no horizontal sum. Twins of `scalar::{gemm_packed, pack_panel}`.

use super::{fma, ld, st};
use crate::tensor::kernels::{packed, par, scalar};
use core::arch::wasm32::*;

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
    packed::check_packed(m, n, k, a, panels, c)?;
    par::for_row_blocks(m, n, k, c, |i0, rows, cb| {
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

/// [`scalar::pack_panel`] by 4×4 transposes: four f32x4 loads from four rows of B,
/// eight shuffles, four stores into the panel, for each half (rows 0–3, rows 4–7) of each four
/// columns; the last `k % 4` columns one by one. The scalar form stored one float per 32 bytes
/// and was most of the repack the training step does after every update.
pub fn pack_panel(k: usize, rows: &[f32], panel: &mut [f32]) {
    if rows.len() < 8 * k || panel.len() < 8 * k {
        // Lengths are the caller's (`pack_block` checks them); never read out of bounds.
        return scalar::pack_panel(k, rows, panel);
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
