//! `shrink prune`: trains (or loads) LeNet-300-100, prunes it by weight or by neuron on a
//! schedule, fine-tunes with the masks held, and prints accuracy, per-layer sparsity, the three
//! sizes and the measured dense vs sparse time. `--sweep`, `--pitfall`, `--sensitivity` and
//! `--structured` run the other experiments of issue 3 (Han et al. 2015 on LeNet-300-100).

use crate::args::Args;
use shrink::compress::prune::schedule::{self, ScheduleKind, ScheduleParams};
use shrink::compress::prune::structured::{self, NeuronCriterion, StructuredParams};
use shrink::compress::prune::{
    self, pitfall, sensitivity, timing, Criterion, Params, Scope, SparseMlp,
};
use shrink::compress::{speed, Compressed};
use shrink::data::Dataset;
use shrink::model::{Mlp, Workspace};
use shrink::train::{evaluate, TrainConfig};

fn e(x: impl std::fmt::Display) -> String {
    x.to_string()
}

fn prune_params(a: &Args) -> Result<Params, String> {
    let criterion = match a.str("method").unwrap_or("magnitude") {
        "magnitude" => Criterion::Magnitude,
        "gradient" => Criterion::Gradient,
        "taylor" => Criterion::Taylor,
        "random" => Criterion::Random,
        s => {
            return Err(format!(
                "--method: unknown '{s}' (magnitude, gradient, taylor, random)"
            ))
        }
    };
    let scope = match a.str("scope").unwrap_or("layer") {
        "layer" => Scope::Layer,
        "global" => Scope::Global,
        s => return Err(format!("--scope: unknown '{s}' (layer, global)")),
    };
    let d = Params::default();
    let p = Params {
        criterion,
        scope,
        // Han et al. 2015's LeNet-300-100 sparsities (layer-wise), or their total (global).
        sparsity: match scope {
            Scope::Layer => a.list("sparsity", &[0.92f32, 0.91, 0.74])?,
            Scope::Global => a.list("sparsity", &[0.918f32])?,
        },
        layers: a.list("layers", &[])?,
        grad_batches: a.get("grad-batches", d.grad_batches)?,
        hold_mask: !a.flag("no-mask-hold"),
        prune_biases: a.flag("prune-biases"),
        seed: a.get("seed", d.seed)?,
        ..d
    };
    p.check().map_err(e)?;
    Ok(p)
}

fn schedule_params(a: &Args) -> Result<ScheduleParams, String> {
    let d = ScheduleParams::default();
    let s = ScheduleParams {
        kind: match a.str("prune-schedule").unwrap_or("oneshot") {
            "oneshot" => ScheduleKind::OneShot,
            "iterative" => ScheduleKind::Iterative,
            "agp" => ScheduleKind::Agp,
            s => {
                return Err(format!(
                    "--prune-schedule: unknown '{s}' (oneshot, iterative, agp)"
                ))
            }
        },
        rounds: a.get("rounds", d.rounds)?,
        epochs: a.get("finetune-epochs", 3)?,
        lr: a.get("finetune-lr", d.lr)?,
        agp_interval: a.get("agp-interval", d.agp_interval)?,
        ..d
    };
    s.check().map_err(e)?;
    Ok(s)
}

/// A monotonic clock in ms (the bin is also compiled, never run, for wasm test builds).
fn clock() -> impl Fn() -> f64 {
    let t0 = std::time::Instant::now();
    move || t0.elapsed().as_secs_f64() * 1e3
}

fn pct(x: f32) -> String {
    format!("{:.2}%", 100.0 * x)
}

fn report(mlp: &Mlp, test: &Dataset, label: &str) -> Result<(), String> {
    let ev = evaluate(mlp, test, 0).map_err(e)?;
    println!(
        "{label}: test accuracy {} = error {} ({} errors of {})",
        pct(ev.accuracy),
        pct(1.0 - ev.accuracy),
        ev.errors(),
        ev.count
    );
    for l in prune::sparsity_report(mlp) {
        println!(
            "  layer {} [{}x{}]: {} of {} weights pruned = {}",
            l.layer + 1,
            mlp.layers[l.layer].n_out(),
            mlp.layers[l.layer].n_in(),
            l.pruned,
            l.weights,
            pct(l.sparsity)
        );
    }
    let total = prune::total_sparsity(mlp);
    println!(
        "  total: {} pruned, {:.1}x fewer weights",
        pct(total),
        1.0 / (1.0 - total).max(1e-9)
    );
    Ok(())
}

