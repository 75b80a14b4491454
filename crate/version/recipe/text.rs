//! Writing recipe text: the inverse of `parse.rs`, so `Step::parse(&s.to_string()) == s`.
//! Options at their default are left out and fractions always carry a decimal point, so the
//! text stays short and a fraction never reads as a width.

use super::{
    BinarizeStep, DistillStep, FinetuneStep, LowRankStep, NeuronsStep, PruneStep, QuantFormat,
    QuantizeStep, RankChoice, ShareStep, Step, TrainStep,
};
use crate::compress::binarize::Method as BinaryMethod;
use crate::compress::prune::Criterion;
use crate::compress::quantize::FloatFormat;
use std::fmt::{self, Write as _};

pub(super) fn format_name(f: QuantFormat) -> String {
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
    if s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = format!("{}:", self.name());
        match self {
            Step::Train(TrainStep {
                hidden,
                epochs,
                lr,
                weight_decay,
                batch,
                seed,
            }) => {
                join(&mut s, hidden);
                let _ = write!(s, ",e{epochs}");
                opt(&mut s, "lr", *lr);
                opt(&mut s, "wd", *weight_decay);
                opt(&mut s, "b", *batch);
                opt(&mut s, "s", *seed);
            }
            Step::Prune(PruneStep {
                criterion,
                sparsity,
                global,
                finetune_epochs,
                lr,
                weight_decay,
                rounds,
                distill,
            }) => {
                s.push_str(criterion_name(*criterion));
                for v in sparsity {
                    let _ = write!(s, ",{}", frac(*v));
                }
                if *global {
                    s.push_str(",global");
                }
                nonzero(&mut s, "ft", *finetune_epochs);
                opt(&mut s, "lr", *lr);
                opt(&mut s, "wd", *weight_decay);
                if *rounds > 1 {
                    let _ = write!(s, ",rounds{rounds}");
                }
                if let Some(d) = distill {
                    let _ = write!(s, ",t{},a{}", d.temperature, d.alpha);
                }
            }
            Step::Neurons(NeuronsStep {
                fraction,
                finetune_epochs,
                lr,
            }) => {
                s.push_str(&frac(*fraction));
                nonzero(&mut s, "ft", *finetune_epochs);
                opt(&mut s, "lr", *lr);
            }
            Step::Quantize(QuantizeStep {
                format,
                qat_epochs,
                activations,
                lr,
            }) => {
                s.push_str(&format_name(*format));
                nonzero(&mut s, "qat", *qat_epochs);
                if *activations {
                    s.push_str(",act");
                }
                opt(&mut s, "lr", *lr);
            }
            Step::Share(ShareStep {
                bits,
                finetune_epochs,
                lr,
            }) => {
                let _ = write!(s, "{bits}");
                nonzero(&mut s, "ft", *finetune_epochs);
                opt(&mut s, "lr", *lr);
            }
            Step::Huffman => {
                s.pop();
            }
            Step::LowRank(LowRankStep {
                rank,
                finetune_epochs,
            }) => {
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
            Step::Distill(DistillStep {
                hidden,
                epochs,
                temperature,
                alpha,
                lr,
                weight_decay,
            }) => {
                join(&mut s, hidden);
                let _ = write!(s, ",e{epochs},t{temperature},a{alpha}");
                opt(&mut s, "lr", *lr);
                opt(&mut s, "wd", *weight_decay);
            }
            Step::Binarize(BinarizeStep {
                method,
                hidden,
                epochs,
            }) => {
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
            Step::Finetune(FinetuneStep {
                epochs,
                lr,
                weight_decay,
            }) => {
                let _ = write!(s, "e{epochs}");
                opt(&mut s, "lr", *lr);
                opt(&mut s, "wd", *weight_decay);
            }
        }
        f.write_str(&s)
    }
}
