//! Compiles the vendored ONNX schema (crate/io/onnx/onnx.proto) to Rust with prost. protox is
//! a pure-Rust .proto compiler, so no `protoc` binary is needed on any machine.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=crate/io/onnx/onnx.proto");
    let fds = protox::compile(["onnx.proto"], ["crate/io/onnx"])?;
    prost_build::Config::new().compile_fds(fds)?;
    Ok(())
}
