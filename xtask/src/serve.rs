//! A small static file server for `www/`, std only: one thread per connection, HTTP/1.1
//! keep-alive, GET and HEAD.
//!
//! Every response is cross-origin isolated (COOP same-origin + COEP require-corp), which
//! SharedArrayBuffer and wasm threads need, and `no-cache` so a rebuild shows at once. `.gz`
//! files go out as raw bytes with no Content-Encoding: the page inflates them itself.
//!
//! Embedding: everything served is public and static, so every response also says CORP
//! `cross-origin`. A docs site that is itself cross-origin isolated (COEP require-corp) may then
//! frame embed.html and load shrink-embed.js from here; with CORP `same-origin` Chromium refused
//! the frame (`ERR_BLOCKED_BY_RESPONSE`). COOP is ignored inside a frame, and COEP on the framed
//! page only constrains its own (same-origin) subresources, so threads stay possible wherever the
//! parent is isolated too (shrink-embed.js asks for `allow="cross-origin-isolated"`).

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::fail;
use crate::route::{content_type, url_path};
use crate::util::{Context, Result};

/// Headers sent on every response, including errors.
const COMMON_HEADERS: &[(&str, &str)] = &[
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Embedder-Policy", "require-corp"),
    ("Cross-Origin-Resource-Policy", "cross-origin"),
    ("Cache-Control", "no-cache"),
    ("X-Content-Type-Options", "nosniff"),
];

/// The Content-Security-Policy of every page (also a `<meta>` in index.html and embed.html for
/// static hosts; tests/e2e/csp.spec.js checks both agree). Scripts only from this origin, plus
/// `wasm-unsafe-eval`, which compiling WebAssembly needs; workers from this origin; no inline
/// scripts or handlers. No inline `<style>` element either (`style-src 'self'`): the views set
/// styles through the CSSOM (`element.style`), which the policy does not govern. Style
/// *attributes* stay allowed (`style-src-attr 'unsafe-inline'`) only because plotters measures
/// text on the web by a span with a `style` attribute (plotters' style/font/web.rs); blocked, the
/// chart labels are laid out with wrong widths. Styles cannot run code. `img-src data:` is for the
/// empty `data:,` favicon, which stops the browser asking for /favicon.ico.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'";

/// How long an idle keep-alive connection is held before its thread ends.
const IDLE_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request head we accept (request line plus headers).
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// Starts serving `root` on 127.0.0.1:`port` (0 picks a free port) in a background thread and
/// returns the bound address. With `log`, each request is printed.
pub fn start(root: &Path, port: u16, log: bool) -> Result<SocketAddr> {
    let root = Arc::new(
        root.canonicalize()
            .context(|| format!("cannot serve {}", root.display()))?,
    );
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        if e.kind() == io::ErrorKind::AddrInUse {
            fail!("port {port} is already in use: pick another with --port N")
        } else {
            fail!("cannot listen on 127.0.0.1:{port}: {e}")
        }
    })?;
    let addr = listener.local_addr()?;
    std::thread::Builder::new()
        .name("serve-accept".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = Arc::clone(&root);
                let spawned =
                    std::thread::Builder::new()
                        .name("serve-conn".into())
                        .spawn(move || {
                            // A client that hangs up mid-response is normal (reloads, aborts).
                            let _ = handle_connection(stream, &root, log);
                        });
                if let Err(e) = spawned {
                    eprintln!("serve: cannot spawn a connection thread: {e}");
                }
            }
        })?;
    Ok(addr)
}

/// Serves until the process is killed.
pub fn serve_forever(root: &Path, port: u16) -> Result {
    let addr = start(root, port, true)?;
    let url = format!("http://{addr}/");
    let line = "=".repeat(url.len() + 16);
    println!(
        "\n{line}\n  Shrink at  {}\n{line}",
        crate::util::paint("1;32", &url)
    );
    println!("  serving {} (Ctrl-C to stop)\n", root.display());
    loop {
        std::thread::park();
    }
}

/// One parsed request: just what a static server needs.
struct Request {
    method: String,
    target: String,
    keep_alive: bool,
}

fn handle_connection(stream: TcpStream, root: &Path, log: bool) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE_TIMEOUT))?;
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let req = match read_request(&mut reader) {
            Ok(Some(req)) => req,
            Ok(None) => return Ok(()), // clean close or idle timeout
            Err(_) => {
                respond_text(
                    &mut writer,
                    400,
                    "Bad Request",
                    "bad request\n",
                    false,
                    true,
                )?;
                return Ok(());
            }
        };
        let status = respond(&mut writer, root, &req)?;
        if log {
            println!("  {} {} -> {status}", req.method, req.target);
        }
        if !req.keep_alive {
            return Ok(());
        }
    }
}

/// Reads a request head. `Ok(None)` means the client closed (or went idle) between requests.
fn read_request(reader: &mut impl BufRead) -> io::Result<Option<Request>> {
    let mut line = String::new();
    match reader.read_line(&mut line) {
        Ok(0) => return Ok(None),
        Ok(_) => {}
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            return Ok(None)
        }
        Err(e) => return Err(e),
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "bad request line",
        ));
    };
    let mut keep_alive = version == "HTTP/1.1";
    let mut head_bytes = line.len();
    loop {
        let mut header = String::new();
        let n = reader.read_line(&mut header)?;
        head_bytes += n;
        if n == 0 || head_bytes > MAX_HEAD_BYTES {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "bad head"));
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            let (name, value) = (name.trim(), value.trim().to_ascii_lowercase());
            if name.eq_ignore_ascii_case("connection") {
                keep_alive = match value.as_str() {
                    "close" => false,
                    "keep-alive" => true,
                    _ => keep_alive,
                };
            } else if name.eq_ignore_ascii_case("content-length") && value != "0" {
                // GET and HEAD carry no body; anything else is refused and the connection
                // closed, so no unread body can be taken for the next request.
                keep_alive = false;
            }
        }
    }
    Ok(Some(Request {
        method: method.to_string(),
        target: target.to_string(),
        keep_alive,
    }))
}

