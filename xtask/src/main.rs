//! `cargo xtask`: Shrink's developer tasks, in Rust so they run wherever cargo does.
//!
//! setup (tools and data) -> build (wasm into www/pkg) -> serve | test | bench.
//! See `cargo xtask help`.

mod bench;
mod build;
mod dist;
mod fuzz;
mod host;
mod mnist;
mod models;
mod route;
mod serve;
mod setup;
mod small;
mod soak;
mod test;
mod util;

use std::process::ExitCode;

use util::Result;

const USAGE: &str = "\
cargo xtask <command>

  setup              install the wasm target, wasm-bindgen CLI (.tools/), npm packages,
                     and MNIST into www/data/*.gz (checksums verified); idempotent
  build              setup, then the wasm module and JS glue into www/pkg (wasm-opt -O3)
  serve [--port N] [--no-build]
                     build, then serve www/ on http://127.0.0.1:N (default 8080),
                     cross-origin isolated
  dist               build, then the page as a static folder in target/dist/shrink/ (html,
                     js, wasm, MNIST .gz, README with embed snippets); prints its size
  test               setup (with Chromium), build, native tests, wasm tests in headless
                     Chromium, Playwright end-to-end tests; prints `N passed, M failed`
  bench              build, native `shrink bench`, then www/bench.html in headless Chromium
  fuzz [--minutes N] [--targets idx,params]
                     run the fuzz targets of tests/fuzz.rs for N minutes each (default 10),
                     print executions per target; crashes are kept in tests/fuzz/regressions/
  soak [--minutes N] build, serve, and drive headless Chromium through compression cycles for
                     N minutes (default 30), sampling wasm memory and the JS heap
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run_all(setup::Browser::Skip),
        Some("build") => build::run_all(),
        Some("serve") => parse_serve(&args[1..]).and_then(|(port, build)| {
            if build {
                build::run_all()?;
            }
            serve::serve_forever(&util::root().join("www"), port)
        }),
        Some("dist") => dist::run_all(),
        Some("test") => test::run_all(),
        Some("bench") => bench::run_all(),
        Some("fuzz") => fuzz::run_all(&args[1..]),
        Some("soak") => soak::run_all(&args[1..]),
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

/// `[--port N | --port=N] [--no-build]`: the port (8080 by default) and whether to build first.
fn parse_serve(args: &[String]) -> Result<(u16, bool)> {
    let (mut port, mut build) = (8080, true);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == "--no-build" {
            build = false;
            continue;
        }
        let value = match arg.strip_prefix("--port") {
            Some("") => it.next().map(String::as_str),
            Some(rest) => rest.strip_prefix('='),
            None => {
                return Err(fail!(
                    "unknown option `{arg}` (serve takes --port N, --no-build)"
                ))
            }
        };
        port = value
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| fail!("--port needs a number from 0 to 65535"))?;
    }
    Ok((port, build))
}

#[cfg(test)]
mod tests {
    use super::parse_serve;

    #[test]
    fn serve_flag_forms() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_serve(&args(&[])).ok(), Some((8080, true)));
        assert_eq!(
            parse_serve(&args(&["--port", "9000"])).ok(),
            Some((9000, true))
        );
        assert_eq!(
            parse_serve(&args(&["--port=0", "--no-build"])).ok(),
            Some((0, false))
        );
        assert!(parse_serve(&args(&["--port"])).is_err());
        assert!(parse_serve(&args(&["--verbose"])).is_err());
    }
}
