//! The WebAssembly facade: the only place with `#[wasm_bindgen]`. A thin layer that checks
//! input, calls the core and converts results; no logic lives here.

use wasm_bindgen::prelude::*;

/// Installs the panic hook so a bug (never bad input) shows a readable stack in the console.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Which kernel set this build runs ("simd128" or "scalar").
#[wasm_bindgen(js_name = kernelSet)]
pub fn kernel_set() -> String {
    crate::tensor::kernels::ACTIVE.to_string()
}

mod bench;
