//! C = A·Bᵀ (the forward x·Wᵀ) when B is not packed yet: a real batch packs B into 8-wide panels
//! once (`panels.rs`) and runs the panel kernel; a few rows use 4×4 register tiles of dot-product
//! accumulators (16 v128) over rows of A and B, which needs no packing but ends in horizontal sums.
//! Twin of `scalar::gemm_nt`.

use super::{dot, fma, gemm_packed, hsum, ld};
use crate::tensor::kernels::{check_gemm, PackedBt};
use core::arch::wasm32::*;

thread_local! {
    /// Scratch panels for `gemm_nt` callers that hold no packed Wᵀ of their own: grows once,
    /// then reused, so those paths stay allocation-free too.
    static PACKED: std::cell::RefCell<PackedBt> =
        std::cell::RefCell::new(PackedBt::default());
}

/// Below this many rows of A, packing B costs more than it saves.
const PACK_MIN_ROWS: usize = 8;

/// C = A·Bᵀ. For a real batch, B is packed into 8-wide panels (n·k copies) and the panel
/// kernel runs on them; the model's forward pass keeps its own packed Wᵀ and skips this.
pub fn gemm_nt(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    if check_gemm("gemm_nt", m, n, k, a, b, c).is_err() {
        return;
    }
    if m >= PACK_MIN_ROWS {
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
    gemm_nt_dots(m, n, k, a, b, c);
}

/// C = A·Bᵀ with 4×4 tiles of dot products (small m, where a transpose does not pay).
pub fn gemm_nt_dots(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    if check_gemm("gemm_nt", m, n, k, a, b, c).is_err() {
        return;
    }
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let k4 = k & !3;
    let mut j = 0;
    while j + 4 <= n {
        let mut i = 0;
        while i + 4 <= m {
            let mut acc = [[f32x4_splat(0.0); 4]; 4];
            let mut p = 0;
            // SAFETY: the caller checked a.len() ≥ m·k and b.len() ≥ k·n (see the length guard above); i + 4 ≤ m, j + 4 ≤ n and p < k4 ≤ k keep every read inside them.
            unsafe {
                while p < k4 {
                    let av = [
                        ld(pa.add(i * k + p)),
                        ld(pa.add((i + 1) * k + p)),
                        ld(pa.add((i + 2) * k + p)),
                        ld(pa.add((i + 3) * k + p)),
                    ];
                    let bv = [
                        ld(pb.add(j * k + p)),
                        ld(pb.add((j + 1) * k + p)),
                        ld(pb.add((j + 2) * k + p)),
                        ld(pb.add((j + 3) * k + p)),
                    ];
                    for r in 0..4 {
                        for s in 0..4 {
                            acc[r][s] = fma(acc[r][s], av[r], bv[s]);
                        }
                    }
                    p += 4;
                }
            }
            for r in 0..4 {
                for s in 0..4 {
                    let mut v = hsum(acc[r][s]);
                    for q in k4..k {
                        v += a[(i + r) * k + q] * b[(j + s) * k + q];
                    }
                    c[(i + r) * n + j + s] = v;
                }
            }
            i += 4;
        }
        for ii in i..m {
            for s in 0..4 {
                c[ii * n + j + s] = dot(&a[ii * k..(ii + 1) * k], &b[(j + s) * k..(j + s + 1) * k]);
            }
        }
        j += 4;
    }
    for jj in j..n {
        for i in 0..m {
            c[i * n + jj] = dot(&a[i * k..(i + 1) * k], &b[jj * k..(jj + 1) * k]);
        }
    }
}
