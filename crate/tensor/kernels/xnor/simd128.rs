//! wasm simd128 XNOR-popcount kernels, twins of `scalar.rs` (their test oracle).
//!
//! One v128 holds 128 entries (two words): XOR, `i8x16.popcnt` gives 16 byte counts (≤ 8 each),
//! pairwise-widened into u16 lanes that absorb ≤ 16 per step; lanes are flushed to u32 every
//! 2048 steps so they cannot overflow. The GEMM reuses each loaded activation vector for 4 rows.

use super::words;
use core::arch::wasm32::*;

/// Steps after which the u16 lanes are flushed (2048 · 16 < 65536).
const FLUSH: usize = 2048;

/// Loads 2 words (128 entries).
///
/// # Safety
/// `p..p + 2` must be inside one live allocation (`v128.load` needs no alignment).
#[inline(always)]
unsafe fn ld(p: *const u64) -> v128 {
    // SAFETY: the caller guarantees 2 readable words at p.
    unsafe { v128_load(p as *const v128) }
}

/// u16 lane counts of differing bits in one 128-entry block.
#[inline(always)]
fn diff16(x: v128, y: v128) -> v128 {
    u16x8_extadd_pairwise_u8x16(u8x16_popcnt(v128_xor(x, y)))
}

#[inline(always)]
fn sum16(acc: v128) -> u32 {
    let s = u32x4_extadd_pairwise_u16x8(acc);
    u32x4_extract_lane::<0>(s)
        + u32x4_extract_lane::<1>(s)
        + u32x4_extract_lane::<2>(s)
        + u32x4_extract_lane::<3>(s)
}

/// Differing bits between the first `kw` words of two rows (fewer if a row is shorter).
#[inline(always)]
fn diff_row(a: &[u64], b: &[u64], kw: usize) -> u32 {
    // O(1) and what makes the loads below sound whatever the caller passes.
    let kw = kw.min(a.len()).min(b.len());
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let mut total = 0u32;
    let mut acc = u16x8_splat(0);
    let (mut p, mut steps) = (0, 0);
    while p + 2 <= kw {
        // SAFETY: p + 2 ≤ kw ≤ a.len(), b.len() (clamped on entry).
        acc = u16x8_add(
            acc,
            diff16(unsafe { ld(pa.add(p)) }, unsafe { ld(pb.add(p)) }),
        );
        p += 2;
        steps += 1;
        if steps == FLUSH {
            total += sum16(acc);
            acc = u16x8_splat(0);
            steps = 0;
        }
    }
    total += sum16(acc);
    if p < kw {
        total += (a[p] ^ b[p]).count_ones();
    }
    total
}

/// n − 2·popcount(a XOR b) over `n_bits` entries.
pub fn xnor_dot(a: &[u64], b: &[u64], n_bits: usize) -> i32 {
    let kw = words(n_bits).min(a.len()).min(b.len());
    n_bits as i32 - 2 * diff_row(a, b, kw) as i32
}

/// C = A·Bᵀ over packed rows, one row of A against 4 rows of B at a time. Writes nothing if a
/// buffer is shorter than its shape (the checked wrapper in `mod.rs` reports that first).
pub fn xnor_gemm_nt(m: usize, n: usize, k_bits: usize, a: &[u64], b: &[u64], c: &mut [i32]) {
    let kw = words(k_bits);
    let fits =
        |len: usize, rows: usize, cols: usize| rows.checked_mul(cols).is_some_and(|x| len >= x);
    if !(fits(a.len(), m, kw) && fits(b.len(), n, kw) && fits(c.len(), m, n)) {
        return;
    }
    let k = k_bits as i32;
    let pb = b.as_ptr();
    for i in 0..m {
        let ar = &a[i * kw..(i + 1) * kw];
        let pa = ar.as_ptr();
        let mut j = 0;
        while j + 4 <= n {
            let (mut t0, mut t1, mut t2, mut t3) = (0u32, 0u32, 0u32, 0u32);
            let zero = u16x8_splat(0);
            let (mut a0, mut a1, mut a2, mut a3) = (zero, zero, zero, zero);
            let (r0, r1, r2, r3) = (j * kw, (j + 1) * kw, (j + 2) * kw, (j + 3) * kw);
            let (mut p, mut steps) = (0, 0);
            while p + 2 <= kw {
                // SAFETY: p + 2 ≤ kw; row i of A is `ar` (kw words) and rows j..j+4 < n of B
                // end at (j + 4)·kw ≤ n·kw ≤ b.len() (checked on entry).
                unsafe {
                    let x = ld(pa.add(p));
                    a0 = u16x8_add(a0, diff16(x, ld(pb.add(r0 + p))));
                    a1 = u16x8_add(a1, diff16(x, ld(pb.add(r1 + p))));
                    a2 = u16x8_add(a2, diff16(x, ld(pb.add(r2 + p))));
                    a3 = u16x8_add(a3, diff16(x, ld(pb.add(r3 + p))));
                }
                p += 2;
                steps += 1;
                if steps == FLUSH {
                    t0 += sum16(a0);
                    t1 += sum16(a1);
                    t2 += sum16(a2);
                    t3 += sum16(a3);
                    (a0, a1, a2, a3) = (zero, zero, zero, zero);
                    steps = 0;
                }
            }
            t0 += sum16(a0);
            t1 += sum16(a1);
            t2 += sum16(a2);
            t3 += sum16(a3);
            if p < kw {
                t0 += (ar[p] ^ b[r0 + p]).count_ones();
                t1 += (ar[p] ^ b[r1 + p]).count_ones();
                t2 += (ar[p] ^ b[r2 + p]).count_ones();
                t3 += (ar[p] ^ b[r3 + p]).count_ones();
            }
            let cr = &mut c[i * n + j..i * n + j + 4];
            cr[0] = k - 2 * t0 as i32;
            cr[1] = k - 2 * t1 as i32;
            cr[2] = k - 2 * t2 as i32;
            cr[3] = k - 2 * t3 as i32;
            j += 4;
        }
        while j < n {
            c[i * n + j] = k - 2 * diff_row(ar, &b[j * kw..(j + 1) * kw], kw) as i32;
            j += 1;
        }
    }
}
