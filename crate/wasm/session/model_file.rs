//! `Session.loadModel`: replaces the session's model by a network read from a model file (today
//! the dense safetensors file of `shrink train --save`, crate/model/dense_file.rs), for the
//! pretrained network of embedded panels. Kept apart so that it moves to the files format.

use super::{JsResult, Session};
use crate::error::Error;
use crate::model::dense_file;
use crate::wasm::dto::err;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Session {
    /// Loads the network in `bytes` (a `shrink train --save` file) as the current model, in
    /// place of the one built from the seed; the settings must describe the same network.
    /// Training state (steps, epoch) starts again from 0. Returns the session info.
    ///
    /// # Errors
    /// `bad data: the model file is not valid: …` for a broken file; `bad data` naming both
    /// shapes when the file's network is not the one the settings describe; `not ready` before
    /// the training data is loaded.
    #[wasm_bindgen(js_name = loadModel)]
    pub fn load_model(&mut self, bytes: Vec<u8>) -> JsResult<JsValue> {
        let (mlp, file) = dense_file::load(&bytes).map_err(err)?;
        let want = self.cfg.spec().sizes();
        let shape = |s: &[usize]| {
            s.iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join("-")
        };
        if mlp.sizes() != want || file.activation != self.cfg.activation {
            return Err(err(Error::data(format!(
                "the model file holds a {} network with {:?}, but the settings describe {} with {:?}",
                shape(&mlp.sizes()),
                file.activation,
                shape(&want),
                self.cfg.activation
            ))));
        }
        self.rebuild().map_err(err)?;
        let trainer = self.trainer_mut().map_err(err)?;
        trainer.mlp = mlp;
        trainer.model_changed();
        self.info()
    }
}
