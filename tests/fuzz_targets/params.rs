//! Target `params`: every compression method's `Params` deserialiser (serde) fed arbitrary JSON
//! (random trees over the real field names and enum values, and mutated JSON text), then
//! `check()`, then `apply` on a tiny model when the settings are valid and cheap. Input byte 0
//! picks the type, so each execution does one apply at most.

use super::fixtures::{tiny_data, tiny_model};
use super::{blank, mutate, outcome, Rng};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use shrink::compress::{binarize, distill, low_rank, prune, quantize};
use shrink::train::{TrainConfig, Trainer};

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

pub fn random_number(rng: &mut Rng) -> Value {
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

/// Deserialises `text` as `T`; the outcome names the kind of serde error when it does not
/// parse (its message up to the first quoted token: "unknown variant", "invalid type: string").
fn parse<T: DeserializeOwned>(text: &[u8]) -> Result<T, String> {
    serde_json::from_slice::<T>(text).map_err(|e| {
        let message = e.to_string();
        let kind = message.split(['`', '"', '\'']).next().unwrap_or_default();
        format!("json: {}", blank(kind))
    })
}

fn small(widths: &[usize]) -> bool {
    widths.len() <= 3 && widths.iter().all(|&w| w <= 32)
}

/// Joins the outcomes of the stages an input went through (parse, check, apply).
fn stages(which: u8, parts: &[String]) -> String {
    format!("{which}/{}", parts.join(" / "))
}

pub fn run(input: &[u8]) -> String {
    let Some((&which, text)) = input.split_first() else {
        return "empty".into();
    };
    let (train, test) = tiny_data();
    let mlp = tiny_model();
    let which = which % 11;
    let parts = match which {
        0 => match parse::<TrainConfig>(text) {
            Ok(c) => {
                let checked = c.check();
                let mut v = vec!["parsed".into(), outcome(&checked)];
                if checked.is_ok() && small(&c.hidden) && c.batch_size <= 64 {
                    let mut t = Trainer::new(c, train.len()).unwrap();
                    v.push(outcome(&t.run(train, 2)));
                }
                v
            }
            Err(e) => vec![e],
        },
        1 => match parse::<quantize::Params>(text) {
            Ok(p) => {
                let checked = p.check();
                let mut v = vec!["parsed".into(), outcome(&checked)];
                if checked.is_ok() && p.calib_batches <= 4 && p.kmeans_iters <= 20 {
                    v.push(outcome(&quantize::apply(mlp, &p, Some(train))));
                }
                v
            }
            Err(e) => vec![e],
        },
        2 => match parse::<quantize::deep::DeepParams>(text) {
            Ok(p) => vec!["parsed".into(), outcome(&p.check())],
            Err(e) => vec![e],
        },
        3 => match parse::<prune::Params>(text) {
            Ok(p) => {
                let checked = p.check();
                let mut v = vec!["parsed".into(), outcome(&checked)];
                if checked.is_ok() && p.grad_batches <= 4 {
                    let mut m = mlp.clone();
                    v.push(outcome(&prune::apply(&mut m, &p, Some(train))));
                }
                v
            }
            Err(e) => vec![e],
        },
        4 => match parse::<prune::lab::LabParams>(text) {
            Ok(p) if p.weights.grad_batches <= 4 => {
                let mut m = mlp.clone();
                let applied = prune::lab::Lab::new().apply(&mut m, &p, train, test);
                vec!["parsed".into(), outcome(&applied)]
            }
            Ok(_) => vec!["parsed".into()],
            Err(e) => vec![e],
        },
        5 => match parse::<prune::structured::StructuredParams>(text) {
            Ok(p) => {
                let checked = p.check();
                let mut v = vec!["parsed".into(), outcome(&checked)];
                if checked.is_ok() {
                    v.push(outcome(&prune::structured::apply(mlp, &p, Some(train))));
                }
                v
            }
            Err(e) => vec![e],
        },
        6 => match parse::<prune::schedule::ScheduleParams>(text) {
            Ok(p) => vec!["parsed".into(), outcome(&p.check())],
            Err(e) => vec![e],
        },
        7 => match parse::<low_rank::LowRankParams>(text) {
            Ok(p) => {
                let checked = p.check();
                let mut v = vec!["parsed".into(), outcome(&checked)];
                if checked.is_ok() {
                    v.push(outcome(&low_rank::LowRank::apply(mlp, &p)));
                }
                v
            }
            Err(e) => vec![e],
        },
        8 => match parse::<distill::experiment::ExperimentParams>(text) {
            Ok(p) => {
                let checked = p.check();
                let mut v = vec!["parsed".into(), outcome(&checked)];
                if checked.is_ok() && small(&p.student_hidden) && small(&p.teacher_hidden) {
                    match distill::experiment::Experiment::new(p, Some(mlp), train.len()) {
                        Ok(mut e) => v.push(outcome(&e.step(train, test, 3))),
                        Err(e) => v.push(outcome::<()>(&Err(e))),
                    }
                }
                v
            }
            Err(e) => vec![e],
        },
        9 => match parse::<distill::DistillParams>(text) {
            Ok(p) => vec!["parsed".into(), outcome(&p.check())],
            Err(e) => vec![e],
        },
        _ => match parse::<binarize::Params>(text) {
            Ok(p) => {
                let checked = p.check();
                let mut v = vec!["parsed".into(), outcome(&checked)];
                if checked.is_ok() && small(&p.train.hidden) && p.train.batch_size <= 64 {
                    match binarize::BinaryTrainer::new(p, train.len()) {
                        Ok(mut t) => v.push(outcome(&t.run(train, 2))),
                        Err(e) => v.push(outcome::<()>(&Err(e))),
                    }
                }
                v
            }
            Err(e) => vec![e],
        },
    };
    stages(which, &parts)
}

pub fn seeds() -> Vec<Vec<u8>> {
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
pub fn generate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
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
