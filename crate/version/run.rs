//! Running a whole recipe natively: step i makes version i from version i − 1 with the chain's
//! seed (the train step's `s`, default 1). A version that the store already holds — same parent,
//! same recipe prefix — is reused instead of trained again, so several chains that share a
//! prefix (`train…;prune…;quantize:int8` and `train…;prune…;share:5`) train their prefix once.

use super::recipe::Recipe;
use super::step::Job;
use super::store::{Store, Version, MAX_NAME_CHARS};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::error::{Reason, Setting};

/// What happened to one step of a recipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The version was made now.
    Made,
    /// The store already had it.
    Reused,
}

/// The default name of a version: its step as recipe text, shortened to fit.
pub fn default_name(recipe: &Recipe) -> String {
    let text = recipe
        .steps
        .last()
        .map_or_else(|| "import".to_string(), ToString::to_string);
    if text.chars().count() <= MAX_NAME_CHARS {
        text
    } else {
        let mut s: String = text.chars().take(MAX_NAME_CHARS - 1).collect();
        s.push('…');
        s
    }
}

/// Runs `recipe` into `store`, calling `report` after each step with its version; returns the
/// ids of the chain's versions, in order.
///
/// # Errors
/// The first step's error, in words, prefixed by nothing: errors already name the step and
/// the version (a chain that makes no sense, bad settings, divergence).
pub fn run_recipe(
    store: &mut Store,
    recipe: &Recipe,
    train: &Dataset,
    test: &Dataset,
    now_ms: &dyn Fn() -> f64,
    report: &mut dyn FnMut(&Version, Outcome),
) -> Result<Vec<u32>> {
    let seed = recipe.seed();
    let mut ids = Vec::with_capacity(recipe.steps.len());
    let mut parent: Option<u32> = None;
    for (i, step) in recipe.steps.iter().enumerate() {
        let prefix = recipe.prefix(i + 1);
        let (id, outcome) = match store.find(parent, &prefix) {
            Some(id) => (id, Outcome::Reused),
            None => {
                let parent_version = parent.map(|p| store.get(p)).transpose()?;
                let mut job = Job::start(step, parent_version, train, seed)?;
                job.run_to_end(train)?;
                let (model, figures) = job.finish(test, now_ms)?;
                let id = store.add(&default_name(&prefix), parent, prefix, seed, model, figures)?;
                (id, Outcome::Made)
            }
        };
        report(store.get(id)?, outcome);
        ids.push(id);
        parent = Some(id);
    }
    if ids.is_empty() {
        return Err(Error::param(
            Setting::Recipe,
            "\"\"",
            Reason::NeedsAtLeastOneStep,
        ));
    }
    Ok(ids)
}
