//! The WebAssembly facade: the only place with `#[wasm_bindgen]`. A thin layer that checks
//! input, calls the core and converts results; no logic lives here.
//!
//! `session` is the worker's model owner; `charts` draws on the page's canvases; each
//! compression method adds one `<method>.rs` with a `<Method>Lab` and one `mod` line below.

mod binarize;
mod canvas;
mod charts;
mod dto;
mod quantize;
pub use quantize::QuantizeLab;
pub mod prune;
pub mod session;

pub use session::Session;

use wasm_bindgen::prelude::*;

/// Installs the panic hook so a bug (never bad input) shows a readable stack in the console.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Which kernel set this build runs ("simd128", "relaxed-simd" or "scalar"), with the thread
/// count in the threaded build ("simd128 × 2 threads").
#[wasm_bindgen(js_name = kernelSet)]
pub fn kernel_set() -> String {
    crate::tensor::kernels::describe()
}

/// `initThreadPool(n)`: starts n rayon workers (threaded build only; the worker awaits it).
#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

mod bench;

/// Milliseconds from `performance.now()`, the clock the wasm side measures speed with.
#[wasm_bindgen(js_name = nowMs)]
pub fn now_ms() -> f64 {
    dto::now_ms()
}

pub mod distill;
mod files;
pub mod low_rank;
pub mod versions;
mod versions_file;
mod versions_job;
mod versions_save;
pub use versions::VersionsLab;
