//! Training: optimizers, the step/epoch loop with progress reports, and evaluation metrics.

pub mod config;
pub mod metrics;
pub mod optimizer;
pub mod trainer;

pub use config::{OptimizerKind, Schedule, TrainConfig};
pub use metrics::{evaluate, Evaluation};
pub use optimizer::Optimizer;
pub use trainer::{Progress, Trainer};
