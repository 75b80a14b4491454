//! `shrink bench`: native timings of the GEMM kernels and of LeNet-300-100 training steps.
//! The browser numbers come from `cargo xtask bench` (www/bench.html); these are the native twin.
//! It makes no model (it times kernels and steps on synthetic digits), so `--save` and `--load`
//! are refused in words rather than ignored.

use crate::args::Args;
use shrink::compress::speed;
use shrink::data::Dataset;
use shrink::tensor::kernels;
use shrink::train::{TrainConfig, Trainer};

/// Mean seconds per call of `f`, over at least `min_secs` (the core's `speed::mean_ms`). The
/// clock is local because the bin is also compiled (never run) for the wasm test builds, where
/// `speed::native_clock` does not exist.
fn time(min_secs: f64, f: impl FnMut()) -> f64 {
    let t0 = std::time::Instant::now();
    let clock = move || t0.elapsed().as_secs_f64() * 1e3;
    speed::mean_ms(&clock, min_secs * 1e3, f) / 1e3
}

pub fn run(a: &Args) -> Result<(), String> {
    for flag in ["save", "load"] {
        if a.str(flag).is_some() {
            return Err(format!(
                "bench takes no --{flag}: it times the kernels and training steps on synthetic digits and makes no model (save or load with train, prune, quantize, deep-compress, low-rank, distill, binarize, recipe or eval)"
            ));
        }
    }
    let secs: f64 = a.get("seconds", 0.5)?;
    println!("native kernels ({}), single thread", kernels::ACTIVE);
    println!("{:<34} {:>10} {:>10}", "kernel", "ms", "GFLOP/s");
    let (m, n, k) = (64, 300, 784);
    let x: Vec<f32> = (0..m * k).map(|i| (i % 7) as f32 * 0.1).collect();
    let w: Vec<f32> = (0..n * k).map(|i| (i % 5) as f32 * 0.01).collect();
    let d: Vec<f32> = (0..m * n).map(|i| (i % 3) as f32 * 0.1).collect();
    let mut c = vec![0.0; m * n];
    let mut gw = vec![0.0; n * k];
    let mut gx = vec![0.0; m * k];
    let flops = 2.0 * (m * n * k) as f64;
    let rows = [
        (
            "gemm_nt 64x300x784 (x·Wᵀ)",
            time(secs, || {
                kernels::gemm_nt(m, n, k, &x, &w, &mut c).unwrap_or(())
            }),
        ),
        (
            "gemm_tn 300x784x64 (δᵀ·x)",
            time(secs, || {
                kernels::gemm_tn(n, k, m, &d, &x, &mut gw).unwrap_or(())
            }),
        ),
        (
            "gemm_nn 64x784x300 (δ·W)",
            time(secs, || {
                kernels::gemm_nn(m, k, n, &d, &w, &mut gx).unwrap_or(())
            }),
        ),
    ];
    for (name, t) in rows {
        println!("{:<34} {:>10.3} {:>10.2}", name, t * 1e3, flops / t / 1e9);
    }
    // Training throughput on synthetic data of MNIST's shape (no files needed).
    let data = Dataset::synthetic(6400);
    let cfg = TrainConfig {
        epochs: 1000,
        ..Default::default()
    };
    let mut t = Trainer::new(cfg, data.len()).map_err(|e| e.to_string())?;
    let per_step = time(secs.max(1.0), || {
        let _ = t.step(&data);
    });
    println!(
        "LeNet-300-100 train step, batch 64: {:.3} ms = {:.0} samples/s",
        per_step * 1e3,
        64.0 / per_step
    );
    crate::binarize::print_layer_speed(64, 1024, 1024, secs * 1e3)
}
