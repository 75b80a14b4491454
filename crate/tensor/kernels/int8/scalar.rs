//! Scalar int8 GEMM: the reference twin of `simd128.rs` and the native path.
//!
//! C[i,j] = Σ_p A[i,p]·B[j,p] with i32 accumulation. Eight partial sums let LLVM vectorise it
//! natively (pmaddwd on x86). Callers have checked the lengths.

/// Σ a_i·b_i in i32.
pub fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    // Adjacent pairs are summed first: the shape of x86's pmaddwd and wasm's i32x4.dot_i16x8.
    let mut acc = [0i32; 8];
    let ca = a.chunks_exact(16);
    let cb = b.chunks_exact(16);
    let (ta, tb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..8 {
            let p0 = i32::from(i16::from(x[2 * l]) * i16::from(y[2 * l]));
            let p1 = i32::from(i16::from(x[2 * l + 1]) * i16::from(y[2 * l + 1]));
            acc[l] += p0 + p1;
        }
    }
    let mut s: i32 = acc.iter().sum();
    for (x, y) in ta.iter().zip(tb) {
        s += i32::from(*x) * i32::from(*y);
    }
    s
}

/// Σ a_i·b_i over i16 in i32 (the pattern LLVM turns into pmaddwd).
pub fn dot_i16(a: &[i16], b: &[i16]) -> i32 {
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

/// C = A·Bᵀ with every C[i,j] one integer dot product; operands are widened to i16 once
/// (A whole, B one row at a time) so the inner loop vectorises.
pub fn gemm_i8_nt(m: usize, n: usize, k: usize, a: &[i8], b: &[i8], c: &mut [i32]) {
    let a16: Vec<i16> = a.iter().map(|&v| i16::from(v)).collect();
    let mut b16 = vec![0i16; k];
    for j in 0..n {
        for (d, &s) in b16.iter_mut().zip(&b[j * k..(j + 1) * k]) {
            *d = i16::from(s);
        }
        for i in 0..m {
            c[i * n + j] = dot_i16(&a16[i * k..(i + 1) * k], &b16);
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
