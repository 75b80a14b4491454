//! Recipes: a chain of compression steps as one short line of text, so that a link (or the CLI)
//! rebuilds the same versions with the same numbers. Steps are separated by `;`, a step is
//! `name:arg,arg,...`, and the text round-trips (`parse(format(r)) == r`):
//!
//! `train:300,100,e10;prune:magnitude,0.9,ft2;quantize:int8`
//!
//! Bare integers are layer widths (train, distill, binarize), bare decimals are fractions
//! (prune, neurons), words choose a variant, and `tag<number>` sets an option
//! (`e` epochs, `ft` fine-tuning epochs, `lr`, `wd` weight decay, `b` batch, `s` seed, `t`
//! temperature, `a` α, `qat` QAT epochs, `r` rank, `energy` kept energy, `k` bits).

use crate::compress::binarize::Method as BinaryMethod;
use crate::compress::prune::Criterion;
use crate::compress::quantize::FloatFormat;
use crate::error::{Error, Result};
use serde::Serialize;
use std::fmt::{self, Write as _};

/// Longest recipe text accepted (a URL must stay a URL).
pub const MAX_RECIPE_CHARS: usize = 2000;
/// Most steps in one recipe.
pub const MAX_STEPS: usize = 32;

/// A weight format for the `quantize` step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "value")]
pub enum QuantFormat {
    /// Fixed point with this many bits (1..=8), per output channel.
    Int(u32),
    /// A floating-point format.
    Float(FloatFormat),
}

/// How many singular values a `lowrank` step keeps in each hidden layer's weights.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "value")]
pub enum RankChoice {
    /// Exactly k (capped at each layer's min(n_in, n_out)) — applied to the first layer.
    Rank(usize),
    /// The fewest singular values keeping this fraction of Σσ², in (0, 1] — every layer.
    Energy(f32),
}

/// One step of a recipe. Epoch counts may be fractional (`ft0.5`) for quick runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "step")]
pub enum Step {
    /// Train a fresh dense MLP 784 → hidden… → 10 (SGD with momentum, cosine schedule).
    Train {
        hidden: Vec<usize>,
        epochs: f32,
        lr: Option<f32>,
        weight_decay: Option<f32>,
        batch: Option<usize>,
        seed: Option<u64>,
    },
    /// Weight-level pruning with the mask held while fine-tuning (Han et al. 2015).
    Prune {
        criterion: Criterion,
        /// One value for every layer, or one per layer.
        sparsity: Vec<f32>,
        global: bool,
        finetune_epochs: f32,
        lr: Option<f32>,
    },
    /// Structured pruning: remove this fraction of each hidden layer's neurons.
    Neurons { fraction: f32, finetune_epochs: f32 },
    /// Fixed- or floating-point weights; `qat_epochs > 0` trains through the quantizer.
    Quantize {
        format: QuantFormat,
        qat_epochs: f32,
        activations: bool,
    },
    /// k-means weight sharing with 2^bits centroids per layer, centroids fine-tuned.
    Share { bits: u32, finetune_epochs: f32 },
    /// Huffman-code the codes and the sparse index (Deep Compression's last stage).
    Huffman,
    /// Truncated SVD, then fine-tuning of the factored net.
    LowRank { rank: RankChoice, finetune_epochs: f32 },
    /// A smaller student trained on the parent's softened logits (Hinton et al. 2015).
    Distill {
        hidden: Vec<usize>,
        epochs: f32,
        temperature: f32,
        alpha: f32,
        lr: Option<f32>,
    },
    /// A binary network (BinaryConnect or BNN), warm-started from the parent when shapes match.
    Binarize {
        method: BinaryMethod,
        hidden: Vec<usize>,
        epochs: f32,
    },
    /// Retrain the parent with its mask or format held.
    Finetune { epochs: f32, lr: Option<f32> },
}

/// A chain of steps; the first usually trains.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recipe {
    pub steps: Vec<Step>,
}

fn bad(step: &str, token: &str, reason: &'static str) -> Error {
    Error::InvalidParam {
        name: "recipe step",
        value: format!("{step}: '{token}'"),
        reason,
    }
}

/// The tokens of one step, sorted into widths, fractions, words and tagged options.
#[derive(Default)]
struct Args<'a> {
    step: &'a str,
    ints: Vec<usize>,
    fracs: Vec<f32>,
    words: Vec<&'a str>,
    tags: Vec<(&'a str, f64)>,
}

