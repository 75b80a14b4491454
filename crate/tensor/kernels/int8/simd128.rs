//! wasm simd128 int8 GEMM, twin of `scalar.rs` (its test oracle).
//!
//! 16 int8 are loaded at once and sign-extended to two i16x8; `i32x4_dot_i16x8` multiplies
//! 8 pairs and adds adjacent products into 4 i32 lanes (8 MACs per instruction against 4 for
//! f32x4). A 4×4 tile of C keeps 16 accumulators so each widened A/B vector is used 4 times.
//! Callers have checked the buffer lengths; every pointer offset below stays inside them.

use super::scalar::dot_i8;
use core::arch::wasm32::*;

#[inline(always)]
unsafe fn ld16(p: *const i8) -> (v128, v128) {
    let v = v128_load(p as *const v128);
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

/// C = A·Bᵀ with 4×4 tiles of integer dot products.
pub fn gemm_i8_nt(m: usize, n: usize, k: usize, a: &[i8], b: &[i8], c: &mut [i32]) {
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let k16 = k & !15;
    let mut j = 0;
    while j + 4 <= n {
        let mut i = 0;
        while i + 4 <= m {
            let mut acc = [[i32x4_splat(0); 4]; 4];
            let mut p = 0;
            unsafe {
                while p < k16 {
                    let av = [
                        ld16(pa.add(i * k + p)),
                        ld16(pa.add((i + 1) * k + p)),
                        ld16(pa.add((i + 2) * k + p)),
                        ld16(pa.add((i + 3) * k + p)),
                    ];
                    let bv = [
                        ld16(pb.add(j * k + p)),
                        ld16(pb.add((j + 1) * k + p)),
                        ld16(pb.add((j + 2) * k + p)),
                        ld16(pb.add((j + 3) * k + p)),
                    ];
                    for r in 0..4 {
                        for s in 0..4 {
                            let d0 = i32x4_dot_i16x8(av[r].0, bv[s].0);
                            let d1 = i32x4_dot_i16x8(av[r].1, bv[s].1);
                            acc[r][s] = i32x4_add(acc[r][s], i32x4_add(d0, d1));
                        }
                    }
                    p += 16;
                }
            }
            for r in 0..4 {
                for s in 0..4 {
                    let tail = dot_i8(
                        &a[(i + r) * k + k16..(i + r + 1) * k],
                        &b[(j + s) * k + k16..(j + s + 1) * k],
                    );
                    c[(i + r) * n + j + s] = hsum(acc[r][s]) + tail;
                }
            }
            i += 4;
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
