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

/// The outcomes of the stages one document went through: the parse, then `check`, then, when
/// the settings are valid and `cheap` says so, `apply` on the tiny fixtures.
fn stages<T>(
    parsed: Result<T, String>,
    check: impl FnOnce(&T) -> shrink::Result<()>,
    cheap: impl FnOnce(&T) -> bool,
    apply: impl FnOnce(T) -> String,
) -> Vec<String> {
    let p = match parsed {
        Ok(p) => p,
        Err(e) => return vec![e],
    };
    let checked = check(&p);
    let mut v = vec!["parsed".into(), outcome(&checked)];
    if checked.is_ok() && cheap(&p) {
        v.push(apply(p));
    }
    v
}

/// Stages for a type whose `check` is all there is to run.
fn check_only<T>(
    parsed: Result<T, String>,
    check: impl FnOnce(&T) -> shrink::Result<()>,
) -> Vec<String> {
    stages(parsed, check, |_| false, |_| String::new())
}

pub fn run(input: &[u8]) -> String {
    let Some((&which, text)) = input.split_first() else {
        return "empty".into();
    };
    let (train, test) = tiny_data();
    let mlp = tiny_model();
    let which = which % 11;
    let parts = match which {
        0 => stages(
            parse::<TrainConfig>(text),
            TrainConfig::check,
            |c| small(&c.hidden) && c.batch_size <= 64,
            |c| {
                let mut t = Trainer::new(c, train.len()).unwrap();
                outcome(&t.run(train, 2))
            },
        ),
        1 => stages(
            parse::<quantize::Params>(text),
            quantize::Params::check,
            |p| p.calib_batches <= 4 && p.kmeans_iters <= 20,
            |p| outcome(&quantize::apply(mlp, &p, Some(train))),
        ),
        2 => check_only(parse::<quantize::deep::DeepParams>(text), |p| p.check()),
        3 => stages(
            parse::<prune::Params>(text),
            prune::Params::check,
            |p| p.grad_batches <= 4,
            |p| outcome(&prune::apply(&mut mlp.clone(), &p, Some(train))),
        ),
        // LabParams has no `check` of its own: `apply` is where it is refused.
        4 => stages(
            parse::<prune::lab::LabParams>(text),
            |_| Ok(()),
            |p| p.weights.grad_batches <= 4,
            |p| outcome(&prune::lab::Lab::new().apply(&mut mlp.clone(), &p, train, test)),
        ),
        5 => stages(
            parse::<prune::structured::StructuredParams>(text),
            |p| p.check(),
            |_| true,
            |p| outcome(&prune::structured::apply(mlp, &p, Some(train))),
        ),
        6 => check_only(parse::<prune::schedule::ScheduleParams>(text), |p| {
            p.check()
        }),
        7 => stages(
            parse::<low_rank::LowRankParams>(text),
            |p| p.check(),
            |_| true,
            |p| outcome(&low_rank::LowRank::apply(mlp, &p)),
        ),
        8 => stages(
            parse::<distill::experiment::ExperimentParams>(text),
            |p| p.check(),
            |p| small(&p.student_hidden) && small(&p.teacher_hidden),
            |p| match distill::experiment::Experiment::new(p, Some(mlp), train.len()) {
                Ok(mut e) => outcome(&e.step(train, test, 3)),
                Err(e) => outcome::<()>(&Err(e)),
            },
        ),
        9 => check_only(parse::<distill::DistillParams>(text), |p| p.check()),
        _ => stages(
            parse::<binarize::Params>(text),
            |p| p.check(),
            |p| small(&p.train.hidden) && p.train.batch_size <= 64,
            |p| match binarize::BinaryTrainer::new(p, train.len()) {
                Ok(mut t) => outcome(&t.run(train, 2)),
                Err(e) => outcome::<()>(&Err(e)),
            },
        ),
    };
    format!("{which}/{}", parts.join(" / "))
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
