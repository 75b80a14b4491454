//! Bit-packed binary kernels for XNOR-Net / BNN inference (Rastegari et al. 2016; Hubara et al.
//! 2016). A ±1 vector is stored one bit per entry (bit 1 = −1), 64 entries per `u64` word, and
//! the dot of two such vectors of length n is  n − 2·popcount(a XOR b)  (a differing bit is a
//! −1 product). `simd128` is the wasm kernel (i8x16.popcnt); `scalar` (count_ones) is its twin.
//! Contract: the padding bits after n in the last word are 0 in both operands.

pub mod scalar;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod simd128;

use crate::error::{check_len, Result};

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
use scalar as active;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use simd128 as active;

/// Entries per packed word.
pub const WORD_BITS: usize = 64;

/// Words needed for `n_bits` entries.
pub fn words(n_bits: usize) -> usize {
    n_bits.div_ceil(WORD_BITS)
}

/// Packs the signs of `rows` rows of `x` (`[rows, n]`) into `out` (`[rows, words(n)]`):
/// bit = 1 where the entry is negative (not ≥ 0, so NaN counts as −1, as in the float
/// simulation's sign), padding bits 0.
///
/// # Errors
/// `ShapeMismatch` if a buffer's length does not match its shape.
pub fn pack_signs(x: &[f32], rows: usize, n: usize, out: &mut [u64]) -> Result<()> {
    let kw = words(n);
    check_len("pack_signs input", x.len(), rows * n)?;
    check_len("pack_signs output", out.len(), rows * kw)?;
    if n == 0 {
        return Ok(());
    }
    for (row, dst) in x.chunks_exact(n).zip(out.chunks_exact_mut(kw)) {
        for (chunk, word) in row.chunks(WORD_BITS).zip(dst.iter_mut()) {
            let mut bits = 0u64;
            for (i, &v) in chunk.iter().enumerate() {
                bits |= u64::from(v < 0.0 || v.is_nan()) << i;
            }
            *word = bits;
        }
    }
    Ok(())
}

/// Σ a_i·b_i of two packed ±1 vectors of `n_bits` entries: n − 2·popcount(a XOR b).
///
/// # Errors
/// `ShapeMismatch` unless both slices hold exactly `words(n_bits)` words.
pub fn xnor_dot(a: &[u64], b: &[u64], n_bits: usize) -> Result<i32> {
    check_len("xnor_dot a", a.len(), words(n_bits))?;
    check_len("xnor_dot b", b.len(), words(n_bits))?;
    Ok(active::xnor_dot(a, b, n_bits))
}

/// C[m×n] = A[m×k]·B[n×k]ᵀ over packed ±1 rows of `k_bits` entries (the binary layer's x·Wᵀ).
///
/// # Shapes
/// `a`: `[m, words(k_bits)]`, `b`: `[n, words(k_bits)]`, `c`: `[m, n]`.
/// # Errors
/// `ShapeMismatch` if a buffer's length does not match its shape.
pub fn xnor_gemm_nt(
    m: usize,
    n: usize,
    k_bits: usize,
    a: &[u64],
    b: &[u64],
    c: &mut [i32],
) -> Result<()> {
    let kw = words(k_bits);
    check_len("xnor_gemm_nt a", a.len(), m * kw)?;
    check_len("xnor_gemm_nt b", b.len(), n * kw)?;
    check_len("xnor_gemm_nt c", c.len(), m * n)?;
    active::xnor_gemm_nt(m, n, k_bits, a, b, c);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SeededRng;

    fn signs(n: usize, rng: &mut SeededRng) -> Vec<f32> {
        (0..n)
            .map(|_| if rng.uniform() < 0.5 { -1.0 } else { 1.0 })
            .collect()
    }

    #[test]
    fn popcount_dot_equals_float_dot_for_every_length() {
        let mut rng = SeededRng::new(9, 0);
        for n in 0..=130 {
            let (x, y) = (signs(n, &mut rng), signs(n, &mut rng));
            let float: f32 = x.iter().zip(&y).map(|(a, b)| a * b).sum();
            let (mut px, mut py) = (vec![0; words(n)], vec![0; words(n)]);
            pack_signs(&x, 1, n, &mut px).unwrap();
            pack_signs(&y, 1, n, &mut py).unwrap();
            assert_eq!(xnor_dot(&px, &py, n).unwrap() as f32, float, "n = {n}");
        }
    }

    #[test]
    fn gemm_matches_dots_and_checks_shapes() {
        let mut rng = SeededRng::new(3, 0);
        let (m, n, k) = (3, 5, 70);
        let (x, w) = (signs(m * k, &mut rng), signs(n * k, &mut rng));
        let kw = words(k);
        let (mut px, mut pw) = (vec![0; m * kw], vec![0; n * kw]);
        pack_signs(&x, m, k, &mut px).unwrap();
        pack_signs(&w, n, k, &mut pw).unwrap();
        let mut c = vec![0; m * n];
        xnor_gemm_nt(m, n, k, &px, &pw, &mut c).unwrap();
        for i in 0..m {
            for j in 0..n {
                let f: f32 = (0..k).map(|p| x[i * k + p] * w[j * k + p]).sum();
                assert_eq!(c[i * n + j] as f32, f);
            }
        }
        assert!(xnor_gemm_nt(m, n, k, &px[1..], &pw, &mut c).is_err());
        assert!(xnor_dot(&px[..1], &pw[..2], k).is_err());
        assert!(pack_signs(&x, m, k + 1, &mut px).is_err());
    }

    #[test]
    fn zero_and_nan_pack_like_the_float_sign() {
        let mut p = [0u64];
        pack_signs(&[0.0, -0.0, f32::NAN, -2.0, 3.0], 1, 5, &mut p).unwrap();
        assert_eq!(p[0], 0b01100);
    }
}
