//! Reading recipe text: each step's comma-separated tokens are sorted into widths (bare
//! integers), fractions (bare decimals), words (variants such as `magnitude` or `int8`) and
//! `tag<number>` options, then checked against what the step understands, so every mistake is
//! named in words with the step and the token.

use super::{
    BinarizeStep, DistillStep, FinetuneStep, LowRankStep, NeuronsStep, PruneStep, QuantFormat,
    QuantizeStep, RankChoice, ShareStep, Step, TrainStep,
};
use crate::compress::binarize::Method as BinaryMethod;
use crate::compress::distill::DistillParams;
use crate::compress::prune::Criterion;
use crate::compress::quantize::FloatFormat;
use crate::error::{Error, Result};

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
                let head: String = tok.chars().take(40).collect();
                return Err(bad(step, &head, "is too long"));
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
                let split = tok
                    .find(|c: char| !c.is_ascii_alphabetic())
                    .unwrap_or(tok.len());
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
        self.tags
            .iter()
            .rev()
            .find(|(t, _)| *t == name)
            .map(|&(_, v)| v)
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

    fn weight_decay(&self) -> Result<Option<f32>> {
        match self.tag("wd") {
            Some(v) if (0.0..1.0).contains(&v) => Ok(Some(v as f32)),
            Some(_) => Err(bad(
                self.step,
                "wd",
                "weight decay must be at least 0 and below 1",
            )),
            None => Ok(None),
        }
    }

    /// The distillation loss `t` (temperature, default 2) and `a` (α, default 0.5) set, or None
    /// when neither is given.
    fn distill(&self) -> Result<Option<DistillParams>> {
        let (t, a) = (self.tag("t"), self.tag("a"));
        if t.is_none() && a.is_none() {
            return Ok(None);
        }
        let temperature = t.map_or(2.0, |v| v as f32);
        if !(temperature > 0.0 && temperature <= 100.0) {
            return Err(bad(
                self.step,
                "t",
                "the temperature must be above 0 and at most 100",
            ));
        }
        let alpha = a.map_or(0.5, |v| v as f32);
        if !(0.0..=1.0).contains(&alpha) {
            return Err(bad(self.step, "a", "α must be between 0 and 1"));
        }
        Ok(Some(DistillParams { temperature, alpha }))
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
            return Err(bad(
                self.step,
                &w.to_string(),
                "a width must be between 1 and 4096",
            ));
        }
        Ok(self.ints.clone())
    }
}

/// Words that name a variant (formats like `int8` or `fp8e4m3` contain digits).
fn is_word(tok: &str) -> bool {
    tok.chars().all(|c| c.is_ascii_alphabetic()) || parse_format(tok).is_some()
}

