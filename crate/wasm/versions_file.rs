//! Versions as model files, so the page can keep them in IndexedDB and restore them after a
//! reload: `exportVersion` writes a version's model with its name, recipe and seed in the
//! Shrink model file (crate::io::model_file: safetensors + metadata, verified by loading it
//! back); `importVersion` checks such a file and adds it as a version, measured again here.

use super::dto::{err, now_ms};
use super::session::Session;
use super::versions::{find, summary, VersionsLab};
use crate::compress::Compressed;
use crate::error::bad_data;
use crate::error::Error;
use crate::error::{Reason, Setting};
use crate::io::meta::{FileInfo, InputScaling};
use crate::io::model_file;
use crate::version::{measure, Recipe};
use wasm_bindgen::prelude::*;

type JsResult<T> = std::result::Result<T, JsError>;

/// Largest dense fp32 size a restored ratio may divide (1 GB; a root's size is a byte count).
const MAX_ROOT_BYTES: f64 = 1e9;

#[wasm_bindgen]
impl VersionsLab {
    /// Version `id` as the bytes of a Shrink model file (its name, recipe and seed included).
    ///
    /// # Errors
    /// No such version; a model the format cannot store exactly.
    #[wasm_bindgen(js_name = exportVersion)]
    pub fn export_version(&self, session: &Session, id: u32) -> JsResult<Vec<u8>> {
        let v = find(session.versions(), id)?;
        let info = FileInfo {
            name: v.name.clone(),
            recipe: v.recipe.to_string(),
            seed: v.seed,
            input_scaling: InputScaling::default(),
        };
        model_file::save(&v.model, &info).map_err(err)
    }

    /// Adds the model in `bytes` (a Shrink model file) as a version named `name` (empty: the
    /// file's name), child of `parent`, and measures it here. `root_dense_bytes` is the dense
    /// fp32 size of the chain's trained model, which its ratio divides (0: the parent's, or
    /// this model's own dense size).
    ///
    /// # Errors
    /// A corrupt or foreign file, in words; a recipe in the file that does not parse; a model
    /// whose input is not 784 pixels or whose scaling is not the page's; no such parent; a
    /// full list; `not ready` without test data.
    #[wasm_bindgen(js_name = importVersion)]
    pub fn import_version(
        &mut self,
        session: &mut Session,
        bytes: &[u8],
        parent: Option<u32>,
        name: &str,
        root_dense_bytes: f64,
    ) -> JsResult<JsValue> {
        if !root_dense_bytes.is_finite() || !(0.0..=MAX_ROOT_BYTES).contains(&root_dense_bytes) {
            return Err(err(Error::param(
                Setting::RootDenseBytes,
                root_dense_bytes,
                Reason::MustBeAByteCountFrom0To,
            )));
        }
        let file = model_file::load(bytes).map_err(err)?;
        if file.info.input_scaling != InputScaling::default() {
            return Err(err(bad_data!(
                ModelOtherScaling,
                name = file.info.name,
                scaling = file.info.input_scaling.describe()
            )));
        }
        if file.model.n_in() != 784 {
            return Err(err(Error::shape(
                "model file input",
                784,
                file.model.n_in(),
            )));
        }
        let recipe = if file.info.recipe.trim().is_empty() {
            Recipe { steps: vec![] }
        } else {
            Recipe::parse(&file.info.recipe).map_err(err)?
        };
        let parent_root = match parent {
            Some(id) => Some(find(session.versions(), id)?.figures.root_dense_bytes),
            None => None,
        };
        let root = if root_dense_bytes >= 1.0 {
            root_dense_bytes as usize
        } else {
            parent_root.unwrap_or_else(|| file.model.size().dense_fp32_bytes)
        };
        let figures = measure(
            &file.model,
            session.test_data().map_err(err)?,
            root,
            &now_ms,
        )
        .map_err(err)?;
        let name = if name.trim().is_empty() {
            file.info.name.as_str()
        } else {
            name
        };
        let id = session
            .versions_mut()
            .add(name, parent, recipe, file.info.seed, file.model, figures)
            .map_err(err)?;
        summary(session.versions(), id)
    }
}
