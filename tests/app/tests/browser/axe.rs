//! axe-core in the page under test: every rule of its default run (WCAG 2.0–2.2 A and AA and
//! best practices), zero violations asked. The engine is the npm package `axe-core`, pinned
//! below; the first run installs it with npm into `target/axe-core/` (the npm registry is one
//! the project's machines reach), later runs reuse it. No npm and no copy: the test fails.
//!
//! The page loads the engine from a local server of this test with a long cache lifetime, so
//! Chromium fetches and compiles it once for all the pages checked.

use anyhow::{bail, ensure, Context, Result};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use crate::webdriver::Session;

pub const AXE_CORE_VERSION: &str = "4.10.3";

fn install_dir() -> PathBuf {
    tremplin_tests::repo_root().join("target/axe-core")
}

/// The source of `axe.min.js`, installed first if needed.
fn load() -> Result<Vec<u8>> {
    let dir = install_dir();
    let script = dir.join("node_modules/axe-core/axe.min.js");
    let installed = std::fs::read_to_string(dir.join("node_modules/axe-core/package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .is_some_and(|package| package["version"] == AXE_CORE_VERSION);
    if !installed {
        std::fs::create_dir_all(&dir)?;
        let status = Command::new("npm")
            .args(["install", "--prefix"])
            .arg(&dir)
            .args([
                "--no-save",
                "--no-package-lock",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
            ])
            .arg(format!("axe-core@{AXE_CORE_VERSION}"))
            .status()
            .context("cannot run npm to install axe-core (the browser test's accessibility checks need it)")?;
        ensure!(
            status.success(),
            "npm install axe-core@{AXE_CORE_VERSION} failed: {status}"
        );
    }
    std::fs::read(&script).with_context(|| format!("{} after npm install", script.display()))
}

/// The address `axe.min.js` is served at, for the whole test process.
fn script_url() -> Result<&'static str> {
    static URL: OnceLock<std::result::Result<String, String>> = OnceLock::new();
    URL.get_or_init(|| serve().map_err(|e| format!("{e:#}")))
        .as_deref()
        .map_err(|e| anyhow::anyhow!("{e}"))
}

fn serve() -> Result<String> {
    let body = load()?;
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/axe.min.js", listener.local_addr()?);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            // One GET per connection: read its head, answer, close.
            let mut head = Vec::new();
            let mut buffer = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buffer[..n]),
                }
            }
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/javascript\r\nContent-Length: {}\r\n\
                 Cache-Control: public, max-age=3600\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream
                .write_all(answer.as_bytes())
                .and_then(|()| stream.write_all(&body));
        }
    });
    Ok(url)
}

/// Runs axe-core on the page as it is now; an error lists every violation with its elements.
pub fn check(session: &Session, page: &str) -> Result<()> {
    // WebDriver awaits the promise the script returns.
    let violations = session.execute(
        "const load = typeof window.axe === 'object' ? Promise.resolve() : new Promise((ok, ko) => {
           const script = document.createElement('script');
           script.src = arguments[0];
           script.onload = ok;
           script.onerror = () => ko(new Error('cannot load ' + arguments[0]));
           document.head.append(script);
         });
         return load
           .then(() => axe.run(document, { resultTypes: ['violations'] }))
           .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
             nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' — ' + n.failureSummary) })))
           .catch((e) => ({ error: String(e) }));",
        vec![json!(script_url()?)],
    )?;
    if let Some(error) = violations.get("error") {
        bail!("{page}: axe-core failed: {error}");
    }
    if violations != json!([]) {
        bail!(
            "{page}: axe-core {AXE_CORE_VERSION} found violations:\n{}",
            serde_json::to_string_pretty(&violations)?
        );
    }
    Ok(())
}
