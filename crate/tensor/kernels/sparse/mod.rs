//! Sparse (CSR) kernels: y = x·Wᵀ with only the stored weights of W, on feature-major
//! activations. `simd128` when the wasm target has it, `scalar` as its twin and oracle; the
//! checked entry point is `crate::tensor::sparse::Csr::mm_t`, which validates the CSR once at
//! construction and the buffer lengths at each call.

pub mod scalar;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod simd128;

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub(crate) use scalar as active;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) use simd128 as active;
