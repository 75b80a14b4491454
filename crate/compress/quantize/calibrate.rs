//! Activation calibration for post-training quantization: run the float network on a few
//! training batches and record the range of every layer's input (min/max, or percentiles that
//! clip rare outliers). Activations use affine int grids: after ReLU they are one-sided, and a
//! symmetric grid would waste half its levels (Jacob et al. 2018, §3; Krishnamoorthi 2018).

use super::fixed_point::{min_max, percentile_range, QParams, Symmetry};
use super::params::{Calibration, Params};
use crate::data::batch::gather;
use crate::data::{Batcher, Dataset};
use crate::error::Result;
use crate::model::{Mlp, Workspace};

const CALIB_BATCH: usize = 64;

/// One activation `QParams` per layer input, from `p.calib_batches` seeded batches of `data`.
///
/// # Errors
/// `ShapeMismatch` if the data width differs from the network's input.
pub fn activation_params(mlp: &Mlp, data: &Dataset, p: &Params) -> Result<Vec<QParams>> {
    let d = mlp.n_in();
    crate::error::check_len("calibration image width", data.dim(), d)?;
    let n_layers = mlp.layers.len();
    let mut batcher = Batcher::new(data.len(), CALIB_BATCH, p.seed ^ 0xCA11B);
    let mut x = vec![0f32; CALIB_BATCH * d];
    let mut y = [0u8; CALIB_BATCH];
    let mut ws = Workspace::default();
    let mut ranges = vec![(f32::INFINITY, f32::NEG_INFINITY); n_layers];
    let mut samples: Vec<Vec<f32>> = vec![Vec::new(); n_layers];
    for _ in 0..p.calib_batches {
        let idx = batcher.next_indices().to_vec();
        let b = idx.len();
        gather(data, &idx, &mut x[..b * d], &mut y[..b])?;
        mlp.forward(&x[..b * d], b, &mut ws)?;
        for l in 0..n_layers {
            let input: &[f32] = if l == 0 {
                &x[..b * d]
            } else {
                ws.output(l - 1, b)
            };
            match p.calibration {
                Calibration::MinMax => {
                    let (lo, hi) = min_max(input.iter().copied());
                    ranges[l] = (ranges[l].0.min(lo), ranges[l].1.max(hi));
                }
                Calibration::Percentile => samples[l].extend_from_slice(input),
            }
        }
    }
    (0..n_layers)
        .map(|l| {
            let (lo, hi) = match p.calibration {
                Calibration::MinMax => ranges[l],
                Calibration::Percentile => percentile_range(&samples[l], p.percentile),
            };
            QParams::from_range(lo, hi, p.act_bits, Symmetry::Affine)
        })
        .collect()
}
