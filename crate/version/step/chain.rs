//! Which inputs a step accepts, and why not where a chain makes no sense: pruning, factoring or
//! sharing need the f32 weights that quantized codes and packed signs no longer have; Huffman
//! coding needs codes and a sparse index to code. Each refusal is a typed
//! [`ChainRefusal`](crate::error::ChainRefusal) naming the step, the version, what it stores
//! and what to do instead (usually: apply the step to its parent), so the page can say it in
//! its own language.

use crate::compress::quantize::{FloatFormat, LayerCodes, QuantizedMlp};
use crate::error::{Action, ChainArgs, ChainRefusal, Error, Result};
use crate::error::{StepName, Storage, Stores, VersionName};
use crate::model::{Activation, Mlp};
use crate::version::model::Model;
use crate::version::recipe::Step;
use crate::version::store::Version;

/// What a model stores ("f32 weights", "int8 codes", "6-bit k-means codes", …).
pub fn storage(model: &Model) -> Storage {
    match model {
        Model::Float(m) if is_factored(m) => Storage::plain(Stores::FactoredF32),
        Model::Float(m) if is_masked(m) => Storage::plain(Stores::PrunedF32),
        Model::Float(_) => Storage::plain(Stores::F32),
        Model::Quantized(q) => codes(q),
        Model::Binary(_) => Storage::plain(Stores::Binary),
    }
}

fn codes(q: &QuantizedMlp) -> Storage {
    let (kind, bits) = match q.layers.first().map(|l| (&l.codes, l.bits)) {
        Some((LayerCodes::Int { .. }, b)) => (Stores::IntCodes, b),
        Some((LayerCodes::Float { format, .. }, b)) => match format {
            FloatFormat::Fp16 => (Stores::Fp16Codes, b),
            FloatFormat::Bf16 => (Stores::Bf16Codes, b),
            FloatFormat::E4m3 => (Stores::E4m3Codes, b),
            FloatFormat::E5m2 => (Stores::E5m2Codes, b),
        },
        Some((LayerCodes::Shared { .. }, b)) => (Stores::KmeansCodes, b),
        None => (Stores::NoLayers, 0),
    };
    Storage {
        kind,
        bits,
        huffman: q.huffman,
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

fn refuse(check: ChainRefusal, args: ChainArgs) -> Error {
    Error::Unsupported { check, args }
}

/// The refusal's words for a check that names the input version `v` only.
fn about(v: &Version) -> ChainArgs {
    ChainArgs {
        version: Some(VersionName {
            id: v.id,
            name: v.name.clone(),
        }),
        ..ChainArgs::default()
    }
}

/// The refusal's words for a check that names `v` and what it stores.
fn storing(v: &Version, stores: Storage) -> ChainArgs {
    ChainArgs {
        stores: Some(stores),
        ..about(v)
    }
}

/// The float network of `parent` for a step that needs f32 weights.
///
/// # Errors
/// `Unsupported` in words when the parent stores codes or signs.
pub fn float_input<'a>(step: &Step, v: &'a Version) -> Result<&'a Mlp> {
    match &v.model {
        Model::Float(m) => Ok(m),
        other => Err(refuse(
            ChainRefusal::NeedsFloat,
            ChainArgs {
                step: Some(step_name(step)),
                action: Some(action(step)),
                ..storing(v, storage(other))
            },
        )),
    }
}

/// The parent every step but `train` (and `binarize` with widths) needs.
///
/// # Errors
/// `Unsupported` in words when there is none.
pub fn needs_parent<'a>(step: &Step, parent: Option<&'a Version>) -> Result<&'a Version> {
    parent.ok_or_else(|| {
        refuse(
            ChainRefusal::NeedsParent,
            ChainArgs {
                step: Some(step_name(step)),
                ..ChainArgs::default()
            },
        )
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
        Step::LowRank(_) if is_masked(m) => Err(refuse(ChainRefusal::LowRankPruned, about(parent))),
        Step::LowRank(_) if is_factored(m) => {
            Err(refuse(ChainRefusal::LowRankFactored, about(parent)))
        }
        Step::Neurons(_) if is_factored(m) => {
            Err(refuse(ChainRefusal::NeuronsFactored, about(parent)))
        }
        _ => Ok(m),
    }
}

/// The quantized model a Huffman step codes.
///
/// # Errors
/// `Unsupported` for float or binary inputs, dense codes, or codes already Huffman-coded.
pub fn huffman_input(parent: &Version) -> Result<&QuantizedMlp> {
    match &parent.model {
        Model::Quantized(q) if q.huffman => Err(refuse(ChainRefusal::HuffmanTwice, about(parent))),
        Model::Quantized(q) if q.layers.iter().all(|l| l.mask.is_none()) => Err(refuse(
            ChainRefusal::HuffmanDense,
            storing(parent, codes(q)),
        )),
        Model::Quantized(q) => Ok(q),
        other => Err(refuse(
            ChainRefusal::HuffmanNotCodes,
            storing(parent, storage(other)),
        )),
    }
}

/// Why a binary version cannot be fine-tuned.
pub fn binary_finetune(parent: &Version) -> Error {
    refuse(ChainRefusal::FinetuneBinary, about(parent))
}

/// Why a quantized version without a known quantizer cannot be fine-tuned.
pub fn unknown_format(parent: &Version) -> Error {
    refuse(ChainRefusal::FinetuneNoQuantizer, about(parent))
}

/// Why `train` may only start a chain.
pub fn train_not_first() -> Error {
    refuse(ChainRefusal::TrainNotFirst, ChainArgs::default())
}

/// Why `binarize` without widths needs a plain float parent.
pub fn binarize_widths(parent: &Version) -> Error {
    refuse(
        ChainRefusal::BinarizeNeedsWidths,
        storing(parent, storage(&parent.model)),
    )
}

/// The step's name as a title ("Prune", "Low-rank", …).
pub fn step_name(step: &Step) -> StepName {
    match step {
        Step::Train(_) => StepName::Train,
        Step::Prune(_) => StepName::Prune,
        Step::Neurons(_) => StepName::Neurons,
        Step::Quantize(_) => StepName::Quantize,
        Step::Share(_) => StepName::Share,
        Step::Huffman => StepName::Huffman,
        Step::LowRank(_) => StepName::LowRank,
        Step::Distill(_) => StepName::Distill,
        Step::Binarize(_) => StepName::Binarize,
        Step::Finetune(_) => StepName::Finetune,
    }
}

/// What to do instead when `step` needs float weights its input no longer has.
fn action(step: &Step) -> Action {
    match step {
        Step::Prune(_) => Action::PruneParent,
        Step::Neurons(_) => Action::NeuronsParent,
        Step::Quantize(_) => Action::QuantizeParent,
        Step::Share(_) => Action::ShareParent,
        Step::LowRank(_) => Action::FactorParent,
        _ => Action::ApplyToParent,
    }
}
