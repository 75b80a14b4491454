//! wasm simd128 kernels (4 × f32 lanes), twins of `scalar.rs`, which is their test oracle
//! (tests/web.rs compares every one of them with its twin in the browser).
//!
//! One file per kernel family: `vector` (dot, axpy, fused bias + activation), `gemm_nt`
//! (C = A·Bᵀ by 4×4 dot tiles), `gemm_b` (C = A·B and Aᵀ·B by 4×8 tiles of splatted A), `panels`
//! (C = A·Bᵀ on packed 8-wide panels, and the packing). Callers have checked the buffer
//! lengths; every pointer offset stays inside them.

mod gemm_b;
mod gemm_nt;
mod panels;
mod vector;

pub use gemm_b::{gemm_nn, gemm_tn};
pub use gemm_nt::{gemm_nt, gemm_nt_dots};
pub use panels::{gemm_packed, pack_panel};
pub use vector::{axpy, bias_act, dot};

use core::arch::wasm32::*;

/// Loads four floats (no alignment needed).
///
/// # Safety
/// `p` must point at 4 readable floats.
#[inline(always)]
unsafe fn ld(p: *const f32) -> v128 {
    v128_load(p as *const v128)
}

/// Stores four floats (no alignment needed).
///
/// # Safety
/// `p` must point at 4 writable floats.
#[inline(always)]
unsafe fn st(p: *mut f32, v: v128) {
    v128_store(p as *mut v128, v)
}

/// The sum of the four lanes as a tree, (0 + 2) + (1 + 3): two independent adds, then one.
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
