//! The Deep Compression pipeline (Han et al. 2016): magnitude pruning with the mask held while
//! retraining (Han et al. 2015), then k-means weight sharing at ≤ 8 bits with centroid
//! fine-tuning, then Huffman coding of the codes and of the relative sparse index. Each stage
//! reports its test accuracy and its honest size (index, codebooks and biases included).
//! Han et al. report LeNet-300-100 at 40× smaller with 1.58 % error.

use super::finetune::CentroidTrainer;
use super::packing;
use super::params::{Params, Scheme};
use crate::compress::{Compressed, ModelSize};
use crate::data::Dataset;
use crate::error::{check_range, Error, Result};
use crate::error::{Reason, Setting};
use crate::model::Mlp;
use crate::train::{TrainConfig, Trainer};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

/// Settings of the pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DeepParams {
    /// Fraction of weights pruned in each layer (the last value repeats), each in [0, 1).
    pub sparsity: Vec<f32>,
    /// Retraining steps after pruning (batches of 64), in all rounds together.
    pub retrain_steps: usize,
    /// Pruning rounds: sparsity grows as s·(1 − (1 − r/R)³) (Zhu & Gupta 2017), retraining
    /// between rounds, since pruning gradually loses less than pruning at once (Han et al. 2015).
    pub prune_rounds: usize,
    /// Retraining learning rate.
    pub retrain_lr: f32,
    /// L2 weight decay while retraining (pulls the kept weights into a tighter range).
    pub weight_decay: f32,
    /// Bits per shared weight (2^bits centroids per layer), 1..=8.
    pub bits: u32,
    /// Centroid fine-tuning steps.
    pub finetune_steps: usize,
    /// Centroid learning rate.
    pub centroid_lr: f32,
    /// Bits per relative-index symbol, 1..=16.
    pub index_bits: u32,
    /// Seed.
    pub seed: u64,
}

impl Default for DeepParams {
    /// The settings that reproduce Han et al.'s LeNet-300-100 result here (40.9× at 1.56 %
    /// error, `shrink deep-compress --weight-decay 0.00005`).
    fn default() -> Self {
        DeepParams {
            sparsity: vec![0.93, 0.92, 0.75],
            retrain_steps: 18760,
            prune_rounds: 4,
            retrain_lr: 0.05,
            weight_decay: 5e-5,
            bits: 6,
            finetune_steps: 1876,
            centroid_lr: 1e-4,
            index_bits: 5,
            seed: 1,
        }
    }
}

impl DeepParams {
    /// Validates every field.
    ///
    /// # Errors
    /// `InvalidParam` naming the first bad field.
    pub fn check(&self) -> Result<()> {
        if self.sparsity.is_empty() {
            return Err(Error::param(
                Setting::Sparsity,
                "[]",
                Reason::NeedsAtLeastOneValue,
            ));
        }
        for &s in &self.sparsity {
            check_range(Setting::Sparsity, s, 0.0, 0.999)?;
        }
        if !(1..=8).contains(&self.bits) {
            return Err(Error::param(
                Setting::Bits,
                self.bits,
                Reason::MustBeBetween1And8,
            ));
        }
        if !(1..=16).contains(&self.index_bits) {
            return Err(Error::param(
                Setting::IndexBits,
                self.index_bits,
                Reason::MustBeBetween1And16,
            ));
        }
        crate::error::check_positive(Setting::RetrainLearningRate, self.retrain_lr)?;
        check_range(Setting::WeightDecay, self.weight_decay, 0.0, 0.1)?;
        crate::error::check_positive(Setting::CentroidLearningRate, self.centroid_lr)?;
        if !(1..=20).contains(&self.prune_rounds) {
            return Err(Error::param(
                Setting::PruningRounds,
                self.prune_rounds,
                Reason::MustBeBetween1And20,
            ));
        }
        if self.retrain_steps > 1_000_000 || self.finetune_steps > 1_000_000 {
            return Err(Error::param(
                Setting::Steps,
                self.retrain_steps.max(self.finetune_steps),
                Reason::AtMost1000000,
            ));
        }
        Ok(())
    }
}

