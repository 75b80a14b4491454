//! A low-rank study of one trained model, as the page uses it: decompose every layer once, then
//! move the cuts cheaply (factoring from the stored SVDs), report accuracy, parameters, true
//! bytes, reconstruction error ‖W − U_kΣ_kV_kᵀ‖_F/‖W‖_F and measured time, draw W next to its
//! approximation and their difference, and fine-tune the factored net in chunks.

use super::finetune::{fine_tuner, FinetuneScope};
use super::{LowRank, LowRankParams, Svd};
use crate::compress::speed::mean_ms;
use crate::compress::{Compressed, ModelSize};
use crate::data::Dataset;
use crate::error::Missing;
use crate::error::{Error, Result};
use crate::model::{Dense, Mlp};
use crate::render::heatmap::{matrix, robust_scale, Image};
use crate::render::palette::GAP;
use crate::train::{cross_entropy, Trainer};
use crate::train::{Progress, TrainConfig};
use serde::Serialize;

/// Batch used for the timing of one layer (a training-sized batch).
pub const TIME_BATCH: usize = 64;

/// One layer's spectrum.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Spectrum {
    /// Inputs of the layer.
    pub n_in: usize,
    /// Outputs of the layer.
    pub n_out: usize,
    /// Singular values, descending.
    pub singular_values: Vec<f32>,
    /// Measured time of this layer's SVD, ms.
    pub svd_ms: f64,
}

/// What one layer looks like at its current cut.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerReport {
    /// Rank kept (None = dense).
    pub rank: Option<usize>,
    /// min(n_in, n_out).
    pub full_rank: usize,
    /// Parameters of the layer (or of its two factors) with biases.
    pub params: usize,
    /// Parameters of the dense layer.
    pub dense_params: usize,
    /// Fraction of Σσ² kept by the cut.
    pub energy: f32,
    /// ‖W − W_eff‖_F / ‖W‖_F against the trained dense weights (after fine-tuning too).
    pub recon_error: f32,
}

/// Measured forward time of one layer, dense against factored, on a batch of [`TIME_BATCH`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timing {
    /// Which layer.
    pub layer: usize,
    /// Rows per call.
    pub batch: usize,
    /// Dense layer, ms per call.
    pub dense_ms: f64,
    /// The factor pair (or the dense layer again if not factored), ms per call.
    pub factored_ms: f64,
}

/// The whole report for the page or the CLI.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Per original layer.
    pub layers: Vec<LayerReport>,
    /// Parameters of the factored net.
    pub params: usize,
    /// Parameters of the dense net.
    pub dense_params: usize,
    /// Honest sizes in bytes.
    pub size: ModelSize,
    /// Test accuracy of the factored net.
    pub accuracy: f32,
    /// Test examples evaluated.
    pub eval_count: usize,
    /// Measured time, if asked for.
    pub timing: Option<Timing>,
}

/// The state of a study.
#[derive(Debug, Clone)]
pub struct Study {
    base: Mlp,
    svds: Vec<Svd>,
    svd_ms: Vec<f64>,
    params: LowRankParams,
    current: LowRank,
    tuner: Option<Trainer>,
}

impl Study {
    /// Decomposes every layer of `base`, timing each SVD with `clock` (ms).
    ///
    /// # Errors
    /// `BadData` if a layer's weights are not finite.
    pub fn new(base: &Mlp, clock: &dyn Fn() -> f64) -> Result<Self> {
        let mut svds = Vec::with_capacity(base.layers.len());
        let mut svd_ms = Vec::with_capacity(base.layers.len());
        for l in &base.layers {
            let t0 = clock();
            svds.push(Svd::new(&l.w)?);
            svd_ms.push(clock() - t0);
        }
        let params = LowRankParams::default();
        let current = LowRank::apply(base, &params)?;
        Ok(Study {
            base: base.clone(),
            svds,
            svd_ms,
            params,
            current,
            tuner: None,
        })
    }

    /// The spectrum of every layer.
    pub fn spectra(&self) -> Vec<Spectrum> {
        self.base
            .layers
            .iter()
            .zip(self.svds.iter().zip(&self.svd_ms))
            .map(|(l, (s, &ms))| Spectrum {
                n_in: l.n_in(),
                n_out: l.n_out(),
                singular_values: s.s.clone(),
                svd_ms: ms,
            })
            .collect()
    }

