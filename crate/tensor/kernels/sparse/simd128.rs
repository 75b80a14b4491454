//! wasm simd128 CSR kernel (4 × f32 lanes), twin of `scalar.rs`, its test oracle.
//!
//! Batch 1: four stored weights at a time, their four inputs gathered into one v128.
//! Batch > 1: each stored weight is a vector axpy over the (feature-major) batch.
//! Callers have checked every length and index; the loads below stay inside the slices.

use core::arch::wasm32::*;

/// Same contract as `scalar::csr_mm_t`.
pub fn csr_mm_t(
    n_rows: usize,
    batch: usize,
    row_ptr: &[u32],
    col: &[u16],
    val: &[f32],
    xt: &[f32],
    yt: &mut [f32],
) {
    if batch == 1 {
        // One vectorisable pass over the indices lets the gather below skip per-element bounds
        // checks; a bad index (impossible through `Csr`, which validates) takes the safe twin.
        if col
            .iter()
            .copied()
            .max()
            .is_some_and(|c| c as usize >= xt.len())
        {
            return super::scalar::csr_mm_t(n_rows, batch, row_ptr, col, val, xt, yt);
        }
        let px = xt.as_ptr();
        for r in 0..n_rows {
            let (s, e) = (row_ptr[r] as usize, row_ptr[r + 1] as usize);
            let (cs, vs) = (&col[s..e], &val[s..e]);
            let (pc, pv) = (cs.as_ptr(), vs.as_ptr());
            let n = cs.len();
            let mut acc0 = f32x4_splat(0.0);
            let mut acc1 = f32x4_splat(0.0);
            let mut i = 0;
            // SAFETY: i + 8 <= n = cs.len() = vs.len(), and every index is < xt.len() (checked).
            unsafe {
                let g = |k: usize| *px.add(*pc.add(k) as usize);
                while i + 8 <= n {
                    let x0 = f32x4(g(i), g(i + 1), g(i + 2), g(i + 3));
                    let x1 = f32x4(g(i + 4), g(i + 5), g(i + 6), g(i + 7));
                    acc0 = f32x4_add(acc0, f32x4_mul(v128_load(pv.add(i) as *const v128), x0));
                    acc1 = f32x4_add(acc1, f32x4_mul(v128_load(pv.add(i + 4) as *const v128), x1));
                    i += 8;
                }
                if i + 4 <= n {
                    let x0 = f32x4(g(i), g(i + 1), g(i + 2), g(i + 3));
                    acc0 = f32x4_add(acc0, f32x4_mul(v128_load(pv.add(i) as *const v128), x0));
                    i += 4;
                }
            }
            let acc = f32x4_add(acc0, acc1);
            let mut sum = (f32x4_extract_lane::<0>(acc) + f32x4_extract_lane::<2>(acc))
                + (f32x4_extract_lane::<1>(acc) + f32x4_extract_lane::<3>(acc));
            while i < n {
                sum += vs[i] * xt[cs[i] as usize];
                i += 1;
            }
            yt[r] = sum;
        }
        return;
    }
    let b4 = batch & !3;
    for r in 0..n_rows {
        let y = &mut yt[r * batch..(r + 1) * batch];
        y.fill(0.0);
        for p in row_ptr[r] as usize..row_ptr[r + 1] as usize {
            let c = col[p] as usize;
            let x = &xt[c * batch..(c + 1) * batch];
            let v = val[p];
            let vv = f32x4_splat(v);
            let (px, py) = (x.as_ptr(), y.as_mut_ptr());
            let mut j = 0;
            // SAFETY: j + 4 <= b4 <= batch = x.len() = y.len().
            unsafe {
                while j < b4 {
                    let acc = v128_load(py.add(j) as *const v128);
                    let xv = v128_load(px.add(j) as *const v128);
                    v128_store(py.add(j) as *mut v128, f32x4_add(acc, f32x4_mul(vv, xv)));
                    j += 4;
                }
            }
            while j < batch {
                y[j] += v * x[j];
                j += 1;
            }
        }
    }
}
