//! Honest model sizes, three figures side by side (as Deep Compression counts, Han et al. 2016):
//! dense fp32 bytes; "dense with zeros" (what PyTorch/Distiller users see after pruning: the
//! same bytes, zeros included); and the true packed bytes (values + indices + codebooks).

use crate::model::Mlp;
use serde::Serialize;

/// The three sizes of a model, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ModelSize {
    /// Every weight and bias as f32.
    pub dense_fp32_bytes: usize,
    /// The same storage with pruned weights still present as zeros.
    pub dense_with_zeros_bytes: usize,
    /// What it really takes to store: for a plain model, equal to dense fp32.
    pub packed_bytes: usize,
}

impl ModelSize {
    /// Sizes of an uncompressed (possibly masked) model stored densely.
    pub fn dense(mlp: &Mlp) -> Self {
        let b = mlp.param_count() * 4;
        ModelSize {
            dense_fp32_bytes: b,
            dense_with_zeros_bytes: b,
            packed_bytes: b,
        }
    }

    /// Compression ratio dense fp32 / packed.
    pub fn ratio(&self) -> f32 {
        self.dense_fp32_bytes as f32 / self.packed_bytes.max(1) as f32
    }
}
