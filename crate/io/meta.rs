//! The JSON metadata of a model file: format and version, what the model is (name, recipe,
//! seed), how its inputs are scaled, and per layer its widths, activation and storage. The
//! tensors hold the numbers; this says how to read them, and is checked before they are.

use crate::compress::binarize::Output;
use crate::compress::quantize::FloatFormat;
use crate::data::mnist::{PIXEL_MEAN, PIXEL_STD};
use crate::error::{NoteText, Said};
use crate::model::Activation;
use serde::{Deserialize, Serialize};

/// The `format` field every model file carries.
pub const FORMAT: &str = "shrink-model";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// How raw pixels p ∈ {0..255} become the network's inputs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum InputScaling {
    /// x = (p/255 − mean)/std (the page's own, `data::mnist::normalize_pixel`).
    MeanStd { mean: f32, std: f32 },
    /// x = p/255 (the plain `ToTensor()` of torchvision).
    Unit,
}

impl Default for InputScaling {
    fn default() -> Self {
        InputScaling::MeanStd {
            mean: PIXEL_MEAN,
            std: PIXEL_STD,
        }
    }
}

impl InputScaling {
    /// Words for the page and the CLI.
    pub fn describe(&self) -> String {
        self.said().to_string()
    }

    /// The words as an id with its numbers, said in the page's language.
    pub fn said(&self) -> Said<NoteText> {
        match self {
            InputScaling::MeanStd { mean, std } => Said::new(NoteText::ScalingMeanStd)
                .arg("mean", mean)
                .arg("std", std),
            InputScaling::Unit => Said::new(NoteText::ScalingUnit),
        }
    }
}

/// What the model is, besides its numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileInfo {
    /// The version's name.
    pub name: String,
    /// The recipe that made it (`train:300,100,e10;prune:...`), empty if unknown.
    pub recipe: String,
    /// The seed of that recipe.
    pub seed: u64,
    /// Input scaling the weights expect.
    pub input_scaling: InputScaling,
}

impl Default for FileInfo {
    fn default() -> Self {
        FileInfo {
            name: "model".into(),
            recipe: String::new(),
            seed: 0,
            input_scaling: InputScaling::default(),
        }
    }
}

/// Which `version::Model` variant the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Storage {
    Float,
    Quantized,
    Binary,
}

/// How one layer's weights are laid out in the tensors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// f32 `[n_out, n_in]` (+ a mask bitset if masked).
    Dense,
    /// CSR: f32 values, u16 columns, u32 row pointers (the mask is the stored positions).
    Csr,
    /// Every weight as a fixed-width code (+ a mask bitset if masked).
    DenseCodes,
    /// Kept weights' codes plus a relative gap index (Deep Compression's sparse format).
    SparseCodes,
    /// Sign bits, 64 per word per row.
    Signs,
}

/// The code scheme of a quantized layer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "scheme", rename_all = "kebab-case")]
pub enum CodesMeta {
    /// b-bit integers, `scales`/`zero_points` per tensor or per row.
    Int { n_params: usize, zero_points: bool },
    /// fp16 / bf16 / fp8 codes with one per-tensor scale.
    Float { format: FloatFormat },
    /// k-means codebook of `k` centroids.
    Shared { k: usize },
}

/// Batch norm's scalars (its vectors are tensors).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BnMeta {
    pub eps: f32,
    pub momentum: f32,
}

/// One layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerMeta {
    pub n_in: usize,
    pub n_out: usize,
    pub layout: Layout,
    /// Float and quantized layers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation: Option<Activation>,
    /// Float layers: a pruning mask is present.
    #[serde(default)]
    pub masked: bool,
    /// CSR: stored entries.
    #[serde(default)]
    pub nnz: usize,
    /// Quantized: bits per code and the scheme.
    #[serde(default)]
    pub bits: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codes: Option<CodesMeta>,
    /// Sparse codes: kept weights and index symbols.
    #[serde(default)]
    pub kept: usize,
    #[serde(default)]
    pub index_symbols: usize,
    /// Binary: what the layer emits, α present, inputs arrive as bits, batch norm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Output>,
    #[serde(default)]
    pub scaled: bool,
    #[serde(default)]
    pub binary_inputs: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bn: Option<BnMeta>,
}

impl LayerMeta {
    /// A layer of the given widths and layout, everything else unset.
    pub fn new(n_in: usize, n_out: usize, layout: Layout) -> Self {
        LayerMeta {
            n_in,
            n_out,
            layout,
            activation: None,
            masked: false,
            nnz: 0,
            bits: 0,
            codes: None,
            kept: 0,
            index_symbols: 0,
            output: None,
            scaled: false,
            binary_inputs: false,
            bn: None,
        }
    }
}

/// Quantized-model settings shared by all layers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuantMeta {
    pub index_bits: u32,
    pub huffman: bool,
    /// Number of activation quantizers (0: activations stay f32).
    pub act_params: usize,
}

/// The whole JSON header entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileMeta {
    pub format: String,
    pub format_version: u32,
    #[serde(flatten)]
    pub info: FileInfo,
    pub storage: Storage,
    /// Widths, input first (784, 300, 100, 10).
    pub sizes: Vec<usize>,
    pub layers: Vec<LayerMeta>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantized: Option<QuantMeta>,
}
