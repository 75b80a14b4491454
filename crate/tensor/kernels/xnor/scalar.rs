//! Scalar XNOR-popcount kernels: the test oracle of `simd128.rs` and the native path.
//!
//! dot = n − 2·Σ_words popcount(a_w XOR b_w), with `u64::count_ones` (one POPCNT instruction
//! where the CPU has it). Same signatures as the SIMD twins; callers have checked the lengths.

use super::words;

/// n − 2·popcount(a XOR b) over `n_bits` entries.
pub fn xnor_dot(a: &[u64], b: &[u64], n_bits: usize) -> i32 {
    let diff: u32 = a.iter().zip(b).map(|(x, y)| (x ^ y).count_ones()).sum();
    n_bits as i32 - 2 * diff as i32
}

/// C = A·Bᵀ over packed rows: every C[i,j] is the XNOR dot of row i of A and row j of B.
pub fn xnor_gemm_nt(m: usize, n: usize, k_bits: usize, a: &[u64], b: &[u64], c: &mut [i32]) {
    let kw = words(k_bits);
    for i in 0..m {
        let ar = &a[i * kw..(i + 1) * kw];
        for j in 0..n {
            c[i * n + j] = xnor_dot(ar, &b[j * kw..(j + 1) * kw], k_bits);
        }
    }
}