fn sizes_and_speed(mlp: &Mlp, test: &Dataset) -> Result<(), String> {
    let sp = SparseMlp::from_mlp(mlp).map_err(e)?;
    let s = sp.size();
    println!("sizes (bytes):");
    println!("  dense fp32          {:>9}", s.dense_fp32_bytes);
    println!(
        "  dense with zeros    {:>9}  (what PyTorch users see: zeros are still stored)",
        s.dense_with_zeros_bytes
    );
    println!(
        "  packed CSR          {:>9}  ({:.1}x smaller; fp32 values + u16 column index per weight + u32 row pointers + fp32 biases)",
        s.packed_bytes,
        s.ratio()
    );
    let rel: usize = sp
        .layers
        .iter()
        .map(|l| l.csr.relative_index_entries(5))
        .sum();
    let biases: usize = sp.layers.iter().map(|l| l.b.len()).sum();
    let dc = (rel * (32 + 5)).div_ceil(8) + 4 * biases;
    println!(
        "  Deep-Compression-style {dc:>6}  (fp32 value + 5-bit relative index, {} filler zeros)",
        rel - sp.nnz()
    );
    let clock = clock();
    let inputs = timing::real_inputs(test, 64).map_err(e)?;
    let t = timing::timings(mlp, None, Some(&inputs), &clock, 300.0).map_err(e)?;
    println!("measured time (native scalar kernels; the page measures wasm simd128):");
    for (i, b) in t.batch.iter().enumerate() {
        let (d1, s1, k1) = (
            t.layer1_dense_ms[i],
            t.layer1_sparse_ms[i],
            t.layer1_skip_ms[i],
        );
        let (dm, sm) = (t.model_dense_ms[i], t.model_sparse_ms[i]);
        println!(
            "  batch {b:>2}: layer 1 dense {d1:.4} ms, sparse {s1:.4} ms ({:.1}x), sparse skipping blank pixels {k1:.4} ms ({:.1}x); whole model dense {dm:.4} ms, sparse {sm:.4} ms ({:.1}x)",
            d1 / s1,
            d1 / k1,
            dm / sm
        );
    }
    Ok(())
}

