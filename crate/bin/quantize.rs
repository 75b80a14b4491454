//! `shrink quantize`: trains LeNet-300-100 (or takes the training flags), then reproduces the
//! quantization table of issue 4 — int8 PTQ weights+activations, 4- and 2-bit QAT, fp8/fp16/bf16
//! PTQ, k-means sharing — printing test accuracy, its loss in points, bits, the three sizes and
//! the kernel each model runs on; then times int8 against f32 inference at batch 64.

use crate::args::Args;
use crate::train::config;
use shrink::compress::quantize::{
    self, qat::QatTrainer, FloatFormat, Granularity, Params, QuantizedMlp, Scheme, Symmetry,
};
use shrink::compress::Compressed;
use shrink::data::Dataset;
use shrink::model::Mlp;

fn row(name: &str, base: f32, q: &QuantizedMlp, bits: &str, test: &Dataset) -> Result<(), String> {
    let ev = q.evaluate(test, 0).map_err(|e| e.to_string())?;
    let s = q.size();
    println!(
        "{name:<34} {bits:>5} {:>7.2}% {:>+7.2} {:>10} {:>10} {:>10} {:>6.1}x  {}",
        100.0 * ev.accuracy,
        100.0 * (ev.accuracy - base),
        s.dense_fp32_bytes,
        s.dense_with_zeros_bytes,
        s.packed_bytes,
        s.ratio(),
        q.kernel()
    );
    Ok(())
}

fn qat(mlp: &Mlp, p: &Params, train: &Dataset) -> Result<Mlp, String> {
    let mut t = QatTrainer::new(mlp.clone(), p, train.len()).map_err(|e| e.to_string())?;
    while !t.done() {
        t.run(train, 500).map_err(|e| e.to_string())?;
    }
    Ok(t.shadow)
}

pub fn run(a: &Args) -> Result<(), String> {
    let cfg = config(a)?;
    let (train, test) = a.mnist()?;
    let qat_steps: usize = a.get("qat-steps", 938)?;
    let qat_lr: f32 = a.get("qat-lr", 0.01)?;
    println!(
        "training the float model (seed {}, {} epochs)",
        cfg.seed, cfg.epochs
    );
    let seed = cfg.seed;
    let mlp = crate::files::start_model(a, &cfg, &train, &test)?;
    let base = mlp.evaluate(&test, 0).map_err(|e| e.to_string())?.accuracy;
    println!(
        "\n{:<34} {:>5} {:>8} {:>7} {:>10} {:>10} {:>10} {:>7}  kernel",
        "scheme", "bits", "test acc", "Δ pp", "fp32 B", "dense B", "packed B", "ratio"
    );
    println!(
        "{:<34} {:>5} {:>7.2}% {:>7} {:>10} {:>10} {:>10} {:>6.1}x  f32",
        "float32",
        32,
        100.0 * base,
        "",
        mlp.size().dense_fp32_bytes,
        mlp.size().dense_with_zeros_bytes,
        mlp.size().packed_bytes,
        1.0
    );
    let ptq = |p: Params| quantize::apply(&mlp, &p, Some(&train)).map_err(|e| e.to_string());
    let int8_wa = Params {
        activations: true,
        ..Default::default()
    };
    let q8 = ptq(int8_wa.clone())?;
    row(
        "int8 PTQ W+A (per-channel, minmax)",
        base,
        &q8,
        "8/8",
        &test,
    )?;
    row(
        "int8 PTQ W+A (per-tensor)",
        base,
        &ptq(Params {
            granularity: Granularity::PerTensor,
            ..int8_wa.clone()
        })?,
        "8/8",
        &test,
    )?;
    row(
        "int8 PTQ W+A (affine, p99.99)",
        base,
        &ptq(Params {
            symmetry: Symmetry::Affine,
            calibration: quantize::Calibration::Percentile,
            ..int8_wa.clone()
        })?,
        "8/8",
        &test,
    )?;
    for bits in [4u32, 2] {
        let p = Params {
            bits,
            ..Default::default()
        };
        row(
            &format!("int{bits} PTQ weights"),
            base,
            &ptq(p.clone())?,
            &bits.to_string(),
            &test,
        )?;
        for sym in [Symmetry::Symmetric, Symmetry::Affine] {
            let pq = Params {
                symmetry: sym,
                training: quantize::Training::Qat,
                qat_steps,
                qat_lr,
                ..p.clone()
            };
            let shadow = qat(&mlp, &pq, &train)?;
            let q = quantize::apply(&shadow, &pq, None).map_err(|e| e.to_string())?;
            row(
                &format!("int{bits} QAT weights ({sym:?}, {qat_steps} st)"),
                base,
                &q,
                &bits.to_string(),
                &test,
            )?;
        }
    }
    for f in [
        FloatFormat::E4m3,
        FloatFormat::E5m2,
        FloatFormat::Fp16,
        FloatFormat::Bf16,
    ] {
        let p = Params {
            scheme: Scheme::Float,
            format: f,
            ..Default::default()
        };
        row(
            &format!("{f:?} PTQ weights"),
            base,
            &ptq(p)?,
            &f.bits().to_string(),
            &test,
        )?;
    }
    for bits in [6u32, 4, 2] {
        let p = Params {
            scheme: Scheme::KMeans,
            bits,
            ..Default::default()
        };
        row(
            &format!("k-means {bits}-bit PTQ weights"),
            base,
            &ptq(p)?,
            &bits.to_string(),
            &test,
        )?;
    }

    // Speed: the same batch of 64 through the f32 net and through the int8 net.
    // std's Instant (speed::native_clock is not compiled when the bin is built for wasm tests).
    let t0 = std::time::Instant::now();
    let clock = move || t0.elapsed().as_secs_f64() * 1e3;
    let s =
        quantize::view::measure(&mlp, &q8, &test, 64, &clock, 1000.0).map_err(|e| e.to_string())?;
    println!(
        "\nnative LeNet-300-100 forward, batch 64: f32 {:.3} ms, int8 {:.3} ms, int8 speed-up {:.2}x",
        s.f32_ms, s.quantized_ms, s.speedup
    );
    crate::files::save_if_asked(
        a,
        shrink::version::Model::Quantized(q8),
        "int8",
        "quantize:int8",
        seed,
    )
}
