//! Why a recipe step refuses its input: the `check` of an
//! [`Error::Unsupported`](super::Error::Unsupported), and the words its sentence names. Pruning,
//! factoring or sharing need the f32 weights that quantized codes and packed signs no longer
//! have, Huffman coding needs codes and a sparse index; each refusal names the step, the version
//! (number and name), what it stores and what to do instead.
//!
//! Each table's variant name is its stable id; the page's catalogue keys are `err.chain.<id>`,
//! `err.stepName.<id>`, `err.stores.<id>` and `err.action.<id>` (www/i18n/errors.en.js and
//! errors.zh.js), so a step's title and a storage's name are said in the page's language too.
//! tests/error_catalogue.rs checks every id has an entry in both languages.

use super::{fill, Args};

super::ids::catalogue_ids! {
    ChainRefusal
    NeedsFloat = "{step} needs float weights; version #{id} '{name}' stores {stores} — {action}",
    NeedsParent = "{step} needs an input version: start the recipe with a train step such as train:300,100,e10",
    LowRankPruned = "Low-rank needs dense weights; version #{id} '{name}' is pruned, and its factors would be dense again — factor its parent, then prune the factored version",
    LowRankFactored = "Low-rank needs an unfactored network; version #{id} '{name}' is already factored — factor its parent with another rank instead",
    NeuronsFactored = "Neurons removes hidden neurons; version #{id} '{name}' is factored (low-rank), and its inner layers are ranks, not neurons — remove neurons from its parent, then factor",
    HuffmanTwice = "Huffman: version #{id} '{name}' is already Huffman-coded",
    HuffmanDense = "Huffman codes the sparse index and the codes of the kept weights; version #{id} '{name}' stores dense {stores} — prune before quantizing or sharing",
    HuffmanNotCodes = "Huffman codes quantized codes; version #{id} '{name}' stores {stores} — share (k-means) or quantize it first",
    FinetuneBinary = "Fine-tune cannot train version #{id} '{name}': its packed ±α signs keep no real-valued shadow weights for the straight-through estimator — binarize its parent again with more epochs instead",
    FinetuneNoQuantizer = "Fine-tune needs the quantizer of version #{id} '{name}', but its recipe has no quantize step — fine-tune its parent before quantizing",
    TrainNotFirst = "Train makes a fresh network, so it must be the first step of a recipe (use finetune to retrain a version)",
    BinarizeNeedsWidths = "Binarize starts from its parent's weights only when the parent is an unfactored float network; version #{id} '{name}' stores {stores} — give widths such as binarize:bc,256,256,e2",
}

super::ids::catalogue_ids! {
    StepName
    Train = "Train",
    Prune = "Prune",
    Neurons = "Neurons (structured pruning)",
    Quantize = "Quantize",
    Share = "Share (k-means)",
    Huffman = "Huffman",
    LowRank = "Low-rank",
    Distill = "Distill",
    Binarize = "Binarize",
    Finetune = "Fine-tune",
}

super::ids::catalogue_ids! {
    Stores
    F32 = "f32 weights",
    PrunedF32 = "pruned f32 weights",
    FactoredF32 = "factored (low-rank) f32 weights",
    Binary = "bit-packed binary weights",
    IntCodes = "int{bits} codes",
    Fp16Codes = "fp16 codes",
    Bf16Codes = "bf16 codes",
    E4m3Codes = "fp8 (E4M3) codes",
    E5m2Codes = "fp8 (E5M2) codes",
    KmeansCodes = "{bits}-bit k-means codes",
    NoLayers = "no layers",
    // Not a storage of its own: wraps the words of the codes that were Huffman-coded.
    HuffmanCoded = "Huffman-coded {codes}",
}

super::ids::catalogue_ids! {
    Action
    PruneParent = "prune its parent instead",
    NeuronsParent = "remove neurons from its parent instead",
    QuantizeParent = "quantize its parent instead",
    ShareParent = "share its parent instead",
    FactorParent = "factor its parent instead",
    ApplyToParent = "apply it to its parent instead",
}

/// What a version stores, as a refusal names it: the kind, the bit width its words need
/// (`IntCodes`, `KmeansCodes`), and whether the codes were Huffman-coded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Storage {
    pub kind: Stores,
    pub bits: u32,
    pub huffman: bool,
}

impl Storage {
    /// Plain storage of `kind` (no bit width, not Huffman-coded).
    pub fn plain(kind: Stores) -> Self {
        Storage {
            kind,
            bits: 0,
            huffman: false,
        }
    }

    /// The English words ("int8 codes", "Huffman-coded 4-bit k-means codes").
    pub fn en(&self) -> String {
        let what = fill(self.kind.en(), &[("bits", self.bits.to_string())]);
        if self.huffman {
            fill(Stores::HuffmanCoded.en(), &[("codes", what)])
        } else {
            what
        }
    }
}

/// The version a refusal names: its number and the learner's name for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionName {
    pub id: u32,
    pub name: String,
}

/// The words a [`ChainRefusal`]'s sentence names; each check fills the ones its template uses
/// (version/step/chain.rs builds them, and its tests check no placeholder is left over).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChainArgs {
    /// The step that refused (`{step}`).
    pub step: Option<StepName>,
    /// The input version (`{id}`, `{name}`).
    pub version: Option<VersionName>,
    /// What the input version stores (`{stores}`).
    pub stores: Option<Storage>,
    /// What to do instead (`{action}`).
    pub action: Option<Action>,
}

impl ChainArgs {
    /// The placeholders' English values, for `Display`.
    pub fn en(&self) -> Args {
        let mut out: Args = Vec::new();
        if let Some(s) = self.step {
            out.push(("step", s.en().to_string()));
        }
        if let Some(v) = &self.version {
            out.push(("id", v.id.to_string()));
            out.push(("name", v.name.clone()));
        }
        if let Some(s) = &self.stores {
            out.push(("stores", s.en()));
        }
        if let Some(a) = self.action {
            out.push(("action", a.en().to_string()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_words_fill_the_bit_width_and_the_huffman_wrapper() {
        let s = Storage {
            kind: Stores::KmeansCodes,
            bits: 4,
            huffman: true,
        };
        assert_eq!(s.en(), "Huffman-coded 4-bit k-means codes");
        assert_eq!(Storage::plain(Stores::F32).en(), "f32 weights");
    }
}
