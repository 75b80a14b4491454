//! `cargo xtask soak [--minutes N]`: builds the page, serves it, and runs tests/soak/soak.spec.js
//! in headless Chromium for N minutes (default 30): cycles of train, prune, quantize, low-rank,
//! distill and binarize, saving and deleting a version, sampling wasm memory and the JS heap.
//! Fails on growth after the warm-up, a console error or a stuck panel.

use std::process::Command;

use crate::fail;
use crate::util::{note, root, run, step, Result};

fn parse(args: &[String]) -> Result<f64> {
    let mut minutes = 30.0;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = match arg.split_once('=') {
            Some(("--minutes", v)) => Some(v.to_string()),
            None if arg == "--minutes" => it.next().cloned(),
            _ => return Err(fail!("unknown option `{arg}` (soak takes --minutes N)")),
        };
        minutes = value
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|m| m.is_finite() && *m > 0.0 && *m <= 24.0 * 60.0)
            .ok_or_else(|| fail!("--minutes needs a number of minutes above 0 (at most 1440)"))?;
    }
    Ok(minutes)
}

pub fn run_all(args: &[String]) -> Result {
    let minutes = parse(args)?;
    crate::setup::run_all(crate::setup::Browser::Needed)?;
    crate::build::build_wasm()?;
    let addr = crate::serve::start(&root().join("www"), 0, false)?;
    let url = format!("http://{addr}");
    note(&format!("serving www/ at {url}"));
    step(&format!("soak for {minutes} minute(s)"));
    run(Command::new(root().join("node_modules/.bin/playwright"))
        .current_dir(root())
        .args(["test", "--config", "tests/soak/playwright.config.js"])
        .env("SHRINK_URL", &url)
        .env("SHRINK_SOAK_MINUTES", format!("{minutes}"))
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn soak_flags() {
        let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse(&a(&[])).ok(), Some(30.0));
        assert_eq!(parse(&a(&["--minutes", "5"])).ok(), Some(5.0));
        assert_eq!(parse(&a(&["--minutes=2"])).ok(), Some(2.0));
        assert!(parse(&a(&["--minutes", "0"])).is_err());
        assert!(parse(&a(&["--hours", "1"])).is_err());
    }
}
