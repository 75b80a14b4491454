//! "Save as version" for the labs whose result is a new model (Quantize, Low-rank, Distill,
//! Binarize): the lab captures an [`Origin`] when it runs (the model it started from, the
//! version that model is, and the chain's seed) and later hands its result here with the recipe
//! step that describes it (`crate::version::panel`). The new version's parent is the input
//! version, its recipe the parent's plus the step, and its figures are measured once, here.
//! An input that was never saved (a model trained or pruned in this session) is saved first,
//! so the chain stays whole.

use super::dto::{err, now_ms};
use super::session::Session;
use super::versions::{find, save_session_model, summary};
use crate::error::{Error, Missing, Refusal};
use crate::model::Mlp;
use crate::version::panel::PanelStep;
use crate::version::{measure, Model, Recipe};
use wasm_bindgen::prelude::*;

type JsResult<T> = std::result::Result<T, JsError>;

/// What a lab's result was made from, captured when the lab ran.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    /// The session's model at that moment.
    input: Mlp,
    /// The version it was picked from, if any.
    version: Option<u32>,
    /// The chain's seed: the input version's, or the session's for a model trained here.
    pub(crate) seed: u64,
}

impl Origin {
    /// The session's current model and where it comes from.
    ///
    /// # Errors
    /// `not ready` without a model.
    pub(crate) fn capture(session: &Session) -> JsResult<Origin> {
        let input = session.model().map_err(err)?.clone();
        let version = session.input();
        let seed = version
            .and_then(|id| session.versions().get(id).ok())
            .map_or(session.config().seed, |v| v.seed);
        Ok(Origin {
            input,
            version,
            seed,
        })
    }
}

/// The version the lab's input is: the picked version when the model is still exactly it,
/// otherwise the session's model saved now as a version (it must not have changed since the lab
/// ran).
fn parent_of(session: &mut Session, origin: &Origin, what: &str) -> JsResult<u32> {
    if let Some(id) = origin.version {
        if let Ok(v) = session.versions().get(id) {
            if v.model == Model::Float(origin.input.clone()) {
                return Ok(id);
            }
        }
    }
    if session.model().map_err(err)? != &origin.input {
        return Err(err(Error::Refused {
            refusal: Refusal::InputChanged,
            args: vec![("what", what.to_string())],
        }));
    }
    let stamp = origin
        .version
        .map_or_else(|| "trained here".to_string(), |id| format!("from #{id}"));
    let id = save_session_model(session, &format!("{stamp} (input of {what})"))?;
    // Later saves from the same input then find it as the picked version.
    session.set_input(Some(id));
    Ok(id)
}

/// Adds `model`, made from `origin` by `step`, as a version named `name` (empty: the step's
/// text). `parented` is false for a model that does not descend from the input (a binary net
/// trained from scratch). Returns the summary with a `note`: empty when `shrink recipe` with the
/// saved recipe rebuilds this model exactly, otherwise why not, in words.
///
/// # Errors
/// The input changed since the lab ran; a bad name; a full list; `not ready` without test data.
pub(crate) fn save_result(
    session: &mut Session,
    origin: &Origin,
    step: PanelStep,
    parented: bool,
    model: Model,
    name: &str,
    what: &str,
) -> JsResult<JsValue> {
    let (parent, base, seed, root) = if parented {
        let id = parent_of(session, origin, what)?;
        let p = find(session.versions(), id)?;
        (
            Some(id),
            p.recipe.clone(),
            p.seed,
            Some(p.figures.root_dense_bytes),
        )
    } else {
        // A root: the chain's seed is the recipe's own (its default, without a train step).
        let own = Recipe {
            steps: vec![step.step.clone()],
        };
        (None, Recipe { steps: vec![] }, own.seed(), None)
    };
    let recipe = base.then(step.step.clone());
    let root = root.unwrap_or_else(|| crate::compress::Compressed::size(&model).dense_fp32_bytes);
    let figures = measure(&model, session.test_data().map_err(err)?, root, &now_ms).map_err(err)?;
    let name = if name.trim().is_empty() {
        step.step.to_string()
    } else {
        name.to_string()
    };
    let id = session
        .versions_mut()
        .add(&name, parent, recipe, seed, model, figures)
        .map_err(err)?;
    let v = summary(session.versions(), id)?;
    let note = step.inexact.map_or_else(String::new, |why| {
        format!("shrink recipe makes a close, not identical, model: {why}")
    });
    js_sys::Reflect::set(&v, &JsValue::from_str("note"), &JsValue::from_str(&note))
        .map_err(|_| JsError::new("cannot build the reply"))?;
    Ok(v)
}

/// The error for a save before the lab has a result.
pub(crate) fn nothing(what: Missing) -> JsError {
    err(Error::NotReady { what })
}
