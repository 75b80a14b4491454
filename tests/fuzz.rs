//! Fuzzing on stable Rust (issue 13): mutation-based and grammar-based input generators from a
//! seeded SplitMix64, with no coverage feedback, over every parser that takes untrusted input:
//!
//! - `idx`: `Dataset::from_idx` (IDX images + labels, plain or gzip), fed mutated valid files;
//! - `params`: every compression method's `Params` deserialiser (serde) fed arbitrary JSON
//!   (random trees over the real field names and enum values, and mutated JSON text), then
//!   `check()`, then `apply` on a tiny model when the settings are valid and cheap;
//! - `model_file`: `io::load` (Shrink's model files), fed mutated saved models;
//! - `onnx`: `io::onnx::import`, fed mutated exported models; `pytorch`: `io::pytorch::import`;
//! - `recipe`: `version::Recipe::parse`, fed mutated and spliced recipe text.
//!
//! Every target must return `Ok` or `Err`, never panic (a panic kills the wasm instance). A panic
//! is a crash: its input is written to `tests/fuzz/regressions/<target>/` and the run fails.
//! `cargo xtask test` replays `tests/fuzz/corpus/` and `tests/fuzz/regressions/` and runs a fixed
//! number of seeded executions (`fuzz_smoke`); `cargo xtask fuzz --minutes N` runs each target
//! for N minutes (`fuzz_for_a_while`, ignored by default) and prints executions per target.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use shrink::compress::{binarize, distill, low_rank, prune, quantize};
use shrink::data::mnist::{encode_idx_images, encode_idx_labels};
use shrink::data::Dataset;
use shrink::model::Mlp;
use shrink::train::{TrainConfig, Trainer};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

// ---------- random source ----------

/// SplitMix64: tiny, seedable, good enough to drive mutations.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// Byte-level mutations: flips, interesting values (counts, magics), inserts, deletes,
/// duplications and truncation, 1–4 of them per input.
fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = v.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                v[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                v[i] = [0, 1, 0x7f, 0x80, 0xff, 9, 10, 28][rng.below(8)];
            }
            2 if len >= 4 => {
                // A 32-bit big-endian field (IDX counts, sizes, magics) set to an edge value.
                let i = rng.below(len.min(24) - 3);
                let x: u32 = [
                    0,
                    1,
                    27,
                    28,
                    29,
                    60_000,
                    0x0000_0803,
                    0x0000_0801,
                    u32::MAX,
                    1 << 31,
                ][rng.below(10)];
                v[i..i + 4].copy_from_slice(&x.to_be_bytes());
            }
            3 => {
                let i = rng.below(len + 1);
                let n = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                v.splice(i..i, bytes);
            }
            4 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                v.drain(a..b);
            }
            5 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                let chunk = v[a..b].to_vec();
                let at = rng.below(v.len() + 1);
                v.splice(at..at, chunk);
            }
            6 => v.truncate(rng.below(len + 1)),
            7 if !other.is_empty() => {
                let a = rng.below(other.len());
                let b = (a + 1 + rng.below(256)).min(other.len());
                let at = rng.below(len + 1);
                v.splice(at..at, other[a..b].iter().copied());
            }
            _ => {}
        }
    }
    v
}

// ---------- shared fixtures ----------

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn tiny_data() -> &'static (Dataset, Dataset) {
    static D: OnceLock<(Dataset, Dataset)> = OnceLock::new();
    D.get_or_init(|| (Dataset::synthetic(48), Dataset::synthetic(20)))
}

fn tiny_model() -> &'static Mlp {
    static M: OnceLock<Mlp> = OnceLock::new();
    M.get_or_init(|| {
        let (train, _) = tiny_data();
        let cfg = TrainConfig {
            hidden: vec![12, 8],
            batch_size: 16,
            epochs: 1,
            ..Default::default()
        };
        let mut t = Trainer::new(cfg, train.len()).unwrap();
        t.run_epoch(train).unwrap();
        t.mlp
    })
}

// ---------- target: IDX / gzip ----------

