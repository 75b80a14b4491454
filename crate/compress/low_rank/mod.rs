//! Low-rank decomposition of dense layers: W ≈ U_k Σ_k V_kᵀ (truncated SVD), and the layer
//! y = f(x·Wᵀ + b) becomes two layers x → x·(√Σ_k V_kᵀ)ᵀ → f(·(U_k√Σ_k)ᵀ + b), n_in → k → n_out,
//! so parameters drop from n_in·n_out to k·(n_in + n_out) and the forward pass really is cheaper.
//! The factored net is a plain `Mlp` (the inner layer has `Activation::Identity`), so the usual
//! trainer fine-tunes it. Denton et al. 2014; Jaderberg et al. 2014; Eckart & Young 1936.

pub mod finetune;
pub mod study;
pub mod svd;

use super::{Compressed, ModelSize};
use crate::error::{check_range, Error, Result};
use crate::error::{Reason, Setting};
use crate::model::{Activation, Dense, Mlp, Workspace};
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};
pub use svd::Svd;

/// How much of one layer to keep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum LayerRank {
    /// Leave the layer dense.
    #[default]
    Full,
    /// Keep exactly this many singular values, 1..=min(n_in, n_out).
    Rank(usize),
    /// Keep the fewest singular values whose Σσ² reaches this fraction, in (0, 1].
    Energy(f32),
}

/// Settings for [`LowRank::apply`]: one entry per layer of the dense model (missing = full).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct LowRankParams {
    /// Per-layer choice, first layer first.
    pub layers: Vec<LayerRank>,
}

impl LowRankParams {
    /// Checks ranks ≥ 1 and energies in (0, 1]; ranks against the model are checked in `apply`.
    ///
    /// # Errors
    /// `InvalidParam` naming the bad rank or energy.
    pub fn check(&self) -> Result<()> {
        for l in &self.layers {
            match *l {
                LayerRank::Full => {}
                LayerRank::Rank(0) => {
                    return Err(Error::param(Setting::Rank, 0, Reason::MustBeAtLeast1));
                }
                LayerRank::Rank(_) => {}
                LayerRank::Energy(e) => {
                    check_range(Setting::Energy, e, 0.0, 1.0)?;
                    if e <= 0.0 {
                        return Err(Error::param(
                            Setting::Energy,
                            e,
                            Reason::MustBeGreaterThanZero,
                        ));
                    }
                }
            }
        }
        if self.layers.len() > crate::model::mlp::MAX_HIDDEN_LAYERS + 1 {
            return Err(Error::param(
                Setting::Layers,
                self.layers.len(),
                Reason::MoreEntriesThanTheNetHasLayers,
            ));
        }
        Ok(())
    }

    /// The rank for layer `l` given its SVD, or None to keep it dense.
    ///
    /// # Errors
    /// `InvalidParam` if a rank exceeds min(n_in, n_out).
    pub fn rank_for(&self, l: usize, svd: &Svd) -> Result<Option<usize>> {
        match self.layers.get(l).copied().unwrap_or_default() {
            LayerRank::Full => Ok(None),
            LayerRank::Rank(k) => {
                if k == 0 || k > svd.full_rank() {
                    return Err(Error::param(
                        Setting::Rank,
                        k,
                        Reason::MustBeBetween1AndMinNIn,
                    ));
                }
                Ok(Some(k))
            }
            LayerRank::Energy(e) => Ok(Some(svd.rank_for_energy(e))),
        }
    }
}

/// A network whose chosen layers are factored into two thin layers.
#[derive(Debug, Clone, PartialEq)]
pub struct LowRank {
    /// The factored network (a plain MLP, fine-tunable with the usual trainer).
    pub mlp: Mlp,
    /// Rank kept per original layer (None = still dense).
    pub ranks: Vec<Option<usize>>,
    /// For each original layer, the index of its last layer in `mlp`.
    pub ends: Vec<usize>,
    /// Parameter count of the original dense model (for honest ratios).
    pub dense_params: usize,
}

impl LowRank {
    /// Factors `mlp` per `params`, decomposing each chosen layer (see [`LowRank::from_svds`]).
    ///
    /// # Errors
    /// `InvalidParam` for a bad rank or energy; `BadData` if an SVD fails.
    pub fn apply(mlp: &Mlp, params: &LowRankParams) -> Result<Self> {
        params.check()?;
        let svds = mlp
            .layers
            .iter()
            .enumerate()
            .map(|(l, d)| match params.layers.get(l) {
                None | Some(LayerRank::Full) => Ok(None),
                Some(_) => Svd::new(&d.w).map(Some),
            })
            .collect::<Result<Vec<_>>>()?;
        Self::from_svds(mlp, &svds, params)
    }

