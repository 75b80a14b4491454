//! Request targets to files: a safe relative path (no climbing out of the served folder) and
//! the Content-Type for what is found there.
//!
//! `.gz` files are sent as `application/gzip` with no Content-Encoding, so the page sees the
//! compressed length in Content-Length and inflates them itself with DecompressionStream.

use std::path::{Component, Path, PathBuf};

/// Turns a request target into a safe relative path: query and fragment dropped,
/// percent-decoded, and `None` for anything that could climb out (`..`, `\`, NUL).
pub fn url_path(target: &str) -> Option<PathBuf> {
    let raw = target.split(['?', '#']).next()?;
    if !raw.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(raw)?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut rel = PathBuf::new();
    for comp in Path::new(decoded.trim_start_matches('/')).components() {
        match comp {
            Component::Normal(part) => rel.push(part),
            Component::CurDir => {}
            _ => return None, // `..`, or a root/prefix smuggled in after decoding
        }
    }
    Some(rel)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type for a file name. `.gz` is opaque data for the page to inflate.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "wasm" => "application/wasm",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "gz" => "application/gzip",
        "txt" | "md" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        assert_eq!(url_path("/a/b.js?x=1"), Some(PathBuf::from("a/b.js")));
        assert_eq!(url_path("/"), Some(PathBuf::new()));
        assert_eq!(url_path("/../etc/passwd"), None);
        assert_eq!(url_path("/a/%2e%2e/%2e%2e/etc"), None);
        assert_eq!(url_path("/a\\..\\b"), None);
        assert_eq!(url_path("//etc/passwd"), Some(PathBuf::from("etc/passwd")));
        assert_eq!(url_path("http://x/"), None);
    }

    #[test]
    fn types_cover_the_page() {
        let t = |name: &str| content_type(Path::new(name));
        assert_eq!(t("shrink_bg.wasm"), "application/wasm");
        assert!(t("main.js").starts_with("text/javascript"));
        assert!(t("x.mjs").starts_with("text/javascript"));
        assert_eq!(t("train-images-idx3-ubyte.gz"), "application/gzip");
    }
}