pub(super) fn parse_format(w: &str) -> Option<QuantFormat> {
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

fn fraction(step: &str, v: f32) -> Result<f32> {
    if (0.0..0.999).contains(&v) {
        Ok(v)
    } else {
        Err(bad(
            step,
            &v.to_string(),
            "a fraction must be at least 0 and below 0.999",
        ))
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
                let weight_decay = a.weight_decay()?;
                let seed = match a.tag("s") {
                    Some(v) if v >= 0.0 && v.fract() == 0.0 && v < 9.0e15 => Some(v as u64),
                    Some(_) => return Err(bad(name, "s", "the seed must be a whole number ≥ 0")),
                    None => None,
                };
                let epochs = a.epochs("e", 10.0)?;
                if epochs <= 0.0 {
                    return Err(bad(name, "e", "training needs more than 0 epochs"));
                }
                Step::Train(TrainStep {
                    hidden: a.widths()?,
                    epochs,
                    lr: a.positive("lr")?,
                    weight_decay,
                    batch,
                    seed,
                })
            }
            "prune" => {
                a.only(&["ft", "lr", "wd", "rounds", "t", "a"], &["magnitude", "gradient", "taylor", "random", "global"])?;
                let rounds = match a.tag("rounds") {
                    Some(r) if (1.0..=20.0).contains(&r) && r.fract() == 0.0 => r as usize,
                    Some(_) => return Err(bad(name, "rounds", "pruning rounds must be a whole number from 1 to 20")),
                    None => 1,
                };
                let criterion = match a.words.iter().find(|w| **w != "global") {
                    Some(&"gradient") => Criterion::Gradient,
                    Some(&"taylor") => Criterion::Taylor,
                    Some(&"random") => Criterion::Random,
                    _ => Criterion::Magnitude,
                };
                if a.fracs.is_empty() || a.fracs.len() > 9 || !a.ints.is_empty() {
                    return Err(bad(name, rest, "needs 1 to 9 sparsities such as 0.9"));
                }
                Step::Prune(PruneStep {
                    criterion,
                    sparsity: a.fracs.iter().map(|&v| fraction(name, v)).collect::<Result<_>>()?,
                    global: a.words.contains(&"global"),
                    finetune_epochs: a.epochs("ft", 0.0)?,
                    lr: a.positive("lr")?,
                    weight_decay: a.weight_decay()?,
                    rounds,
                    distill: a.distill()?,
                })
            }
            "neurons" => {
                a.only(&["ft", "lr"], &[])?;
                let [f] = a.fracs[..] else {
                    return Err(bad(name, rest, "needs one fraction of neurons to remove, such as 0.5"));
                };
                Step::Neurons(NeuronsStep {
                    fraction: fraction(name, f)?,
                    finetune_epochs: a.epochs("ft", 0.0)?,
                    lr: a.positive("lr")?,
                })
            }
            "quantize" => {
                let formats: Vec<QuantFormat> = a.words.iter().filter_map(|w| parse_format(w)).collect();
                let known: Vec<&str> = a.words.iter().copied().filter(|w| parse_format(w).is_some() || *w == "act").collect();
                a.only(&["qat", "lr"], &known)?;
                let [format] = formats[..] else {
                    return Err(bad(name, rest, "needs one format: int1…int8, fp16, bf16, fp8e4m3 or fp8e5m2"));
                };
                Step::Quantize(QuantizeStep {
                    format,
                    qat_epochs: a.epochs("qat", 0.0)?,
                    activations: a.words.contains(&"act"),
                    lr: a.positive("lr")?,
                })
            }
            "share" => {
                a.only(&["ft", "lr"], &[])?;
                let [bits] = a.ints[..] else {
                    return Err(bad(name, rest, "needs the bits per shared weight, 1 to 8"));
                };
                if !(1..=8).contains(&bits) {
                    return Err(bad(name, &bits.to_string(), "bits must be between 1 and 8"));
                }
                Step::Share(ShareStep {
                    bits: bits as u32,
                    finetune_epochs: a.epochs("ft", 0.0)?,
                    lr: a.positive("lr")?,
                })
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
                Step::LowRank(LowRankStep {
                    rank,
                    finetune_epochs: a.epochs("ft", 0.0)?,
                })
            }
            "distill" => {
                a.only(&["e", "t", "a", "lr", "wd"], &[])?;
                let DistillParams { temperature, alpha } = a.distill()?.unwrap_or(DistillParams {
                    temperature: 2.0,
                    alpha: 0.5,
                });
                let epochs = a.epochs("e", 10.0)?;
                if epochs <= 0.0 {
                    return Err(bad(name, "e", "the student needs more than 0 epochs"));
                }
                Step::Distill(DistillStep {
                    hidden: a.widths()?,
                    epochs,
                    temperature,
                    alpha,
                    lr: a.positive("lr")?,
                    weight_decay: a.weight_decay()?,
                })
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
                Step::Binarize(BinarizeStep {
                    method,
                    hidden: if a.ints.is_empty() { Vec::new() } else { a.widths()? },
                    epochs,
                })
            }
            "finetune" => {
                a.only(&["e", "lr", "wd"], &[])?;
                let epochs = a.epochs("e", 1.0)?;
                if epochs <= 0.0 {
                    return Err(bad(name, "e", "fine-tuning needs more than 0 epochs"));
                }
                Step::Finetune(FinetuneStep {
                    epochs,
                    lr: a.positive("lr")?,
                    weight_decay: a.weight_decay()?,
                })
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
            Step::Train(_) => "train",
            Step::Prune(_) => "prune",
            Step::Neurons(_) => "neurons",
            Step::Quantize(_) => "quantize",
            Step::Share(_) => "share",
            Step::Huffman => "huffman",
            Step::LowRank(_) => "lowrank",
            Step::Distill(_) => "distill",
            Step::Binarize(_) => "binarize",
            Step::Finetune(_) => "finetune",
        }
    }
}
