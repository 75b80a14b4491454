//! The core's error ids against the page's catalogues: every `Setting`, `Reason`, `Missing`,
//! `Fault`, `Refusal` id, every recipe refusal's `ChainRefusal`, `StepName`, `Stores` and
//! `Action` id, and the words that are not errors — an import's `NoteText`, the Prune lab's
//! `ChartText` (crate/error/) — has an entry in www/i18n/errors.en.js that says
//! exactly the id's English text, and one in errors.zh.js that is Chinese (no English word
//! beyond the names of formats, file keys and recipe syntax) and uses no placeholder the English
//! lacks. Entries for ids that no longer exist fail too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use shrink::error::{
    Action, ChainArgs, ChainRefusal, ChartText, Fault, Missing, NoteText, Reason, Refusal, Setting,
    StepName, Storage, Stores, VersionName,
};
use std::collections::{BTreeMap, BTreeSet};

/// `'key': 'value'` / `'key': "value"` lines of a catalogue file, unescaped.
fn catalogue(file: &str) -> BTreeMap<String, String> {
    let path = format!("{}/www/i18n/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix('\'') else {
            continue;
        };
        let (key, value) = rest.split_once("': ").expect(line);
        let value = value.trim_end_matches(',');
        let value = if value.starts_with('"') {
            serde_json::from_str::<String>(value).expect(line)
        } else {
            let inner = value.trim_start_matches('\'').trim_end_matches('\'');
            inner.replace("\\'", "'")
        };
        assert!(
            out.insert(key.to_string(), value).is_none(),
            "{file}: {key} twice"
        );
    }
    assert!(out.len() > 100, "{file}: only {} entries read", out.len());
    out
}

fn placeholders(s: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        let tail = &rest[i + 1..];
        match tail.find('}') {
            Some(j) if tail[..j].chars().all(|c| c.is_alphanumeric() || c == '_') => {
                out.insert(tail[..j].to_string());
                rest = &tail[j + 1..];
            }
            _ => rest = tail,
        }
    }
    out
}

