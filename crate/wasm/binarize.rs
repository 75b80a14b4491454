//! `BinarizeLab`: the Binarize panel's handle in the worker. It trains its own binary network
//! (BinaryConnect or BNN) on the session's MNIST in chunks, evaluates the float simulation and
//! the bit-packed network, draws ±α heatmaps, measures the XNOR-popcount layer against the f32
//! dense layer with performance.now(), and classifies drawn digits. Input checks and conversion
//! only; the logic is in `compress::binarize`.

use super::dto::{err, from_js, image_to_js, now_ms, to_js};
use super::session::Session;
use super::versions_save::{save_result, Origin};
use crate::compress::binarize::{
    bench, view, BinaryTrainer, LayerKind, LayerSize, PackedNet, Params,
};
use crate::compress::{Compressed, ModelSize};
use crate::error::Error;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Most steps one `trainSteps` call may take (the panel asks for ~60 ms of work).
const MAX_STEPS_PER_CALL: u32 = 10_000;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Info<'a> {
    params: &'a Params,
    sizes: Vec<usize>,
    kinds: &'a [LayerKind],
    steps: u64,
    total_steps: u64,
    epoch: usize,
    done: bool,
    size: ModelSize,
    layers: Vec<LayerSize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    sim_accuracy: f32,
    packed_accuracy: f32,
    /// The packed network's confusion matrix equals the float simulation's.
    identical: bool,
    count: usize,
    size: ModelSize,
    layers: Vec<LayerSize>,
    alpha_mean: Vec<f32>,
}

fn not_ready() -> JsError {
    err(Error::NotReady {
        what: "no binary network yet: press Train first",
    })
}

/// The Binarize panel's state in the worker.
#[wasm_bindgen]
#[derive(Default)]
pub struct BinarizeLab {
    trainer: Option<BinaryTrainer>,
    packed: Option<PackedNet>,
    /// The input the network started from (`configureFromDense`), or None for a fresh one.
    origin: Option<Origin>,
}

#[wasm_bindgen]
impl BinarizeLab {
    /// An empty lab.
    #[wasm_bindgen(constructor)]
    pub fn new() -> BinarizeLab {
        BinarizeLab::default()
    }

    /// Starts a fresh binary network from `params` (a `compress::binarize::Params` object).
    ///
    /// # Errors
    /// Invalid settings (in words); `not ready` before the training data is in.
    pub fn configure(&mut self, session: &Session, params: JsValue) -> Result<JsValue, JsError> {
        let params: Params = from_js("binarize settings", params)?;
        let n = session.train_data().map_err(err)?.len();
        self.trainer = Some(BinaryTrainer::new(params, n).map_err(err)?);
        self.packed = None;
        self.origin = None;
        self.info(session)
    }

    /// Like `configure`, but the shadow weights start from the panels' input as it is now (the
    /// Train panel's network, or the version picked with "Use as input"; the hidden widths in
    /// `params` must match it). The panel calls it again while its network is untrained, so a
    /// warm start follows the input.
    ///
    /// # Errors
    /// As `configure`; widths that differ from the session's network.
    #[wasm_bindgen(js_name = configureFromDense)]
    pub fn configure_from_dense(
        &mut self,
        session: &Session,
        params: JsValue,
    ) -> Result<JsValue, JsError> {
        let params: Params = from_js("binarize settings", params)?;
        let n = session.train_data().map_err(err)?.len();
        let mlp = session.model().map_err(err)?;
        self.trainer = Some(BinaryTrainer::from_dense(params, mlp, n).map_err(err)?);
        self.packed = None;
        self.origin = Some(Origin::capture(session)?);
        self.info(session)
    }

    /// Settings, layer widths and kinds, steps, epochs and the true packed sizes of the network.
    ///
    /// # Errors
    /// `not ready` before `configure`.
    pub fn info(&self, _session: &Session) -> Result<JsValue, JsError> {
        let t = self.trainer.as_ref().ok_or_else(not_ready)?;
        let packed = PackedNet::from_net(&t.net).map_err(err)?;
        to_js(&Info {
            size: packed.size(),
            layers: packed.layer_sizes(),
            params: &t.params,
            sizes: t.net.shadow.sizes(),
            kinds: &t.net.kinds,
            steps: t.steps(),
            total_steps: t.total_steps(),
            epoch: t.epoch(),
            done: t.done(),
        })
    }

    /// Up to `max_steps` training steps (stopping at an epoch's end); returns the progress.
    ///
    /// # Errors
    /// `not ready`; a diverged loss (weights restored); `training is finished`.
    #[wasm_bindgen(js_name = trainSteps)]
    pub fn train_steps(&mut self, session: &Session, max_steps: u32) -> Result<JsValue, JsError> {
        let data = session.train_data().map_err(err)?;
        let t = self.trainer.as_mut().ok_or_else(not_ready)?;
        self.packed = None;
        let p = t
            .run(data, max_steps.clamp(1, MAX_STEPS_PER_CALL) as usize)
            .map_err(err)?;
        to_js(&p)
    }

