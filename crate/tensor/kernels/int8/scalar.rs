//! Scalar int8 GEMM: the reference twin of `simd128.rs` and the native path.
//!
//! C[i,j] = Σ_p A[i,p]·B[j,p] with i32 accumulation. Eight partial sums let LLVM vectorise it
//! natively (pmaddwd on x86). Callers have checked the lengths.

/// Σ a_i·b_i in i32.
pub fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    let mut acc = [0i32; 8];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let (ta, tb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..8 {
            acc[l] += i32::from(x[l]) * i32::from(y[l]);
        }
    }
    let mut s: i32 = acc.iter().sum();
    for (x, y) in ta.iter().zip(tb) {
        s += i32::from(*x) * i32::from(*y);
    }
    s
}

/// C = A·Bᵀ with every C[i,j] one integer dot product.
pub fn gemm_i8_nt(m: usize, n: usize, k: usize, a: &[i8], b: &[i8], c: &mut [i32]) {
    for i in 0..m {
        let ar = &a[i * k..(i + 1) * k];
        for j in 0..n {
            c[i * n + j] = dot_i8(ar, &b[j * k..(j + 1) * k]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_and_extremes() {
        let a = [1i8, -2, 3, 4, 5, 6, 7, 8, 9, -128];
        let b = [2i8, 3, -1, 0, 0, 0, 0, 0, 1, -128];
        // 2 − 6 − 3 + 9 + 16384
        assert_eq!(dot_i8(&a, &b), 2 - 6 - 3 + 9 + 16384);
        let mut c = [0i32; 2];
        gemm_i8_nt(1, 2, 2, &[1, 2], &[3, 4, -5, 6], &mut c);
        assert_eq!(c, [11, 7]);
    }
}
