//! The version store: every model the learner makes, in order, with its parent, its full recipe
//! from the root and its figures. Ids are never reused, so a deleted id stays an error in words
//! ("there is no version #4") rather than silently naming a newer model.

use super::figures::Figures;
use super::model::Model;
use super::recipe::{Recipe, Step};
use crate::error::{Error, Result};
use crate::error::{Reason, Setting};
use serde::Serialize;

/// Most versions kept at once (each LeNet-300-100 is about 1 MB as f32).
pub const MAX_VERSIONS: usize = 64;
/// Longest version name, in characters.
pub const MAX_NAME_CHARS: usize = 60;

/// One model the learner made.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    /// Stable id, never reused.
    pub id: u32,
    /// A name the learner can change.
    pub name: String,
    /// The version this one was made from (None for a trained or imported root).
    pub parent: Option<u32>,
    /// Every step from the root to this version (the last one made it).
    pub recipe: Recipe,
    /// The seed the chain ran with.
    pub seed: u64,
    /// The model itself.
    pub model: Model,
    /// Measured when it was made.
    pub figures: Figures,
}

impl Version {
    /// The step that made this version.
    pub fn step(&self) -> Option<&Step> {
        self.recipe.steps.last()
    }
}

/// What the page lists for a version (everything but the weights).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub id: u32,
    pub name: String,
    pub parent: Option<u32>,
    /// The method of the last step (`train`, `prune`, …; `import` for a loaded file).
    pub method: String,
    /// The last step as recipe text.
    pub step: String,
    /// The whole chain as recipe text.
    pub recipe: String,
    pub seed: u64,
    pub figures: Figures,
}

/// All versions of a session.
#[derive(Debug, Clone, Default)]
pub struct Store {
    versions: Vec<Version>,
    next_id: u32,
}

impl Store {
    /// An empty store; the first id is 1.
    pub fn new() -> Self {
        Store {
            versions: Vec::new(),
            next_id: 1,
        }
    }

    /// Adds a version and returns its id. A parent must exist; a full store says so.
    ///
    /// # Errors
    /// `InvalidParam` for a missing parent, a bad name or a full store.
    pub fn add(
        &mut self,
        name: &str,
        parent: Option<u32>,
        recipe: Recipe,
        seed: u64,
        model: Model,
        figures: Figures,
    ) -> Result<u32> {
        if let Some(p) = parent {
            self.get(p)?;
        }
        if self.versions.len() >= MAX_VERSIONS {
            return Err(Error::param(
                Setting::Versions,
                self.versions.len(),
                Reason::TheListIsFull64DeleteAVersion,
            ));
        }
        let name = check_name(name)?;
        let id = self.next_id.max(1);
        self.next_id = id + 1;
        self.versions.push(Version {
            id,
            name,
            parent,
            recipe,
            seed,
            model,
            figures,
        });
        Ok(id)
    }

    /// The version with this id.
    ///
    /// # Errors
    /// `InvalidParam` "there is no version #N" when it does not exist (or was deleted).
    pub fn get(&self, id: u32) -> Result<&Version> {
        self.versions.iter().find(|v| v.id == id).ok_or_else(|| {
            Error::param(
                Setting::Version,
                format!("#{id}"),
                Reason::ThereIsNoSuchVersionItMayHave,
            )
        })
    }

    /// Renames a version.
    ///
    /// # Errors
    /// Unknown id; an empty or over-long name.
    pub fn rename(&mut self, id: u32, name: &str) -> Result<()> {
        let name = check_name(name)?;
        self.get(id)?;
        if let Some(v) = self.versions.iter_mut().find(|v| v.id == id) {
            v.name = name;
        }
        Ok(())
    }

    /// Deletes a version; its children keep their recipe (and their parent id, now dangling).
    ///
    /// # Errors
    /// Unknown id.
    pub fn delete(&mut self, id: u32) -> Result<Version> {
        let at = self
            .versions
            .iter()
            .position(|v| v.id == id)
            .ok_or_else(|| {
                Error::param(
                    Setting::Version,
                    format!("#{id}"),
                    Reason::ThereIsNoSuchVersionItMayHave,
                )
            })?;
        Ok(self.versions.remove(at))
    }

    /// Removes every version (ids keep counting up).
    pub fn clear(&mut self) {
        self.versions.clear();
    }

    /// The versions, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Version> {
        self.versions.iter()
    }

    /// Number of versions.
    pub fn len(&self) -> usize {
        self.versions.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.versions.is_empty()
    }

    /// An existing version made from `parent` by exactly this recipe (so a recipe link that is
    /// opened twice, or two chains sharing a prefix, reuse it instead of training again).
    pub fn find(&self, parent: Option<u32>, recipe: &Recipe) -> Option<u32> {
        self.versions
            .iter()
            .find(|v| v.parent == parent && &v.recipe == recipe)
            .map(|v| v.id)
    }

    /// The list the page shows.
    pub fn summaries(&self) -> Vec<Summary> {
        self.versions
            .iter()
            .map(|v| Summary {
                id: v.id,
                name: v.name.clone(),
                parent: v.parent,
                method: v.step().map_or("import", Step::name).to_string(),
                step: v.step().map(ToString::to_string).unwrap_or_default(),
                recipe: v.recipe.to_string(),
                seed: v.seed,
                figures: v.figures.clone(),
            })
            .collect()
    }
}

fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::param(
            Setting::VersionName,
            "\"\"",
            Reason::MustNotBeEmpty,
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::param(
            Setting::VersionName,
            format!("{} characters", name.chars().count()),
            Reason::MustBeAtMost60Characters,
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::param(
            Setting::VersionName,
            name.escape_default(),
            Reason::MustNotContainControlCharacters,
        ));
    }
    Ok(name.to_string())
}
