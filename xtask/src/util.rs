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

/// Clippy's lints for the whole native workspace: every warning (rustc's and clippy's default
/// groups) is an error. Test code may unwrap: see the `allow`s at the top of crate/lib.rs and
/// tests/*.rs.
pub const NATIVE_LINTS: &[&str] = &["-D", "warnings"];

/// Clippy's lints for the wasm32 build: the simd128 kernels compile only there, so their
/// `# Safety` sections and `// SAFETY:` comments are checked there; style is the native run's.
pub const WASM_LINTS: &[&str] = &[
    "-A",
    "clippy::all",
    "-D",
    "clippy::missing_safety_doc",
    "-D",
    "clippy::undocumented_unsafe_blocks",
];

/// [`cargo_fast_release`] whose workspace crates compile through `clippy-driver` with `lints`:
/// clippy's lints run inside the real build, exactly as `cargo clippy -- <lints>` would run them
/// (cargo-clippy sets the same two variables), but the build's artifacts are the ones the tests
/// then run. A separate `cargo clippy` compiled every dependency a second time in check mode,
/// about a fifth of `cargo xtask test` on two cores. Dependencies are never linted (cargo applies
/// `RUSTC_WORKSPACE_WRAPPER` to workspace members only).
pub fn cargo_linted(lints: &[&str]) -> Result<Command> {
    let driver = clippy_driver().ok_or_else(|| {
        crate::fail!("clippy-driver not found: install it with `rustup component add clippy`")
    })?;
    let mut cmd = cargo_fast_release();
    let args: String = lints
        .iter()
        .map(|a| format!("{a}__CLIPPY_HACKERY__"))
        .collect();
    cmd.env("RUSTC_WORKSPACE_WRAPPER", driver)
        .env("CLIPPY_ARGS", args);
    Ok(cmd)
}

/// `clippy-driver` of the toolchain that runs us (beside `$CARGO`), else the one on `PATH`.
fn clippy_driver() -> Option<PathBuf> {
    let beside_cargo = std::env::var_os("CARGO")
        .map(PathBuf::from)
        .and_then(|c| Some(c.parent()?.join("clippy-driver")));
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("clippy-driver"))
            .find(|p| p.is_file())
    });
    beside_cargo.filter(|p| p.is_file()).or(on_path)
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

    /// The linted build really lints: a crate with a clippy warning fails to build, the same
    /// crate without it builds. (Guards the `CLIPPY_ARGS` convention against a toolchain change.)
    #[test]
    fn the_linted_build_fails_on_a_clippy_warning() {
        let dir = std::env::temp_dir().join(format!("shrink-lint-probe-{}", std::process::id()));
        let _ = std::fs::create_dir_all(dir.join("src"));
        let manifest =
            "[package]\nname = \"probe\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[workspace]\n";
        std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
        let build = |body: &str| {
            std::fs::write(dir.join("src").join("lib.rs"), body).unwrap();
            cargo_linted(NATIVE_LINTS)
                .unwrap()
                .current_dir(&dir)
                .env("CARGO_TARGET_DIR", dir.join("target"))
                .args(["build", "--quiet"])
                .stderr(Stdio::null())
                .status()
                .unwrap()
                .success()
        };
        // clippy::needless_return is warn-by-default; -D warnings makes it an error.
        let flagged = build("pub fn one() -> i32 {\n    return 1;\n}\n");
        let clean = build("pub fn one() -> i32 {\n    1\n}\n");
        let _ = std::fs::remove_dir_all(&dir);
        assert!(!flagged, "a clippy warning did not fail the linted build");
        assert!(clean, "a clean crate failed the linted build");
    }
}