/// Input: [split point (4 bytes, little-endian)] images ++ labels. Seeds are valid pairs.
fn idx_seeds() -> Vec<Vec<u8>> {
    let pair = |n: usize, rows: usize, cols: usize, gz: bool| {
        let pixels: Vec<u8> = (0..n * rows * cols).map(|i| (i * 37 % 256) as u8).collect();
        let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
        let (mut im, mut lb) = (
            encode_idx_images(n, rows, cols, &pixels),
            encode_idx_labels(&labels),
        );
        if gz {
            im = gzip(&im);
            lb = gzip(&lb);
        }
        let mut v = (im.len() as u32).to_le_bytes().to_vec();
        v.extend(im);
        v.extend(lb);
        v
    };
    vec![
        pair(3, 28, 28, false),
        pair(2, 28, 28, true),
        pair(0, 28, 28, false),
        pair(4, 2, 3, false),
        pair(1, 28, 28, true),
    ]
}

fn idx_target(input: &[u8]) {
    if input.len() < 4 {
        let _ = Dataset::from_idx(input, input);
        return;
    }
    let split = u32::from_le_bytes([input[0], input[1], input[2], input[3]]) as usize;
    let body = &input[4..];
    let (images, labels) = body.split_at(split.min(body.len()));
    if let Ok(d) = Dataset::from_idx(images, labels) {
        // A dataset that parsed must be usable: every example and label within bounds.
        assert_eq!(d.images.len(), d.len() * d.dim());
        assert!(d.labels.iter().all(|&l| l < 10));
        let mut x = vec![0.0; d.dim()];
        for i in 0..d.len().min(4) {
            d.write_image(i, &mut x);
        }
        let _ = d.label_counts();
    }
}

// ---------- target: Params from arbitrary JSON ----------

const KEYS: &[&str] = &[
    "actBits",
    "activation",
    "activations",
    "agpEvents",
    "agpInitial",
    "agpInterval",
    "alpha",
    "batchNorm",
    "batchSize",
    "binaryFirst",
    "binaryLast",
    "bits",
    "calibBatches",
    "calibration",
    "centroidLr",
    "criterion",
    "distill",
    "epochs",
    "evalLimit",
    "finetuneSteps",
    "format",
    "fraction",
    "fromBase",
    "gradBatches",
    "granularity",
    "hidden",
    "holdMask",
    "huffman",
    "indexBits",
    "kind",
    "kmeansIters",
    "layer",
    "layers",
    "level",
    "lr",
    "method",
    "momentum",
    "neurons",
    "optimizer",
    "percentile",
    "pruneBiases",
    "pruneRounds",
    "qatLr",
    "qatSteps",
    "rank",
    "energy",
    "retrainLr",
    "retrainSteps",
    "rounds",
    "saturate",
    "scaling",
    "schedule",
    "scheme",
    "scope",
    "seed",
    "sparsity",
    "studentHidden",
    "symmetry",
    "teacher",
    "teacherEpochs",
    "teacherHidden",
    "temperature",
    "train",
    "training",
    "weightDecay",
    "weights",
];
const WORDS: &[&str] = &[
    "relu",
    "tanh",
    "sigmoid",
    "sgd",
    "adam",
    "int",
    "float",
    "kMeans",
    "e4m3",
    "e5m2",
    "fp16",
    "bf16",
    "symmetric",
    "affine",
    "perChannel",
    "perTensor",
    "ptq",
    "qat",
    "weights",
    "neurons",
    "magnitude",
    "gradient",
    "taylor",
    "random",
    "layer",
    "global",
    "l1",
    "l2",
    "binaryConnect",
    "bnn",
    "cosine",
    "constant",
    "step",
    "current",
    "trained",
    "full",
    "minMax",
    "percentile",
    "all",
    "factored",
    "",
    "x",
];

fn random_number(rng: &mut Rng) -> Value {
    let choices = [
        0.0, 1.0, -1.0, 0.5, 0.999, 1e-9, 2.0, 3.0, 8.0, 9.0, 10.0, 64.0, 784.0, 4096.0, 1e6, 1e38,
        -5.0, 1e300,
    ];
    let x = choices[rng.below(choices.len())];
    if rng.chance(3) {
        Value::from(rng.below(100) as u64)
    } else if rng.chance(4) {
        Value::from(u64::MAX - rng.below(3) as u64)
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 3 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(2)),
        2 | 3 => random_number(rng),
        4 => Value::String(WORDS[rng.below(WORDS.len())].to_string()),
        5 => Value::Array(
            (0..rng.below(5))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => random_object(rng, depth + 1),
    }
}

