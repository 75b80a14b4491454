//! Versions: every model the learner makes, kept with its parent, its recipe and its measured
//! figures, so that methods chain (prune → quantize → Huffman; distill → prune → quantize) and
//! every result lands on one accuracy-against-bytes chart. A method is a step from one version
//! to a new one; `recipe` spells a chain as text, `step` applies one step in chunks, `run`
//! applies a whole recipe, `model` is the one enum every step produces, `figures` measures a
//! model once, and `store` keeps them.

pub mod figures;
pub mod model;
pub mod panel;
pub mod recipe;
pub mod run;
pub mod step;
pub mod store;

pub use figures::{measure, Figures};
pub use model::{Kernel, Model};
pub use recipe::{
    BinarizeStep, DistillStep, FinetuneStep, LowRankStep, NeuronsStep, PruneStep, QuantFormat,
    QuantizeStep, RankChoice, Recipe, ShareStep, Step, TrainStep,
};
pub use run::{run_recipe, Outcome};
pub use step::{Job, JobProgress};
pub use store::{Store, Summary, Version};
