//! Words the core says that are not errors but reach the page the same way, as ids with
//! arguments: the Files panel's note on an imported model ([`NoteText`]) and the Prune lab's
//! chart titles, axes and series names ([`ChartText`]). A [`Said`] is one id with its named
//! arguments, which may themselves be [`Said`]s; `Display` is the English, [`Said::wire`] the
//! `{id, args}` www/rustmsg.js says again from `rust.note.<id>` / `rust.chart.<id>` in
//! www/i18n/errors.en.js and errors.zh.js (tests/error_catalogue.rs checks both have every id).

use super::fill;
use serde_json::{json, Map, Value};
use std::fmt;

super::ids::catalogue_ids! {
    NoteText
    ShrinkFile = "a Shrink model file: loaded as saved",
    Imported = "imported the {format} MLP {sizes}; input scaling: {scaling} ({how}), folded into layer 1",
    ScalingMeanStd = "mean/std standardised pixels ((p/255 − {mean})/{std})",
    ScalingUnit = "pixels divided by 255 (p/255)",
    ScalingAsked = "as asked",
    ScalingFromMetadata = "read from the file's metadata",
    ScalingAssumed = "assumed: the file does not record it",
}

super::ids::catalogue_ids! {
    ChartText
    AccuracyVsSparsity = "Accuracy vs sparsity (magnitude, no fine-tuning)",
    Sensitivity = "Sensitivity: one layer pruned, the others dense",
    WeightsPruned = "weights pruned (%)",
    TestAccuracy = "test accuracy (%)",
    LayerSparsity = "sparsity of that layer (%)",
    OneShotMagnitude = "one-shot magnitude",
    CurrentModel = "current model",
    Layer = "layer {n}",
}

/// A table of ids made by `catalogue_ids!` (the id, its English text and its catalogue's name).
pub trait Table: Copy {
    /// The page's catalogue keys are `rust.<TABLE>.<id>`.
    const TABLE: &'static str;
    fn id(self) -> &'static str;
    fn en(self) -> &'static str;
}

impl Table for NoteText {
    const TABLE: &'static str = "note";
    fn id(self) -> &'static str {
        NoteText::id(self)
    }
    fn en(self) -> &'static str {
        NoteText::en(self)
    }
}

impl Table for ChartText {
    const TABLE: &'static str = "chart";
    fn id(self) -> &'static str {
        ChartText::id(self)
    }
    fn en(self) -> &'static str {
        ChartText::en(self)
    }
}

/// One message of table `T` with the values its text names.
#[derive(Debug, Clone, PartialEq)]
pub struct Said<T> {
    pub id: T,
    pub args: Vec<(&'static str, Arg<T>)>,
}

/// An argument: a value said as it is (a number, a name), or a message of the same table said
/// in the page's language.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg<T> {
    Value(String),
    Said(Said<T>),
}

impl<T: Table> Said<T> {
    /// The message `id` without arguments.
    pub fn new(id: T) -> Self {
        Said {
            id,
            args: Vec::new(),
        }
    }

    /// With `{key}` filled by `value` as it is.
    pub fn arg(mut self, key: &'static str, value: impl fmt::Display) -> Self {
        self.args.push((key, Arg::Value(value.to_string())));
        self
    }

    /// With `{key}` filled by another message.
    pub fn said(mut self, key: &'static str, inner: Said<T>) -> Self {
        self.args.push((key, Arg::Said(inner)));
        self
    }

    /// `{id, args}` for the page: values as strings, inner messages as `{id, args}`.
    pub fn wire(&self) -> Value {
        let mut args = Map::new();
        for (k, a) in &self.args {
            let v = match a {
                Arg::Value(s) => Value::from(s.as_str()),
                Arg::Said(inner) => inner.wire(),
            };
            args.insert((*k).into(), v);
        }
        json!({ "id": self.id.id(), "args": args })
    }
}

impl<T: Table> fmt::Display for Said<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let args: Vec<(&'static str, String)> = self
            .args
            .iter()
            .map(|(k, a)| {
                let v = match a {
                    Arg::Value(s) => s.clone(),
                    Arg::Said(inner) => inner.to_string(),
                };
                (*k, v)
            })
            .collect();
        f.write_str(&fill(self.id.en(), &args))
    }
}

/// The words of a chart the core draws: its title, axis labels and one name per series.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartWords {
    pub title: Said<ChartText>,
    pub x_label: Said<ChartText>,
    pub y_label: Said<ChartText>,
    pub series: Vec<Said<ChartText>>,
}

impl ChartWords {
    /// `{title, xLabel, yLabel, series}` of `{id, args}`, beside the chart's English strings.
    pub fn wire(&self) -> Value {
        json!({
            "title": self.title.wire(),
            "xLabel": self.x_label.wire(),
            "yLabel": self.y_label.wire(),
            "series": self.series.iter().map(Said::wire).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_says_its_inner_messages_in_english_and_sends_their_ids() {
        let n = Said::new(NoteText::Imported)
            .arg("format", "ONNX")
            .arg("sizes", "[784, 10]")
            .said("scaling", Said::new(NoteText::ScalingUnit))
            .said("how", Said::new(NoteText::ScalingAsked));
        assert_eq!(
            n.to_string(),
            "imported the ONNX MLP [784, 10]; input scaling: pixels divided by 255 (p/255) (as asked), folded into layer 1"
        );
        assert_eq!(
            n.wire(),
            json!({"id": "Imported", "args": {"format": "ONNX", "sizes": "[784, 10]",
                "scaling": {"id": "ScalingUnit", "args": {}}, "how": {"id": "ScalingAsked", "args": {}}}})
        );
        let l = Said::new(ChartText::Layer).arg("n", 2);
        assert_eq!(
            (l.to_string(), l.wire()["args"]["n"].clone()),
            ("layer 2".into(), json!("2"))
        );
    }
}