fn random_object(rng: &mut Rng, depth: usize) -> Value {
    let mut m = Map::new();
    for _ in 0..rng.below(6) {
        let key = if rng.chance(8) {
            "unknownKey"
        } else {
            KEYS[rng.below(KEYS.len())]
        };
        m.insert(key.to_string(), random_value(rng, depth));
    }
    Value::Object(m)
}

/// Deserialises `text` as `T`; a successful parse must also survive `check`.
fn parse<T: DeserializeOwned>(text: &[u8]) -> Option<T> {
    serde_json::from_slice::<T>(text).ok()
}

fn small(widths: &[usize]) -> bool {
    widths.len() <= 3 && widths.iter().all(|&w| w <= 32)
}

/// One JSON document through every Params type; valid and cheap settings are applied to a
/// tiny model (input byte 0 picks the type, so each execution does one apply at most).
fn params_target(input: &[u8]) {
    let Some((&which, text)) = input.split_first() else {
        return;
    };
    let (train, test) = tiny_data();
    let mlp = tiny_model();
    match which % 11 {
        0 => {
            if let Some(c) = parse::<TrainConfig>(text) {
                if c.check().is_ok() && small(&c.hidden) && c.batch_size <= 64 {
                    let mut t = Trainer::new(c, train.len()).unwrap();
                    let _ = t.run(train, 2);
                }
            }
        }
        1 => {
            if let Some(p) = parse::<quantize::Params>(text) {
                if p.check().is_ok() && p.calib_batches <= 4 && p.kmeans_iters <= 20 {
                    let _ = quantize::apply(mlp, &p, Some(train));
                }
            }
        }
        2 => {
            if let Some(p) = parse::<quantize::deep::DeepParams>(text) {
                let _ = p.check();
            }
        }
        3 => {
            if let Some(p) = parse::<prune::Params>(text) {
                if p.check().is_ok() && p.grad_batches <= 4 {
                    let mut m = mlp.clone();
                    let _ = prune::apply(&mut m, &p, Some(train));
                }
            }
        }
        4 => {
            if let Some(p) = parse::<prune::lab::LabParams>(text) {
                if p.weights.grad_batches <= 4 {
                    let mut m = mlp.clone();
                    let _ = prune::lab::Lab::new().apply(&mut m, &p, train, test);
                }
            }
        }
        5 => {
            if let Some(p) = parse::<prune::structured::StructuredParams>(text) {
                if p.check().is_ok() {
                    let _ = prune::structured::apply(mlp, &p, Some(train));
                }
            }
        }
        6 => {
            if let Some(p) = parse::<prune::schedule::ScheduleParams>(text) {
                let _ = p.check();
            }
        }
        7 => {
            if let Some(p) = parse::<low_rank::LowRankParams>(text) {
                if p.check().is_ok() {
                    let _ = low_rank::LowRank::apply(mlp, &p);
                }
            }
        }
        8 => {
            if let Some(p) = parse::<distill::experiment::ExperimentParams>(text) {
                if p.check().is_ok() && small(&p.student_hidden) && small(&p.teacher_hidden) {
                    if let Ok(mut e) =
                        distill::experiment::Experiment::new(p, Some(mlp), train.len())
                    {
                        let _ = e.step(train, test, 3);
                    }
                }
            }
        }
        9 => {
            if let Some(p) = parse::<distill::DistillParams>(text) {
                let _ = p.check();
            }
        }
        _ => {
            if let Some(p) = parse::<binarize::Params>(text) {
                if p.check().is_ok() && small(&p.train.hidden) && p.train.batch_size <= 64 {
                    if let Ok(mut t) = binarize::BinaryTrainer::new(p, train.len()) {
                        let _ = t.run(train, 2);
                    }
                }
            }
        }
    }
}

