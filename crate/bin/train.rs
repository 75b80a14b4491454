//! `shrink train`: trains an MLP on MNIST and prints per-epoch loss, accuracy and samples/s.

use crate::args::Args;
use shrink::model::Activation;
use shrink::train::{evaluate, OptimizerKind, Schedule, TrainConfig, Trainer};
use std::time::Instant;

/// Builds a `TrainConfig` from the common training flags.
pub fn config(a: &Args) -> Result<TrainConfig, String> {
    let d = TrainConfig::default();
    let activation = match a.str("activation") {
        None => d.activation,
        Some(s) => Activation::from_name(s)
            .ok_or_else(|| format!("--activation: unknown '{s}' (relu, tanh, sigmoid)"))?,
    };
    let optimizer = match a.str("optimizer") {
        None | Some("sgd") => OptimizerKind::Sgd,
        Some("adam") => OptimizerKind::Adam,
        Some(s) => return Err(format!("--optimizer: unknown '{s}' (sgd, adam)")),
    };
    let default_lr = if optimizer == OptimizerKind::Adam {
        0.001
    } else {
        d.lr
    };
    let cfg = TrainConfig {
        hidden: a.list("hidden", &d.hidden)?,
        activation,
        optimizer,
        lr: a.get("lr", default_lr)?,
        momentum: a.get("momentum", d.momentum)?,
        weight_decay: a.get("weight-decay", d.weight_decay)?,
        batch_size: a.get("batch", d.batch_size)?,
        epochs: a.get("epochs", d.epochs)?,
        seed: a.get("seed", d.seed)?,
        schedule: match a.str("schedule") {
            None | Some("cosine") => Schedule::Cosine,
            Some("constant") => Schedule::Constant,
            Some(s) => return Err(format!("--schedule: unknown '{s}' (cosine, constant)")),
        },
    };
    cfg.check().map_err(|e| e.to_string())?;
    Ok(cfg)
}

/// Trains for `cfg.epochs`, printing one line per epoch; returns the trainer.
pub fn train_verbose(
    cfg: TrainConfig,
    train: &shrink::data::Dataset,
    test: &shrink::data::Dataset,
) -> Result<Trainer, String> {
    let mut t = Trainer::new(cfg, train.len()).map_err(|e| e.to_string())?;
    println!("epoch   loss   train_acc  test_acc  samples/s");
    while !t.done() {
        let start = Instant::now();
        let p = t.run_epoch(train).map_err(|e| e.to_string())?;
        let secs = start.elapsed().as_secs_f64();
        let ev = evaluate(&t.mlp, test, 0).map_err(|e| e.to_string())?;
        println!(
            "{:>5}  {:.4}  {:>8.2}%  {:>7.2}%  {:>9.0}",
            p.epoch,
            p.loss,
            100.0 * p.train_accuracy,
            100.0 * ev.accuracy,
            p.samples as f64 / secs
        );
    }
    Ok(t)
}

pub fn run(a: &Args) -> Result<(), String> {
    let cfg = config(a)?;
    let (train, test) = a.mnist()?;
    println!(
        "training 784-{}-10 ({:?}, {:?}, lr {}, batch {}, seed {}) on {} images",
        cfg.hidden
            .iter()
            .map(|h| h.to_string())
            .collect::<Vec<_>>()
            .join("-"),
        cfg.activation,
        cfg.optimizer,
        cfg.lr,
        cfg.batch_size,
        cfg.seed,
        train.len()
    );
    let seed = cfg.seed;
    let recipe = format!(
        "train:{},e{}",
        cfg.hidden
            .iter()
            .map(|h| h.to_string())
            .collect::<Vec<_>>()
            .join(","),
        cfg.epochs
    );
    let t = if let Some(path) = a.str("load") {
        let mlp = crate::files::start_model(a, &cfg, &train, &test)?;
        let mut cfg = cfg.clone();
        cfg.hidden = mlp.sizes()[1..mlp.sizes().len() - 1].to_vec();
        let mut t = shrink::train::Trainer::new(cfg, train.len()).map_err(|e| e.to_string())?;
        if t.mlp.sizes() != mlp.sizes() {
            return Err(format!(
                "--load {path}: widths {:?} cannot be trained here",
                mlp.sizes()
            ));
        }
        t.mlp = mlp;
        println!("continuing training from {path}");
        while !t.done() {
            t.run_epoch(&train).map_err(|e| e.to_string())?;
        }
        t
    } else {
        train_verbose(cfg, &train, &test)?
    };
    let ev = evaluate(&t.mlp, &test, 0).map_err(|e| e.to_string())?;
    println!(
        "final test accuracy {:.2}% ({} errors of {})",
        100.0 * ev.accuracy,
        ev.errors(),
        ev.count
    );
    crate::files::save_if_asked(
        a,
        shrink::version::Model::Float(t.mlp.clone()),
        "trained",
        &recipe,
        seed,
    )
}
