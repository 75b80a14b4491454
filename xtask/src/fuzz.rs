//! `cargo xtask fuzz --minutes N [--targets idx,params]`: runs every fuzz target of
//! tests/fuzz.rs for N minutes of CPU time each (concurrently, one thread per target, each
//! stopping when its own thread has used N CPU minutes, so a busy machine only makes the run
//! longer, never shorter), printing executions, outcomes and kept inputs per target. Inputs with a
//! new outcome are kept in tests/fuzz/corpus/<target>/, crashing inputs in
//! tests/fuzz/regressions/<target>/; `cargo xtask test` replays both
//! (`fuzz_corpus_and_regressions_replay`). Stable Rust: a seeded mutation/grammar fuzzer with
//! outcome feedback instead of coverage instrumentation, so no nightly toolchain is needed.

use crate::fail;
use crate::util::{self, run, step, Result};

/// `--minutes N` (default 10) and `--targets a,b` (default: all).
fn parse(args: &[String]) -> Result<(f64, String)> {
    let (mut minutes, mut targets) = (10.0, String::new());
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (key, inline) = match arg.split_once('=') {
            Some((k, v)) => (k, Some(v.to_string())),
            None => (arg.as_str(), None),
        };
        let value = inline.or_else(|| it.next().cloned());
        match key {
            "--minutes" => {
                minutes = value
                    .and_then(|v| v.parse::<f64>().ok())
                    .filter(|m| m.is_finite() && *m > 0.0 && *m <= 24.0 * 60.0)
                    .ok_or_else(|| {
                        fail!("--minutes needs a number of minutes above 0 (at most 1440)")
                    })?;
            }
            "--targets" => {
                targets = value.ok_or_else(|| fail!("--targets needs a list, e.g. idx,params"))?
            }
            _ => {
                return Err(fail!(
                    "unknown option `{arg}` (fuzz takes --minutes N, --targets a,b)"
                ))
            }
        }
    }
    Ok((minutes, targets))
}

pub fn run_all(args: &[String]) -> Result {
    let (minutes, targets) = parse(args)?;
    step(&format!("fuzzing for {minutes} CPU minute(s) per target"));
    run(util::cargo()
        .args([
            "test",
            "--release",
            "--test",
            "fuzz",
            "--",
            "--ignored",
            "--nocapture",
            "fuzz_for_a_while",
        ])
        .env(
            "SHRINK_FUZZ_SECONDS",
            format!("{}", (minutes * 60.0).round() as u64),
        )
        .env("SHRINK_FUZZ_TARGETS", targets))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn fuzz_flags() {
        let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse(&a(&[])).ok(), Some((10.0, String::new())));
        assert_eq!(
            parse(&a(&["--minutes", "2"])).ok(),
            Some((2.0, String::new()))
        );
        assert_eq!(
            parse(&a(&["--minutes=0.5", "--targets", "idx"])).ok(),
            Some((0.5, "idx".into()))
        );
        assert!(parse(&a(&["--minutes", "-1"])).is_err());
        assert!(parse(&a(&["--minutes"])).is_err());
        assert!(parse(&a(&["--fast"])).is_err());
    }
}
