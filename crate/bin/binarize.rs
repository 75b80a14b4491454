//! `shrink binarize`: trains a binary network (BinaryConnect or BNN) on MNIST, prints per-epoch
//! accuracy of the float simulation, then packs it to bits and checks that the packed network's
//! predictions equal the simulation's on the whole test set, with the honest sizes.
//! `shrink binarize --bench` times the XNOR-popcount layer against the f32 dense layer instead.

use crate::args::Args;
use crate::train::config as train_config;
use shrink::compress::binarize::{bench, BinaryTrainer, Method, PackedNet, Params};
use shrink::compress::Compressed;
use std::time::Instant;

fn params(a: &Args) -> Result<Params, String> {
    let d = Params::default();
    let method = match a.str("method") {
        None | Some("binaryconnect") => Method::BinaryConnect,
        Some("bnn") => Method::Bnn,
        Some(s) => return Err(format!("--method: unknown '{s}' (binaryconnect, bnn)")),
    };
    // The common training flags, with this method's defaults (Adam, lr 0.003, batch 100).
    let mut train = train_config(a)?;
    train.optimizer = match a.str("optimizer") {
        None => d.train.optimizer,
        Some(_) => train.optimizer,
    };
    train.lr = a.get("lr", d.train.lr)?;
    train.batch_size = a.get("batch", d.train.batch_size)?;
    train.hidden = a.list("hidden", &d.train.hidden)?;
    train.epochs = a.get("epochs", d.train.epochs)?;
    let p = Params {
        method,
        scaling: a.get("scaling", d.scaling)?,
        binary_first: a.get("binary-first", d.binary_first)?,
        binary_last: a.get("binary-last", d.binary_last)?,
        batch_norm: a.get("batch-norm", d.batch_norm)?,
        train,
    };
    p.check().map_err(|e| e.to_string())?;
    Ok(p)
}

/// One line for `shrink bench`: the XNOR-popcount layer against the f32 dense layer.
pub fn print_layer_speed(batch: usize, n_in: usize, n_out: usize, ms: f64) -> Result<(), String> {
    let t0 = Instant::now();
    let clock = move || t0.elapsed().as_secs_f64() * 1e3;
    let s = bench::layer_speed(batch, n_in, n_out, &clock, ms).map_err(|e| e.to_string())?;
    println!(
        "XNOR-popcount layer {batch}x{n_out}x{n_in}: {:.3} ms vs f32 dense {:.3} ms = {:.1}x faster",
        s.xnor_ms, s.dense_ms, s.speedup
    );
    Ok(())
}

fn run_bench(a: &Args) -> Result<(), String> {
    let ms: f64 = a.get("ms", 300.0)?;
    // A local Instant clock (speed::native_clock is not compiled for wasm32, where the
    // test runner also builds this binary).
    let t0 = Instant::now();
    let clock = move || t0.elapsed().as_secs_f64() * 1e3;
    println!("binary layer vs f32 dense layer, native, single thread");
    println!(
        "{:>5} {:>6} {:>6} {:>10} {:>10} {:>8}  kernels",
        "batch", "n_in", "n_out", "f32 ms", "xnor ms", "speedup"
    );
    for (batch, n_in, n_out) in [
        (64, 1024, 1024),
        (1, 1024, 1024),
        (64, 4096, 4096),
        (64, 784, 1024),
    ] {
        let s = bench::layer_speed(batch, n_in, n_out, &clock, ms).map_err(|e| e.to_string())?;
        println!(
            "{:>5} {:>6} {:>6} {:>10.4} {:>10.4} {:>7.1}x  {}",
            s.batch, s.n_in, s.n_out, s.dense_ms, s.xnor_ms, s.speedup, s.kernels
        );
    }
    Ok(())
}

pub fn run(a: &Args) -> Result<(), String> {
    if a.flag("bench") {
        return run_bench(a);
    }
    let p = params(a)?;
    let seed = p.train.seed;
    let (train, test) = a.mnist()?;
    println!(
        "binarize {:?}: 784-{}-10, scaling {}, binary first {}, binary last {}, batch norm {}, {:?} lr {} batch {} epochs {} seed {}",
        p.method,
        p.train.hidden.iter().map(|h| h.to_string()).collect::<Vec<_>>().join("-"),
        p.scaling,
        p.binary_first,
        p.binary_last,
        p.batch_norm,
        p.train.optimizer,
        p.train.lr,
        p.train.batch_size,
        p.train.epochs,
        p.train.seed
    );
    let mut t = BinaryTrainer::new(p, train.len()).map_err(|e| e.to_string())?;
    println!("epoch   loss   train_acc  test_acc(sim)  seconds");
    while !t.done() {
        let start = Instant::now();
        let (mut loss, mut correct, mut seen) = (0.0f64, 0.0f64, 0usize);
        let mut epoch;
        loop {
            let pr = t.run(&train, 200).map_err(|e| e.to_string())?;
            loss += pr.loss as f64 * pr.samples as f64;
            correct += pr.train_accuracy as f64 * pr.samples as f64;
            seen += pr.samples;
            epoch = pr.epoch;
            if pr.epoch_ended {
                break;
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let ev = t.net.evaluate(&test, 0).map_err(|e| e.to_string())?;
        let n = seen.max(1) as f64;
        println!(
            "{:>5}  {:.4}  {:>8.2}%  {:>12.2}%  {:>7.1}",
            epoch,
            loss / n,
            100.0 * correct / n,
            100.0 * ev.accuracy,
            secs
        );
    }
    let sim = t.net.evaluate(&test, 0).map_err(|e| e.to_string())?;
    let packed = PackedNet::from_net(&t.net).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let pk = packed.evaluate(&test, 0).map_err(|e| e.to_string())?;
    let pk_secs = start.elapsed().as_secs_f64();
    println!(
        "float simulation: test accuracy {:.2}% ({} errors of {})",
        100.0 * sim.accuracy,
        sim.errors(),
        sim.count
    );
    println!(
        "bit-packed:       test accuracy {:.2}% ({} errors), confusion identical to the simulation: {} ({:.2} s for 10k images)",
        100.0 * pk.accuracy,
        pk.errors(),
        pk.confusion == sim.confusion,
        pk_secs
    );
    println!("layer   shape        weights fp32 -> packed      per-neuron  binary inputs");
    for (l, s) in packed.layer_sizes().iter().enumerate() {
        println!(
            "{:>5}  {:>4}x{:<5}  {:>10} B -> {:>9} B ({:>4.1}x)  {:>8} B  {}",
            l,
            s.n_out,
            s.n_in,
            s.weights_fp32_bytes,
            s.weights_packed_bytes,
            s.weights_fp32_bytes as f64 / s.weights_packed_bytes.max(1) as f64,
            s.per_neuron_bytes,
            if s.binary_inputs {
                "yes (XNOR-popcount)"
            } else {
                "no (f32 GEMM)"
            }
        );
    }
    let size = packed.size();
    println!(
        "model: dense fp32 {} B, packed {} B ({:.1}x smaller)",
        size.dense_fp32_bytes,
        size.packed_bytes,
        size.ratio()
    );
    crate::files::save_if_asked(
        a,
        shrink::version::Model::Binary(packed),
        "binary",
        "",
        seed,
    )
}