/// Answers one request and returns the status code sent.
fn respond(w: &mut impl Write, root: &Path, req: &Request) -> io::Result<u16> {
    let head_only = req.method == "HEAD";
    if req.method != "GET" && !head_only {
        respond_text(
            w,
            405,
            "Method Not Allowed",
            "only GET and HEAD\n",
            req.keep_alive,
            true,
        )?;
        return Ok(405);
    }
    let Some(rel) = url_path(&req.target) else {
        respond_text(
            w,
            403,
            "Forbidden",
            "forbidden path\n",
            req.keep_alive,
            !head_only,
        )?;
        return Ok(403);
    };
    let mut path = root.join(&rel);
    if path.is_dir() {
        if !req
            .target
            .split(['?', '#'])
            .next()
            .unwrap_or("/")
            .ends_with('/')
        {
            let location = format!("/{}/", rel.to_string_lossy());
            write_head(
                w,
                301,
                "Moved Permanently",
                "text/plain",
                0,
                req.keep_alive,
                &[("Location", &location)],
            )?;
            return Ok(301);
        }
        path = path.join("index.html");
    }
    // Symlinks must not lead outside the served folder either, except into the target of a
    // symlinked top-level folder the developer put there (git worktrees share `www/data` that
    // way); nothing can climb out of that target.
    let linked_base = rel
        .components()
        .next()
        .and_then(|first| root.join(first).canonicalize().ok());
    let file = path
        .canonicalize()
        .ok()
        .filter(|p| {
            (p.starts_with(root) || linked_base.as_ref().is_some_and(|b| p.starts_with(b)))
                && p.is_file()
        })
        .and_then(|p| std::fs::File::open(p).ok());
    let Some(mut file) = file else {
        respond_text(
            w,
            404,
            "Not Found",
            "not found\n",
            req.keep_alive,
            !head_only,
        )?;
        return Ok(404);
    };
    let len = file.metadata()?.len();
    write_head(
        w,
        200,
        "OK",
        content_type(&path),
        len,
        req.keep_alive,
        &[("Content-Security-Policy", CSP)],
    )?;
    if !head_only {
        io::copy(&mut file, w)?;
    }
    w.flush()?;
    Ok(200)
}

fn respond_text(
    w: &mut impl Write,
    code: u16,
    reason: &str,
    body: &str,
    keep_alive: bool,
    send_body: bool,
) -> io::Result<()> {
    let ctype = "text/plain; charset=utf-8";
    write_head(w, code, reason, ctype, body.len() as u64, keep_alive, &[])?;
    if send_body {
        w.write_all(body.as_bytes())?;
    }
    w.flush()
}

fn write_head(
    w: &mut impl Write,
    code: u16,
    reason: &str,
    content_type: &str,
    len: u64,
    keep_alive: bool,
    extra: &[(&str, &str)],
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\n"
    );
    let connection = if keep_alive { "keep-alive" } else { "close" };
    for (name, value) in COMMON_HEADERS
        .iter()
        .chain(extra)
        .chain(&[("Connection", connection)])
    {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    w.write_all(head.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn get(addr: SocketAddr, target: &str) -> Result<String> {
        let mut s = TcpStream::connect(addr)?;
        write!(
            s,
            "GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )?;
        let mut out = String::new();
        s.read_to_string(&mut out)?;
        Ok(out)
    }

    #[test]
    fn serves_files_with_isolation_headers() -> Result {
        let dir = std::env::temp_dir().join(format!("xtask-serve-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub"))?;
        std::fs::write(dir.join("index.html"), "<p>hi</p>")?;
        std::fs::write(dir.join("sub").join("a.js"), "x")?;
        let addr = start(&dir, 0, false)?;
        let page = get(addr, "/")?;
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert!(page.contains("Cross-Origin-Embedder-Policy: require-corp"));
        assert!(page.contains("Cross-Origin-Opener-Policy: same-origin"));
        assert!(page.contains(&format!("Content-Security-Policy: {CSP}\r\n")));
        // Embeddable from another origin, even one that is itself cross-origin isolated.
        assert!(page.contains("Cross-Origin-Resource-Policy: cross-origin"));
        assert!(!page.contains("Cross-Origin-Resource-Policy: same-origin"));
        assert!(page.contains("Content-Length: 9\r\n"));
        assert!(page.ends_with("<p>hi</p>"));
        assert!(get(addr, "/sub/a.js")?.contains("text/javascript"));
        assert!(get(addr, "/sub")?.starts_with("HTTP/1.1 301"));
        assert!(get(addr, "/nope.js")?.starts_with("HTTP/1.1 404"));
        assert!(get(addr, "/../Cargo.toml")?.starts_with("HTTP/1.1 403"));
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}

#[cfg(test)]
mod csp_tests {
    use super::CSP;

    /// The meta tag static hosts rely on must say exactly what the header says.
    #[test]
    fn meta_tags_match_the_header() {
        for page in ["index.html", "embed.html"] {
            let html = std::fs::read_to_string(crate::util::root().join("www").join(page))
                .unwrap_or_default();
            assert!(
                html.contains(&format!(
                    r#"<meta http-equiv="Content-Security-Policy" content="{CSP}">"#
                )),
                "{page} lacks the CSP meta tag"
            );
        }
    }
}
