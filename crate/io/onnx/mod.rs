//! ONNX in and out (ONNX IR, opset 13): the schema is the vendored `onnx.proto`, compiled by
//! prost (with protox, a pure-Rust compiler) in `crate/build.rs`, so the wire format is
//! protobuf's own, not ours. `export` writes any version as a graph ONNX Runtime runs;
//! `import` reads an MLP (Gemm, or MatMul + Add, with Relu) as PyTorch exports it.

pub mod builder;
pub mod export;
pub mod import;

/// The generated ONNX protobuf types.
#[allow(clippy::all, missing_docs)]
pub mod proto {
    include!(concat!(env!("OUT_DIR"), "/onnx.rs"));
}

pub use export::{export, OPSET};
pub use import::import;
