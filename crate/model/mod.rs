//! The model: dense layers with weights `[n_out, n_in]`, activations, the loss, initialisation,
//! and the multilayer perceptron that chains them with preallocated workspaces.

pub mod activation;
pub mod batch_norm;
pub mod dense;
pub mod init;
pub mod loss;
pub mod mlp;
pub mod workspace;

pub use activation::Activation;
pub use batch_norm::{BatchNorm, BnCache};
pub use dense::Dense;
pub use init::Init;
pub use mlp::{Mlp, MlpSpec};
pub use workspace::{Grads, Workspace};
