//! Native (x86-64) kernels for the CLI and the tests: the scalar twins compiled a second time
//! with AVX2 + FMA enabled, chosen at run time with `is_x86_feature_detected!` (the x86-64
//! baseline the crate is built for only has SSE2). gemm_nt packs Bᵀ into 8-wide panels
//! (`packed.rs`, Goto & van de Geijn 2008) and runs the 4×8 panel kernel; gemm_tn runs row by
//! row so each row of C stays in L1. `scalar.rs` stays the oracle for all of them.
//! (`matrixmultiply` measured about as fast but allocates its packing buffers on every call,
//! which breaks the allocation-free training step of tests/no_alloc.rs.)

use super::scalar;
pub use super::scalar::{axpy, bias_act, dot, pack_panel};

/// True when this CPU has AVX2 and FMA (the std macro caches the CPUID answer).
#[cfg(target_arch = "x86_64")]
fn has_avx2() -> bool {
    std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
}

thread_local! {
    /// Scratch panels for `gemm_nt` callers that hold no packed Wᵀ of their own: grows once,
    /// then reused, so training stays allocation-free (tests/no_alloc.rs).
    static PACKED: std::cell::RefCell<super::packed::PackedBt> =
        std::cell::RefCell::new(super::packed::PackedBt::default());
}

/// C = A·Bᵀ: for a real batch B is packed into 8-wide panels and the AVX2 panel kernel runs;
/// a few rows take the dot products of the scalar twin.
pub fn gemm_nt(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    if m >= 8 {
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
    scalar::gemm_nt(m, n, k, a, b, c);
}

/// C = Aᵀ·B (A `[k, m]`, B `[k, n]`), one row of C at a time: the row stays in L1 while the k
/// rows of B stream past it (the scalar twin's p-outer order streams all of C k times).
#[inline(always)]
fn gemm_tn_rows(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    if super::check_gemm("gemm_tn", m, n, k, a, b, c).is_err() {
        return;
    }
    for (i, row) in c.chunks_exact_mut(n.max(1)).take(m).enumerate() {
        row.fill(0.0);
        for (p, br) in b.chunks_exact(n.max(1)).take(k).enumerate() {
            let s = a[p * m + i];
            if s != 0.0 {
                scalar::axpy(s, br, row);
            }
        }
    }
}

/// The scalar GEMMs compiled with AVX2 + FMA enabled, so LLVM vectorises their axpy loops
/// 8 lanes wide (the x86-64 baseline only allows SSE2).
///
/// # Safety
/// The CPU must support AVX2 and FMA (checked with `is_x86_feature_detected!`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gemm_nn_avx2(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    scalar::gemm_nn(m, n, k, a, b, c);
}

/// As [`gemm_nn_avx2`], for the row-order gemm_tn.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gemm_tn_avx2(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    gemm_tn_rows(m, n, k, a, b, c);
}

/// C = A·B (A `[m, k]`, B `[k, n]`).
pub fn gemm_nn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: AVX2 and FMA were detected on this CPU.
        return unsafe { gemm_nn_avx2(m, n, k, a, b, c) };
    }
    scalar::gemm_nn(m, n, k, a, b, c);
}

/// C = Aᵀ·B (A `[k, m]`, B `[k, n]`).
pub fn gemm_tn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: AVX2 and FMA were detected on this CPU.
        return unsafe { gemm_tn_avx2(m, n, k, a, b, c) };
    }
    gemm_tn_rows(m, n, k, a, b, c);
}

/// The scalar packed GEMM, compiled with AVX2 + FMA enabled (LLVM vectorises its 8 lanes into
/// one ymm register per row).
///
/// # Safety
/// The CPU must support AVX2 and FMA (checked by the caller with `is_x86_feature_detected!`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gemm_packed_avx2(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    panels: &[f32],
    c: &mut [f32],
) -> crate::error::Result<()> {
    super::scalar::gemm_packed(m, n, k, a, panels, c)
}

/// C = A·Bᵀ from packed panels: the AVX2 build of the scalar twin where the CPU has it.
///
/// # Errors
/// `ShapeMismatch` if a buffer does not match `m, n, k`.
pub fn gemm_packed(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    panels: &[f32],
    c: &mut [f32],
) -> crate::error::Result<()> {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: both features were detected on this CPU.
        return unsafe { gemm_packed_avx2(m, n, k, a, panels, c) };
    }
    super::scalar::gemm_packed(m, n, k, a, panels, c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::kernels::scalar;

    fn fill(len: usize, seed: usize) -> Vec<f32> {
        (0..len)
            .map(|i| (((i * 31 + seed * 7) % 19) as f32 - 9.0) * 0.05)
            .collect()
    }

    fn close(got: &[f32], want: &[f32], what: &str) {
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(
                (g - w).abs() <= 1e-4 * (1.0 + w.abs()),
                "{what}[{i}]: {g} vs {w}"
            );
        }
    }

    /// The three GEMM forms equal their scalar twins at the oracle lengths and odd shapes.
    #[test]
    fn gemms_match_scalar() {
        let lens = [0usize, 1, 3, 4, 15, 16, 17];
        let mut shapes = Vec::new();
        for &m in &lens {
            for &n in &lens {
                for &k in &lens {
                    shapes.push((m, n, k));
                }
            }
        }
        shapes.extend([(64, 300, 784), (13, 37, 29)]);
        for (m, n, k) in shapes {
            let a = fill(m * k, 1);
            let b = fill(n * k, 2);
            let (mut c1, mut c2) = (vec![9.0; m * n], vec![9.0; m * n]);
            gemm_nt(m, n, k, &a, &b, &mut c1);
            scalar::gemm_nt(m, n, k, &a, &b, &mut c2);
            close(&c1, &c2, &format!("gemm_nt {m}×{n}×{k}"));
            gemm_nn(m, n, k, &a, &b, &mut c1);
            scalar::gemm_nn(m, n, k, &a, &b, &mut c2);
            close(&c1, &c2, &format!("gemm_nn {m}×{n}×{k}"));
            gemm_tn(m, n, k, &a, &b, &mut c1);
            scalar::gemm_tn(m, n, k, &a, &b, &mut c2);
            close(&c1, &c2, &format!("gemm_tn {m}×{n}×{k}"));
            let mut bt = crate::tensor::kernels::PackedBt::default();
            bt.pack(n, k, &b).unwrap();
            gemm_packed(m, n, k, &a, bt.panels(), &mut c1).unwrap();
            scalar::gemm_packed(m, n, k, &a, bt.panels(), &mut c2).unwrap();
            close(&c1, &c2, &format!("gemm_packed {m}×{n}×{k}"));
        }
    }
}