fn params_seeds() -> Vec<Vec<u8>> {
    let docs = [
        r#"{"hidden":[16],"lr":0.1,"epochs":1,"batchSize":8,"seed":3}"#,
        r#"{"scheme":"int","bits":4,"symmetry":"affine","granularity":"perTensor","activations":true}"#,
        r#"{"sparsity":[0.9,0.8,0.5],"bits":5,"retrainSteps":10,"finetuneSteps":10}"#,
        r#"{"criterion":"taylor","scope":"global","sparsity":[0.7],"holdMask":true,"gradBatches":2}"#,
        r#"{"level":"neurons","weights":{"sparsity":[0.5]},"neurons":{"criterion":"l1","fraction":[0.5]},"fromBase":true,"evalLimit":10}"#,
        r#"{"criterion":"l2","fraction":[0.5,0.25]}"#,
        r#"{"rounds":3,"schedule":"agp"}"#,
        r#"{"layers":[{"rank":4},"full",{"energy":0.9}]}"#,
        r#"{"studentHidden":[4],"epochs":1,"distill":{"temperature":4,"alpha":0.7}}"#,
        r#"{"temperature":2,"alpha":0.5}"#,
        r#"{"method":"bnn","scaling":true,"train":{"hidden":[16],"batchSize":8,"epochs":1}}"#,
    ];
    docs.iter()
        .enumerate()
        .map(|(i, d)| [&[i as u8][..], d.as_bytes()].concat())
        .collect()
}

/// A params input: a random JSON tree, or a textual mutation of a seed.
fn params_generate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let which = rng.below(11) as u8;
    if rng.chance(2) {
        let doc = random_object(rng, 0);
        [&[which][..], doc.to_string().as_bytes()].concat()
    } else {
        let seed = &seeds[rng.below(seeds.len())];
        let other = &seeds[rng.below(seeds.len())];
        let mut v = mutate(rng, seed, other);
        if let Some(b) = v.first_mut() {
            *b = which;
        }
        v
    }
}

// ---------- targets: model files, ONNX, PyTorch, recipes ----------

fn saved_models() -> Vec<Vec<u8>> {
    use shrink::io::{save, FileInfo};
    use shrink::version::Model;
    let mlp = tiny_model().clone();
    let mut out = vec![save(&Model::Float(mlp.clone()), &FileInfo::default()).unwrap()];
    let mut pruned = mlp.clone();
    quantize::deep::magnitude_prune(&mut pruned, &[0.8]);
    out.push(save(&Model::Float(pruned), &FileInfo::default()).unwrap());
    let q = quantize::apply(
        &mlp,
        &quantize::Params {
            bits: 4,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    out.push(save(&Model::Quantized(q), &FileInfo::default()).unwrap());
    out
}

fn model_file_seeds() -> Vec<Vec<u8>> {
    saved_models()
}

fn model_file_target(input: &[u8]) {
    if let Ok(f) = shrink::io::load(input) {
        // A file that loads must also run: one forward pass on one digit.
        let x = vec![0.0f32; 784];
        if let shrink::version::Model::Float(m) = &f.model {
            let _ = m.forward(&x, 1, &mut shrink::model::Workspace::default());
        }
    }
}

fn onnx_seeds() -> Vec<Vec<u8>> {
    let mlp = tiny_model().clone();
    vec![shrink::io::onnx::export(&shrink::version::Model::Float(mlp), "tiny").unwrap()]
}

fn onnx_target(input: &[u8]) {
    if let Ok((m, _)) = shrink::io::onnx::import(input) {
        let x = vec![0.0f32; m.n_in()];
        let _ = m.forward(&x, 1, &mut shrink::model::Workspace::default());
    }
}

fn pytorch_seeds() -> Vec<Vec<u8>> {
    // No exporter: a tiny zip-like header and a pickle opcode stream to start from.
    vec![
        b"PK\x03\x04".to_vec(),
        b"\x80\x02}q\x00.".to_vec(),
        Vec::new(),
    ]
}

fn pytorch_target(input: &[u8]) {
    let _ = shrink::io::pytorch::import(input);
}

fn recipe_seeds() -> Vec<Vec<u8>> {
    [
        "train:30,e1;prune:magnitude,0.5",
        "train:30,e1,s7;quantize:int8",
        "train:30,e1;prune:magnitude,0.5;huffman",
        "prune:gradient,0.92,0.91,0.74,global,ft2.5,lr0.02",
        "distill:30,e10,t2,a0.5,lr0.02,wd0.0005",
        "binarize:bnn,1024,1024,e6",
        "lowrank:energy0.9;finetune:e0.5,lr0.01,wd0.0001",
        "neurons:0.5,ft1,lr0.02;quantize:bf16",
    ]
    .iter()
    .map(|t| t.as_bytes().to_vec())
    .collect()
}

fn recipe_target(input: &[u8]) {
    let text = String::from_utf8_lossy(input);
    if let Ok(r) = shrink::version::Recipe::parse(&text) {
        // What parses prints back to text that parses again.
        let again = r.to_string();
        assert!(
            shrink::version::Recipe::parse(&again).is_ok(),
            "{text:?} -> {again:?}"
        );
    }
}

// ---------- runner ----------

struct Target {
    name: &'static str,
    run: fn(&[u8]),
    seeds: fn() -> Vec<Vec<u8>>,
    generate: fn(&mut Rng, &[Vec<u8>]) -> Vec<u8>,
}

fn idx_generate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let seed = &seeds[rng.below(seeds.len())];
    let other = &seeds[rng.below(seeds.len())];
    mutate(rng, seed, other)
}

const TARGETS: &[Target] = &[
    Target {
        name: "idx",
        run: idx_target,
        seeds: idx_seeds,
        generate: idx_generate,
    },
    Target {
        name: "params",
        run: params_target,
        seeds: params_seeds,
        generate: params_generate,
    },
    Target {
        name: "model_file",
        run: model_file_target,
        seeds: model_file_seeds,
        generate: idx_generate,
    },
    Target {
        name: "onnx",
        run: onnx_target,
        seeds: onnx_seeds,
        generate: idx_generate,
    },
    Target {
        name: "pytorch",
        run: pytorch_target,
        seeds: pytorch_seeds,
        generate: idx_generate,
    },
    Target {
        name: "recipe",
        run: recipe_target,
        seeds: recipe_seeds,
        generate: idx_generate,
    },
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fuzz")
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

/// Runs one input; on a panic, keeps it as a regression and returns its path.
fn execute(t: &Target, input: &[u8]) -> Option<PathBuf> {
    let ok = catch_unwind(AssertUnwindSafe(|| (t.run)(input))).is_ok();
    if ok {
        return None;
    }
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    });
    let dir = fuzz_dir().join("regressions").join(t.name);
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("crash-{hash:016x}.bin"));
    let _ = std::fs::write(&path, input);
    Some(path)
}

