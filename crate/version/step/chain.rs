//! Which inputs a step accepts, and why not in words where a chain makes no sense: pruning,
//! factoring or sharing need the f32 weights that quantized codes and packed signs no longer
//! have; Huffman coding needs codes and a sparse index to code. Each refusal names the version,
//! what it stores, and what to do instead (usually: apply the step to its parent).

use crate::compress::quantize::{FloatFormat, LayerCodes, QuantizedMlp};
use crate::error::{Error, Result};
use crate::model::{Activation, Mlp};
use crate::version::model::Model;
use crate::version::recipe::Step;
use crate::version::store::Version;

/// What a model stores, in words ("f32 weights", "int8 codes", "6-bit k-means codes", …).
pub fn stores(model: &Model) -> String {
    match model {
        Model::Float(m) if is_factored(m) => "factored (low-rank) f32 weights".into(),
        Model::Float(m) if m.layers.iter().any(|l| l.mask.is_some()) => "pruned f32 weights".into(),
        Model::Float(_) => "f32 weights".into(),
        Model::Quantized(q) => codes(q),
        Model::Binary(_) => "bit-packed binary weights".into(),
    }
}

fn codes(q: &QuantizedMlp) -> String {
    let what = match q.layers.first().map(|l| (&l.codes, l.bits)) {
        Some((LayerCodes::Int { .. }, b)) => format!("int{b} codes"),
        Some((LayerCodes::Float { format, .. }, _)) => match format {
            FloatFormat::Fp16 => "fp16 codes".into(),
            FloatFormat::Bf16 => "bf16 codes".into(),
            FloatFormat::E4m3 => "fp8 (E4M3) codes".into(),
            FloatFormat::E5m2 => "fp8 (E5M2) codes".into(),
        },
        Some((LayerCodes::Shared { .. }, b)) => format!("{b}-bit k-means codes"),
        None => "no layers".into(),
    };
    if q.huffman {
        format!("Huffman-coded {what}")
    } else {
        what
    }
}

/// True when some hidden layer is the inner (linear) half of a factored pair.
pub fn is_factored(m: &Mlp) -> bool {
    let n = m.layers.len();
    m.layers
        .iter()
        .take(n.saturating_sub(1))
        .any(|l| l.act == Activation::Identity)
}

/// True when some layer of a float model carries a pruning mask.
pub fn is_masked(m: &Mlp) -> bool {
    m.layers.iter().any(|l| l.mask.is_some())
}

fn refuse(what: String) -> Error {
    Error::Unsupported { what }
}

fn who(v: &Version) -> String {
    format!("version #{} '{}'", v.id, v.name)
}

/// The float network of `parent` for a step that needs f32 weights.
///
/// # Errors
/// `Unsupported` in words when the parent stores codes or signs.
pub fn float_input<'a>(step: &Step, v: &'a Version) -> Result<&'a Mlp> {
    match &v.model {
        Model::Float(m) => Ok(m),
        other => Err(refuse(format!(
            "{} needs float weights; {} stores {} — {} its parent instead",
            title(step),
            who(v),
            stores(other),
            verb(step)
        ))),
    }
}

/// The parent every step but `train` (and `binarize` with widths) needs.
///
/// # Errors
/// `Unsupported` in words when there is none.
pub fn needs_parent<'a>(step: &Step, parent: Option<&'a Version>) -> Result<&'a Version> {
    parent.ok_or_else(|| {
        refuse(format!(
            "{} needs an input version: start the recipe with a train step such as train:300,100,e10",
            title(step)
        ))
    })
}

/// The float network of `parent` for a step that would silently undo a factoring or pruning
/// (low-rank refuses both, neurons refuses factored nets).
///
/// # Errors
/// As [`float_input`]; `Unsupported` naming the version and what to do instead.
pub fn plain_float_input<'a>(step: &Step, parent: &'a Version) -> Result<&'a Mlp> {
    let m = float_input(step, parent)?;
    match step {
        Step::LowRank(_) if is_masked(m) => Err(refuse(format!(
            "Low-rank needs dense weights; {} is pruned, and its factors would be dense again — factor its parent, then prune the factored version",
            who(parent)
        ))),
        Step::LowRank(_) if is_factored(m) => Err(refuse(format!(
            "Low-rank needs an unfactored network; {} is already factored — factor its parent with another rank instead",
            who(parent)
        ))),
        Step::Neurons(_) if is_factored(m) => Err(refuse(format!(
            "Neurons removes hidden neurons; {} is factored (low-rank), and its inner layers are ranks, not neurons — remove neurons from its parent, then factor",
            who(parent)
        ))),
        _ => Ok(m),
    }
}

/// The quantized model a Huffman step codes.
///
/// # Errors
/// `Unsupported` for float or binary inputs, dense codes, or codes already Huffman-coded.
pub fn huffman_input(parent: &Version) -> Result<&QuantizedMlp> {
    match &parent.model {
        Model::Quantized(q) if q.huffman => Err(refuse(format!(
            "Huffman: {} is already Huffman-coded",
            who(parent)
        ))),
        Model::Quantized(q) if q.layers.iter().all(|l| l.mask.is_none()) => Err(refuse(format!(
            "Huffman codes the sparse index and the codes of the kept weights; {} stores dense {} — prune before quantizing or sharing",
            who(parent),
            codes(q)
        ))),
        Model::Quantized(q) => Ok(q),
        other => Err(refuse(format!(
            "Huffman codes quantized codes; {} stores {} — share (k-means) or quantize it first",
            who(parent),
            stores(other)
        ))),
    }
}

/// Why a binary version cannot be fine-tuned.
pub fn binary_finetune(parent: &Version) -> Error {
    refuse(format!(
        "Fine-tune cannot train {}: its packed ±α signs keep no real-valued shadow weights for the straight-through estimator — binarize its parent again with more epochs instead",
        who(parent)
    ))
}

/// Why a quantized version without a known quantizer cannot be fine-tuned.
pub fn unknown_format(parent: &Version) -> Error {
    refuse(format!(
        "Fine-tune needs the quantizer of {}, but its recipe has no quantize step — fine-tune its parent before quantizing",
        who(parent)
    ))
}

/// Why `train` may only start a chain.
pub fn train_not_first() -> Error {
    refuse("Train makes a fresh network, so it must be the first step of a recipe (use finetune to retrain a version)".into())
}

/// Why `binarize` without widths needs a plain float parent.
pub fn binarize_widths(parent: &Version) -> Error {
    refuse(format!(
        "Binarize starts from its parent's weights only when the parent is an unfactored float network; {} stores {} — give widths such as binarize:bc,256,256,e2",
        who(parent),
        stores(&parent.model)
    ))
}

/// The step's name as a title ("Prune", "Low-rank", …).
pub fn title(step: &Step) -> &'static str {
    match step {
        Step::Train(_) => "Train",
        Step::Prune(_) => "Prune",
        Step::Neurons(_) => "Neurons (structured pruning)",
        Step::Quantize(_) => "Quantize",
        Step::Share(_) => "Share (k-means)",
        Step::Huffman => "Huffman",
        Step::LowRank(_) => "Low-rank",
        Step::Distill(_) => "Distill",
        Step::Binarize(_) => "Binarize",
        Step::Finetune(_) => "Fine-tune",
    }
}

fn verb(step: &Step) -> &'static str {
    match step {
        Step::Prune(_) => "prune",
        Step::Neurons(_) => "remove neurons from",
        Step::Quantize(_) => "quantize",
        Step::Share(_) => "share",
        Step::LowRank(_) => "factor",
        _ => "apply it to",
    }
}
