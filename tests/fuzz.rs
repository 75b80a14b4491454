//! Fuzzing on stable Rust (issue 13): mutation-based and grammar-based input generators from a
//! seeded SplitMix64 (tests/fuzz_targets/) over every parser that takes untrusted input:
//!
//! - `idx`: `Dataset::from_idx` (IDX images + labels, plain or gzip), fed mutated valid files;
//! - `params`: every compression method's `Params` deserialiser (serde) fed arbitrary JSON, then
//!   `check()`, then `apply` on a tiny model when the settings are valid and cheap;
//! - `model_file`: `io::load` (Shrink's model files), fed mutated saved models;
//! - `onnx`: `io::onnx::import`, fed mutated exported models; `pytorch`: `io::pytorch::import`;
//! - `recipe`: `version::Recipe::parse`, fed mutated and spliced recipe text;
//! - `snapshot`: `io::snapshot::read` (the page's crash-recovery snapshot), fed mutated
//!   snapshots, half of them sealed again behind a valid checksum.
//!
//! Every target must return `Ok` or `Err`, never panic (a panic kills the wasm instance). A panic
//! is a crash: its input is written to `tests/fuzz/regressions/<target>/` and the run fails.
//! Feedback without coverage instrumentation: an input whose *outcome* (ok, or which error, with
//! numbers blanked) is new joins the pool of inputs to mutate, and a long run keeps it in
//! `tests/fuzz/corpus/<target>/`. `cargo xtask test` replays the corpus and the regressions and
//! runs a fixed number of seeded executions (`fuzz_smoke`); `cargo xtask fuzz --minutes N` runs
//! each target for N minutes of its own thread's CPU time (`fuzz_for_a_while`, ignored by
//! default), so targets sharing two cores each still get their full N minutes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fuzz_targets;

use fuzz_targets::{fixtures, Rng, Target, TARGETS};
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fuzz")
}

/// FNV-1a of an input: the name of the file that keeps it.
fn fnv(input: &[u8]) -> u64 {
    input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// Seeds plus every file kept in corpus/<target>/ and regressions/<target>/.
fn corpus(t: &Target) -> Vec<Vec<u8>> {
    let mut all = (t.seeds)();
    for sub in ["corpus", "regressions"] {
        if let Ok(entries) = std::fs::read_dir(fuzz_dir().join(sub).join(t.name)) {
            let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            files.sort();
            all.extend(files.iter().filter_map(|p| std::fs::read(p).ok()));
        }
    }
    all
}

/// Runs one input: its outcome, or on a panic the path where the input was kept.
fn execute(t: &Target, input: &[u8]) -> Result<String, PathBuf> {
    if let Ok(outcome) = catch_unwind(AssertUnwindSafe(|| (t.run)(input))) {
        return Ok(outcome);
    }
    let dir = fuzz_dir().join("regressions").join(t.name);
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("crash-{:016x}.bin", fnv(input)));
    let _ = std::fs::write(&path, input);
    Err(path)
}

/// Most inputs one run adds to a target's kept corpus, and the largest kept.
const KEEP_AT_MOST: usize = 48;
const KEEP_BYTES: usize = 16 * 1024;

/// What a campaign did.
struct Campaign {
    executions: u64,
    crashes: Vec<PathBuf>,
    /// Distinct outcomes, of the kept inputs and the generated ones together.
    outcomes: usize,
    /// Distinct outcomes of the generated inputs alone.
    generated: usize,
    kept: usize,
}

