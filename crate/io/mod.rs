//! Models in and out. One file format for every version (`model_file`): safetensors tensors
//! holding the real packed representation (CSR, n-bit codes, codebooks, Huffman streams, sign
//! bits) plus JSON metadata (format version, architecture, recipe, seed, input scaling), so the
//! file is as small as the true packed size `Compressed::size` reports (Han et al. 2016).
//! Every loader is a plain `fn(&[u8]) -> Result<…>`: bad files become errors in words.

pub mod binary_layers;
pub mod bits;
pub mod float_layers;
pub mod huffman_code;
pub mod import;
pub mod meta;
pub mod model_file;
pub mod onnx;
pub mod pytorch;
pub mod quantized_layers;
pub mod snapshot;
pub mod tensors;
pub mod validate;

pub use meta::{FileInfo, InputScaling};
pub use model_file::{load, save, ModelFile};
