//! An [`Error`] as plain data for the page: a `code` naming the variant and `args` holding its
//! fields as stable ids and values, e.g. `{code: "param", args: {name: "LearningRate",
//! value: "100", reason: "MustBeAtMost10"}}`. crate/wasm/dto.rs hangs both on the JS `Error`;
//! www/rustmsg.js turns them back into a sentence from the page's catalogues, in its language.

use super::{DivergedWhy, Error};
use serde_json::{json, Map, Value};

impl Error {
    /// The variant's stable code: `param`, `noLayer`, `shape`, `badData`, `diverged`,
    /// `notReady`, `refused` or `unsupported`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidParam { .. } => "param",
            Error::NoLayer { .. } => "noLayer",
            Error::ShapeMismatch { .. } => "shape",
            Error::BadData { .. } => "badData",
            Error::Diverged { .. } => "diverged",
            Error::NotReady { .. } => "notReady",
            Error::Refused { .. } => "refused",
            Error::Unsupported { .. } => "unsupported",
        }
    }

    /// The variant's fields as a JSON object of ids, numbers and strings (layers 1-based).
    pub fn args(&self) -> Value {
        match self {
            Error::InvalidParam {
                name,
                value,
                reason,
            } => {
                json!({ "name": name.id(), "value": value, "reason": reason.id() })
            }
            Error::NoLayer { index, count } => {
                json!({ "n": index.saturating_add(1), "count": count })
            }
            Error::ShapeMismatch { op, expected, got } => {
                json!({ "op": op, "expected": expected, "got": got })
            }
            Error::BadData { fault, args } => {
                let mut m = Map::new();
                m.insert("fault".into(), Value::from(fault.id()));
                for (k, v) in args {
                    m.insert((*k).into(), Value::from(v.as_str()));
                }
                Value::Object(m)
            }
            Error::Diverged { step, loss } => {
                json!({ "step": step, "why": DivergedWhy::of(*loss).id() })
            }
            Error::NotReady { what } => json!({ "what": what.id() }),
            Error::Refused { refusal, args } => {
                let mut m = Map::new();
                m.insert("refusal".into(), Value::from(refusal.id()));
                for (k, v) in args {
                    m.insert((*k).into(), Value::from(v.as_str()));
                }
                Value::Object(m)
            }
            Error::Unsupported { check, args } => {
                // Ids for the words the page says in its language, values for the rest.
                let mut m = Map::new();
                m.insert("check".into(), Value::from(check.id()));
                if let Some(s) = args.step {
                    m.insert("step".into(), Value::from(s.id()));
                }
                if let Some(v) = &args.version {
                    m.insert("id".into(), Value::from(v.id));
                    m.insert("name".into(), Value::from(v.name.as_str()));
                }
                if let Some(s) = &args.stores {
                    m.insert("stores".into(), Value::from(s.kind.id()));
                    m.insert("bits".into(), Value::from(s.bits));
                    m.insert("huffman".into(), Value::from(s.huffman));
                }
                if let Some(a) = args.action {
                    m.insert("action".into(), Value::from(a.id()));
                }
                Value::Object(m)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{
        Action, ChainArgs, ChainRefusal, Fault, Reason, Setting, StepName, Storage, Stores,
        VersionName,
    };
    use super::*;

    #[test]
    fn codes_and_args_name_ids_not_english() {
        let e = Error::param(Setting::LearningRate, 100, Reason::MustBeAtMost10);
        assert_eq!(e.code(), "param");
        assert_eq!(
            e.args(),
            json!({"name": "LearningRate", "value": "100", "reason": "MustBeAtMost10"})
        );
        let e = Error::no_layer(4, 3);
        assert_eq!(
            (e.code(), e.args()),
            ("noLayer", json!({"n": 5, "count": 3}))
        );
        let e = Error::Diverged {
            step: 7,
            loss: f32::NAN,
        };
        assert_eq!(e.args(), json!({"step": 7, "why": "nan"}));
        let e = Error::bad(Fault::TensorMissing, vec![("name", "layers.0.bias".into())]);
        assert_eq!(
            e.args(),
            json!({"fault": "TensorMissing", "name": "layers.0.bias"})
        );
        assert_eq!(e.to_string(), "bad data: tensor 'layers.0.bias' is missing");
        let e = Error::Unsupported {
            check: ChainRefusal::NeedsFloat,
            args: ChainArgs {
                step: Some(StepName::Prune),
                version: Some(VersionName {
                    id: 2,
                    name: "int8".into(),
                }),
                stores: Some(Storage {
                    kind: Stores::IntCodes,
                    bits: 8,
                    huffman: false,
                }),
                action: Some(Action::PruneParent),
            },
        };
        assert_eq!(
            (e.code(), e.args()),
            (
                "unsupported",
                json!({"check": "NeedsFloat", "step": "Prune", "id": 2, "name": "int8",
                    "stores": "IntCodes", "bits": 8, "huffman": false, "action": "PruneParent"})
            )
        );
        assert_eq!(
            e.to_string(),
            "Prune needs float weights; version #2 'int8' stores int8 codes — prune its parent instead"
        );
    }
}
