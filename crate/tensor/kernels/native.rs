//! Native (x86-64 and others) kernels for the CLI and the tests: the three GEMM forms go through
//! `matrixmultiply` (bluss; BLIS-style packing, AVX/FMA micro-kernels chosen at run time), and
//! the packed forward GEMM runs the scalar twin compiled for AVX2 + FMA when
//! `is_x86_feature_detected!` finds them. `scalar.rs` stays the oracle for all of them.
//!
//!   gemm_nt: C = A·Bᵀ, gemm_nn: C = A·B, gemm_tn: C = Aᵀ·B, as strided views of the same sgemm
//!   (Van Zee & van de Geijn, "BLIS: A Framework for Rapidly Instantiating BLAS Functionality",
//!   ACM TOMS 2015).

pub use super::scalar::{axpy, bias_act, dot};

/// Row and column strides of one operand, in elements.
#[derive(Clone, Copy)]
struct Strides(isize, isize);

/// C[m×n] = op(A)·op(B) with the given strides; lengths were checked by the caller.
fn sgemm(
    (m, n, k): (usize, usize, usize),
    a: &[f32],
    sa: Strides,
    b: &[f32],
    sb: Strides,
    c: &mut [f32],
) {
    if super::check_gemm("native sgemm", m, n, k, a, b, c).is_err() || m * n == 0 {
        return;
    }
    if k == 0 {
        c.fill(0.0);
        return;
    }
    // SAFETY: check_gemm gave a = m·k, b = n·k and c = m·n floats, and every stride pair below
    // addresses exactly those elements (the largest offset is (rows−1)·rs + (cols−1)·cs, which
    // is len − 1 for each operand); beta = 0 so C is only written, and C does not alias A or B
    // (it is a distinct &mut).
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            sa.0,
            sa.1,
            b.as_ptr(),
            sb.0,
            sb.1,
            0.0,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

/// C = A·Bᵀ (A `[m, k]`, B `[n, k]`): Bᵀ is read through its strides, never copied here.
pub fn gemm_nt(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    let ki = k as isize;
    sgemm((m, n, k), a, Strides(ki, 1), b, Strides(1, ki), c);
}

/// C = A·B (A `[m, k]`, B `[k, n]`).
pub fn gemm_nn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    sgemm(
        (m, n, k),
        a,
        Strides(k as isize, 1),
        b,
        Strides(n as isize, 1),
        c,
    );
}

/// C = Aᵀ·B (A `[k, m]`, B `[k, n]`).
pub fn gemm_tn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    sgemm(
        (m, n, k),
        a,
        Strides(1, m as isize),
        b,
        Strides(n as isize, 1),
        c,
    );
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
    if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
        // SAFETY: both features were just detected on this CPU.
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
            assert!((g - w).abs() <= 1e-4 * (1.0 + w.abs()), "{what}[{i}]: {g} vs {w}");
        }
    }

    /// The three sgemm forms equal their scalar twins at the oracle lengths and odd shapes.
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
