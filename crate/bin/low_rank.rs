//! `shrink low-rank`: trains LeNet-300-100 (or `--hidden`), factors its first layer at each rank
//! of `--rank`, fine-tunes each for `--finetune-epochs`, and prints parameters, accuracy before
//! and after, and the native time of the factored against the dense first layer.

use crate::args::Args;
use crate::train::config;
use shrink::compress::low_rank::finetune::{fine_tuner, FinetuneScope};
use shrink::compress::low_rank::{LayerRank, LowRank, LowRankParams, Svd};
use shrink::compress::speed::mean_ms;
use shrink::compress::Compressed;
use shrink::model::{Dense, Mlp};
use shrink::train::cross_entropy;
use shrink::train::{evaluate, TrainConfig};

/// Mean ms of one first-layer forward pass (dense or factored) on a batch of `batch` rows.
fn layer_ms(layers: &[Dense], batch: usize) -> Result<f64, String> {
    let n_in = layers.first().map_or(0, Dense::n_in);
    let x: Vec<f32> = (0..batch * n_in)
        .map(|i| ((i * 7) % 13) as f32 * 0.1)
        .collect();
    let mut bufs: Vec<Vec<f32>> = layers
        .iter()
        .map(|l| vec![0.0; batch * l.n_out()])
        .collect();
    let mut err = None;
    // Instant rather than speed::native_clock, which is cfg'd out of wasm builds of this bin.
    let t0 = std::time::Instant::now();
    let clock = move || t0.elapsed().as_secs_f64() * 1e3;
    let ms = mean_ms(&clock, 200.0, || {
        for i in 0..layers.len() {
            let (before, rest) = bufs.split_at_mut(i);
            let input = if i == 0 { &x[..] } else { &before[i - 1][..] };
            if let Err(e) = layers[i].forward(input, batch, &mut rest[0]) {
                err = Some(e.to_string());
            }
        }
    });
    err.map_or(Ok(ms), Err)
}

pub fn run(a: &Args) -> Result<(), String> {
    let ranks: Vec<usize> = a.list("rank", &[8, 16, 32, 64, 128])?;
    let ft_epochs: usize = a.get("finetune-epochs", 1)?;
    let ft_lr: f32 = a.get("finetune-lr", 0.01)?;
    let batch: usize = a.get("time-batch", 64)?;
    let scope = match a.str("scope") {
        None | Some("all") => FinetuneScope::All,
        Some("factored") => FinetuneScope::Factored,
        Some(s) => return Err(format!("--scope: unknown '{s}' (all, factored)")),
    };
    let cfg = config(a)?;
    let (train, test) = a.mnist()?;
    println!(
        "training the dense model 784-{:?}-10 for {} epochs",
        cfg.hidden, cfg.epochs
    );
    let base: Mlp = crate::files::start_model(a, &cfg, &train, &test)?;
    let mut last = None;
    let base_acc = evaluate(&base, &test, 0)
        .map_err(|e| e.to_string())?
        .accuracy;
    let first = base.layers.first().ok_or("the model has no layers")?;
    let svd = Svd::new(&first.w).map_err(|e| e.to_string())?;
    let dense_ms = layer_ms(std::slice::from_ref(first), batch)?;
    println!(
        "\ndense: {} params, first layer {} params, test accuracy {:.2}%, first layer {:.3} ms/batch of {batch}",
        base.param_count(),
        first.param_count(),
        100.0 * base_acc,
        dense_ms
    );
    println!("fine-tuning: {ft_epochs} epoch(s), lr {ft_lr} cosine, scope {scope:?}\n");
    println!(
        "{:>5} {:>9} {:>6} {:>9} {:>7} {:>8} {:>9} {:>9} {:>9} {:>8}",
        "rank",
        "L1 params",
        "L1 ×",
        "total",
        "energy",
        "‖ΔW‖/‖W‖",
        "acc pre",
        "acc post",
        "L1 ms",
        "speedup"
    );
    let w_norm = svd.tail_norm(0).max(f32::MIN_POSITIVE);
    for &k in &ranks {
        let params = LowRankParams {
            layers: vec![LayerRank::Rank(k)],
        };
        let svds = vec![Some(svd.clone())];
        let lr = LowRank::from_svds(&base, &svds, &params).map_err(|e| e.to_string())?;
        let before = lr.evaluate(&test, 0).map_err(|e| e.to_string())?.accuracy;
        let ft_cfg = TrainConfig {
            lr: ft_lr,
            epochs: ft_epochs.max(1),
            ..cfg.clone()
        };
        let mut tuned = lr.clone();
        if ft_epochs > 0 {
            let mut t = fine_tuner(&lr, ft_cfg, scope, train.len()).map_err(|e| e.to_string())?;
            let mut ce = cross_entropy(10);
            while !t.done() {
                t.run_epoch_with(&train, &mut ce)
                    .map_err(|e| e.to_string())?;
            }
            tuned.mlp = t.mlp;
        }
        let after = tuned
            .evaluate(&test, 0)
            .map_err(|e| e.to_string())?
            .accuracy;
        let l1_params = lr.mlp.layers[0].param_count() + lr.mlp.layers[1].param_count();
        let ms = layer_ms(&lr.mlp.layers[..2], batch)?;
        println!(
            "{:>5} {:>9} {:>5.1}× {:>9} {:>6.1}% {:>8.3} {:>8.2}% {:>8.2}% {:>9.3} {:>7.2}×",
            k,
            l1_params,
            first.param_count() as f32 / l1_params as f32,
            lr.mlp.param_count(),
            100.0 * svd.energy_kept(k),
            svd.tail_norm(k) / w_norm,
            100.0 * before,
            100.0 * after,
            ms,
            dense_ms / ms
        );
        last = Some(tuned.mlp.clone());
    }
    match last {
        Some(m) => crate::files::save_if_asked(
            a,
            shrink::version::Model::Float(m),
            "low-rank (last rank)",
            "",
            cfg.seed,
        ),
        None => Ok(()),
    }
}
