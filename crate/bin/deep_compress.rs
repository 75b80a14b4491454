//! `shrink deep-compress`: Deep Compression (Han et al. 2016) on LeNet-300-100 — train, prune
//! with the mask held while retraining, share weights by k-means with centroid fine-tuning,
//! Huffman-code — printing each stage's test accuracy, sparsity, the three sizes and the ratio.

use crate::args::Args;
use crate::train::config;
use shrink::compress::quantize::deep::{self, DeepParams};

pub fn run(a: &Args) -> Result<(), String> {
    let cfg = config(a)?;
    let d = DeepParams::default();
    let p = DeepParams {
        sparsity: a.list("sparsity", &d.sparsity)?,
        retrain_steps: a.get("retrain-steps", d.retrain_steps)?,
        retrain_lr: a.get("retrain-lr", d.retrain_lr)?,
        prune_rounds: a.get("prune-rounds", d.prune_rounds)?,
        weight_decay: a.get("retrain-weight-decay", d.weight_decay)?,
        bits: a.get("bits", d.bits)?,
        finetune_steps: a.get("finetune-steps", d.finetune_steps)?,
        centroid_lr: a.get("centroid-lr", d.centroid_lr)?,
        index_bits: a.get("index-bits", d.index_bits)?,
        seed: cfg.seed,
    };
    p.check().map_err(|e| e.to_string())?;
    let (train, test) = a.mnist()?;
    println!(
        "training the float model (seed {}, {} epochs)",
        cfg.seed, cfg.epochs
    );
    let seed = cfg.seed;
    let mlp = crate::files::start_model(a, &cfg, &train, &test)?;
    println!(
        "\nDeep Compression: sparsity {:?} in {} rounds, retrain {} steps at lr {} (weight decay {}), {}-bit shared weights, {} fine-tune steps, {}-bit relative index",
        p.sparsity, p.prune_rounds, p.retrain_steps, p.retrain_lr, p.weight_decay, p.bits, p.finetune_steps, p.index_bits
    );
    println!(
        "{:<8} {:>9} {:>9} {:>10} {:>10} {:>10} {:>8}",
        "stage", "test acc", "error", "fp32 B", "dense B", "packed B", "ratio"
    );
    let out = deep::run(&mlp, &train, &test, &p, &mut |s| {
        println!(
            "{:<8} {:>8.2}% {:>8.2}% {:>10} {:>10} {:>10} {:>7.1}x   (sparsity {:.1}%)",
            s.name,
            100.0 * s.accuracy,
            100.0 * (1.0 - s.accuracy),
            s.size.dense_fp32_bytes,
            s.size.dense_with_zeros_bytes,
            s.size.packed_bytes,
            s.ratio,
            100.0 * s.sparsity
        );
    })
    .map_err(|e| e.to_string())?;
    crate::files::save_if_asked(
        a,
        shrink::version::Model::Quantized(out),
        "deep compression",
        "",
        seed,
    )
}
