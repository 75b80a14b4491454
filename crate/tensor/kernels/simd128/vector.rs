//! The vector kernels: dot product Σ a_i·b_i (two f32x4 accumulators, so consecutive
//! multiply-adds do not wait on each other), axpy y += α·x, and the fused bias + activation
//! row ← act(row + bias) that follows every GEMM of the forward pass.
//! Twins of `scalar::{dot, axpy, bias_act}`.

use super::{fma, hsum, ld, st};
use crate::model::activation::Activation;
use core::arch::wasm32::*;

/// Σ a_i·b_i with two vector accumulators.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let mut acc0 = f32x4_splat(0.0);
    let mut acc1 = f32x4_splat(0.0);
    let mut p = 0;
    // SAFETY: p + 8 ≤ n ≤ len(a), len(b) in the loop and p < n in the tail, so every read is in bounds.
    unsafe {
        while p + 8 <= n {
            acc0 = fma(acc0, ld(pa.add(p)), ld(pb.add(p)));
            acc1 = fma(acc1, ld(pa.add(p + 4)), ld(pb.add(p + 4)));
            p += 8;
        }
        if p + 4 <= n {
            acc0 = fma(acc0, ld(pa.add(p)), ld(pb.add(p)));
            p += 4;
        }
    }
    let mut s = hsum(f32x4_add(acc0, acc1));
    while p < n {
        s += a[p] * b[p];
        p += 1;
    }
    s
}

/// y += alpha·x.
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    let n = x.len().min(y.len());
    let va = f32x4_splat(alpha);
    let (px, py) = (x.as_ptr(), y.as_mut_ptr());
    let mut p = 0;
    // SAFETY: p + 4 ≤ n ≤ len(x), len(y) in the loop and p < n in the tail: reads and writes stay in bounds.
    unsafe {
        while p + 4 <= n {
            st(py.add(p), fma(ld(py.add(p)), va, ld(px.add(p))));
            p += 4;
        }
    }
    while p < n {
        y[p] += alpha * x[p];
        p += 1;
    }
}

/// row ← act(row + bias); ReLU and identity are fully vectorised, tanh/sigmoid add the bias in
/// SIMD and call the scalar function per lane (they are not on the LeNet hot path).
pub fn bias_act(act: Activation, bias: &[f32], c: &mut [f32]) {
    let w = bias.len();
    let w4 = w & !3;
    let zero = f32x4_splat(0.0);
    for row in c.chunks_exact_mut(w) {
        let (pr, pbias) = (row.as_mut_ptr(), bias.as_ptr());
        let mut p = 0;
        // SAFETY: row and bias both have w elements (chunks_exact of width w) and p + 4 ≤ w4 ≤ w in the loop, p < w in the tail.
        unsafe {
            while p < w4 {
                let v = f32x4_add(ld(pr.add(p)), ld(pbias.add(p)));
                let v = match act {
                    Activation::Relu => f32x4_pmax(zero, v),
                    _ => v,
                };
                st(pr.add(p), v);
                p += 4;
            }
        }
        for q in w4..w {
            row[q] += bias[q];
            if act == Activation::Relu {
                row[q] = Activation::Relu.apply(row[q]);
            }
        }
        if !matches!(act, Activation::Relu | Activation::Identity) {
            for x in row.iter_mut() {
                *x = act.apply(*x);
            }
        }
    }
}
