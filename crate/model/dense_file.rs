//! A dense MNIST `Mlp` in a safetensors file (Hugging Face's format: an 8-byte header length, a
//! JSON header, then raw little-endian tensors): `layers.{l}.weight` `[n_out, n_in]` f32 and
//! `layers.{l}.bias` `[n_out]`, layers numbered from 0 in the names, plus one metadata entry
//! `shrink` holding `key=value` lines: `format`, the hidden `activation`, `made_by` (the command
//! that wrote it). One entry, because safetensors writes its metadata map in hash order, and the
//! same model must give the same bytes.
//!
//! The smallest honest path for the pretrained network of embedded panels, kept apart so that it
//! folds into the files format (crate/io, same tensor names) when that lands.

use crate::error::{Error, Result};
use crate::model::{Activation, Mlp, MlpSpec};
use ndarray::{Array1, Array2};
use safetensors::{Dtype, SafeTensors};

/// The `format` metadata value this file kind carries.
pub const FORMAT: &str = "shrink-dense-mlp/1";
/// Larger files are refused before parsing (LeNet-300-100 is 1.07 MB).
pub const MAX_FILE_BYTES: usize = 64 << 20;

/// What a loaded file says about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct FileInfo {
    /// The hidden layers' activation.
    pub activation: Activation,
    /// The command that made the file, as recorded in it.
    pub made_by: String,
}

fn activation_name(a: Activation) -> &'static str {
    match a {
        Activation::Relu => "relu",
        Activation::Tanh => "tanh",
        Activation::Sigmoid => "sigmoid",
        Activation::Identity => "identity",
    }
}

fn le_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Writes `mlp` (its weights and biases; masks are not kept: zeros stay zeros) as safetensors.
///
/// # Errors
/// `BadData` if the hidden layers do not share one activation or serialisation fails.
pub fn save(mlp: &Mlp, made_by: &str) -> Result<Vec<u8>> {
    let hidden = mlp.layers.split_last().map_or(&[][..], |(_, h)| h);
    let activation = hidden.first().map_or(Activation::Relu, |d| d.act);
    if hidden.iter().any(|d| d.act != activation) {
        return Err(Error::data(
            "the hidden layers have different activations; this file kind holds one",
        ));
    }
    let mut raw: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for (l, d) in mlp.layers.iter().enumerate() {
        let w: Vec<f32> = d.w.iter().copied().collect();
        let b: Vec<f32> = d.b.iter().copied().collect();
        raw.push((
            format!("layers.{l}.weight"),
            vec![d.n_out(), d.n_in()],
            le_bytes(&w),
        ));
        raw.push((format!("layers.{l}.bias"), vec![d.n_out()], le_bytes(&b)));
    }
    let mut views = Vec::with_capacity(raw.len());
    for (name, shape, bytes) in &raw {
        let view = safetensors::tensor::TensorView::new(Dtype::F32, shape.clone(), bytes)
            .map_err(|e| Error::data(format!("cannot write tensor {name}: {e}")))?;
        views.push((name.clone(), view));
    }
    let lines = format!(
        "format={FORMAT}\nactivation={}\nmade_by={}",
        activation_name(activation),
        made_by.replace('\n', " ")
    );
    safetensors::serialize(
        views,
        Some([("shrink".to_string(), lines)].into_iter().collect()),
    )
    .map_err(|e| Error::data(format!("cannot write the model file: {e}")))
}

