//! Minimal `--key value` / `--switch` parsing with typed getters and clear errors.

use shrink::data::{files, Dataset};
use std::collections::HashMap;
use std::str::FromStr;

/// Parsed flags.
pub struct Args {
    map: HashMap<String, String>,
}

impl Args {
    /// Parses `--key value` pairs; a flag followed by another flag (or nothing) is a switch.
    pub fn parse(argv: &[String]) -> Result<Self, String> {
        let mut map = HashMap::new();
        let mut i = 0;
        while i < argv.len() {
            let k = argv[i]
                .strip_prefix("--")
                .ok_or_else(|| format!("expected a --flag, got '{}'", argv[i]))?;
            let v = argv.get(i + 1).filter(|v| !v.starts_with("--"));
            map.insert(k.to_string(), v.cloned().unwrap_or_else(|| "true".into()));
            i += if v.is_some() { 2 } else { 1 };
        }
        Ok(Args { map })
    }

    /// A typed value or the default.
    pub fn get<T: FromStr>(&self, key: &str, default: T) -> Result<T, String> {
        match self.map.get(key) {
            None => Ok(default),
            Some(s) => s
                .parse()
                .map_err(|_| format!("--{key}: cannot parse '{s}'")),
        }
    }

    /// A raw string value.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.map.get(key).map(String::as_str)
    }

    /// A switch.
    #[allow(dead_code)] // used by subcommands added per method
    pub fn flag(&self, key: &str) -> bool {
        self.map.get(key).is_some_and(|v| v == "true")
    }

    /// A comma-separated list of numbers, e.g. `--hidden 300,100`.
    pub fn list<T: FromStr + Clone>(&self, key: &str, default: &[T]) -> Result<Vec<T>, String> {
        match self.map.get(key) {
            None => Ok(default.to_vec()),
            Some(s) => s
                .split(',')
                .map(|p| {
                    p.trim()
                        .parse()
                        .map_err(|_| format!("--{key}: cannot parse '{p}'"))
                })
                .collect(),
        }
    }

    /// Loads MNIST from `--data` or the default folder.
    pub fn mnist(&self) -> Result<(Dataset, Dataset), String> {
        let dir = self
            .str("data")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(files::default_dir);
        files::load_mnist(&dir).map_err(|e| e.to_string())
    }
}