    /// Evaluates the float simulation and the bit-packed network on the first `limit` test
    /// images (0 = all 10,000), records the test accuracy on the curve, and reports sizes.
    ///
    /// # Errors
    /// `not ready` before `configure` or before the test data is in.
    pub fn evaluate(&mut self, session: &Session, limit: u32) -> Result<JsValue, JsError> {
        let test = session.test_data().map_err(err)?;
        let t = self.trainer.as_mut().ok_or_else(not_ready)?;
        let sim = t.net.evaluate(test, limit as usize).map_err(err)?;
        if limit == 0 {
            t.record_test(sim.accuracy);
        }
        let packed = PackedNet::from_net(&t.net).map_err(err)?;
        let pk = packed.evaluate(test, limit as usize).map_err(err)?;
        let alpha_mean = (0..t.net.kinds.len())
            .map(|l| {
                t.net
                    .alpha(l)
                    .map(|a| a.iter().sum::<f32>() / a.len().max(1) as f32)
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(err)?;
        let report = Report {
            sim_accuracy: sim.accuracy,
            packed_accuracy: pk.accuracy,
            identical: sim.confusion == pk.confusion,
            count: sim.count,
            size: packed.size(),
            layers: packed.layer_sizes(),
            alpha_mean,
        };
        self.packed = Some(packed);
        to_js(&report)
    }

    /// The training curves as a `LineChart` for `drawLineChart`.
    ///
    /// # Errors
    /// `not ready` before `configure`.
    pub fn chart(&self, _session: &Session) -> Result<JsValue, JsError> {
        to_js(&self.trainer.as_ref().ok_or_else(not_ready)?.chart())
    }

    /// RGBA heatmap of layer `layer`'s weights as used (±α per neuron for binary layers).
    ///
    /// # Errors
    /// `not ready`; no such layer.
    pub fn heatmap(
        &self,
        _session: &Session,
        layer: u32,
        tiles_per_row: u32,
    ) -> Result<JsValue, JsError> {
        let t = self.trainer.as_ref().ok_or_else(not_ready)?;
        image_to_js(&view::heatmap(&t.net, layer as usize, tiles_per_row as usize).map_err(err)?)
    }

    /// Class probabilities of the bit-packed network for 784 intensities in [0, 1].
    ///
    /// # Errors
    /// `not ready`; a buffer that is not 784 long or a value outside [0, 1].
    pub fn predict(&mut self, _session: &Session, pixels: &[f32]) -> Result<Vec<f32>, JsError> {
        let t = self.trainer.as_ref().ok_or_else(not_ready)?;
        if self.packed.is_none() {
            self.packed = Some(PackedNet::from_net(&t.net).map_err(err)?);
        }
        let packed = self.packed.as_ref().ok_or_else(not_ready)?;
        view::predict(packed, pixels).map_err(err)
    }

    /// Saves the bit-packed network as a version named `name` (empty: its recipe step), with
    /// the `binarize` step its settings spell: a child of the input version when it started
    /// from it, else a root. The reply has a `note` (empty when the recipe rebuilds it exactly).
    ///
    /// # Errors
    /// No network yet; the input model changed since; a bad name; a full list.
    #[wasm_bindgen(js_name = saveVersion)]
    pub fn save_version(&self, session: &mut Session, name: &str) -> Result<JsValue, JsError> {
        let t = self.trainer.as_ref().ok_or_else(not_ready)?;
        let packed = PackedNet::from_net(&t.net).map_err(err)?;
        let warm = self.origin.is_some();
        // A fresh net is a root: its chain's seed is the recipe's default.
        let seed = self
            .origin
            .as_ref()
            .map_or(crate::version::recipe::DEFAULT_SEED, |o| o.seed);
        let step =
            crate::version::panel::binarize(&t.params, warm, t.steps(), t.total_steps(), seed);
        let fresh;
        let origin = match &self.origin {
            Some(o) => o,
            None => {
                fresh = Origin::capture(session)?;
                &fresh
            }
        };
        save_result(
            session,
            origin,
            step,
            warm,
            crate::version::Model::Binary(packed),
            name,
            "Binarize panel",
        )
    }

    /// Measures the XNOR-popcount layer against the f32 dense layer of shape `[n_out, n_in]`
    /// on `batch` rows, each for at least `min_ms` (performance.now()).
    ///
    /// # Errors
    /// Shapes outside 1..=4096 or a bad `min_ms`.
    pub fn speed(
        &self,
        _session: &Session,
        batch: u32,
        n_in: u32,
        n_out: u32,
        min_ms: f64,
    ) -> Result<JsValue, JsError> {
        let s = bench::layer_speed(
            batch as usize,
            n_in as usize,
            n_out as usize,
            &now_ms,
            min_ms,
        )
        .map_err(err)?;
        to_js(&s)
    }
}
