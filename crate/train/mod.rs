//! Training: optimizers, the step/epoch loop with progress reports, and evaluation metrics.

pub mod config;
pub mod gallery;
pub mod metrics;
pub mod optimizer;
pub mod parallel;
pub mod trainer;

pub use config::{OptimizerKind, Schedule, TrainConfig};
pub use gallery::{gallery, Gallery};
pub use metrics::{evaluate, Evaluation};
pub use optimizer::{Moments, Optimizer};
pub use trainer::{cross_entropy, BatchLoss, Progress, RunState, Trainer};
