//! Versions: every model the learner makes, kept with its parent, its recipe and its measured
//! figures, so that methods chain (prune → quantize → Huffman; distill → prune → quantize) and
//! every result lands on one accuracy-against-bytes chart. A method is a step from one version
//! to a new one; `recipe` spells a chain as text, `model` is the one enum every step produces,
//! `figures` measures a model once, and `store` keeps them.

pub mod figures;
pub mod model;
pub mod recipe;
pub mod store;

pub use figures::{measure, Figures};
pub use model::{Kernel, Model};
pub use recipe::{QuantFormat, RankChoice, Recipe, Step};
pub use store::{Store, Summary, Version};
