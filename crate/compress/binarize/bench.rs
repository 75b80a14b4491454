//! Measured speed of one binary layer against the f32 dense layer of the same shape.
//!
//! Dense: y = x·Wᵀ + b (f32 GEMM). Binary: pack sign(x) into bits, z = n − 2·popcount(a XOR w)
//! (XNOR-popcount GEMM), y = α·z + b. Both on the same batch; the clock is passed in (native
//! `Instant`, browser `performance.now()`), and nothing here asserts a speed.

use crate::compress::speed::try_mean_ms;
use crate::error::{check_range, Error, Result};
use crate::error::{Reason, Setting};
use crate::model::Activation;
use crate::rng::SeededRng;
use crate::tensor::kernels::{self, xnor};
use serde::Serialize;

/// Timings of one layer shape.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerSpeed {
    /// Batch rows.
    pub batch: usize,
    /// Inputs.
    pub n_in: usize,
    /// Outputs.
    pub n_out: usize,
    /// Mean ms of the f32 dense layer.
    pub dense_ms: f64,
    /// Mean ms of the XNOR-popcount layer (input packing included).
    pub xnor_ms: f64,
    /// dense_ms / xnor_ms.
    pub speedup: f64,
    /// Which kernel set ran ("simd128" or "scalar").
    pub kernels: &'static str,
}

/// Times both layers of shape `[n_out, n_in]` on `batch` random rows for at least `min_ms` each.
///
/// # Errors
/// `InvalidParam` for a zero or oversized shape, or a bad `min_ms`.
pub fn layer_speed(
    batch: usize,
    n_in: usize,
    n_out: usize,
    now_ms: &dyn Fn() -> f64,
    min_ms: f64,
) -> Result<LayerSpeed> {
    for (name, v) in [
        (Setting::Batch, batch),
        (Setting::NIn, n_in),
        (Setting::NOut, n_out),
    ] {
        if v == 0 || v > 4096 {
            return Err(Error::param(name, v, Reason::MustBeBetween1And4096));
        }
    }
    check_range(Setting::MinMsSnake, min_ms as f32, 0.0, 10_000.0)?;
    let mut rng = SeededRng::new(7, 0);
    let x: Vec<f32> = (0..batch * n_in).map(|_| rng.normal()).collect();
    let w: Vec<f32> = (0..n_out * n_in).map(|_| rng.normal()).collect();
    let b = vec![0.1f32; n_out];
    let alpha = vec![0.5f32; n_out];
    let mut y = vec![0.0f32; batch * n_out];
    let dense_ms = try_mean_ms(now_ms, min_ms, || {
        kernels::gemm_nt(batch, n_out, n_in, &x, &w, &mut y)?;
        kernels::bias_act(Activation::Identity, &b, &mut y)
    })?;
    let kw = xnor::words(n_in);
    let mut wbits = vec![0u64; n_out * kw];
    xnor::pack_signs(&w, n_out, n_in, &mut wbits)?;
    let mut xbits = vec![0u64; batch * kw];
    let mut z = vec![0i32; batch * n_out];
    let xnor_ms = try_mean_ms(now_ms, min_ms, || {
        xnor::pack_signs(&x, batch, n_in, &mut xbits)?;
        xnor::xnor_gemm_nt(batch, n_out, n_in, &xbits, &wbits, &mut z)?;
        for (yr, zr) in y.chunks_exact_mut(n_out).zip(z.chunks_exact(n_out)) {
            for j in 0..n_out {
                yr[j] = alpha[j] * zr[j] as f32 + b[j];
            }
        }
        Ok(())
    })?;
    Ok(LayerSpeed {
        batch,
        n_in,
        n_out,
        dense_ms,
        xnor_ms,
        speedup: dense_ms / xnor_ms.max(1e-12),
        kernels: kernels::ACTIVE,
    })
}