impl<'a> Args<'a> {
    fn parse(step: &'a str, text: &'a str) -> Result<Self> {
        let mut a = Args {
            step,
            ..Args::default()
        };
        for tok in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            if tok.len() > 40 {
                return Err(bad(step, &tok[..40], "is too long"));
            }
            if let Ok(v) = tok.parse::<usize>() {
                a.ints.push(v);
            } else if let Ok(v) = tok.parse::<f32>() {
                if !v.is_finite() {
                    return Err(bad(step, tok, "must be a finite number"));
                }
                a.fracs.push(v);
            } else if is_word(tok) {
                a.words.push(tok);
            } else {
                let split = tok.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(tok.len());
                let (tag, num) = tok.split_at(split);
                let v: f64 = num
                    .parse()
                    .map_err(|_| bad(step, tok, "is neither a number, a word nor tag+number"))?;
                if tag.is_empty() || !v.is_finite() {
                    return Err(bad(step, tok, "is neither a number, a word nor tag+number"));
                }
                a.tags.push((tag, v));
            }
        }
        Ok(a)
    }

    fn tag(&self, name: &str) -> Option<f64> {
        self.tags.iter().rev().find(|(t, _)| *t == name).map(|&(_, v)| v)
    }

    fn epochs(&self, name: &str, default: f32) -> Result<f32> {
        let v = self.tag(name).map_or(default, |v| v as f32);
        if !(0.0..=1000.0).contains(&v) {
            return Err(bad(self.step, name, "epochs must be between 0 and 1000"));
        }
        Ok(v)
    }

    fn positive(&self, name: &str) -> Result<Option<f32>> {
        match self.tag(name) {
            Some(v) if v > 0.0 && v <= 10.0 => Ok(Some(v as f32)),
            Some(_) => Err(bad(self.step, name, "must be above 0 and at most 10")),
            None => Ok(None),
        }
    }

    /// Every tag and word must have been understood.
    fn only(&self, tags: &[&str], words: &[&str]) -> Result<()> {
        if let Some((t, _)) = self.tags.iter().find(|(t, _)| !tags.contains(t)) {
            return Err(bad(self.step, t, "is not an option of this step"));
        }
        if let Some(w) = self.words.iter().find(|w| !words.contains(w)) {
            return Err(bad(self.step, w, "is not an option of this step"));
        }
        Ok(())
    }

    fn widths(&self) -> Result<Vec<usize>> {
        if self.ints.is_empty() || self.ints.len() > 8 {
            return Err(bad(self.step, "widths", "needs 1 to 8 hidden widths"));
        }
        if let Some(w) = self.ints.iter().find(|&&w| w == 0 || w > 4096) {
            return Err(bad(self.step, &w.to_string(), "a width must be between 1 and 4096"));
        }
        Ok(self.ints.clone())
    }
}

/// Words that name a variant (formats like `int8` or `fp8e4m3` contain digits).
fn is_word(tok: &str) -> bool {
    tok.chars().all(|c| c.is_ascii_alphabetic())
        || parse_format(tok).is_some()
}

fn parse_format(w: &str) -> Option<QuantFormat> {
    match w {
        "fp16" => Some(QuantFormat::Float(FloatFormat::Fp16)),
        "bf16" => Some(QuantFormat::Float(FloatFormat::Bf16)),
        "fp8" | "fp8e4m3" => Some(QuantFormat::Float(FloatFormat::E4m3)),
        "fp8e5m2" => Some(QuantFormat::Float(FloatFormat::E5m2)),
        _ => {
            let bits: u32 = w.strip_prefix("int")?.parse().ok()?;
            (1..=8).contains(&bits).then_some(QuantFormat::Int(bits))
        }
    }
}

fn format_name(f: QuantFormat) -> String {
    match f {
        QuantFormat::Int(b) => format!("int{b}"),
        QuantFormat::Float(FloatFormat::Fp16) => "fp16".into(),
        QuantFormat::Float(FloatFormat::Bf16) => "bf16".into(),
        QuantFormat::Float(FloatFormat::E4m3) => "fp8e4m3".into(),
        QuantFormat::Float(FloatFormat::E5m2) => "fp8e5m2".into(),
    }
}

fn criterion_name(c: Criterion) -> &'static str {
    match c {
        Criterion::Magnitude => "magnitude",
        Criterion::Gradient => "gradient",
        Criterion::Taylor => "taylor",
        Criterion::Random => "random",
    }
}

fn fraction(step: &str, v: f32) -> Result<f32> {
    if (0.0..0.999).contains(&v) {
        Ok(v)
    } else {
        Err(bad(step, &v.to_string(), "a fraction must be at least 0 and below 0.999"))
    }
}