/// One stage's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stage {
    /// "dense", "pruned", "shared", "huffman".
    pub name: String,
    /// Test accuracy.
    pub accuracy: f32,
    /// The three sizes.
    pub size: ModelSize,
    /// dense fp32 / packed.
    pub ratio: f32,
    /// Fraction of weights that are zero.
    pub sparsity: f32,
}

/// Zeroes the `s·n` smallest-magnitude weights of each layer and sets its mask (held later by
/// the optimizer). `sparsity[l]` applies to layer l; the last value repeats.
pub fn magnitude_prune(mlp: &mut Mlp, sparsity: &[f32]) {
    for (l, layer) in mlp.layers.iter_mut().enumerate() {
        let s = sparsity.get(l).or(sparsity.last()).copied().unwrap_or(0.0);
        let n = layer.w.len();
        let cut = ((s.clamp(0.0, 1.0) * n as f32).round() as usize).min(n);
        let mut order: Vec<usize> = (0..n).collect();
        let w: Vec<f32> = layer.w.iter().copied().collect();
        order.sort_unstable_by(|&a, &b| w[a].abs().total_cmp(&w[b].abs()));
        let mut mask = vec![1f32; n];
        for &i in order.iter().take(cut) {
            mask[i] = 0.0;
        }
        if let Ok(m) = Array2::from_shape_vec(layer.w.dim(), mask) {
            layer.mask = Some(m);
        }
        layer.apply_mask();
    }
}

fn zero_fraction(mlp: &Mlp) -> f32 {
    let (z, n) = mlp.layers.iter().fold((0usize, 0usize), |(z, n), l| {
        (z + l.w.iter().filter(|&&v| v == 0.0).count(), n + l.w.len())
    });
    z as f32 / n.max(1) as f32
}

/// Size of a pruned fp32 model stored as values + relative index + biases.
pub fn pruned_size(mlp: &Mlp, index_bits: u32) -> ModelSize {
    let mut bits = 0u64;
    for l in &mlp.layers {
        let ones;
        let mask: &[f32] = match l.mask.as_ref().and_then(|m| m.as_slice()) {
            Some(m) => m,
            None => {
                ones = vec![1f32; l.w.len()];
                &ones
            }
        };
        let nnz = mask.iter().filter(|&&m| m != 0.0).count();
        let lb = packing::sparse_layer(&vec![0; nnz], 32, mask, index_bits, l.b.len(), 0, false);
        bits += lb.total().min(32 * l.param_count() as u64);
    }
    let dense = ModelSize::dense(mlp);
    ModelSize {
        packed_bytes: packing::bytes(bits),
        ..dense
    }
}

fn stage(name: &str, accuracy: f32, size: ModelSize, sparsity: f32) -> Stage {
    Stage {
        name: name.into(),
        accuracy,
        ratio: size.ratio(),
        size,
        sparsity,
    }
}

/// Retrains a masked model for `steps` steps (cosine schedule over them), masks held.
fn retrain(mlp: Mlp, train: &Dataset, steps: usize, p: &DeepParams) -> Result<Mlp> {
    let per_epoch = train.len().div_ceil(64).max(1);
    let cfg = TrainConfig {
        lr: p.retrain_lr,
        weight_decay: p.weight_decay,
        epochs: steps.div_ceil(per_epoch),
        seed: p.seed,
        ..Default::default()
    };
    let mut t = Trainer::from_model(cfg, mlp, train.len())?;
    let mut left = steps;
    while left > 0 && !t.done() {
        let before = t.steps();
        t.run(train, left.min(500))?;
        left = left.saturating_sub((t.steps() - before) as usize);
    }
    Ok(t.mlp)
}

