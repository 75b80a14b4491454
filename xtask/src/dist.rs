//! `cargo xtask dist`: the page as a self-contained static folder, `target/dist/shrink/`, for
//! any static host and any subpath (https://example.org/docs/shrink/), with no special headers.
//!
//! It holds the html, js and css, the wasm module and its glue, MNIST (full and the `data=small`
//! split) as `.gz`, the pretrained model when one was made, and a README with the embed snippets.
//! Every path in the page is relative; this task refuses to write a folder whose html or js asks
//! for a root-absolute path ("/pkg/...") that would break under a subpath. Without COOP/COEP
//! headers the page is not cross-origin isolated, so it runs single-threaded there.

use std::path::{Path, PathBuf};

use crate::fail;
use crate::util::{note, root, step, Context, Result};

/// Where the folder is written.
pub fn dist_dir() -> PathBuf {
    crate::util::target_dir().join("dist").join("shrink")
}

/// Files of www/ that are for developers only and stay out of the folder (the bench page, its
/// TF.js copy and its relaxed-simd module).
const SKIP: &[&str] = &[
    "bench.html",
    "bench.css",
    "bench.js",
    "peak.js",
    "vendor",
    "pkg-relaxed",
];

/// Builds, then writes the folder afresh and prints its size.
pub fn run_all() -> Result {
    crate::build::run_all()?;
    write_dist()?;
    Ok(())
}

/// Copies the page into [`dist_dir`] (emptied first) and returns the total bytes written.
pub fn write_dist() -> Result<u64> {
    step("dist: the page as a static folder");
    let www = root().join("www");
    let out = dist_dir();
    if out.exists() {
        std::fs::remove_dir_all(&out).context(|| format!("cannot empty {}", out.display()))?;
    }
    let mut files = Vec::new();
    collect(&www, &www, &mut files)?;
    let mut total = 0u64;
    for rel in &files {
        let dst = out.join(rel);
        if let Some(dir) = dst.parent() {
            std::fs::create_dir_all(dir).context(|| format!("cannot create {}", dir.display()))?;
        }
        total += std::fs::copy(www.join(rel), &dst)
            .context(|| format!("cannot copy {} to {}", rel.display(), dst.display()))?;
    }
    for required in [
        "index.html",
        "embed.html",
        "shrink-embed.js",
        "pkg/shrink.js",
        "pkg/shrink_bg.wasm",
        "data/train-images-idx3-ubyte.gz",
        "data/small/train-images-idx3-ubyte.gz",
    ] {
        if !out.join(required).is_file() {
            return Err(fail!(
                "dist: {required} is missing (run `cargo xtask build` first)"
            ));
        }
    }
    check_relative(&out)?;
    let readme = out.join("README.md");
    let text = include_str!("dist_readme.md");
    std::fs::write(&readme, text).context(|| format!("cannot write {}", readme.display()))?;
    total += text.len() as u64;
    let count = files.len() + 1;
    println!(
        "    {}: {count} files, {total} bytes ({:.2} MB, 1 MB = 10^6 bytes)",
        out.display(),
        total as f64 / 1e6
    );
    note("serve it from any static host or subpath; no special headers needed (single-threaded without COOP/COEP)");
    Ok(total)
}

/// The files of `dir` to ship, relative to `base`: page files, the wasm glue and module, the
/// gzipped data and the model files; nothing generated for developers (.d.ts, package.json).
fn collect(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .context(|| format!("cannot list {}", dir.display()))?
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let rel = path.strip_prefix(base).unwrap_or(&path).to_path_buf();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || SKIP.contains(&rel.to_string_lossy().as_ref()) {
            continue;
        }
        if path.is_dir() {
            collect(base, &path, out)?;
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let in_data = rel.starts_with("data");
        let ship = match ext {
            "html" | "js" | "css" | "wasm" => !in_data,
            "gz" => in_data,
            "safetensors" => true,
            "json" => !in_data && !rel.starts_with("pkg"),
            _ => false,
        };
        if ship && !name.ends_with(".d.ts") {
            out.push(rel);
        }
    }
    Ok(())
}

/// Fails when a shipped html or js file refers to a root-absolute path, which would point
/// outside the folder when it is served from a subpath.
fn check_relative(out: &Path) -> Result {
    let mut files = Vec::new();
    collect(out, out, &mut files)?;
    for rel in files {
        let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "html" | "js" | "css") {
            continue;
        }
        let text = std::fs::read_to_string(out.join(&rel)).unwrap_or_default();
        if let Some(bad) = root_absolute(&text) {
            return Err(fail!(
                "dist: {} refers to the root-absolute path {bad:?}; use a relative path so the \
                 folder works under a subpath",
                rel.display()
            ));
        }
    }
    Ok(())
}

/// The first `src="/x"`, `href="/x"`, `url(/x)`, `fetch('/x')`, `import '/x'` or
/// `new URL('/x'` in `text` (protocol-relative `//host` counts too), if any.
pub fn root_absolute(text: &str) -> Option<String> {
    const OPENERS: &[&str] = &[
        "src=\"/",
        "href=\"/",
        "src='/",
        "href='/",
        "url(/",
        "url(\"/",
        "url('/",
        "fetch('/",
        "fetch(\"/",
        "import('/",
        "import(\"/",
        "from '/",
        "from \"/",
        "new URL('/",
        "new URL(\"/",
    ];
    OPENERS.iter().find_map(|o| {
        text.find(o).map(|at| {
            let start = at + o.len() - 1;
            text[start..]
                .chars()
                .take_while(|c| !matches!(c, '"' | '\'' | ')' | ' '))
                .collect()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::root_absolute;

    #[test]
    fn root_absolute_paths_are_found() {
        assert_eq!(
            root_absolute("<script src=\"/pkg/a.js\">"),
            Some("/pkg/a.js".into())
        );
        assert_eq!(
            root_absolute("fetch('/data/x.gz')"),
            Some("/data/x.gz".into())
        );
        assert_eq!(
            root_absolute("a { background: url(/i.png) }"),
            Some("/i.png".into())
        );
        assert_eq!(root_absolute("<a href=\"./\">"), None);
        assert_eq!(root_absolute("new URL('data/x.gz', base)"), None);
        assert_eq!(root_absolute("<a href=\"https://x.org/\">"), None);
    }
}
