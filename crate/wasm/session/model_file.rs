//! `Session.loadModel`: replaces the session's model by the float network of a Shrink model
//! file (crate/io, as `shrink train --save` writes it), for the pretrained network of embedded
//! panels.

use super::{JsResult, Session};
use crate::error::bad_data;
use crate::version::Model;
use crate::wasm::dto::err;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Session {
    /// Loads the float network in `bytes` (a Shrink model file) as the current model, in place of
    /// the one built from the seed; the settings must describe the same network. Training state
    /// (steps, epoch) starts again from 0. Returns the session info.
    ///
    /// # Errors
    /// `bad data: …` in words for a broken file; `bad data` naming both shapes when the file's
    /// network is not the one the settings describe, or when it is not a float network; `not
    /// ready` before the training data is loaded.
    #[wasm_bindgen(js_name = loadModel)]
    pub fn load_model(&mut self, bytes: Vec<u8>) -> JsResult<JsValue> {
        let file = crate::io::load(&bytes).map_err(err)?;
        let Model::Float(mlp) = file.model else {
            return Err(err(bad_data!(ModelNotFloat)));
        };
        let want = self.cfg.spec().sizes();
        let act = mlp.layers.first().map(|d| d.act);
        let shape = |s: &[usize]| {
            s.iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join("-")
        };
        if mlp.sizes() != want || act != Some(self.cfg.activation) {
            return Err(err(bad_data!(
                ModelOtherNetwork,
                file = shape(&mlp.sizes()),
                file_act = format!("{act:?}"),
                want = shape(&want),
                want_act = format!("{:?}", self.cfg.activation)
            )));
        }
        self.rebuild().map_err(err)?;
        let trainer = self.trainer_mut().map_err(err)?;
        trainer.mlp = mlp;
        trainer.model_changed();
        self.info()
    }
}