    /// Moves the cuts (discarding any fine-tuning).
    ///
    /// # Errors
    /// `InvalidParam` for a bad rank or energy.
    pub fn apply(&mut self, params: &LowRankParams) -> Result<&LowRank> {
        let svds: Vec<Option<Svd>> = self.svds.iter().cloned().map(Some).collect();
        self.current = LowRank::from_svds(&self.base, &svds, params)?;
        self.params = params.clone();
        self.tuner = None;
        Ok(&self.current)
    }

    /// The factored model as it stands.
    pub fn current(&self) -> &LowRank {
        &self.current
    }

    /// Accuracy on the first `limit` test digits (0 = all), sizes, errors, and if `time_layer`
    /// is given, the measured time of that layer dense against factored with `clock`.
    ///
    /// # Errors
    /// `ShapeMismatch` if `test` does not fit; `InvalidParam` for a bad layer.
    pub fn report(
        &self,
        test: &Dataset,
        limit: usize,
        clock: &dyn Fn() -> f64,
        time_layer: Option<usize>,
    ) -> Result<Report> {
        let ev = self.current.evaluate(test, limit)?;
        let mut layers = Vec::with_capacity(self.base.layers.len());
        for (l, (dense, svd)) in self.base.layers.iter().zip(&self.svds).enumerate() {
            let rank = self.current.ranks.get(l).copied().flatten();
            let eff = self.current.effective_weight(l)?;
            let norm = svd.tail_norm(0).max(f32::MIN_POSITIVE);
            let diff: f64 = dense
                .w
                .iter()
                .zip(&eff)
                .map(|(a, b)| f64::from(a - b).powi(2))
                .sum();
            let params = match rank {
                Some(k) => k * (dense.n_in() + dense.n_out()) + k + dense.n_out(),
                None => dense.param_count(),
            };
            layers.push(LayerReport {
                rank,
                full_rank: svd.full_rank(),
                params,
                dense_params: dense.param_count(),
                energy: rank.map_or(1.0, |k| svd.energy_kept(k)),
                recon_error: diff.sqrt() as f32 / norm,
            });
        }
        let timing = match time_layer {
            Some(l) => Some(self.time_layer(l, clock)?),
            None => None,
        };
        Ok(Report {
            layers,
            params: self.current.mlp.param_count(),
            dense_params: self.base.param_count(),
            size: self.current.size(),
            accuracy: ev.accuracy,
            eval_count: ev.count,
            timing,
        })
    }

    /// Measured ms per forward call of layer `l`, dense and factored, on [`TIME_BATCH`] rows.
    ///
    /// # Errors
    /// `InvalidParam` for a bad layer.
    pub fn time_layer(&self, l: usize, clock: &dyn Fn() -> f64) -> Result<Timing> {
        let dense = self
            .base
            .layers
            .get(l)
            .ok_or_else(|| Error::no_layer(l, self.base.layers.len()))?;
        let end = self.current.ends.get(l).copied().unwrap_or(0);
        let factored = match self.current.ranks.get(l).copied().flatten() {
            Some(_) if end >= 1 => &self.current.mlp.layers[end - 1..=end],
            _ => std::slice::from_ref(dense),
        };
        Ok(Timing {
            layer: l,
            batch: TIME_BATCH,
            dense_ms: time_chain(std::slice::from_ref(dense), clock)?,
            factored_ms: time_chain(factored, clock)?,
        })
    }

    /// W, U_kΣ_kV_kᵀ (the current effective weight) and their difference side by side, one
    /// pixel per weight, 4-pixel gaps, all on W's colour scale so they compare.
    ///
    /// # Errors
    /// `InvalidParam` for a bad layer.
    pub fn triptych(&self, l: usize) -> Result<Image> {
        let w = &self
            .base
            .layers
            .get(l)
            .ok_or_else(|| Error::no_layer(l, self.base.layers.len()))?
            .w;
        let eff = self.current.effective_weight(l)?;
        let diff = w - &eff;
        let scale = robust_scale(w.iter().copied());
        let parts = [
            matrix(w, None, scale)?,
            matrix(&eff, None, scale)?,
            matrix(&diff, None, scale)?,
        ];
        Ok(hstack(&parts, 4))
    }