/// Generates and runs inputs until `stop` says so. An input with a new outcome joins the pool;
/// with `keep`, it is also written to tests/fuzz/corpus/<target>/.
fn campaign(t: &Target, seed: u64, keep: bool, stop: &mut dyn FnMut(u64) -> bool) -> Campaign {
    let mut pool = corpus(t);
    let mut seen: HashSet<String> = pool.iter().filter_map(|i| execute(t, i).ok()).collect();
    let mut rng = Rng(seed);
    let mut c = Campaign {
        executions: 0,
        crashes: Vec::new(),
        outcomes: 0,
        generated: 0,
        kept: 0,
    };
    let mut generated = HashSet::new();
    while !stop(c.executions) {
        let input = (t.generate)(&mut rng, &pool);
        let result = execute(t, &input);
        if let Ok(outcome) = &result {
            if !generated.contains(outcome) {
                generated.insert(outcome.clone());
            }
        }
        match result {
            Ok(outcome) if input.len() <= KEEP_BYTES && !seen.contains(&outcome) => {
                seen.insert(outcome);
                if keep && c.kept < KEEP_AT_MOST {
                    let dir = fuzz_dir().join("corpus").join(t.name);
                    let _ = std::fs::create_dir_all(&dir);
                    let file = dir.join(format!("new-{:016x}.bin", fnv(&input)));
                    c.kept += usize::from(std::fs::write(file, &input).is_ok());
                }
                pool.push(input);
            }
            Ok(_) => {}
            Err(path) => c.crashes.push(path),
        }
        c.executions += 1;
    }
    c.outcomes = seen.len();
    c.generated = generated.len();
    c
}

/// CPU seconds this thread has run (Linux schedstat); None elsewhere, where the caller falls
/// back to wall-clock time.
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// Quiet panics: a crash is reported once, with its file, not with a backtrace per input.
fn quiet() {
    std::panic::set_hook(Box::new(|_| {}));
}

/// Every kept input (seeds, corpus, past crashes) runs without a panic.
#[test]
fn fuzz_corpus_and_regressions_replay() {
    for t in TARGETS {
        for input in corpus(t) {
            let r = catch_unwind(AssertUnwindSafe(|| (t.run)(&input)));
            assert!(
                r.is_ok(),
                "{}: a kept input panics again ({} bytes)",
                t.name,
                input.len()
            );
        }
    }
}

/// A fixed number of seeded executions per target: the same inputs every run, part of
/// `cargo xtask test`. The generated inputs must reach several outcomes (a generator stuck on one
/// rejection tests one check only).
#[test]
fn fuzz_smoke() {
    for t in TARGETS {
        let c = campaign(t, 13, false, &mut |n| n >= 1500);
        assert_eq!(c.executions, 1500);
        assert!(
            c.crashes.is_empty(),
            "{}: crashes kept in {:?}",
            t.name,
            c.crashes
        );
        assert!(
            c.generated >= 3,
            "{}: 1500 generated inputs reached only {} outcome(s)",
            t.name,
            c.generated
        );
    }
}

/// `cargo xtask fuzz --minutes N`: each target on its own thread until that thread has used N
/// minutes of CPU (seed from the clock, printed); executions, outcomes and kept inputs printed
/// per target; fails on any crash.
#[test]
#[ignore = "long; run through `cargo xtask fuzz --minutes N`"]
fn fuzz_for_a_while() {
    quiet();
    let secs: f64 = std::env::var("SHRINK_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60.0);
    let only = std::env::var("SHRINK_FUZZ_TARGETS").unwrap_or_default();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    println!("fuzzing {secs} CPU seconds per target, seed {seed}");
    let _ = (fixtures::tiny_data(), fixtures::tiny_model());
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = TARGETS
            .iter()
            .filter(|t| only.is_empty() || only.split(',').any(|o| o == t.name))
            .map(|t| {
                s.spawn(move || {
                    let wall = Instant::now();
                    let cpu0 = thread_cpu_seconds();
                    let cpu = move || match (cpu0, thread_cpu_seconds()) {
                        (Some(a), Some(b)) => b - a,
                        _ => wall.elapsed().as_secs_f64(),
                    };
                    let c = campaign(t, seed ^ t.name.len() as u64, true, &mut |n| {
                        n % 16 == 0 && cpu() >= secs
                    });
                    (t.name, c, cpu(), wall.elapsed().as_secs_f64())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut total_crashes = 0;
    for (name, c, cpu, wall) in &results {
        println!(
            "FUZZ {name:<10} {:>10} executions in {cpu:>6.0} CPU s ({wall:>6.0} s wall, {:>7.0}/CPU s), \
             {} outcomes, {} inputs kept, {} crashes",
            c.executions,
            c.executions as f64 / cpu,
            c.outcomes,
            c.kept,
            c.crashes.len()
        );
        for p in &c.crashes {
            println!("    kept {}", p.display());
        }
        total_crashes += c.crashes.len();
    }
    assert_eq!(
        total_crashes, 0,
        "crashing inputs were kept in tests/fuzz/regressions/"
    );
}
