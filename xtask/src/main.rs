//! `cargo xtask`: Shrink's developer tasks, in Rust so they run wherever cargo does.
//!
//! setup (tools and data) -> build (wasm into www/pkg) -> serve | test | bench.
//! See `cargo xtask help`.

mod bench;
mod build;
mod mnist;
mod serve;
mod setup;
mod test;
mod util;

use std::process::ExitCode;

use util::Result;

const USAGE: &str = "\
cargo xtask <command>

  setup              install the wasm target, wasm-bindgen CLI (.tools/), npm packages,
                     and MNIST into www/data/*.gz (checksums verified); idempotent
  build              setup, then the wasm module and JS glue into www/pkg (wasm-opt -O3)
  serve [--port N]   build, then serve www/ on http://127.0.0.1:N (default 8080),
                     cross-origin isolated
  test               setup (with Chromium), build, native tests, wasm tests in headless
                     Chromium, Playwright end-to-end tests; prints `N passed, M failed`
  bench              build, native `shrink bench`, then www/bench.html in headless Chromium
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run_all(setup::Browser::Skip),
        Some("build") => build::run_all(),
        Some("serve") => parse_port(&args[1..]).and_then(|port| {
            build::run_all()?;
            serve::serve_forever(&util::root().join("www"), port)
        }),
        Some("test") => test::run_all(),
        Some("bench") => bench::run_all(),
        Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(fail!("unknown command `{other}`\n\n{USAGE}")),
        None => Err(fail!("no command given\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{} {e}", util::paint("1;31", "error:"));
            ExitCode::FAILURE
        }
    }
}

/// `[--port N]` or `[--port=N]`; 8080 by default.
fn parse_port(args: &[String]) -> Result<u16> {
    let mut port = 8080;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = match arg.strip_prefix("--port") {
            Some("") => it.next().map(String::as_str),
            Some(rest) => rest.strip_prefix('='),
            None => return Err(fail!("unknown option `{arg}` (serve takes --port N)")),
        };
        port = value
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| fail!("--port needs a number from 0 to 65535"))?;
    }
    Ok(port)
}

#[cfg(test)]
mod tests {
    use super::parse_port;

    #[test]
    fn port_flag_forms() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_port(&args(&[])).ok(), Some(8080));
        assert_eq!(parse_port(&args(&["--port", "9000"])).ok(), Some(9000));
        assert_eq!(parse_port(&args(&["--port=0"])).ok(), Some(0));
        assert!(parse_port(&args(&["--port"])).is_err());
        assert!(parse_port(&args(&["--verbose"])).is_err());
    }
}
