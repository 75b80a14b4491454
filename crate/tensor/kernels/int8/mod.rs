//! Integer GEMM for quantized inference: C[m×n] (i32) = A[m×k] (i8) · B[n×k]ᵀ (i8), the
//! forward product x_q·W_qᵀ of a quantized layer (Jacob et al. 2018, §2.3). Products of two
//! int8 fit in i16 and k ≤ 2^16 sums of them fit in i32, so the result is exact.
//! `simd128` (i16x8 widening + i32x4_dot_i16x8) is used on wasm; `scalar` is its twin and oracle.

pub mod scalar;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod simd128;

use crate::error::{check_len, Error, Result};
use crate::error::{Reason, Setting};

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
use scalar as active;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use simd128 as active;

/// Largest shared dimension: 2^16 products of magnitude ≤ 2^14 stay inside i32.
pub const MAX_K: usize = 1 << 16;

/// C[m×n] = A[m×k] · B[n×k]ᵀ in exact integer arithmetic (overwrites C).
///
/// # Shapes
/// `a`: `[m, k]`, `b`: `[n, k]`, `c`: `[m, n]`, all row-major.
/// # Errors
/// `ShapeMismatch` if a buffer's length does not match its shape; `InvalidParam` if k > 65536.
pub fn gemm_i8_nt(m: usize, n: usize, k: usize, a: &[i8], b: &[i8], c: &mut [i32]) -> Result<()> {
    if k > MAX_K {
        return Err(Error::param(
            Setting::GemmI8NtK,
            k,
            Reason::MustBeAtMost65536,
        ));
    }
    check_len("gemm_i8_nt A", a.len(), m * k)?;
    check_len("gemm_i8_nt B", b.len(), n * k)?;
    check_len("gemm_i8_nt C", c.len(), m * n)?;
    active::gemm_i8_nt(m, n, k, a, b, c);
    Ok(())
}
