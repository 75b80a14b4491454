//! Shared helpers for the integration tests: real MNIST from `$SHRINK_DATA` or www/data.
#![allow(dead_code)]
// Tests may unwrap and panic: a failure here is the test failing, not a user-facing panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use shrink::data::{files, Dataset};
use std::sync::OnceLock;

/// (train, test), loaded once per test binary.
pub fn mnist() -> &'static (Dataset, Dataset) {
    static DATA: OnceLock<(Dataset, Dataset)> = OnceLock::new();
    DATA.get_or_init(|| match files::load_mnist(&files::default_dir()) {
        Ok(d) => d,
        Err(e) => panic!("MNIST is required for this test ({e}); run `cargo xtask setup`"),
    })
}
