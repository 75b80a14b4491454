//! Crash recovery: the page keeps the last trained model as bytes (a Shrink model file, the
//! same format as saved versions) and gives it back to a new worker after the old one died, so
//! a trap or a killed worker costs the learner nothing they trained.

use super::{JsResult, Session};
use crate::error::Error;
use crate::io::{load, save, FileInfo};
use crate::train::Trainer;
use crate::version::Model;
use crate::wasm::dto::err;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Session {
    /// The current model as model-file bytes (f32 weights, masks kept as zeros).
    ///
    /// # Errors
    /// `not ready` before there is a model; `bad data` for non-finite weights.
    #[wasm_bindgen(js_name = snapshotModel)]
    pub fn snapshot_model(&self) -> JsResult<Vec<u8>> {
        let mlp = self.model().map_err(err)?;
        let info = FileInfo {
            name: "snapshot".into(),
            seed: self.cfg.seed,
            ..Default::default()
        };
        save(&Model::Float(mlp.clone()), &info).map_err(err)
    }

    /// Replaces the current model with a snapshot of the same shape (the current settings), as
    /// a fresh trainer over it: training continues from those weights. Returns the session info.
    ///
    /// # Errors
    /// A corrupt file (in words); a model that is not f32 or whose layer sizes differ from the
    /// current settings'; `not ready` without training data.
    #[wasm_bindgen(js_name = restoreModel)]
    pub fn restore_model(&mut self, bytes: &[u8]) -> JsResult<JsValue> {
        let file = load(bytes).map_err(err)?;
        let Model::Float(mlp) = file.model else {
            return Err(err(Error::data("the snapshot is not an f32 model")));
        };
        let want = self.cfg.spec().sizes();
        if mlp.sizes() != want {
            return Err(err(Error::shape("snapshot layer sizes", want, mlp.sizes())));
        }
        let n = self.train_data().map_err(err)?.len();
        self.trainer = Some(Trainer::from_model(self.cfg.clone(), mlp, n).map_err(err)?);
        self.input = None;
        self.info()
    }
}
