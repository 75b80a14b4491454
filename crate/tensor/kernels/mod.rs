//! Hot kernels on row-major slices: GEMM in the three forms training needs, dot, axpy, and the
//! fused bias + activation. `simd128` is used when the wasm target has it; `scalar` is its twin
//! and oracle (and is what native builds run, written so LLVM can auto-vectorise it).
//!
//!   gemm_nt: C[m×n] = A[m×k] · B[n×k]ᵀ   (forward, x·Wᵀ)
//!   gemm_nn: C[m×n] = A[m×k] · B[k×n]    (input gradient, δ·W)
//!   gemm_tn: C[m×n] = A[k×m]ᵀ · B[k×n]   (weight gradient, δᵀ·x)
//!   gemm_packed: C = A · Bᵀ with Bᵀ packed once in 8-wide panels (the model's forward pass)

pub mod int8;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
pub mod packed;
#[cfg(feature = "threads")]
pub mod pair;
pub mod par;
pub mod scalar;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod simd128;
pub mod sparse;
pub mod xnor;

use crate::error::{check_len, Result};
use crate::model::activation::Activation;
pub use packed::{gemm_packed, PackedBt};

#[cfg(not(target_arch = "wasm32"))]
use native as active;
#[cfg(all(target_arch = "wasm32", not(target_feature = "simd128")))]
use scalar as active;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use simd128 as active;

/// Name of the kernel set this build dispatches to ("simd128", "relaxed-simd", "native" or
/// "scalar").
pub const ACTIVE: &str = if cfg!(all(target_arch = "wasm32", target_feature = "relaxed-simd")) {
    "relaxed-simd"
} else if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
    "simd128"
} else if cfg!(target_arch = "wasm32") {
    "scalar"
} else {
    "native"
};

/// The kernel set and, in the threaded build, the thread count: what the page's badge shows.
pub fn describe() -> String {
    match par::threads() {
        1 => ACTIVE.to_string(),
        t => format!("{ACTIVE} × {t} threads"),
    }
}

/// Checks the three buffers of a GEMM against `m, n, k` and the operand layouts.
pub(crate) fn check_gemm(
    op: &'static str,
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    b: &[f32],
    c: &[f32],
) -> Result<()> {
    check_len(op, a.len(), m * k)?;
    check_len(op, b.len(), n * k)?;
    check_len(op, c.len(), m * n)
}

/// C[m×n] = A[m×k] · B[n×k]ᵀ (overwrites C).
///
/// # Errors
/// `ShapeMismatch` if a buffer's length does not match its shape.
pub fn gemm_nt(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) -> Result<()> {
    check_gemm("gemm_nt", m, n, k, a, b, c)?;
    active::gemm_nt(m, n, k, a, b, c);
    Ok(())
}

/// C[m×n] = A[m×k] · B[k×n] (overwrites C).
///
/// # Errors
/// `ShapeMismatch` if a buffer's length does not match its shape.
pub fn gemm_nn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) -> Result<()> {
    check_gemm("gemm_nn", m, n, k, a, b, c)?;
    active::gemm_nn(m, n, k, a, b, c);
    Ok(())
}

/// C[m×n] = A[k×m]ᵀ · B[k×n] (overwrites C).
///
/// # Errors
/// `ShapeMismatch` if a buffer's length does not match its shape.
pub fn gemm_tn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) -> Result<()> {
    check_gemm("gemm_tn", m, n, k, a, b, c)?;
    active::gemm_tn(m, n, k, a, b, c);
    Ok(())
}

thread_local! {
    /// Scratch for [`gemm_tn_block`]'s column block of A: grows once per thread, then reused.
    static A_BLOCK: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Rows `i0..i0 + rows` of C = A[k×m]ᵀ · B[k×n] (overwrites `c`, which holds just those rows):
/// one shard's output neurons of a weight gradient δᵀ·x. The A columns are copied into a
/// contiguous `[k, rows]` block and the whole-matrix kernel runs on it, so every element is the
/// same sum in the same order as in the full [`gemm_tn`]: shards give bit-identical gradients.
///
/// # Errors
/// `ShapeMismatch` if a buffer does not match, or the block is not inside `0..m`.
pub fn gemm_tn_block(
    (m, n, k): (usize, usize, usize),
    a: &[f32],
    b: &[f32],
    (i0, rows): (usize, usize),
    c: &mut [f32],
) -> Result<()> {
    check_len("gemm_tn_block A", a.len(), m * k)?;
    check_len("gemm_tn_block B", b.len(), k * n)?;
    check_len("gemm_tn_block C", c.len(), rows * n)?;
    if i0 + rows > m {
        return Err(crate::Error::shape("gemm_tn_block rows", m, i0 + rows));
    }
    A_BLOCK.with(|cell| {
        let mut block = cell.borrow_mut();
        block.clear();
        for row in a.chunks_exact(m.max(1)).take(k) {
            block.extend_from_slice(&row[i0..i0 + rows]);
        }
        gemm_tn(rows, n, k, &block, b, c)
    })
}

/// Σ a_i·b_i.
///
/// # Errors
/// `ShapeMismatch` if the lengths differ.
pub fn dot(a: &[f32], b: &[f32]) -> Result<f32> {
    check_len("dot", b.len(), a.len())?;
    Ok(active::dot(a, b))
}

/// y += alpha·x.
///
/// # Errors
/// `ShapeMismatch` if the lengths differ.
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) -> Result<()> {
    check_len("axpy", y.len(), x.len())?;
    active::axpy(alpha, x, y);
    Ok(())
}

/// Each row of `c` (width `bias.len()`) becomes act(row + bias), in place.
///
/// # Errors
/// `ShapeMismatch` if `c.len()` is not a multiple of `bias.len()`.
pub fn bias_act(act: Activation, bias: &[f32], c: &mut [f32]) -> Result<()> {
    if bias.is_empty() || !c.len().is_multiple_of(bias.len()) {
        return Err(crate::Error::shape(
            "bias_act",
            format!("a multiple of {}", bias.len()),
            c.len(),
        ));
    }
    active::bias_act(act, bias, c);
    Ok(())
}
