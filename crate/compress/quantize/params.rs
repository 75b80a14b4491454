//! Settings of the Quantize method as the page and the CLI send them, and `check()`, which
//! turns them into settings known to be valid (bits in 1..=8, finite numbers, sane counts).

use super::fixed_point::{Granularity, Symmetry};
use super::float::FloatFormat;
use crate::error::{check_positive, check_range, Error, Result};
use crate::error::{Reason, Setting};
use serde::{Deserialize, Serialize};

/// Which family of quantizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Scheme {
    /// Uniform fixed-point, r = S(q − Z).
    #[default]
    Int,
    /// A float format (fp16, bf16, fp8 E4M3/E5M2).
    Float,
    /// k-means weight sharing with 2^bits centroids per layer.
    KMeans,
}

/// How activation ranges are measured on the calibration batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Calibration {
    /// Observed min and max.
    #[default]
    MinMax,
    /// The `percentile`-th percentiles (clips rare outliers).
    Percentile,
}

/// Post-training quantization, or quantization-aware training first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Training {
    /// Quantize the trained weights as they are.
    #[default]
    Ptq,
    /// Fine-tune with fake-quantized forward passes and a straight-through backward first.
    Qat,
}

/// Everything that defines a quantization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Params {
    /// Quantizer family.
    pub scheme: Scheme,
    /// Bits per weight for int and k-means, 1..=8.
    pub bits: u32,
    /// Format for the float scheme.
    pub format: FloatFormat,
    /// Float overflow saturates to ±max instead of inf/NaN.
    pub saturate: bool,
    /// Symmetric or affine weights (int scheme).
    pub symmetry: Symmetry,
    /// One scale per tensor or per output channel (int scheme).
    pub granularity: Granularity,
    /// Quantize activations too (int8 affine, calibrated).
    pub activations: bool,
    /// Bits for activations, 2..=8.
    pub act_bits: u32,
    /// Range measurement for activations.
    pub calibration: Calibration,
    /// Percentile for `Calibration::Percentile`, in [90, 100].
    pub percentile: f32,
    /// Training batches (of 64) used to calibrate activations, 1..=200.
    pub calib_batches: usize,
    /// PTQ or QAT.
    pub training: Training,
    /// QAT steps (batches of 64), 1..=100000.
    pub qat_steps: usize,
    /// QAT learning rate (> 0, ≤ 1).
    pub qat_lr: f32,
    /// Lloyd iterations for k-means, 1..=1000.
    pub kmeans_iters: usize,
    /// Bits per relative-index symbol for pruned (sparse) storage, 1..=16.
    pub index_bits: u32,
    /// Huffman-code codes and index (sparse storage).
    pub huffman: bool,
    /// Seed for calibration batches and QAT shuffling.
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            scheme: Scheme::Int,
            bits: 8,
            format: FloatFormat::E4m3,
            saturate: true,
            symmetry: Symmetry::Symmetric,
            granularity: Granularity::PerChannel,
            activations: false,
            act_bits: 8,
            calibration: Calibration::MinMax,
            percentile: 99.99,
            calib_batches: 10,
            training: Training::Ptq,
            qat_steps: 938,
            qat_lr: 0.01,
            kmeans_iters: 30,
            index_bits: 5,
            huffman: false,
            seed: 1,
        }
    }
}

impl Params {
    /// Validates every field.
    ///
    /// # Errors
    /// `InvalidParam` naming the first bad field.
    pub fn check(&self) -> Result<()> {
        if !(1..=8).contains(&self.bits) {
            return Err(Error::param(
                Setting::Bits,
                self.bits,
                Reason::MustBeBetween1And8,
            ));
        }
        if !(2..=8).contains(&self.act_bits) {
            return Err(Error::param(
                Setting::ActivationBits,
                self.act_bits,
                Reason::MustBeBetween2And8,
            ));
        }
        check_range(Setting::Percentile, self.percentile, 90.0, 100.0)?;
        if !(1..=200).contains(&self.calib_batches) {
            return Err(Error::param(
                Setting::CalibrationBatches,
                self.calib_batches,
                Reason::MustBeBetween1And200,
            ));
        }
        if !(1..=100_000).contains(&self.qat_steps) {
            return Err(Error::param(
                Setting::QATSteps,
                self.qat_steps,
                Reason::MustBeBetween1And100000,
            ));
        }
        check_positive(Setting::QATLearningRate, self.qat_lr)?;
        if self.qat_lr > 1.0 {
            return Err(Error::param(
                Setting::QATLearningRate,
                self.qat_lr,
                Reason::MustBeAtMost1,
            ));
        }
        if !(1..=1000).contains(&self.kmeans_iters) {
            return Err(Error::param(
                Setting::KMeansIterations,
                self.kmeans_iters,
                Reason::MustBeBetween1And1000,
            ));
        }
        if !(1..=16).contains(&self.index_bits) {
            return Err(Error::param(
                Setting::IndexBits,
                self.index_bits,
                Reason::MustBeBetween1And16,
            ));
        }
        Ok(())
    }

    /// Bits per stored weight for this scheme.
    pub fn weight_bits(&self) -> u32 {
        match self.scheme {
            Scheme::Float => self.format.bits(),
            Scheme::Int | Scheme::KMeans => self.bits,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_pass_and_bad_values_are_typed_errors() {
        assert!(Params::default().check().is_ok());
        let bad = [
            Params {
                bits: 0,
                ..Default::default()
            },
            Params {
                bits: 9,
                ..Default::default()
            },
            Params {
                percentile: f32::NAN,
                ..Default::default()
            },
            Params {
                qat_lr: f32::INFINITY,
                ..Default::default()
            },
            Params {
                qat_lr: 0.0,
                ..Default::default()
            },
            Params {
                calib_batches: 0,
                ..Default::default()
            },
            Params {
                index_bits: 0,
                ..Default::default()
            },
        ];
        for p in bad {
            assert!(
                matches!(p.check(), Err(Error::InvalidParam { .. })),
                "{p:?}"
            );
        }
    }
}