    /// Factors `mlp` from SVDs computed earlier (the page decomposes once and then only moves the
    /// cut). `svds[l]` must be the SVD of layer l's weights where `params` factors layer l.
    ///
    /// # Errors
    /// `InvalidParam` for a bad rank or energy, or a missing SVD; `ShapeMismatch` if an SVD does
    /// not match its layer.
    pub fn from_svds(mlp: &Mlp, svds: &[Option<Svd>], params: &LowRankParams) -> Result<Self> {
        params.check()?;
        let mut layers = Vec::with_capacity(mlp.layers.len() * 2);
        let mut ranks = Vec::with_capacity(mlp.layers.len());
        let mut ends = Vec::with_capacity(mlp.layers.len());
        for (l, dense) in mlp.layers.iter().enumerate() {
            let wanted = !matches!(
                params.layers.get(l).copied().unwrap_or_default(),
                LayerRank::Full
            );
            let svd = match svds.get(l) {
                Some(Some(s)) => Some(s),
                _ if wanted => {
                    return Err(Error::param(
                        Setting::Layer,
                        l + 1,
                        Reason::HasNoSVDToFactorFrom,
                    ));
                }
                _ => None,
            };
            let k = match svd {
                Some(s) if wanted => params.rank_for(l, s)?,
                _ => None,
            };
            match (k, svd) {
                (Some(k), Some(s)) => {
                    let (inner, outer) = factor(dense, s, k)?;
                    layers.push(inner);
                    layers.push(outer);
                }
                _ => layers.push(dense.clone()),
            }
            ranks.push(k);
            ends.push(layers.len() - 1);
        }
        Ok(LowRank {
            mlp: Mlp { layers },
            ranks,
            ends,
            dense_params: mlp.param_count(),
        })
    }

    /// Whether each layer of the factored `mlp` belongs to a factored pair (for fine-tuning the
    /// factors alone).
    pub fn factored_layers(&self) -> Vec<bool> {
        let mut out = vec![false; self.mlp.layers.len()];
        for (l, k) in self.ranks.iter().enumerate() {
            if k.is_some() {
                let end = self.ends.get(l).copied().unwrap_or(0);
                for i in end.saturating_sub(1)..=end {
                    if let Some(o) = out.get_mut(i) {
                        *o = true;
                    }
                }
            }
        }
        out
    }

    /// The effective weight of original layer `l` (the product of its factors, or its W).
    ///
    /// # Errors
    /// `InvalidParam` if `l` is not a layer.
    pub fn effective_weight(&self, l: usize) -> Result<Array2<f32>> {
        let end = *self
            .ends
            .get(l)
            .ok_or_else(|| Error::no_layer(l, self.ends.len()))?;
        let outer = &self.mlp.layers[end];
        match self.ranks[l] {
            Some(_) if end >= 1 => Ok(outer.w.dot(&self.mlp.layers[end - 1].w)),
            _ => Ok(outer.w.clone()),
        }
    }
}

/// The two layers replacing `dense` at rank k: inner `[k, n_in]` = √Σ_k V_kᵀ (no bias, identity)
/// and outer `[n_out, k]` = U_k √Σ_k with the original bias and activation. Splitting √Σ evenly
/// keeps both factors on the same scale, which helps fine-tuning with one learning rate.
///
/// # Errors
/// `ShapeMismatch` if the SVD does not belong to this layer; `InvalidParam` for a bad k.
pub fn factor(dense: &Dense, svd: &Svd, k: usize) -> Result<(Dense, Dense)> {
    if svd.u.nrows() != dense.n_out() || svd.vt.ncols() != dense.n_in() {
        return Err(Error::shape(
            "low_rank::factor",
            dense.w.dim(),
            (svd.u.nrows(), svd.vt.ncols()),
        ));
    }
    if k == 0 || k > svd.full_rank() {
        return Err(Error::param(
            Setting::Rank,
            k,
            Reason::MustBeBetween1AndMinNIn,
        ));
    }
    let root: Vec<f32> = svd.s[..k].iter().map(|s| s.max(0.0).sqrt()).collect();
    let inner_w = Array2::from_shape_fn((k, dense.n_in()), |(c, j)| root[c] * svd.vt[[c, j]]);
    let outer_w = Array2::from_shape_fn((dense.n_out(), k), |(i, c)| svd.u[[i, c]] * root[c]);
    let inner = Dense::from_parts(inner_w, Array1::zeros(k), Activation::Identity, None)?;
    let outer = Dense::from_parts(outer_w, dense.b.clone(), dense.act, None)?;
    Ok((inner, outer))
}