    /// Starts fine-tuning the current factored net (all layers, or the factors alone).
    ///
    /// # Errors
    /// `InvalidParam` for bad settings; `NotReady` without data.
    pub fn finetune_start(
        &mut self,
        cfg: TrainConfig,
        scope: FinetuneScope,
        n_train: usize,
    ) -> Result<()> {
        self.tuner = Some(fine_tuner(&self.current, cfg, scope, n_train)?);
        Ok(())
    }

    /// Up to `max_steps` fine-tuning steps; the current model follows the tuned weights.
    ///
    /// # Errors
    /// `NotReady` if fine-tuning was not started or is done; `Diverged` as the trainer.
    pub fn finetune_steps(&mut self, train: &Dataset, max_steps: usize) -> Result<Progress> {
        let t = self.tuner.as_mut().ok_or(Error::NotReady {
            what: Missing::PressFineTuneFirst,
        })?;
        let classes = t.mlp.n_out();
        let p = t.run_with(train, max_steps, &mut cross_entropy(classes))?;
        self.current.mlp.clone_from(&t.mlp);
        Ok(p)
    }
}

/// Mean ms of one pass through `layers` on [`TIME_BATCH`] fixed rows.
fn time_chain(layers: &[Dense], clock: &dyn Fn() -> f64) -> Result<f64> {
    let n_in = layers.first().map_or(0, Dense::n_in);
    let x: Vec<f32> = (0..TIME_BATCH * n_in)
        .map(|i| ((i * 7) % 13) as f32 * 0.1 - 0.6)
        .collect();
    let mut bufs: Vec<Vec<f32>> = layers
        .iter()
        .map(|l| vec![0.0; TIME_BATCH * l.n_out()])
        .collect();
    let mut result = Ok(());
    let ms = mean_ms(clock, 60.0, || {
        for i in 0..layers.len() {
            let (before, rest) = bufs.split_at_mut(i);
            let input = if i == 0 { &x[..] } else { &before[i - 1][..] };
            if let Err(e) = layers[i].forward(input, TIME_BATCH, &mut rest[0]) {
                result = Err(e);
            }
        }
    });
    result.map(|()| ms)
}

/// Images side by side, top-aligned, `gap` pixels apart.
fn hstack(parts: &[Image], gap: usize) -> Image {
    let height = parts.iter().map(|p| p.height).max().unwrap_or(0);
    let width = parts.iter().map(|p| p.width).sum::<usize>() + gap * parts.len().saturating_sub(1);
    let mut rgba = Vec::with_capacity(width * height * 4);
    for _ in 0..width * height {
        rgba.extend_from_slice(&GAP);
    }
    let mut x0 = 0;
    for p in parts {
        for y in 0..p.height {
            let src = &p.rgba[y * p.width * 4..(y + 1) * p.width * 4];
            let start = (y * width + x0) * 4;
            rgba[start..start + src.len()].copy_from_slice(src);
        }
        x0 += p.width + gap;
    }
    Image {
        width,
        height,
        rgba,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compress::low_rank::LayerRank;
    use crate::model::{Activation, MlpSpec};

    #[test]
    fn study_moves_cuts_and_reports_honestly() {
        let base = Mlp::new(&MlpSpec::mnist(&[20], Activation::Relu), 2).unwrap();
        let clock = || 0.0;
        let mut st = Study::new(&base, &clock).unwrap();
        assert_eq!(st.spectra()[0].singular_values.len(), 20);
        let test = Dataset {
            images: vec![7; 5 * 784],
            labels: vec![1; 5],
            rows: 28,
            cols: 28,
        };
        let full = st.report(&test, 0, &clock, None).unwrap();
        assert_eq!(full.params, full.dense_params);
        assert!(full.layers[0].recon_error < 1e-6);
        st.apply(&LowRankParams {
            layers: vec![LayerRank::Rank(4)],
        })
        .unwrap();
        let cut = st.report(&test, 0, &clock, None).unwrap();
        assert_eq!(cut.layers[0].params, 4 * (784 + 20) + 4 + 20);
        assert_eq!(
            cut.params,
            cut.layers[0].params + base.layers[1].param_count()
        );
        assert!(
            (cut.layers[0].recon_error - st.svds[0].tail_norm(4) / st.svds[0].tail_norm(0)).abs()
                < 1e-4
        );
        let img = st.triptych(0).unwrap();
        assert_eq!((img.width, img.height), (3 * 784 + 8, 20));
        assert!(st.triptych(5).is_err());
    }
}