pub fn run(a: &Args) -> Result<(), String> {
    let cfg = crate::train::config(a)?;
    let p = prune_params(a)?;
    let sched = schedule_params(a)?;
    let (train, test) = a.mnist()?;
    let dense = crate::files::start_model(a, &cfg, &train, &test)?;
    report(&dense, &test, "dense")?;
    let ft_cfg = TrainConfig {
        lr: sched.lr,
        ..cfg.clone()
    };
    if a.str("sweep").is_some() {
        let levels: Vec<f32> = a.list("sweep", &[])?;
        println!(
            "sweep ({levels:?}): {:?} {:?}, one-shot, {} fine-tune epochs each",
            p.criterion, p.scope, sched.epochs
        );
        for s in levels {
            let mut m = dense.clone();
            let q = Params {
                sparsity: vec![s],
                ..p.clone()
            };
            prune::apply(&mut m, &q, Some(&train)).map_err(e)?;
            let before = evaluate(&m, &test, 0).map_err(e)?.accuracy;
            let m = schedule::fine_tune(m, &ft_cfg, &train, sched.epochs).map_err(e)?;
            let after = evaluate(&m, &test, 0).map_err(e)?.accuracy;
            println!(
                "  sparsity {}: error {} after pruning, {} after fine-tuning (total sparsity {})",
                pct(s),
                pct(1.0 - before),
                pct(1.0 - after),
                pct(prune::total_sparsity(&m))
            );
        }
        return Ok(());
    }
    if a.flag("pitfall") {
        let steps = train.len().div_ceil(cfg.batch_size);
        let r = pitfall::compare(&dense, &p, &ft_cfg, &train, &test, steps, 0).map_err(e)?;
        println!(
            "pitfall: pruned to {} (accuracy {}), then {} steps (one epoch) of retraining:",
            pct(r.sparsity_pruned),
            pct(r.accuracy_pruned),
            r.steps
        );
        println!(
            "  mask held:     sparsity {} -> {}, accuracy {}",
            pct(r.sparsity_pruned),
            pct(r.held.sparsity_after),
            pct(r.held.accuracy_after)
        );
        println!(
            "  mask not held: sparsity {} -> {}, accuracy {}",
            pct(r.sparsity_pruned),
            pct(r.not_held.sparsity_after),
            pct(r.not_held.accuracy_after)
        );
        return Ok(());
    }
    if a.flag("sensitivity") {
        let curves = sensitivity::sensitivity(
            &dense,
            p.criterion,
            &sensitivity::LEVELS,
            Some(&train),
            &test,
            0,
        )
        .map_err(e)?;
        for c in curves {
            let pts: Vec<String> = c
                .points
                .iter()
                .map(|(s, acc)| format!("{:.0}%:{:.2}", 100.0 * s, 100.0 * acc))
                .collect();
            println!("  layer {}: {}", c.layer + 1, pts.join("  "));
        }
        return Ok(());
    }
    if a.str("structured").is_some() {
        let criterion = match a.str("neuron-criterion").unwrap_or("l1") {
            "l1" => NeuronCriterion::L1,
            "l2" => NeuronCriterion::L2,
            "gradient" => NeuronCriterion::Gradient,
            s => {
                return Err(format!(
                    "--neuron-criterion: unknown '{s}' (l1, l2, gradient)"
                ))
            }
        };
        let sp = StructuredParams {
            criterion,
            fraction: a.list("structured", &[0.5f32])?,
            ..Default::default()
        };
        let (small, _) = structured::apply(&dense, &sp, Some(&train)).map_err(e)?;
        println!(
            "structured: {:?} -> {:?} ({:?})",
            dense.sizes(),
            small.sizes(),
            criterion
        );
        report(&small, &test, "after removing neurons")?;
        let small = schedule::fine_tune(small, &ft_cfg, &train, sched.epochs).map_err(e)?;
        crate::files::save_if_asked(
            a,
            shrink::version::Model::Float(small.clone()),
            "neuron-pruned",
            "",
            cfg.seed,
        )?;
        report(
            &small,
            &test,
            &format!("after {} fine-tune epochs", sched.epochs),
        )?;
        println!(
            "sizes: dense fp32 {} bytes -> {} bytes",
            4 * dense.param_count(),
            4 * small.param_count()
        );
        let clock = clock();
        let x: Vec<f32> = (0..64 * 784)
            .map(|i| ((i * 7919) % 255) as f32 / 128.0 - 1.0)
            .collect();
        for b in [1usize, 64] {
            let mut ws = Workspace::default();
            let t0 = speed::mean_ms(&clock, 300.0, || {
                let _ = dense.forward(&x[..b * 784], b, &mut ws);
            });
            let t1 = speed::mean_ms(&clock, 300.0, || {
                let _ = small.forward(&x[..b * 784], b, &mut ws);
            });
            println!(
                "  batch {b:>2}: full {t0:.4} ms, smaller {t1:.4} ms ({:.2}x)",
                t0 / t1
            );
        }
        return Ok(());
    }
    let mut m = dense.clone();
    println!(
        "pruning: {:?} {:?} to {:?}, {:?} schedule, {} fine-tune epochs at lr {}",
        p.criterion, p.scope, p.sparsity, sched.kind, sched.epochs, sched.lr
    );
    let rounds = schedule::run(&mut m, &p, &sched, &cfg, &train, &test, 0).map_err(e)?;
    for r in &rounds {
        println!(
            "  round {}: target {}, accuracy after pruning {}, after retraining {}",
            r.round,
            pct(r.target),
            pct(r.pruned_accuracy),
            if r.retrained_accuracy.is_finite() {
                pct(r.retrained_accuracy)
            } else {
                "(training continues)".into()
            }
        );
    }
    report(&m, &test, "pruned and fine-tuned")?;
    crate::files::save_if_asked(
        a,
        shrink::version::Model::Float(m.clone()),
        "pruned",
        "",
        cfg.seed,
    )?;
    sizes_and_speed(&m, &test)?;
    Ok(())
}