/// Reads a file written by [`save`]: a 784-…-10 MLP with its hidden activation.
///
/// # Errors
/// `BadData` in words for a file that is too large, not safetensors, of another format, missing
/// a tensor, mis-shaped, not f32, holding non-finite numbers, or not 784 inputs and 10 outputs.
pub fn load(bytes: &[u8]) -> Result<(Mlp, FileInfo)> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Error::data(format!(
            "the model file is {} bytes, more than the {MAX_FILE_BYTES} a model may have",
            bytes.len()
        )));
    }
    let bad = |why: String| Error::data(format!("the model file is not valid: {why}"));
    let (_, header) = SafeTensors::read_metadata(bytes).map_err(|e| bad(e.to_string()))?;
    let lines = header
        .metadata()
        .as_ref()
        .and_then(|m| m.get("shrink").cloned())
        .unwrap_or_default();
    let get = |k: &str| {
        lines
            .lines()
            .find_map(|l| l.strip_prefix(k).and_then(|r| r.strip_prefix('=')))
            .unwrap_or_default()
            .to_string()
    };
    if get("format") != FORMAT {
        return Err(bad(format!(
            "its format is {:?}, expected {FORMAT:?}",
            get("format")
        )));
    }
    let activation = Activation::from_name(&get("activation"))
        .ok_or_else(|| bad(format!("unknown activation {:?}", get("activation"))))?;
    let st = SafeTensors::deserialize(bytes).map_err(|e| bad(e.to_string()))?;
    let f32s = |name: &str| -> Result<(Vec<usize>, Vec<f32>)> {
        let t = st
            .tensor(name)
            .map_err(|_| bad(format!("tensor {name} is missing")))?;
        if t.dtype() != Dtype::F32 {
            return Err(bad(format!(
                "tensor {name} is {:?}, expected F32",
                t.dtype()
            )));
        }
        let v: Vec<f32> = t
            .data()
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        if v.iter().any(|x| !x.is_finite()) {
            return Err(bad(format!("tensor {name} holds a NaN or an infinity")));
        }
        Ok((t.shape().to_vec(), v))
    };
    let names: Vec<String> = st.names().into_iter().map(str::to_string).collect();
    let mut layers = Vec::new();
    while names
        .iter()
        .any(|n| *n == format!("layers.{}.weight", layers.len()))
    {
        let l = layers.len();
        let (ws, w) = f32s(&format!("layers.{l}.weight"))?;
        let (bs, b) = f32s(&format!("layers.{l}.bias"))?;
        let [n_out, n_in] = ws[..] else {
            return Err(bad(format!(
                "layers.{l}.weight has shape {ws:?}, expected [n_out, n_in]"
            )));
        };
        if bs != [n_out] {
            return Err(bad(format!(
                "layers.{l}.bias has shape {bs:?}, expected [{n_out}]"
            )));
        }
        layers.push((n_in, n_out, w, b));
    }
    let sizes: Vec<usize> = layers
        .first()
        .map(|l| l.0)
        .into_iter()
        .chain(layers.iter().map(|l| l.1))
        .collect();
    if sizes.len() < 2 || sizes[0] != 784 || sizes[sizes.len() - 1] != 10 {
        return Err(bad(format!(
            "its layers are {sizes:?}, expected 784 inputs and 10 outputs"
        )));
    }
    if layers.windows(2).any(|p| p[0].1 != p[1].0) {
        return Err(bad(format!("its layer widths do not chain: {sizes:?}")));
    }
    let spec = MlpSpec::mnist(&sizes[1..sizes.len() - 1], activation);
    let mut mlp = Mlp::new(&spec, 0)?;
    for (d, (n_in, n_out, w, b)) in mlp.layers.iter_mut().zip(layers) {
        d.w = Array2::from_shape_vec((n_out, n_in), w).map_err(|e| bad(e.to_string()))?;
        d.b = Array1::from(b);
    }
    Ok((
        mlp,
        FileInfo {
            activation,
            made_by: get("made_by"),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Mlp {
        Mlp::new(&MlpSpec::mnist(&[5, 3], Activation::Tanh), 7).unwrap()
    }

    #[test]
    fn a_model_comes_back_exactly() {
        let mut m = small();
        m.layers[1].b[2] = 0.25;
        let bytes = save(&m, "test").unwrap();
        let (back, info) = load(&bytes).unwrap();
        assert_eq!(back, m);
        assert_eq!(
            info,
            FileInfo {
                activation: Activation::Tanh,
                made_by: "test".into()
            }
        );
        // The same model gives the same bytes (a reproducible file).
        assert_eq!(save(&m, "test").unwrap(), bytes);
    }

    #[test]
    fn bad_files_are_errors_in_words() {
        let bytes = save(&small(), "test").unwrap();
        let msg = |b: &[u8]| load(b).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg(&bytes[..bytes.len() - 3]).contains("not valid"));
        assert!(msg(b"not a model").contains("not valid"));
        let mut nan = bytes.clone();
        let at = nan.len() - 4;
        nan[at..].copy_from_slice(&f32::NAN.to_le_bytes());
        assert!(msg(&nan).contains("NaN"), "{}", msg(&nan));
        let mut other = bytes.clone();
        let at = other
            .windows(FORMAT.len())
            .position(|w| w == FORMAT.as_bytes())
            .unwrap();
        other[at + FORMAT.len() - 1] = b'9';
        assert!(msg(&other).contains("format"), "{}", msg(&other));
    }
}
