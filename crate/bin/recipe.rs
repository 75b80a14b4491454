//! `shrink recipe "train:300,100,e10;prune:magnitude,0.9,ft2;quantize:int8"`: runs a recipe (or
//! several, separated by `|`, sharing their common prefixes) and prints one row per step: test
//! accuracy and errors, the three honest sizes (Han et al. 2016's accounting), the ratio against
//! the chain's dense model, measured batch-1/64 time and the kernel. `--seeds 1,2,3` runs every
//! chain once per seed (the train step's `s`) and prints the mean and spread of the final errors.

use crate::args::Args;
use shrink::version::{run_recipe, Outcome, Recipe, Step, Store, TrainStep, Version};

fn header() {
    println!(
        "{:>3} {:<44} {:>8} {:>6} {:>10} {:>10} {:>9} {:>7} {:>8} {:>8}  kernel",
        "id", "step", "acc", "errors", "fp32 B", "zeros B", "packed B", "ratio", "b1 ms", "b64 ms"
    );
}

fn row(v: &Version, outcome: Outcome) {
    let f = &v.figures;
    let mut name: String = v.name.chars().take(44).collect();
    if outcome == Outcome::Reused {
        name = format!("{} (kept)", name.chars().take(37).collect::<String>());
    }
    println!(
        "{:>3} {:<44} {:>7.2}% {:>6} {:>10} {:>10} {:>9} {:>6.1}x {:>8.3} {:>8.3}  {}",
        v.id,
        name,
        100.0 * f.accuracy,
        f.errors,
        f.size.dense_fp32_bytes,
        f.size.dense_with_zeros_bytes,
        f.size.packed_bytes,
        f.ratio,
        f.ms_batch1,
        f.ms_batch64,
        f.kernel.label()
    );
}

/// The recipe with its train step's seed set to `seed`.
fn with_seed(r: &Recipe, seed: u64) -> Recipe {
    let steps = r
        .steps
        .iter()
        .map(|s| match s {
            Step::Train(t) => Step::Train(TrainStep {
                seed: Some(seed),
                ..t.clone()
            }),
            other => other.clone(),
        })
        .collect();
    Recipe { steps }
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len().max(1) as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, var.sqrt())
}

pub fn run(a: &Args, positional: Option<&str>) -> Result<(), String> {
    let text = positional
        .or_else(|| a.str("recipe"))
        .ok_or("give a recipe, e.g. shrink recipe \"train:300,100,e10;prune:magnitude,0.9,ft2;quantize:int8\"")?;
    let chains = text
        .split('|')
        .map(|c| Recipe::parse(c.trim()).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let seeds: Vec<u64> = match a.str("seeds") {
        Some(_) => a.list("seeds", &[1u64])?,
        None => Vec::new(),
    };
    let (train, test) = a.mnist()?;
    // A local Instant clock: speed::native_clock is cfg'd out of the wasm test builds of this bin.
    let t0 = std::time::Instant::now();
    let clock = move || t0.elapsed().as_secs_f64() * 1e3;
    let mut store = Store::new();
    // (chain, seed, final error %, final ratio, ratio against its own dense fp32) for the seed
    // summary: after a distill step the chain's root is the teacher, so the two differ.
    let mut finals: Vec<(usize, u64, f64, f64, f64)> = Vec::new();
    for (c, chain) in chains.iter().enumerate() {
        let runs: Vec<Recipe> = if seeds.is_empty() {
            vec![chain.clone()]
        } else {
            seeds.iter().map(|&s| with_seed(chain, s)).collect()
        };
        for r in runs {
            println!("\nrecipe {r}  (seed {})", r.seed());
            header();
            let ids = run_recipe(&mut store, &r, &train, &test, &clock, &mut |v, o| row(v, o))
                .map_err(|e| e.to_string())?;
            if let Some(last) = ids.last().and_then(|&id| store.get(id).ok()) {
                let f = &last.figures;
                finals.push((
                    c,
                    r.seed(),
                    100.0 * (1.0 - f64::from(f.accuracy)),
                    f64::from(f.ratio),
                    f.size.dense_fp32_bytes as f64 / f.size.packed_bytes.max(1) as f64,
                ));
            }
        }
    }
    if seeds.len() > 1 {
        println!("\nover seeds {seeds:?} (last step of each chain):");
        for (c, chain) in chains.iter().enumerate() {
            let errs: Vec<f64> = finals.iter().filter(|f| f.0 == c).map(|f| f.2).collect();
            let ratios: Vec<f64> = finals.iter().filter(|f| f.0 == c).map(|f| f.3).collect();
            let (m, sd) = mean_sd(&errs);
            let (rm, _) = mean_sd(&ratios);
            let own: Vec<f64> = finals.iter().filter(|f| f.0 == c).map(|f| f.4).collect();
            let own_lo = own.iter().copied().fold(f64::INFINITY, f64::min);
            let lo = errs.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = errs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            println!(
                "  {chain}\n    error {m:.3}% ± {sd:.3} (sd), min {lo:.2}%, max {hi:.2}%, per seed {:?}; ratio {rm:.1}x against the chain's first model, {:?} (lowest {own_lo:.1}x) against the last model's own dense fp32",
                errs.iter().map(|e| format!("{e:.2}")).collect::<Vec<_>>(),
                own.iter().map(|r| format!("{r:.1}x")).collect::<Vec<_>>()
            );
        }
    }
    Ok(())
}
