//! Binary networks: BinaryConnect (binary weights, Courbariaux et al. 2015), XNOR-Net scaling
//! (w_b = α·sign(w), α = mean |w| per output neuron, Rastegari et al. 2016) and BNN (binary
//! weights and sign activations after batch norm, Courbariaux, Hubara et al. 2016), trained
//! through the straight-through estimator, then bit-packed: dot = n − 2·popcount(a XOR w).

pub mod bench;
pub mod layer;
pub mod net;
pub mod packed;
pub mod params;
pub mod parts;
pub mod sign;
pub mod trainer;
pub mod view;

pub use layer::LayerKind;
pub use net::{BinaryNet, NetCache};
pub use packed::{LayerSize, PackedNet};
pub use params::{Method, Output, Params};
pub use parts::{PackedLayerParts, PartWeights};
pub use trainer::{BinaryTrainer, CurvePoint};

#[cfg(test)]
mod tests;
