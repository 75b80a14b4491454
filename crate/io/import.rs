//! One entry point for every model file a learner may bring: a Shrink file, a PyTorch
//! state_dict in safetensors, or an ONNX MLP — told apart by their bytes, not their names.
//! Imported nets expect their trainer's input scaling; it is folded into the first layer so
//! they run on the page's standardised pixels: with x = (p/255 − μ)/σ and p/255 = σx + μ,
//! W·(p/255) + b = (σW)·x + (b + μ·W·1). Each `fn(&[u8]) -> Result<…>` is a fuzz target.

use super::meta::{FileInfo, InputScaling};
use super::{model_file, onnx, pytorch, ModelFile};
use crate::error::bad_data;
use crate::error::{NoteText, Result, Said};
use crate::model::Mlp;
use crate::version::Model;

/// A loaded file and what the importer did (the scaling it used), for the learner.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub file: ModelFile,
    /// What the importer did, in words the page says in its language (None for a Shrink file).
    pub note: Option<Said<NoteText>>,
}

/// What kind of file the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Shrink,
    PyTorch,
    Onnx,
}

/// Tells the formats apart: safetensors starts with a small little-endian header length and
/// then `{`; anything else is tried as ONNX protobuf.
pub fn sniff(bytes: &[u8]) -> Kind {
    let json = bytes.get(8) == Some(&b'{');
    if json && super::tensors::open(bytes).is_ok_and(|t| t.meta(super::tensors::META_KEY).is_some())
    {
        Kind::Shrink
    } else if json {
        Kind::PyTorch
    } else {
        Kind::Onnx
    }
}

fn parse_scaling(s: &str) -> Result<InputScaling> {
    match s {
        "unit" | "255" | "/255" => Ok(InputScaling::Unit),
        "mean-std" | "standardized" | "standardised" => Ok(InputScaling::default()),
        other => Err(bad_data!(InputScalingMeta, value = other)),
    }
}

/// Folds `scaling` into the first layer so the net takes the page's standardised pixels.
pub fn fold_scaling(mlp: &mut Mlp, scaling: InputScaling) {
    let (page_mean, page_std) = match InputScaling::default() {
        InputScaling::MeanStd { mean, std } => (mean, std),
        InputScaling::Unit => (0.0, 1.0),
    };
    // The net's own input as a function of p/255: (p/255 − m)/s.
    let (m, s) = match scaling {
        InputScaling::MeanStd { mean, std } => (mean, std),
        InputScaling::Unit => (0.0, 1.0),
    };
    if (m, s) == (page_mean, page_std) {
        return;
    }
    // own = (σx + μ − m)/s = (σ/s)·x + (μ − m)/s.
    let (a, c) = (page_std / s, (page_mean - m) / s);
    if let Some(first) = mlp.layers.first_mut() {
        for (row, b) in first.w.rows_mut().into_iter().zip(first.b.iter_mut()) {
            let sum: f32 = row.iter().sum();
            *b += c * sum;
            row.into_iter().for_each(|w| *w *= a);
        }
    }
}

fn finish(
    mut mlp: Mlp,
    given: Option<InputScaling>,
    recorded: Option<String>,
    what: &str,
) -> Result<Imported> {
    let (scaling, how) = match (given, recorded) {
        (Some(s), _) => (s, NoteText::ScalingAsked),
        (None, Some(r)) => (parse_scaling(&r)?, NoteText::ScalingFromMetadata),
        (None, None) => (InputScaling::default(), NoteText::ScalingAssumed),
    };
    fold_scaling(&mut mlp, scaling);
    let note = Said::new(NoteText::Imported)
        .arg("format", what)
        .arg("sizes", format!("{:?}", mlp.sizes()))
        .said("scaling", scaling.said())
        .said("how", Said::new(how));
    let info = FileInfo {
        name: format!("imported {what}"),
        recipe: String::new(),
        seed: 0,
        input_scaling: InputScaling::default(),
    };
    Ok(Imported {
        file: ModelFile {
            model: Model::Float(mlp),
            info,
        },
        note: Some(note),
    })
}

/// A PyTorch state_dict (safetensors).
///
/// # Errors
/// `BadData` in words, see [`pytorch::import`].
pub fn pytorch_safetensors(bytes: &[u8], scaling: Option<InputScaling>) -> Result<Imported> {
    let (mlp, recorded) = pytorch::import(bytes)?;
    finish(mlp, scaling, recorded, "PyTorch")
}

/// An ONNX MLP.
///
/// # Errors
/// `BadData` in words, see [`onnx::import`].
pub fn onnx_mlp(bytes: &[u8], scaling: Option<InputScaling>) -> Result<Imported> {
    let (mlp, recorded) = onnx::import(bytes)?;
    finish(mlp, scaling, recorded, "ONNX")
}

/// Any supported file.
///
/// # Errors
/// `BadData` in words from the loader of its kind.
pub fn any(bytes: &[u8], scaling: Option<InputScaling>) -> Result<Imported> {
    if bytes.is_empty() {
        return Err(bad_data!(FileEmpty));
    }
    match sniff(bytes) {
        Kind::Shrink => Ok(Imported {
            file: model_file::load(bytes)?,
            note: None,
        }),
        Kind::PyTorch => pytorch_safetensors(bytes, scaling),
        Kind::Onnx => onnx_mlp(bytes, scaling),
    }
}

/// Fuzz entry points: plain `fn(&[u8])`, never panicking.
pub mod fuzz {
    use super::*;

    /// The Shrink file loader.
    pub fn shrink_file(bytes: &[u8]) -> Result<ModelFile> {
        model_file::load(bytes)
    }

    /// The PyTorch safetensors importer.
    pub fn pytorch(bytes: &[u8]) -> Result<Imported> {
        pytorch_safetensors(bytes, None)
    }

    /// The ONNX importer.
    pub fn onnx(bytes: &[u8]) -> Result<Imported> {
        onnx_mlp(bytes, None)
    }

    /// Whatever the bytes are.
    pub fn any_file(bytes: &[u8]) -> Result<Imported> {
        super::any(bytes, None)
    }
}
