//! Data: the MNIST IDX format (optionally gzipped), validated into a `Dataset`, and seeded
//! shuffled batches over it.

pub mod batch;
pub mod files;
pub mod mnist;

pub use batch::Batcher;
pub use mnist::Dataset;
