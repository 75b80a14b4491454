//! wasm simd128 int8 GEMM, twin of `scalar.rs` (its test oracle).
//!
//! int8 is sign-extended to i16x8 (once per operand panel, not per tile); `i32x4_dot_i16x8`
//! multiplies 8 pairs and adds adjacent products into 4 i32 lanes (8 MACs per instruction
//! against 4 for f32x4). A 2×4 tile of C keeps 8 accumulators (no register spills).
//! Callers have checked the buffer lengths; every pointer offset below stays inside them.

use super::scalar::dot_i8;
use core::arch::wasm32::*;

/// Loads 16 i8 and sign-extends them to two i16x8.
///
/// # Safety
/// `p..p + 16` must be inside one live allocation.
#[inline(always)]
unsafe fn ld16(p: *const i8) -> (v128, v128) {
    // SAFETY: the caller guarantees 16 readable bytes at p.
    let v = unsafe { v128_load(p as *const v128) };
    (i16x8_extend_low_i8x16(v), i16x8_extend_high_i8x16(v))
}

#[inline(always)]
fn hsum(v: v128) -> i32 {
    i32x4_extract_lane::<0>(v)
        .wrapping_add(i32x4_extract_lane::<1>(v))
        .wrapping_add(i32x4_extract_lane::<2>(v))
        .wrapping_add(i32x4_extract_lane::<3>(v))
}

/// Σ a_i·b_i in i32, 16 at a time.
pub fn dot_i8_simd(a: &[i8], b: &[i8]) -> i32 {
    let n = a.len().min(b.len());
    let n16 = n & !15;
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let mut acc = i32x4_splat(0);
    let mut p = 0;
    // SAFETY: p + 16 ≤ n16 ≤ n ≤ a.len(), b.len().
    unsafe {
        while p < n16 {
            let (a0, a1) = ld16(pa.add(p));
            let (b0, b1) = ld16(pb.add(p));
            acc = i32x4_add(acc, i32x4_dot_i16x8(a0, b0));
            acc = i32x4_add(acc, i32x4_dot_i16x8(a1, b1));
            p += 16;
        }
    }
    hsum(acc) + dot_i8(&a[n16..n], &b[n16..n])
}

/// Sign-extends `src` into `dst` (same length), 16 at a time.
fn widen(src: &[i8], dst: &mut [i16]) {
    let n = src.len().min(dst.len());
    let n16 = n & !15;
    let (ps, pd) = (src.as_ptr(), dst.as_mut_ptr());
    let mut p = 0;
    // SAFETY: p + 16 ≤ n16 ≤ n ≤ src.len(), dst.len().
    unsafe {
        while p < n16 {
            let (lo, hi) = ld16(ps.add(p));
            v128_store(pd.add(p) as *mut v128, lo);
            v128_store(pd.add(p + 8) as *mut v128, hi);
            p += 16;
        }
    }
    for q in n16..n {
        dst[q] = i16::from(src[q]);
    }
}

/// Loads 8 i16.
///
/// # Safety
/// `p..p + 8` must be inside one live allocation.
#[inline(always)]
unsafe fn ld8(p: *const i16) -> v128 {
    // SAFETY: the caller guarantees 8 readable i16 at p.
    unsafe { v128_load(p as *const v128) }
}

/// C = A·Bᵀ. A is widened to i16 once and each panel of 4 rows of B once (so the widening is
/// not repeated per tile); a 2×4 tile of C then needs only loads, `i32x4_dot_i16x8` and adds:
/// 8 MACs per instruction against 4 for f32x4. 8 accumulators + 6 operands fit the 16 SIMD
/// registers of x86-64 hosts, so nothing spills (a 4×4 tile measured slower).
pub fn gemm_i8_nt(m: usize, n: usize, k: usize, a: &[i8], b: &[i8], c: &mut [i32]) {
    let k8 = k & !7;
    let mut a16 = vec![0i16; m * k];
    widen(a, &mut a16);
    let mut b16 = vec![0i16; 4 * k];
    let pa = a16.as_ptr();
    let mut j = 0;
    while j + 4 <= n {
        widen(&b[j * k..(j + 4) * k], &mut b16);
        let pb = b16.as_ptr();
        let mut i = 0;
        while i + 2 <= m {
            let mut acc = [[i32x4_splat(0); 4]; 2];
            let mut p = 0;
            // SAFETY: a16 holds m·k values and b16 4·k (both allocated here from m, k); rows
            // i, i + 1 < m and p + 8 ≤ k8 ≤ k keep every load inside them.
            unsafe {
                while p < k8 {
                    let a0 = ld8(pa.add(i * k + p));
                    let a1 = ld8(pa.add((i + 1) * k + p));
                    let bv = [
                        ld8(pb.add(p)),
                        ld8(pb.add(k + p)),
                        ld8(pb.add(2 * k + p)),
                        ld8(pb.add(3 * k + p)),
                    ];
                    for s in 0..4 {
                        acc[0][s] = i32x4_add(acc[0][s], i32x4_dot_i16x8(a0, bv[s]));
                        acc[1][s] = i32x4_add(acc[1][s], i32x4_dot_i16x8(a1, bv[s]));
                    }
                    p += 8;
                }
            }
            for r in 0..2 {
                for s in 0..4 {
                    let tail = dot_i8(
                        &a[(i + r) * k + k8..(i + r + 1) * k],
                        &b[(j + s) * k + k8..(j + s + 1) * k],
                    );
                    c[(i + r) * n + j + s] = hsum(acc[r][s]) + tail;
                }
            }
            i += 2;
        }
        for ii in i..m {
            for s in 0..4 {
                c[ii * n + j + s] =
                    dot_i8_simd(&a[ii * k..(ii + 1) * k], &b[(j + s) * k..(j + s + 1) * k]);
            }
        }
        j += 4;
    }
    for jj in j..n {
        for i in 0..m {
            c[i * n + jj] = dot_i8_simd(&a[i * k..(i + 1) * k], &b[jj * k..(jj + 1) * k]);
        }
    }
}
