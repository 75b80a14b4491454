//! The five compression methods, one module each, plus honest size accounting.
//! Each method has a `Params` (serde, Default) with `check()`, and an `apply`.

pub mod size;