/// Runs prune → retrain → share → fine-tune → Huffman on a trained `mlp`, calling `report`
/// after each stage. Returns the final shared model.
///
/// # Errors
/// `InvalidParam` for bad settings; training errors (`Diverged`) from the retraining.
pub fn run(
    mlp: &Mlp,
    train: &Dataset,
    test: &Dataset,
    p: &DeepParams,
    report: &mut dyn FnMut(&Stage),
) -> Result<super::QuantizedMlp> {
    p.check()?;
    // One value for every layer, or one per layer: a list of another length would be silently
    // cut or stretched by `magnitude_prune`.
    if p.sparsity.len() != 1 && p.sparsity.len() != mlp.layers.len() {
        return Err(Error::param(
            Setting::PrunedFractionPerLayer,
            format!(
                "{} values for {} layers",
                p.sparsity.len(),
                mlp.layers.len()
            ),
            Reason::GiveOneValueOrOnePerLayerOf,
        ));
    }
    let acc = |m: &dyn Compressed| m.evaluate(test, 0).map(|e| e.accuracy);
    report(&stage(
        "dense",
        acc(mlp)?,
        ModelSize::dense(mlp),
        zero_fraction(mlp),
    ));

    let mut pruned = mlp.clone();
    let rounds = p.prune_rounds.max(1);
    for r in 1..=rounds {
        let f = 1.0 - (1.0 - r as f32 / rounds as f32).powi(3);
        let target: Vec<f32> = p.sparsity.iter().map(|s| s * f).collect();
        magnitude_prune(&mut pruned, &target);
        let steps = p.retrain_steps / rounds;
        if steps > 0 {
            pruned = retrain(pruned, train, steps, p)?;
        }
    }
    let sp = zero_fraction(&pruned);
    report(&stage(
        "pruned",
        acc(&pruned)?,
        pruned_size(&pruned, p.index_bits),
        sp,
    ));

    let qp = Params {
        scheme: Scheme::KMeans,
        bits: p.bits,
        index_bits: p.index_bits,
        huffman: false,
        seed: p.seed,
        ..Default::default()
    };
    let shared = super::apply(&pruned, &qp, None)?;
    let mut ft = CentroidTrainer::new(shared, p.centroid_lr, train.len(), p.seed)?;
    let mut left = p.finetune_steps;
    while left > 0 {
        let chunk = left.min(500);
        ft.run(train, chunk)?;
        left -= chunk;
    }
    let mut shared = ft.model;
    report(&stage("shared", acc(&shared)?, shared.size(), sp));
    shared.huffman = true;
    report(&stage("huffman", acc(&shared)?, shared.size(), sp));
    Ok(shared)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, MlpSpec};

    #[test]
    fn magnitude_prune_hits_the_exact_sparsity_and_sizes_shrink() {
        let mut mlp = Mlp::new(&MlpSpec::mnist(&[20, 10], Activation::Relu), 4).unwrap();
        magnitude_prune(&mut mlp, &[0.9, 0.5]);
        let zeros = |l: &crate::model::Dense| l.w.iter().filter(|&&v| v == 0.0).count();
        assert_eq!(
            zeros(&mlp.layers[0]),
            (0.9f32 * 784.0 * 20.0).round() as usize
        );
        assert_eq!(zeros(&mlp.layers[1]), 100);
        assert_eq!(zeros(&mlp.layers[2]), 50); // the last value repeats
        let s = pruned_size(&mlp, 5);
        assert!(s.packed_bytes < s.dense_fp32_bytes / 3);
        assert!(DeepParams::default().check().is_ok());
        assert!(DeepParams {
            prune_rounds: 0,
            ..Default::default()
        }
        .check()
        .is_err());
        assert!(DeepParams {
            weight_decay: f32::NAN,
            ..Default::default()
        }
        .check()
        .is_err());
    }
}
