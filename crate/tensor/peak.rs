//! A peak-throughput probe: the best f32 multiply + add rate one core reaches here, so the
//! bench can print the GEMM kernels' GFLOP/s next to a measured ceiling.
//!
//! 6 independent multiply chains (x ← x·a) and 6 independent add chains (y ← y + b): enough
//! independent work to cover the latency of both units, no memory traffic, 12 flops per lane
//! per step. simd128 has 4 lanes and no fused multiply-add; the scalar twin has 1 lane.

/// Flops per iteration of [`probe_scalar`] (`simd = false`) or `probe_simd128`.
pub fn peak_flops_per_iter(simd: bool) -> f64 {
    if simd {
        12.0 * 4.0
    } else {
        12.0
    }
}

/// Runs `iters` steps of the 12 chains; returns a value the optimiser cannot discard.
pub fn probe_scalar(iters: u32) -> f32 {
    let (a, b) = (
        std::hint::black_box(0.999_999_f32),
        std::hint::black_box(1e-7_f32),
    );
    let mut x = [1.0f32, 1.1, 1.2, 1.3, 1.4, 1.5];
    let mut y = [0.0f32, 0.1, 0.2, 0.3, 0.4, 0.5];
    for _ in 0..iters {
        for i in 0..6 {
            x[i] *= a;
            y[i] += b;
        }
    }
    x.iter().chain(&y).sum()
}

/// The simd128 twin of [`probe_scalar`], with the chains in named locals so they stay in
/// registers (12 of the 16 a wasm engine has on x86-64).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub fn probe_simd128(iters: u32) -> f32 {
    use core::arch::wasm32::*;
    let a = f32x4_splat(std::hint::black_box(0.999_999));
    let b = f32x4_splat(std::hint::black_box(1e-7));
    let s = f32x4_splat;
    let (mut x0, mut x1, mut x2, mut x3, mut x4, mut x5) =
        (s(1.0), s(1.1), s(1.2), s(1.3), s(1.4), s(1.5));
    let (mut y0, mut y1, mut y2, mut y3, mut y4, mut y5) =
        (s(0.0), s(0.1), s(0.2), s(0.3), s(0.4), s(0.5));
    for _ in 0..iters {
        x0 = f32x4_mul(x0, a);
        y0 = f32x4_add(y0, b);
        x1 = f32x4_mul(x1, a);
        y1 = f32x4_add(y1, b);
        x2 = f32x4_mul(x2, a);
        y2 = f32x4_add(y2, b);
        x3 = f32x4_mul(x3, a);
        y3 = f32x4_add(y3, b);
        x4 = f32x4_mul(x4, a);
        y4 = f32x4_add(y4, b);
        x5 = f32x4_mul(x5, a);
        y5 = f32x4_add(y5, b);
    }
    let sx = f32x4_add(
        f32x4_add(f32x4_add(x0, x1), f32x4_add(x2, x3)),
        f32x4_add(x4, x5),
    );
    let sy = f32x4_add(
        f32x4_add(f32x4_add(y0, y1), f32x4_add(y2, y3)),
        f32x4_add(y4, y5),
    );
    f32x4_extract_lane::<0>(f32x4_add(sx, sy)) * 4.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_computes_what_it_claims() {
        let s = probe_scalar(1000);
        let x: f32 = [1.0f32, 1.1, 1.2, 1.3, 1.4, 1.5]
            .iter()
            .map(|v| v * 0.999_999f32.powi(1000))
            .sum();
        let y: f32 = 1.5 + 6.0 * 1000.0 * 1e-7;
        assert!((s - (x + y)).abs() < 1e-3, "{s} vs {}", x + y);
    }
}