impl Step {
    /// Parses one step, e.g. `prune:magnitude,0.9,ft2`.
    ///
    /// # Errors
    /// `InvalidParam` naming the step and the token that is wrong, in words.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        let (name, rest) = text.split_once(':').unwrap_or((text, ""));
        let name = name.trim();
        let a = Args::parse(name, rest)?;
        let step = match name {
            "train" => {
                a.only(&["e", "lr", "wd", "b", "s"], &[])?;
                let batch = match a.tag("b") {
                    Some(b) if (1.0..=4096.0).contains(&b) && b.fract() == 0.0 => Some(b as usize),
                    Some(_) => return Err(bad(name, "b", "batch size must be a whole number from 1 to 4096")),
                    None => None,
                };
                let weight_decay = match a.tag("wd") {
                    Some(v) if (0.0..1.0).contains(&v) => Some(v as f32),
                    Some(_) => return Err(bad(name, "wd", "weight decay must be at least 0 and below 1")),
                    None => None,
                };
                let seed = match a.tag("s") {
                    Some(v) if v >= 0.0 && v.fract() == 0.0 && v < 9.0e15 => Some(v as u64),
                    Some(_) => return Err(bad(name, "s", "the seed must be a whole number ≥ 0")),
                    None => None,
                };
                let epochs = a.epochs("e", 10.0)?;
                if epochs <= 0.0 {
                    return Err(bad(name, "e", "training needs more than 0 epochs"));
                }
                Step::Train {
                    hidden: a.widths()?,
                    epochs,
                    lr: a.positive("lr")?,
                    weight_decay,
                    batch,
                    seed,
                }
            }
            "prune" => {
                a.only(&["ft", "lr"], &["magnitude", "gradient", "taylor", "random", "global"])?;
                let criterion = match a.words.iter().find(|w| **w != "global") {
                    Some(&"gradient") => Criterion::Gradient,
                    Some(&"taylor") => Criterion::Taylor,
                    Some(&"random") => Criterion::Random,
                    _ => Criterion::Magnitude,
                };
                if a.fracs.is_empty() || a.fracs.len() > 9 || !a.ints.is_empty() {
                    return Err(bad(name, rest, "needs 1 to 9 sparsities such as 0.9"));
                }
                Step::Prune {
                    criterion,
                    sparsity: a.fracs.iter().map(|&v| fraction(name, v)).collect::<Result<_>>()?,
                    global: a.words.contains(&"global"),
                    finetune_epochs: a.epochs("ft", 0.0)?,
                    lr: a.positive("lr")?,
                }
            }
            "neurons" => {
                a.only(&["ft"], &[])?;
                let [f] = a.fracs[..] else {
                    return Err(bad(name, rest, "needs one fraction of neurons to remove, such as 0.5"));
                };
                Step::Neurons {
                    fraction: fraction(name, f)?,
                    finetune_epochs: a.epochs("ft", 0.0)?,
                }
            }
            "quantize" => {
                let formats: Vec<QuantFormat> = a.words.iter().filter_map(|w| parse_format(w)).collect();
                let known: Vec<&str> = a.words.iter().copied().filter(|w| parse_format(w).is_some() || *w == "act").collect();
                a.only(&["qat"], &known)?;
                let [format] = formats[..] else {
                    return Err(bad(name, rest, "needs one format: int1…int8, fp16, bf16, fp8e4m3 or fp8e5m2"));
                };
                Step::Quantize {
                    format,
                    qat_epochs: a.epochs("qat", 0.0)?,
                    activations: a.words.contains(&"act"),
                }
            }
            "share" => {
                a.only(&["ft"], &[])?;
                let [bits] = a.ints[..] else {
                    return Err(bad(name, rest, "needs the bits per shared weight, 1 to 8"));
                };
                if !(1..=8).contains(&bits) {
                    return Err(bad(name, &bits.to_string(), "bits must be between 1 and 8"));
                }
                Step::Share {
                    bits: bits as u32,
                    finetune_epochs: a.epochs("ft", 0.0)?,
                }
            }
            "huffman" => {
                a.only(&[], &[])?;
                if !a.ints.is_empty() || !a.fracs.is_empty() {
                    return Err(bad(name, rest, "takes no settings"));
                }
                Step::Huffman
            }
            "lowrank" => {
                a.only(&["ft", "energy"], &[])?;
                let rank = match (a.ints.as_slice(), a.tag("energy")) {
                    ([k], None) if *k >= 1 => RankChoice::Rank(*k),
                    ([], Some(e)) if e > 0.0 && e <= 1.0 => RankChoice::Energy(e as f32),
                    _ => return Err(bad(name, rest, "needs a rank such as 32, or energy0.9")),
                };
                Step::LowRank {
                    rank,
                    finetune_epochs: a.epochs("ft", 0.0)?,
                }
            }
            "distill" => {
                a.only(&["e", "t", "a", "lr"], &[])?;
                let temperature = a.tag("t").map_or(2.0, |v| v as f32);
                if !(temperature > 0.0 && temperature <= 100.0) {
                    return Err(bad(name, "t", "the temperature must be above 0 and at most 100"));
                }
                let alpha = a.tag("a").map_or(0.5, |v| v as f32);
                if !(0.0..=1.0).contains(&alpha) {
                    return Err(bad(name, "a", "α must be between 0 and 1"));
                }
                let epochs = a.epochs("e", 10.0)?;
                if epochs <= 0.0 {
                    return Err(bad(name, "e", "the student needs more than 0 epochs"));
                }
                Step::Distill {
                    hidden: a.widths()?,
                    epochs,
                    temperature,
                    alpha,
                    lr: a.positive("lr")?,
                }
            }
            "binarize" => {
                a.only(&["e"], &["bc", "binaryconnect", "bnn"])?;
                let method = if a.words.contains(&"bnn") {
                    BinaryMethod::Bnn
                } else {
                    BinaryMethod::BinaryConnect
                };
                let epochs = a.epochs("e", 5.0)?;
                if epochs <= 0.0 {
                    return Err(bad(name, "e", "binary training needs more than 0 epochs"));
                }
                Step::Binarize {
                    method,
                    hidden: if a.ints.is_empty() { Vec::new() } else { a.widths()? },
                    epochs,
                }
            }
            "finetune" => {
                a.only(&["e", "lr"], &[])?;
                Step::Finetune {
                    epochs: a.epochs("e", 1.0)?,
                    lr: a.positive("lr")?,
                }
            }
            _ => {
                return Err(bad(
                    name,
                    name,
                    "is not a step: use train, prune, neurons, quantize, share, huffman, lowrank, distill, binarize or finetune",
                ))
            }
        };
        Ok(step)
    }

    /// The method's name, as in the recipe text (`train`, `prune`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Step::Train { .. } => "train",
            Step::Prune { .. } => "prune",
            Step::Neurons { .. } => "neurons",
            Step::Quantize { .. } => "quantize",
            Step::Share { .. } => "share",
            Step::Huffman => "huffman",
            Step::LowRank { .. } => "lowrank",
            Step::Distill { .. } => "distill",
            Step::Binarize { .. } => "binarize",
            Step::Finetune { .. } => "finetune",
        }
    }
}

