//! A small blocking client of the W3C WebDriver HTTP API, talking to a ChromeDriver this test
//! starts itself (and always stops, through `Drop`). Only what the browser tests use.

use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// The viewport the pages are tested at, in CSS pixels: a small phone.
pub const PHONE_WIDTH: u32 = 360;
pub const PHONE_HEIGHT: u32 = 740;

/// The WebDriver key codes the tests press.
pub mod keys {
    pub const ENTER: &str = "\u{E007}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const ARROW_DOWN: &str = "\u{E015}";
}

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A running ChromeDriver on a free local port; killed when dropped, even after a panic.
pub struct ChromeDriver {
    child: Child,
    pub url: String,
    pub log: PathBuf,
}

impl ChromeDriver {
    /// Starts `/usr/bin/chromedriver`. A missing binary is an error, never a skipped test.
    pub fn start(dir: &Path) -> Result<ChromeDriver> {
        if !Path::new(CHROMEDRIVER).exists() || !Path::new(CHROMIUM).exists() {
            bail!(
                "{CHROMEDRIVER} or {CHROMIUM} is missing: the browser tests need them \
                 (`apt-get install -y chromium chromium-driver`, as .ci/run does)"
            );
        }
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let log = dir.join("chromedriver.log");
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {CHROMEDRIVER}"))?;
        let driver = ChromeDriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = agent()
                .get(&format!("{}/status", driver.url))
                .call()
                .ok()
                .and_then(|r| r.into_json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                return Ok(driver);
            }
            if Instant::now() > deadline {
                bail!("chromedriver did not become ready on {}", driver.url);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build()
}

/// One browser session; deleted (the browser closed) when dropped.
pub struct Session {
    base: String,
    agent: ureq::Agent,
}

/// A found element (its WebDriver reference).
#[derive(Clone, Debug)]
pub struct Element(String);

impl Session {
    /// A headless Chromium with a phone-sized viewport and a fresh profile in `profile`.
    pub fn new(driver: &ChromeDriver, profile: &Path) -> Result<Session> {
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--window-size=390,844",
                    format!("--user-data-dir={}", profile.display()),
                ],
                // Headless windows are at least 500 px wide: emulate the phone's viewport.
                "mobileEmulation": {"deviceMetrics": {"width": PHONE_WIDTH, "height": PHONE_HEIGHT, "pixelRatio": 2.0}},
            },
        }}});
        let agent = agent();
        let created = send(
            &agent,
            "POST",
            &format!("{}/session", driver.url),
            Some(capabilities),
        )?;
        let id = created["sessionId"]
            .as_str()
            .ok_or_else(|| anyhow!("no sessionId in {created}"))?;
        Ok(Session {
            base: format!("{}/session/{id}", driver.url),
            agent,
        })
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        send(&self.agent, method, &format!("{}{path}", self.base), body)
    }

    pub fn goto(&self, url: &str) -> Result<()> {
        self.call("POST", "/url", Some(json!({"url": url})))?;
        Ok(())
    }

    pub fn current_url(&self) -> Result<String> {
        Ok(self
            .call("GET", "/url", None)?
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    pub fn title(&self) -> Result<String> {
        Ok(self
            .call("GET", "/title", None)?
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    pub fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        let found = self.call(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        )?;
        found
            .as_array()
            .ok_or_else(|| anyhow!("elements: {found}"))?
            .iter()
            .map(|e| {
                e[ELEMENT_KEY]
                    .as_str()
                    .map(|id| Element(id.to_owned()))
                    .ok_or_else(|| anyhow!("element: {e}"))
            })
            .collect()
    }

    pub fn find(&self, css: &str) -> Result<Element> {
        self.find_all(css)?
            .into_iter()
            .next()
            .ok_or_else(|| anyhow!("no element matches {css:?}"))
    }

    pub fn click(&self, element: &Element) -> Result<()> {
        self.call(
            "POST",
            &format!("/element/{}/click", element.0),
            Some(json!({})),
        )?;
        Ok(())
    }

    /// Types `text` into the element, key by key (so `input` and `keydown` events fire).
    pub fn send_keys(&self, element: &Element, text: &str) -> Result<()> {
        self.call(
            "POST",
            &format!("/element/{}/value", element.0),
            Some(json!({"text": text})),
        )?;
        Ok(())
    }

    /// The rendered text of the element (empty when hidden).
    pub fn text(&self, element: &Element) -> Result<String> {
        Ok(self
            .call("GET", &format!("/element/{}/text", element.0), None)?
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    pub fn attribute(&self, element: &Element, name: &str) -> Result<Option<String>> {
        Ok(self
            .call(
                "GET",
                &format!("/element/{}/attribute/{name}", element.0),
                None,
            )?
            .as_str()
            .map(str::to_owned))
    }

    pub fn property(&self, element: &Element, name: &str) -> Result<Value> {
        self.call(
            "GET",
            &format!("/element/{}/property/{name}", element.0),
            None,
        )
    }

    pub fn displayed(&self, element: &Element) -> Result<bool> {
        Ok(self.call("GET", &format!("/element/{}/displayed", element.0), None)? == true)
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its value.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// The element's reference as a script argument.
    pub fn arg(element: &Element) -> Value {
        json!({ ELEMENT_KEY: element.0 })
    }

    pub fn back(&self) -> Result<()> {
        self.call("POST", "/back", Some(json!({})))?;
        Ok(())
    }

    /// The viewport as a PNG.
    pub fn screenshot(&self) -> Result<Vec<u8>> {
        let encoded = self.call("GET", "/screenshot", None)?;
        base64_decode(
            encoded
                .as_str()
                .ok_or_else(|| anyhow!("screenshot: not a string"))?,
        )
    }

    /// The page printed to PDF (`POST /session/{id}/print`) on sheets of `width` × `height` cm.
    pub fn print_pdf(&self, width: f64, height: f64) -> Result<Vec<u8>> {
        let encoded = self.call(
            "POST",
            "/print",
            Some(json!({"page": {"width": width, "height": height}})),
        )?;
        base64_decode(
            encoded
                .as_str()
                .ok_or_else(|| anyhow!("print: not a string"))?,
        )
    }

    /// A Chrome DevTools Protocol command through ChromeDriver (`goog/cdp/execute`).
    pub fn cdp(&self, command: &str, params: Value) -> Result<Value> {
        self.call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": command, "params": params})),
        )
    }

    /// Polls `probe` until it returns `Some`, for at most `timeout`; the error names `what`.
    pub fn wait<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut probe: impl FnMut(&Session) -> Result<Option<T>>,
    ) -> Result<T> {
        let deadline = Instant::now() + timeout;
        let mut last_error = None;
        loop {
            match probe(self) {
                Ok(Some(value)) => return Ok(value),
                Ok(None) => {}
                // Stale or not-yet-rendered elements: retry until the deadline.
                Err(e) => last_error = Some(e),
            }
            if Instant::now() > deadline {
                let detail = last_error
                    .map(|e| format!(" (last error: {e:#})"))
                    .unwrap_or_default();
                bail!("timed out after {timeout:?} waiting for {what}{detail}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = send(&self.agent, "DELETE", &self.base, None);
    }
}

/// One WebDriver command; a WebDriver error (`{"value": {"error", "message"}}`) becomes an `Err`.
fn send(agent: &ureq::Agent, method: &str, url: &str, body: Option<Value>) -> Result<Value> {
    let request = agent.request(method, url);
    let answer = match body {
        Some(body) => request.send_json(body),
        None => request.call(),
    };
    let response = match answer {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(e) => return Err(anyhow!("{method} {url}: {e}")),
    };
    let status = response.status();
    let value: Value = response
        .into_json()
        .with_context(|| format!("{method} {url}: answer is not JSON"))?;
    let value = value.get("value").cloned().unwrap_or(Value::Null);
    if status >= 400 || value.get("error").is_some_and(|e| e.is_string()) {
        bail!(
            "{method} {url}: {} — {}",
            value["error"].as_str().unwrap_or("error"),
            value["message"].as_str().unwrap_or_default()
        );
    }
    Ok(value)
}

/// Standard base64 (the screenshot, the PDF), without pulling in a crate for it.
fn base64_decode(text: &str) -> Result<Vec<u8>> {
    let value = |c: u8| -> Result<u32> {
        Ok(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => bail!("not base64: {:?}", c as char),
        } as u32)
    };
    let bytes: Vec<u8> = text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= value(*c)? << (18 - 6 * i);
        }
        let produced = match chunk.len() {
            4 => 3,
            3 => 2,
            2 => 1,
            _ => bail!("truncated base64"),
        };
        out.extend_from_slice(&n.to_be_bytes()[1..=produced]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_decodes_with_and_without_padding() {
        assert_eq!(super::base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(super::base64_decode("aGk=").unwrap(), b"hi");
        assert_eq!(super::base64_decode("YWJj").unwrap(), b"abc");
    }
}