/// Latin words of 4+ letters in `s` that are not names a Chinese text keeps as they are.
fn english_words(s: &str) -> Vec<String> {
    const KEPT: &[&str] = &[
        // formats, libraries, file keys
        "MNIST",
        "ONNX",
        "safetensors",
        "Shrink",
        "shrink",
        "model",
        "PyTorch",
        "JSON",
        "gzip",
        "state",
        "dict",
        "weight",
        "input",
        "scaling",
        "unit",
        "mean",
        "alpha",
        "beta",
        "trans",
        // ONNX operators and the methods' own names
        "Gemm",
        "MatMul",
        "Relu",
        "ReLU",
        "BinaryConnect",
        // a network's raw outputs: www/i18n/zh.js keeps the word too
        "logits",
        // recipe syntax (typed as is, in either language)
        "train",
        "prune",
        "neurons",
        "quantize",
        "share",
        "huffman",
        "lowrank",
        "distill",
        "binarize",
        "finetune",
        "energy",
        "energy0",
        "int1",
        "int8",
        "fp16",
        "bf16",
        "fp8e4m3",
        "fp8e5m2",
    ];
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 4)
        .filter(|w| !KEPT.contains(w))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_error_id_has_an_english_and_a_chinese_sentence() {
    let en = catalogue("errors.en.js");
    let zh = catalogue("errors.zh.js");
    let mut ids: Vec<(String, &str)> = Vec::new();
    ids.extend(
        Setting::ALL
            .iter()
            .map(|s| (format!("err.setting.{}", s.id()), s.en())),
    );
    ids.extend(
        Reason::ALL
            .iter()
            .map(|r| (format!("err.reason.{}", r.id()), r.en())),
    );
    ids.extend(
        Missing::ALL
            .iter()
            .map(|m| (format!("err.missing.{}", m.id()), m.en())),
    );
    ids.extend(
        Fault::ALL
            .iter()
            .map(|f| (format!("err.fault.{}", f.id()), f.en())),
    );
    ids.extend(
        Refusal::ALL
            .iter()
            .map(|r| (format!("err.refusal.{}", r.id()), r.en())),
    );
    ids.extend(
        ChainRefusal::ALL
            .iter()
            .map(|c| (format!("err.chain.{}", c.id()), c.en())),
    );
    ids.extend(
        StepName::ALL
            .iter()
            .map(|s| (format!("err.stepName.{}", s.id()), s.en())),
    );
    ids.extend(
        Stores::ALL
            .iter()
            .map(|s| (format!("err.stores.{}", s.id()), s.en())),
    );
    ids.extend(
        Action::ALL
            .iter()
            .map(|a| (format!("err.action.{}", a.id()), a.en())),
    );
    ids.extend(
        NoteText::ALL
            .iter()
            .map(|n| (format!("rust.note.{}", n.id()), n.en())),
    );
    ids.extend(
        ChartText::ALL
            .iter()
            .map(|c| (format!("rust.chart.{}", c.id()), c.en())),
    );
    assert!(ids.len() > 250, "only {} ids", ids.len());
    let variants = ["err.param", "err.badData", "err.notReady", "err.shape"];
    let mut problems = Vec::new();
    for (key, english) in &ids {
        match en.get(key) {
            None => problems.push(format!("errors.en.js lacks {key}")),
            Some(e) if e != english => problems.push(format!(
                "errors.en.js {key} says '{e}', Rust says '{english}'"
            )),
            Some(_) => {}
        }
        let Some(z) = zh.get(key) else {
            problems.push(format!("errors.zh.js lacks {key}"));
            continue;
        };
        let extra: Vec<_> = placeholders(z)
            .difference(&placeholders(english))
            .cloned()
            .collect();
        if !extra.is_empty() {
            problems.push(format!(
                "errors.zh.js {key} uses {extra:?}, which the English lacks"
            ));
        }
        let mut prose = z.clone();
        for p in placeholders(z) {
            prose = prose.replace(&format!("{{{p}}}"), "");
        }
        let words = english_words(&prose);
        if !words.is_empty() {
            problems.push(format!(
                "errors.zh.js {key} is not Chinese: {words:?} in '{z}'"
            ));
        }
        if !z.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) && english.len() > 3 {
            problems.push(format!("errors.zh.js {key} has no Chinese: '{z}'"));
        }
    }
    let known: BTreeSet<&str> = ids
        .iter()
        .map(|(k, _)| k.as_str())
        .chain(variants)
        .collect();
    for (file, cat) in [("errors.en.js", &en), ("errors.zh.js", &zh)] {
        for key in cat.keys() {
            if !known.contains(key.as_str()) {
                problems.push(format!("{file} has {key}, which no error id names"));
            }
        }
        for v in variants {
            if !cat.contains_key(v) {
                problems.push(format!("{file} lacks {v}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The English sentence the page builds from a code is the one Rust prints: spot checks of the
/// variants' templates against `Display`.
#[test]
fn the_variant_sentences_match_display() {
    let en = catalogue("errors.en.js");
    let fill = |key: &str, args: &[(&str, &str)]| {
        let mut s = en[key].clone();
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    };
    let e = shrink::Error::param(Setting::LearningRate, 100, Reason::MustBeAtMost10);
    let said = fill(
        "err.param",
        &[
            ("name", Setting::LearningRate.en()),
            ("value", "100"),
            ("reason", Reason::MustBeAtMost10.en()),
        ],
    );
    assert_eq!(said, e.to_string());
    let e = shrink::Error::bad(Fault::TensorMissing, vec![("name", "layers.0.bias".into())]);
    let what = fill("err.fault.TensorMissing", &[("name", "layers.0.bias")]);
    assert_eq!(fill("err.badData", &[("what", &what)]), e.to_string());
    let e = shrink::Error::NotReady {
        what: Missing::NoTrainingData,
    };
    let what = Missing::NoTrainingData.en();
    assert_eq!(fill("err.notReady", &[("what", what)]), e.to_string());
    // A recipe refusal: its step, storage and action are ids of their own tables, said inside
    // the sentence (www/rustmsg.js does the same).
    let e = shrink::Error::Unsupported {
        check: ChainRefusal::NeedsFloat,
        args: ChainArgs {
            step: Some(StepName::Prune),
            version: Some(VersionName {
                id: 2,
                name: "int8".into(),
            }),
            stores: Some(Storage {
                kind: Stores::KmeansCodes,
                bits: 3,
                huffman: true,
            }),
            action: Some(Action::PruneParent),
        },
    };
    let codes = fill("err.stores.KmeansCodes", &[("bits", "3")]);
    let stores = fill("err.stores.HuffmanCoded", &[("codes", &codes)]);
    let said = fill(
        "err.chain.NeedsFloat",
        &[
            ("step", &en["err.stepName.Prune"]),
            ("id", "2"),
            ("name", "int8"),
            ("stores", &stores),
            ("action", &en["err.action.PruneParent"]),
        ],
    );
    assert_eq!(said, e.to_string());
}
