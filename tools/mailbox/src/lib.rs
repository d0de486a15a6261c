//! A local stand-in for the HTTP e-mail API that Tremplin's outbox posts to (see
//! `shared/platform/src/outbox.rs` for the format). It keeps every message it accepts, answers
//! `GET /` with a French page listing them (links clickable, so a demo user can follow an
//! invitation), `GET /messages.json` with them as JSON, and can be told to fail the next tries
//! (tests of retries).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use serde_json::Value;

/// The path messages are posted to.
pub const MESSAGES_PATH: &str = "/messages";

#[derive(Clone, Default)]
pub struct Mailbox {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    messages: Mutex<Vec<Value>>,
    /// Posts received, accepted or not (each try counts).
    tries: AtomicUsize,
    /// The next this many posts are answered 503.
    failures_to_come: AtomicUsize,
}

impl Mailbox {
    /// Serves on `listener` until the process ends.
    pub fn spawn(listener: tokio::net::TcpListener) -> (Mailbox, SocketAddr) {
        let mailbox = Mailbox::default();
        let address = listener.local_addr().expect("bound listener");
        let served = mailbox.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let mailbox = served.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let mailbox = mailbox.clone();
                        async move { Ok::<_, std::convert::Infallible>(mailbox.answer(request).await) }
                    });
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .await;
                });
            }
        });
        (mailbox, address)
    }

    /// Every message accepted so far, oldest first.
    pub fn messages(&self) -> Vec<Value> {
        self.inner.messages.lock().expect("mailbox").clone()
    }

    pub fn tries(&self) -> usize {
        self.inner.tries.load(Ordering::SeqCst)
    }

    /// Answers the next `count` posts with 503 (an e-mail API having trouble).
    pub fn fail_next(&self, count: usize) {
        self.inner.failures_to_come.store(count, Ordering::SeqCst);
    }

    async fn answer(
        &self,
        request: http::Request<hyper::body::Incoming>,
    ) -> http::Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        match (parts.method.as_str(), parts.uri.path()) {
            ("POST", MESSAGES_PATH) => {
                self.inner.tries.fetch_add(1, Ordering::SeqCst);
                let failing = self
                    .inner
                    .failures_to_come
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
                let Ok(body) = body.collect().await.map(|b| b.to_bytes()) else {
                    return respond(400, "text/plain", "corps illisible".into());
                };
                if failing {
                    return respond(503, "text/plain", "indisponible (simulé)".into());
                }
                let Ok(mut message) = serde_json::from_slice::<Value>(&body) else {
                    return respond(400, "text/plain", "JSON attendu".into());
                };
                message["authorization"] = parts
                    .headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .into();
                message["idempotency_key"] = parts
                    .headers
                    .get("idempotency-key")
                    .and_then(|v| v.to_str().ok())
                    .into();
                self.inner.messages.lock().expect("mailbox").push(message);
                respond(202, "application/json", r#"{"status":"accepted"}"#.into())
            }
            ("GET", "/messages.json") => respond(
                200,
                "application/json",
                Value::from(self.messages()).to_string(),
            ),
            ("GET", "/") => respond(200, "text/html; charset=utf-8", self.page()),
            _ => respond(404, "text/plain", "introuvable".into()),
        }
    }

    fn page(&self) -> String {
        let items: String = self
            .messages()
            .iter()
            .rev()
            .map(|m| {
                let field = |name: &str| escape(m[name].as_str().unwrap_or(""));
                let to = m["to"]
                    .as_array()
                    .map(|to| {
                        to.iter()
                            .filter_map(Value::as_str)
                            .map(escape)
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                format!(
                    "<article><h2>{}</h2><p><strong>À :</strong> {to}</p><pre>{}</pre></article>",
                    field("subject"),
                    linkify(&field("text"))
                )
            })
            .collect();
        let empty = if items.is_empty() {
            "<p>Aucun message pour l'instant.</p>"
        } else {
            ""
        };
        format!(
            "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Boîte de réception locale — Tremplin</title>\
             <style>body{{font-family:system-ui,sans-serif;max-width:48rem;margin:auto;padding:1rem}}\
             article{{border:1px solid #ccc;border-radius:.5rem;padding:0 1rem;margin:1rem 0}}\
             pre{{white-space:pre-wrap}}</style></head><body><main>\
             <h1>Boîte de réception locale</h1><p>Les e-mails que Tremplin envoie pendant la \
             démonstration arrivent ici (rechargez la page).</p>{empty}{items}</main></body></html>"
        )
    }
}

fn respond(status: u16, content_type: &str, body: String) -> http::Response<Full<Bytes>> {
    http::Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(Full::new(Bytes::from(body)))
        .expect("valid response")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Turns the `http://…` words of an escaped text into links.
fn linkify(escaped: &str) -> String {
    escaped
        .split_inclusive(char::is_whitespace)
        .map(|word| {
            let trimmed = word.trim_end();
            if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
                format!(
                    "<a href=\"{trimmed}\">{trimmed}</a>{}",
                    &word[trimmed.len()..]
                )
            } else {
                word.to_owned()
            }
        })
        .collect()
}
