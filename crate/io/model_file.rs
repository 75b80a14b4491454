//! The Shrink model file: `save(model, info) -> bytes` and `load(bytes) -> ModelFile`.
//! Layout: safetensors (8-byte header length, JSON header, raw tensors); the JSON's
//! `__metadata__["shrink"]` is a [`FileMeta`]. `save` decodes what it wrote and compares it with
//! the model, so a file that loads always predicts bit for bit as the model did.

use super::meta::{FileInfo, FileMeta, Storage, FORMAT, FORMAT_VERSION};
use super::tensors::{self, Archive, Tensors, META_KEY};
use super::{binary_layers, float_layers, quantized_layers};
use crate::compress::quantize::LayerCodes;
use crate::error::bad_data;
use crate::error::{Error, Result};
use crate::version::Model;

/// A model with what the file says about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFile {
    pub model: Model,
    pub info: FileInfo,
}

fn encode(model: &Model, info: &FileInfo, sparse: bool) -> Result<Vec<u8>> {
    let mut ar = Archive::new();
    let (storage, layers, quantized) = match model {
        Model::Float(m) => (Storage::Float, float_layers::write(m, &mut ar)?, None),
        Model::Quantized(q) => {
            let (l, qm) = quantized_layers::write(q, sparse, &mut ar)?;
            (Storage::Quantized, l, Some(qm))
        }
        Model::Binary(b) => (Storage::Binary, binary_layers::write(b, &mut ar), None),
    };
    let meta = FileMeta {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        info: info.clone(),
        storage,
        sizes: model.sizes(),
        layers,
        quantized,
    };
    let json = serde_json::to_string(&meta)
        .map_err(|e| Error::data(format!("cannot write the metadata: {e}")))?;
    ar.serialize(json)
}

/// `model` with the codes that nothing reads made canonical: a k-means or float-format code at
/// a pruned position is never decoded (its weight is 0 by the mask), so the sparse file does
/// not store it and it loads as 0. Integer codes are left alone: the int8 kernel reads them.
fn canonical(model: &Model) -> Model {
    let mut m = model.clone();
    if let Model::Quantized(q) = &mut m {
        for l in &mut q.layers {
            let Some(mask) = l.mask.as_ref().and_then(|m| m.as_slice()) else {
                continue;
            };
            let pruned = mask.iter().map(|&k| k == 0.0);
            match &mut l.codes {
                LayerCodes::Shared { book } => book
                    .codes
                    .iter_mut()
                    .zip(pruned)
                    .filter(|(_, p)| *p)
                    .for_each(|(c, _)| *c = 0),
                LayerCodes::Float { codes, .. } => codes
                    .iter_mut()
                    .zip(pruned)
                    .filter(|(_, p)| *p)
                    .for_each(|(c, _)| *c = 0),
                LayerCodes::Int { .. } => {}
            }
        }
    }
    m
}

/// The file bytes of `model`.
///
/// # Errors
/// `BadData` if the model holds values the format cannot store exactly (NaN weights, a code
/// wider than its bits).
pub fn save(model: &Model, info: &FileInfo) -> Result<Vec<u8>> {
    let sparse = match model {
        Model::Quantized(q) => quantized_layers::sparse_is_smaller(q),
        _ => false,
    };
    let bytes = encode(model, info, sparse)?;
    match load(&bytes) {
        Ok(back) if back.model == *model || (sparse && back.model == canonical(model)) => {
            return Ok(bytes)
        }
        Err(e) if !sparse => return Err(Error::data(format!("this model cannot be saved: {e}"))),
        _ => {}
    }
    // The sparse form drops codes at pruned positions; if they mattered, store every code.
    let bytes = encode(model, info, false)?;
    match load(&bytes) {
        Ok(back) if back.model == *model => Ok(bytes),
        Ok(_) => Err(Error::data(
            "this model cannot be stored exactly in the file format",
        )),
        Err(e) => Err(Error::data(format!("this model cannot be saved: {e}"))),
    }
}

/// Reads a model file, checking everything.
///
/// # Errors
/// `BadData` in words: not a Shrink file, another format version, truncated, a header of
/// gigabytes, wrong dtypes, shapes that do not chain, NaN weights, out-of-range codes.
pub fn load(bytes: &[u8]) -> Result<ModelFile> {
    read(&tensors::open(bytes)?)
}

/// The model in an opened container (a model file, or a training snapshot's payload, which is
/// one with more tensors and metadata beside it).
///
/// # Errors
/// As [`load`].
pub(crate) fn read(t: &Tensors) -> Result<ModelFile> {
    let json = t
        .meta(META_KEY)
        .ok_or_else(|| bad_data!(NoShrinkMetadata))?;
    let probe: serde_json::Value =
        serde_json::from_str(json).map_err(|e| bad_data!(MetadataNotJson, detail = e))?;
    if probe.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(bad_data!(NotShrinkFormat));
    }
    let version = probe
        .get("format_version")
        .and_then(serde_json::Value::as_u64);
    if version != Some(u64::from(FORMAT_VERSION)) {
        return Err(bad_data!(
            FormatVersion,
            version = version.map_or("(missing)".to_string(), |v| v.to_string()),
            supported = FORMAT_VERSION
        ));
    }
    let meta: FileMeta =
        serde_json::from_value(probe).map_err(|e| bad_data!(MetadataMalformed, detail = e))?;
    let model = match meta.storage {
        Storage::Float => Model::Float(float_layers::read(&meta.layers, t)?),
        Storage::Quantized => {
            let qm = meta
                .quantized
                .ok_or_else(|| bad_data!(QuantizedWithoutSettings))?;
            Model::Quantized(quantized_layers::read(&meta.layers, &qm, t)?)
        }
        Storage::Binary => Model::Binary(binary_layers::read(&meta.layers, t)?),
    };
    if model.sizes() != meta.sizes {
        return Err(bad_data!(
            WidthsDisagree,
            meta = format!("{:?}", meta.sizes),
            layers = format!("{:?}", model.sizes())
        ));
    }
    Ok(ModelFile {
        model,
        info: meta.info,
    })
}
