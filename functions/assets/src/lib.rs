//! `assets`: the mobile forms of `static/`, embedded at build time and served at `/`.
//! `GET /` serves `index.html`; a directory path serves its `index.html`. Unknown paths get 404.

use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;

include!(concat!(env!("OUT_DIR"), "/static_files.rs"));

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "webmanifest" => "application/json; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn lookup(path: &str) -> Option<(&'static str, &'static [u8])> {
    let candidates = [
        path.to_owned(),
        format!("{}/index.html", path.trim_end_matches('/')),
    ];
    candidates
        .iter()
        .find_map(|candidate| FILES.iter().find(|(route, _)| route == candidate).copied())
}

#[http_component]
fn handle(request: Request) -> Response {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return Response::builder()
            .status(405)
            .header("allow", "GET, HEAD")
            .body("Méthode non autorisée")
            .build();
    }
    match lookup(request.path()) {
        Some((route, body)) => Response::builder()
            .status(200)
            .header("content-type", content_type(route))
            .header("cache-control", "no-cache")
            .header("x-content-type-options", "nosniff")
            .body(if request.method() == &Method::Head { Vec::new() } else { body.to_vec() })
            .build(),
        None => Response::builder()
            .status(404)
            .header("content-type", "text/html; charset=utf-8")
            .body("<!doctype html><html lang=\"fr\"><title>Page introuvable</title><p>Page introuvable. <a href=\"/\">Accueil</a></p></html>")
            .build(),
    }
}
