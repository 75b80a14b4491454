//! Model files the learner brings or takes (issue 11): `importFile` adds a PyTorch state_dict
//! (safetensors), an ONNX MLP or a Shrink model file as a new version, with the input scaling
//! asked for or read from the file and a note saying which was used (as ids too, so the page says
//! it in its language); `exportOnnx` writes any version as ONNX (opset 13). The checks and
//! conversions live in `crate::io`.

use super::dto::{err, now_ms, to_js};
use super::session::Session;
use super::versions::{find, summary, VersionsLab};
use crate::compress::Compressed;
use crate::error::Error;
use crate::error::{NoteText, Reason, Said, Setting};
use crate::io::{import, onnx, InputScaling};
use crate::version::{measure, Recipe};
use wasm_bindgen::prelude::*;

type JsResult<T> = std::result::Result<T, JsError>;

fn scaling(s: &str) -> JsResult<Option<InputScaling>> {
    match s {
        "" | "auto" => Ok(None),
        "unit" => Ok(Some(InputScaling::Unit)),
        "mean-std" => Ok(Some(InputScaling::default())),
        other => Err(err(Error::param(
            Setting::InputScaling,
            other,
            Reason::MustBeAutoUnitP255OrMean,
        ))),
    }
}

/// Hangs the import's note on the reply: `note` in English (as the CLI prints it) and
/// `noteText` as `{id, args}`, which the Files panel says in the page's language.
fn set_note(v: &JsValue, note: &Said<NoteText>) -> JsResult<()> {
    let english = JsValue::from_str(&note.to_string());
    let typed = to_js(&note.wire())?;
    for (key, value) in [("note", &english), ("noteText", &typed)] {
        js_sys::Reflect::set(v, &JsValue::from_str(key), value)
            .map_err(|_| JsError::new("cannot build the reply"))?;
    }
    Ok(())
}

#[wasm_bindgen]
impl VersionsLab {
    /// Adds the model in `bytes` — a Shrink file, a PyTorch state_dict in safetensors or an
    /// ONNX MLP — as a new version named `name` (empty: the file's). `scaling` is how the
    /// trainer scaled pixels: "auto" (the file's metadata, else the page's mean/std), "unit"
    /// (p/255) or "mean-std". Returns the version's summary with a `note` in words.
    ///
    /// # Errors
    /// A corrupt or foreign file, in words (nothing in the session changes); a model whose
    /// input is not 784 pixels; a full list; `not ready` without test data.
    #[wasm_bindgen(js_name = importFile)]
    pub fn import_file(
        &mut self,
        session: &mut Session,
        bytes: &[u8],
        scaling_name: &str,
        name: &str,
    ) -> JsResult<JsValue> {
        let asked = scaling(scaling_name)?;
        if import::sniff(bytes) == import::Kind::Shrink {
            let v = self.import_version(session, bytes, None, name, 0.0)?;
            set_note(&v, &Said::new(NoteText::ShrinkFile))?;
            return Ok(v);
        }
        let imported = import::any(bytes, asked).map_err(err)?;
        let model = imported.file.model;
        if model.n_in() != 784 {
            return Err(err(Error::shape("imported model input", 784, model.n_in())));
        }
        let root = model.size().dense_fp32_bytes;
        let figures =
            measure(&model, session.test_data().map_err(err)?, root, &now_ms).map_err(err)?;
        let name = if name.trim().is_empty() {
            imported.file.info.name.as_str()
        } else {
            name
        };
        let id = session
            .versions_mut()
            .add(name, None, Recipe { steps: vec![] }, 0, model, figures)
            .map_err(err)?;
        let v = summary(session.versions(), id)?;
        if let Some(note) = &imported.note {
            set_note(&v, note)?;
        }
        Ok(v)
    }

    /// Version `id` as an ONNX file (opset 13; int8 as QuantizeLinear/DequantizeLinear).
    ///
    /// # Errors
    /// No such version.
    #[wasm_bindgen(js_name = exportOnnx)]
    pub fn export_onnx(&self, session: &Session, id: u32) -> JsResult<Vec<u8>> {
        let v = find(session.versions(), id)?;
        onnx::export(&v.model, &v.name).map_err(err)
    }
}