fn join<T: fmt::Display>(out: &mut String, items: &[T]) {
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{v}");
    }
}

fn opt<T: fmt::Display>(out: &mut String, tag: &str, v: Option<T>) {
    if let Some(v) = v {
        let _ = write!(out, ",{tag}{v}");
    }
}

fn nonzero(out: &mut String, tag: &str, v: f32) {
    if v > 0.0 {
        let _ = write!(out, ",{tag}{v}");
    }
}

/// A fraction always with a decimal point, so it never reads as a width.
fn frac(v: f32) -> String {
    let s = v.to_string();
    if s.contains('.') { s } else { format!("{s}.0") }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = format!("{}:", self.name());
        match self {
            Step::Train { hidden, epochs, lr, weight_decay, batch, seed } => {
                join(&mut s, hidden);
                let _ = write!(s, ",e{epochs}");
                opt(&mut s, "lr", *lr);
                opt(&mut s, "wd", *weight_decay);
                opt(&mut s, "b", *batch);
                opt(&mut s, "s", *seed);
            }
            Step::Prune { criterion, sparsity, global, finetune_epochs, lr } => {
                s.push_str(criterion_name(*criterion));
                for v in sparsity {
                    let _ = write!(s, ",{}", frac(*v));
                }
                if *global {
                    s.push_str(",global");
                }
                nonzero(&mut s, "ft", *finetune_epochs);
                opt(&mut s, "lr", *lr);
            }
            Step::Neurons { fraction, finetune_epochs } => {
                s.push_str(&frac(*fraction));
                nonzero(&mut s, "ft", *finetune_epochs);
            }
            Step::Quantize { format, qat_epochs, activations } => {
                s.push_str(&format_name(*format));
                nonzero(&mut s, "qat", *qat_epochs);
                if *activations {
                    s.push_str(",act");
                }
            }
            Step::Share { bits, finetune_epochs } => {
                let _ = write!(s, "{bits}");
                nonzero(&mut s, "ft", *finetune_epochs);
            }
            Step::Huffman => {
                s.pop();
            }
            Step::LowRank { rank, finetune_epochs } => {
                match rank {
                    RankChoice::Rank(k) => {
                        let _ = write!(s, "{k}");
                    }
                    RankChoice::Energy(e) => {
                        let _ = write!(s, "energy{e}");
                    }
                }
                nonzero(&mut s, "ft", *finetune_epochs);
            }
            Step::Distill { hidden, epochs, temperature, alpha, lr } => {
                join(&mut s, hidden);
                let _ = write!(s, ",e{epochs},t{temperature},a{alpha}");
                opt(&mut s, "lr", *lr);
            }
            Step::Binarize { method, hidden, epochs } => {
                s.push_str(match method {
                    BinaryMethod::BinaryConnect => "bc",
                    BinaryMethod::Bnn => "bnn",
                });
                if !hidden.is_empty() {
                    s.push(',');
                    join(&mut s, hidden);
                }
                let _ = write!(s, ",e{epochs}");
            }
            Step::Finetune { epochs, lr } => {
                let _ = write!(s, "e{epochs}");
                opt(&mut s, "lr", *lr);
            }
        }
        f.write_str(&s)
    }
}