/// Generates and runs inputs until `stop` says so; returns (executions, crash files).
fn campaign(t: &Target, seed: u64, stop: &dyn Fn(u64) -> bool) -> (u64, Vec<PathBuf>) {
    let pool = corpus(t);
    let mut rng = Rng(seed);
    let (mut n, mut crashes) = (0u64, Vec::new());
    while !stop(n) {
        let input = (t.generate)(&mut rng, &pool);
        if let Some(p) = execute(t, &input) {
            crashes.push(p);
        }
        n += 1;
    }
    (n, crashes)
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
/// `cargo xtask test`.
#[test]
fn fuzz_smoke() {
    for t in TARGETS {
        let (n, crashes) = campaign(t, 13, &|n| n >= 1500);
        assert_eq!(n, 1500);
        assert!(
            crashes.is_empty(),
            "{}: crashes kept in {crashes:?}",
            t.name
        );
    }
}

/// `cargo xtask fuzz --minutes N`: each target for N minutes on its own thread (seed from the
/// clock, printed), executions per target printed; fails on any crash.
#[test]
#[ignore = "long; run through `cargo xtask fuzz --minutes N`"]
fn fuzz_for_a_while() {
    quiet();
    let secs: u64 = std::env::var("SHRINK_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let only = std::env::var("SHRINK_FUZZ_TARGETS").unwrap_or_default();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    println!("fuzzing {secs} s per target, seed {seed}");
    let _ = (tiny_data(), tiny_model());
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = TARGETS
            .iter()
            .filter(|t| only.is_empty() || only.split(',').any(|o| o == t.name))
            .map(|t| {
                s.spawn(move || {
                    let end = Instant::now() + Duration::from_secs(secs);
                    let start = Instant::now();
                    let (n, crashes) = campaign(t, seed ^ t.name.len() as u64, &|n| {
                        n % 16 == 0 && Instant::now() >= end
                    });
                    (t.name, n, start.elapsed().as_secs_f64(), crashes)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut total_crashes = 0;
    for (name, n, secs, crashes) in &results {
        println!(
            "FUZZ {name:<8} {n:>10} executions in {secs:>7.1} s ({:>8.0}/s), {} crashes",
            *n as f64 / secs,
            crashes.len()
        );
        for c in crashes {
            println!("    kept {}", c.display());
        }
        total_crashes += crashes.len();
    }
    assert_eq!(
        total_crashes, 0,
        "crashing inputs were kept in tests/fuzz/regressions/"
    );
}
