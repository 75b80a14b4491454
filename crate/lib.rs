//! Shrink: a neural-network compression lab.
//!
//! A multilayer perceptron trained on MNIST, then pruned, quantized, factored, distilled and
//! binarized. The core is plain Rust (tested natively); `wasm/` is the only WebAssembly facade.
//! Layout convention: weights are `[n_out, n_in]` and a layer computes y = x·Wᵀ + b.
// Unit tests (`#[cfg(test)]` modules) may unwrap and panic: there a failure is the test failing.
// Everywhere else Cargo.toml's [lints.clippy] denies them.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod compress;
pub mod data;
pub mod error;
pub mod io;
pub mod model;
pub mod render;
pub mod rng;
pub mod tensor;
pub mod train;
pub mod version;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, Result};
