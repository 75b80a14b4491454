//! Shared helpers: the error type, the repository's paths, running commands loudly, and
//! "is this output up to date?" checks.
//!
//! Every external command is echoed before it runs, so a failing CI log shows exactly what to
//! paste into a shell to reproduce it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

/// A task failure: a message meant for the person reading the terminal.
#[derive(Debug)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error(e.to_string())
    }
}

pub type Result<T = ()> = std::result::Result<T, Error>;

/// Builds an [`Error`] from a format string.
#[macro_export]
macro_rules! fail {
    ($($arg:tt)*) => { $crate::util::Error(format!($($arg)*)) };
}

/// Adds a human-readable context to io errors (`file.rs: No such file` says nothing useful).
pub trait Context<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| Error(format!("{}: {e}", what())))
    }
}

/// The repository root: the parent of this crate's manifest directory.
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Where cargo puts artifacts: `$CARGO_TARGET_DIR` if set, else `<root>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root().join(dir),
        _ => root().join("target"),
    }
}

/// The project-local tool directory (`.tools/bin` holds wasm-bindgen and its test runner).
pub fn tools_bin() -> PathBuf {
    root().join(".tools").join("bin")
}

/// The cargo that launched us (so a rustup toolchain override is respected), else `cargo`.
pub fn cargo() -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(program);
    cmd.current_dir(root());
    cmd
}

/// [`cargo`] for tests and tools: optimised, but without the shipping profile's fat LTO and
/// single codegen unit. Those re-link the whole crate into each of ~30 test binaries, and a
/// different LTO setting rebuilds every dependency, so every native step of `cargo xtask test`
/// (the pretrained model, the native and the wasm tests) uses this one profile and shares its
/// artifacts. Rust has no fast-math, so the numbers are the same as the shipping build's.
pub fn cargo_fast_release() -> Command {
    let mut cmd = cargo();
    cmd.env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
    cmd
}

/// `PATH` with `.tools/bin` in front, for tools that look up `wasm-bindgen-test-runner`.
pub fn path_with_tools() -> std::ffi::OsString {
    let mut paths = vec![tools_bin()];
    if let Some(old) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&old));
    }
    std::env::join_paths(paths).unwrap_or_default()
}

/// Wraps `text` in an ANSI style (`"1;31"` bold red) when stdout is a terminal and
/// `NO_COLOR` is unset; CI logs stay plain text.
pub fn paint(style: &str, text: &str) -> String {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        format!("\x1b[{style}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Prints a step header, so the log reads as a list of what was done and why.
pub fn step(msg: &str) {
    println!("{} {msg}", paint("1;34", "==>"));
}

/// Prints a minor note (a skip, a reason).
pub fn note(msg: &str) {
    println!("    {msg}");
}

/// Renders a command as a shell-pasteable line, with the environment variables we set.
pub fn describe(cmd: &Command) -> String {
    let mut parts: Vec<String> = cmd
        .get_envs()
        .filter_map(|(k, v)| Some(format!("{}={}", k.to_string_lossy(), v?.to_string_lossy())))
        .filter(|kv| !kv.starts_with("PATH="))
        .collect();
    parts.push(cmd.get_program().to_string_lossy().into_owned());
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}

/// Runs a command with inherited stdio and fails if it exits non-zero.
pub fn run(cmd: &mut Command) -> Result {
    println!("    $ {}", describe(cmd));
    let status = cmd
        .status()
        .context(|| format!("cannot start `{}`", cmd.get_program().to_string_lossy()))?;
    if status.success() {
        Ok(())
    } else {
        Err(fail!("`{}` failed ({status})", describe(cmd)))
    }
}

/// Runs a command quietly and returns its stdout, or `None` if it cannot start or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Modification time, or `None` if the file does not exist.
pub fn mtime(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// True when `output` exists and is at least as new as every input that exists.
pub fn up_to_date(output: &Path, inputs: &[&Path]) -> bool {
    let Some(out) = mtime(output) else {
        return false;
    };
    inputs.iter().filter_map(|p| mtime(p)).all(|t| t <= out)
}

/// Bytes as a short human figure: 1234567 -> "1.18 MiB".
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.2} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes_picks_a_unit() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1024), "1.00 KiB");
        assert_eq!(human_bytes(3 * 1024 * 1024 / 2), "1.50 MiB");
    }

    #[test]
    fn up_to_date_needs_the_output() {
        let missing = root().join("no-such-file-here");
        assert!(!up_to_date(&missing, &[]));
        let manifest = root().join("Cargo.toml");
        assert!(up_to_date(&manifest, &[&missing]));
    }
}