impl Recipe {
    /// Parses `step;step;…`.
    ///
    /// # Errors
    /// `InvalidParam` for an empty or over-long text, too many steps, or a bad step (named).
    pub fn parse(text: &str) -> Result<Self> {
        if text.chars().count() > MAX_RECIPE_CHARS {
            return Err(Error::param("recipe", format!("{} characters", text.chars().count()), "must be at most 2000 characters"));
        }
        let steps = text
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Step::parse)
            .collect::<Result<Vec<_>>>()?;
        if steps.is_empty() {
            return Err(Error::param("recipe", "\"\"", "needs at least one step, e.g. train:300,100,e10"));
        }
        if steps.len() > MAX_STEPS {
            return Err(Error::param("recipe", steps.len(), "has more than 32 steps"));
        }
        Ok(Recipe { steps })
    }
}

impl fmt::Display for Recipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.steps.iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_example_parses_and_round_trips() {
        let text = "train:300,100,e10;prune:magnitude,0.9,ft2;quantize:int8";
        let r = Recipe::parse(text).unwrap();
        assert_eq!(r.steps.len(), 3);
        assert_eq!(r.to_string(), text);
        assert!(matches!(&r.steps[0], Step::Train { hidden, epochs, .. } if hidden == &[300, 100] && *epochs == 10.0));
        assert!(matches!(&r.steps[2], Step::Quantize { format: QuantFormat::Int(8), .. }));
    }

    #[test]
    fn every_step_round_trips() {
        for text in [
            "train:300,100,e10,lr0.05,wd0.0001,b64,s7",
            "prune:gradient,0.92,0.91,0.74,global,ft2.5,lr0.02",
            "prune:magnitude,0.0",
            "neurons:0.5,ft5",
            "quantize:int4,qat1,act",
            "quantize:fp8e5m2",
            "quantize:bf16",
            "share:6,ft1",
            "huffman",
            "lowrank:32,ft2",
            "lowrank:energy0.9",
            "distill:30,e10,t2,a0.5,lr0.02",
            "binarize:bnn,1024,1024,e6",
            "binarize:bc,e1",
            "finetune:e2,lr0.01",
        ] {
            let s = Step::parse(text).unwrap();
            assert_eq!(s.to_string(), text, "{text}");
            assert_eq!(Step::parse(&s.to_string()).unwrap(), s);
        }
    }

    #[test]
    fn bad_steps_are_named_in_words() {
        for (text, needle) in [
            ("shrink:1", "is not a step"),
            ("prune:magnitude,1.5", "below 0.999"),
            ("prune:magnitude", "sparsities"),
            ("quantize:int9", "not an option"),
            ("quantize:int8,fp16", "one format"),
            ("train:300,e0", "more than 0 epochs"),
            ("train:0,e1", "between 1 and 4096"),
            ("train:300,e1,lrNaN", "not an option"),
            ("train:300,e1,lr-1", "above 0"),
            ("distill:30,t0", "temperature"),
            ("lowrank:energy2", "energy0.9"),
            ("share:9", "between 1 and 8"),
            ("train:300,e1,zz5", "not an option"),
        ] {
            let e = Step::parse(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
        assert!(Recipe::parse("").is_err());
        assert!(Recipe::parse(&"huffman;".repeat(40)).is_err());
        assert!(Recipe::parse(&"x".repeat(3000)).is_err());
    }
}