impl Compressed for LowRank {
    fn forward(&self, x: &[f32], batch: usize, ws: &mut Workspace) -> Result<Vec<f32>> {
        self.mlp.forward(x, batch, ws)?;
        Ok(ws.logits(batch).to_vec())
    }

    fn n_in(&self) -> usize {
        self.mlp.n_in()
    }

    /// Dense fp32 is the original model; reconstructing W would store it densely again; packed is
    /// the two factors (plus biases) per factored layer, as f32.
    fn size(&self) -> ModelSize {
        ModelSize {
            dense_fp32_bytes: self.dense_params * 4,
            dense_with_zeros_bytes: self.dense_params * 4,
            packed_bytes: self.mlp.param_count() * 4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MlpSpec;
    use crate::rng::SeededRng;

    fn small() -> Mlp {
        let mut m = Mlp::new(&MlpSpec::mnist(&[12, 8], Activation::Relu), 3).unwrap();
        m.layers[0].b.iter_mut().for_each(|b| *b = 0.1);
        m
    }

    #[test]
    fn factored_forward_equals_the_product_of_the_factors() {
        let mlp = small();
        let params = LowRankParams {
            layers: vec![LayerRank::Rank(5), LayerRank::Full, LayerRank::Energy(0.9)],
        };
        let lr = LowRank::apply(&mlp, &params).unwrap();
        assert_eq!(lr.mlp.layers.len(), 5);
        assert_eq!(lr.ranks[0], Some(5));
        // The same net with each factored layer replaced by the dense product of its factors.
        let mut product = mlp.clone();
        for l in [0, 2] {
            product.layers[l].w = lr.effective_weight(l).unwrap();
        }
        let mut r = SeededRng::new(9, 0);
        let x: Vec<f32> = (0..3 * 784).map(|_| r.normal()).collect();
        let got = Compressed::forward(&lr, &x, 3, &mut Workspace::default()).unwrap();
        let want = Compressed::forward(&product, &x, 3, &mut Workspace::default()).unwrap();
        for (a, b) in got.iter().zip(&want) {
            assert!((a - b).abs() < 1e-4 * (1.0 + b.abs()), "{a} vs {b}");
        }
        assert_eq!(
            lr.mlp.param_count(),
            5 * 784
                + 5
                + 12 * 5
                + 12
                + 8 * 12
                + 8
                + lr.mlp.layers[3].param_count()
                + lr.mlp.layers[4].param_count()
        );
        assert!(lr.size().packed_bytes < lr.size().dense_fp32_bytes);
    }

    #[test]
    fn full_rank_reproduces_the_dense_net() {
        let mlp = small();
        let params = LowRankParams {
            layers: vec![LayerRank::Rank(12), LayerRank::Rank(8), LayerRank::Rank(8)],
        };
        let lr = LowRank::apply(&mlp, &params).unwrap();
        for l in 0..3 {
            let w = lr.effective_weight(l).unwrap();
            let d = (&w - &mlp.layers[l].w)
                .mapv(f32::abs)
                .fold(0.0f32, |a, &b| a.max(b));
            assert!(d < 1e-4, "layer {l}: {d}");
        }
        assert_eq!(lr.factored_layers(), vec![true; 6]);
    }

    #[test]
    fn bad_rank_and_energy_are_typed_errors() {
        let mlp = small();
        for layer in [
            LayerRank::Rank(0),
            LayerRank::Rank(13),
            LayerRank::Energy(0.0),
            LayerRank::Energy(1.5),
            LayerRank::Energy(-0.1),
            LayerRank::Energy(f32::NAN),
        ] {
            let params = LowRankParams {
                layers: vec![layer],
            };
            assert!(
                matches!(
                    LowRank::apply(&mlp, &params),
                    Err(Error::InvalidParam { .. })
                ),
                "{layer:?}"
            );
        }
    }
}
