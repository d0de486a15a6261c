//! HTTP in and out: the per-component route table, the request context handlers receive, JSON
//! bodies parsed strictly, and the one place where an [`Error`] becomes `application/problem+json`.

use serde::de::DeserializeOwned;
use serde::Serialize;
use spin_sdk::http::{Method, Request, Response};
use std::cell::OnceCell;
use tremplin_domain::{Clock, Error, FieldErrors};

use crate::auth::{self, Actor};
use crate::clock;
use crate::db::Db;
use crate::idempotency;

/// Larger bodies are refused with 413 before parsing (imports send batches below it).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub type Handler = fn(&Ctx) -> Result<Response, Error>;

/// One row of a component's route table: method, path pattern (`:name` captures a segment).
pub struct Route {
    pub method: Method,
    pub pattern: &'static str,
    pub handler: Handler,
}

pub const fn route(method: Method, pattern: &'static str, handler: Handler) -> Route {
    Route {
        method,
        pattern,
        handler,
    }
}

/// A request as handlers see it, with lazily opened database and authenticated actor.
pub struct Ctx {
    pub method: Method,
    pub path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    params: Vec<(String, String)>,
    pub clock: Clock,
    db: OnceCell<Db>,
    actor: OnceCell<Actor>,
}

/// Entry point of every component: routes, runs the handler, maps any error to a problem.
pub fn serve(request: Request, routes: &[Route]) -> Response {
    let method = request.method().clone();
    let path = request.path().to_owned();
    let response = dispatch(request, routes);
    if response.status() >= &500 {
        eprintln!("{method} {path} -> {}", response.status());
    }
    response
}

fn dispatch(request: Request, routes: &[Route]) -> Response {
    let path = request.path().to_owned();
    let matching: Vec<(&Route, Vec<(String, String)>)> = routes
        .iter()
        .filter_map(|r| match_pattern(r.pattern, &path).map(|params| (r, params)))
        .collect();
    if matching.is_empty() {
        return problem(&Error::not_found());
    }
    let allowed: Vec<String> = matching.iter().map(|(r, _)| r.method.to_string()).collect();
    let Some((route, params)) = matching
        .into_iter()
        .find(|(r, _)| &r.method == request.method())
    else {
        let mut response = problem(&Error::MethodNotAllowed);
        response.set_header("allow", allowed.join(", "));
        return response;
    };
    let clock = match clock::current() {
        Ok(clock) => clock,
        Err(error) => return problem(&error),
    };
    let ctx = Ctx {
        method: request.method().clone(),
        path,
        query: request.query().to_owned(),
        headers: request
            .headers()
            .map(|(name, value)| {
                (
                    name.to_ascii_lowercase(),
                    value.as_str().unwrap_or("").to_owned(),
                )
            })
            .collect(),
        body: request.into_body(),
        params,
        clock,
        db: OnceCell::new(),
        actor: OnceCell::new(),
    };
    if ctx.body.len() > MAX_BODY_BYTES {
        return problem(&Error::PayloadTooLarge {
            limit_bytes: MAX_BODY_BYTES,
        });
    }
    let result = if ctx.method == Method::Post {
        idempotency::replay_or_run(&ctx, route.handler)
    } else {
        (route.handler)(&ctx)
    };
    result.unwrap_or_else(|error| problem(&error))
}

/// `/api/v1/organizations/:id/members` against a path; captures `:name` segments.
fn match_pattern(pattern: &str, path: &str) -> Option<Vec<(String, String)>> {
    let mut params = Vec::new();
    let mut pattern_parts = pattern.trim_end_matches('/').split('/');
    let mut path_parts = path.trim_end_matches('/').split('/');
    loop {
        match (pattern_parts.next(), path_parts.next()) {
            (None, None) => return Some(params),
            (Some(p), Some(s)) if p.starts_with(':') && !s.is_empty() => {
                params.push((p[1..].to_owned(), percent_decode(s)?))
            }
            (Some(p), Some(s)) if p == s => {}
            _ => return None,
        }
    }
}

impl Ctx {
    /// A `:name` captured by the route pattern.
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// A query-string parameter, percent-decoded; `None` when absent or empty.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (key == name && !value.is_empty())
                .then(|| percent_decode(&value.replace('+', " ")))
                .flatten()
        })
    }

    /// The client's IP address as Spin reports it (`spin-client-addr: ip:port`).
    pub fn client_ip(&self) -> String {
        let addr = self.header("spin-client-addr").unwrap_or("unknown");
        addr.rsplit_once(':').map_or(addr, |(ip, _)| ip).to_owned()
    }

    pub fn db(&self) -> Result<&Db, Error> {
        if let Some(db) = self.db.get() {
            return Ok(db);
        }
        let db = Db::open()?;
        Ok(self.db.get_or_init(|| db))
    }

    /// The authenticated caller (401 without a valid bearer token).
    pub fn actor(&self) -> Result<&Actor, Error> {
        if let Some(actor) = self.actor.get() {
            return Ok(actor);
        }
        let actor = auth::authenticate(self)?;
        Ok(self.actor.get_or_init(|| actor))
    }

    /// The one way a handler changes data: a single `BEGIN IMMEDIATE` transaction holding the
    /// change, its audit rows and, for a POST with an `Idempotency-Key`, the stored answer. A
    /// concurrent retry that committed first is found inside the lock and its answer returned.
    pub fn write(
        &self,
        work: impl FnOnce(&Db) -> Result<Response, Error>,
    ) -> Result<Response, Error> {
        let key = if self.method == Method::Post {
            idempotency::key_of(self)?
        } else {
            None
        };
        self.db()?.transaction(|db| {
            if let Some(previous) = key
                .as_ref()
                .map(|k| idempotency::replay(self, k))
                .transpose()?
                .flatten()
            {
                return Ok(previous);
            }
            let response = work(db)?;
            if let Some(key) = &key {
                idempotency::store(self, key, &response)?;
            }
            Ok(response)
        })
    }

    /// Appends an audit row (who: the authenticated caller, if any; when: now).
    pub fn audit(
        &self,
        db: &Db,
        organization_id: Option<&str>,
        action: &str,
        entity: &str,
        entity_id: &str,
        details: serde_json::Value,
    ) -> Result<(), Error> {
        let now = self.clock.now_rfc3339();
        crate::repo::audit::record(
            db,
            crate::repo::audit::Entry {
                at: &now,
                actor_user_id: self.actor.get().map(|a| a.user.id.as_str()),
                organization_id,
                action,
                entity,
                entity_id,
                details,
            },
        )
    }

    /// The body as `T`: 400 with per-field French messages when it is not JSON, has a wrong type,
    /// misses a field or carries an unknown one (types use `deny_unknown_fields`).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        parse_json(&self.body)
    }

    /// Like [`Ctx::json`] for endpoints whose body may be left out: an empty body is `T::default()`.
    pub fn optional_json<T: DeserializeOwned + Default>(&self) -> Result<T, Error> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            Ok(T::default())
        } else {
            parse_json(&self.body)
        }
    }
}

pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(bad_request(
            "empty_body",
            "Le corps de la requête est vide : un objet JSON est attendu.",
            None,
        ));
    }
    // Syntax first, so that `[1, 2` is malformed JSON rather than a struct read from an array.
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| {
        bad_request(
            "malformed_json",
            "Le corps de la requête n'est pas un JSON valide.",
            None,
        )
    })?;
    if !value.is_object() {
        return Err(bad_request(
            "invalid_body",
            "Un objet JSON est attendu.",
            Some("body".to_owned()),
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        bad_request(
            "invalid_body",
            &french_json_message(&inner),
            Some(data_error_field(&inner, &path)),
        )
    })
}

fn bad_request(code: &'static str, detail: &str, field: Option<String>) -> Error {
    let mut errors = FieldErrors::new();
    if let Some(field) = field {
        errors.insert(field, vec![detail.to_owned()]);
    }
    Error::BadRequest {
        code,
        detail: detail.to_owned(),
        errors,
    }
}

/// serde names missing and unknown fields in its message, not in its path: take them from there.
fn data_error_field(error: &serde_json::Error, path: &str) -> String {
    let text = error.to_string();
    let quoted = text.split('`').nth(1).map(str::to_owned);
    let named = if text.starts_with("missing field") || text.starts_with("unknown field") {
        quoted
    } else {
        None
    };
    match (named, path) {
        (Some(name), "." | "") => name,
        // Some deserializers already end the path with the unknown field's name.
        (Some(name), prefix) if prefix.ends_with(name.as_str()) => prefix.to_owned(),
        (Some(name), prefix) => format!("{prefix}.{name}"),
        (None, "." | "") => "body".to_owned(),
        (None, path) => path.to_owned(),
    }
}

fn french_json_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let quoted = text.split('`').nth(1).unwrap_or("");
    if text.starts_with("missing field") {
        "Ce champ est obligatoire.".to_owned()
    } else if text.starts_with("unknown field") {
        format!("Champ inconnu : « {quoted} ».")
    } else if text.starts_with("invalid type") {
        format!(
            "Type incorrect (attendu : {}).",
            french_expected(text.rsplit("expected ").next().unwrap_or(""))
        )
    } else if text.starts_with("unknown variant") {
        format!("Valeur inconnue : « {quoted} ».")
    } else {
        format!("Valeur invalide : {text}")
    }
}

fn french_expected(expected: &str) -> &'static str {
    const NAMES: &[(&[&str], &str)] = &[
        (&["sequence"], "liste"),
        (&["struct", "map"], "objet"),
        (&["string", "str"], "texte"),
        (&["bool"], "booléen"),
        (&["f32", "f64", "float"], "nombre"),
        (
            &[
                "integer", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64",
            ],
            "nombre entier",
        ),
    ];
    NAMES
        .iter()
        .find(|(words, _)| words.iter().any(|w| expected.contains(w)))
        .map_or("autre type", |(_, name)| name)
}

/// Percent-decoding of a path segment or query value; `None` if not valid UTF-8.
fn percent_decode(input: &str) -> Option<String> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

pub fn json<T: Serialize>(status: u16, value: &T) -> Result<Response, Error> {
    let body = serde_json::to_vec(value).map_err(|e| Error::internal(format!("serialize: {e}")))?;
    Ok(Response::builder()
        .status(status)
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .build())
}

pub fn no_content() -> Result<Response, Error> {
    Ok(Response::new(204, ()))
}

/// The one mapping of an [`Error`] to RFC 9457 `application/problem+json`.
pub fn problem(error: &Error) -> Response {
    if let Error::Internal { detail } = error {
        eprintln!("internal error: {detail}");
    }
    let body = serde_json::json!({
        "type": format!("https://tremplin.beta.gouv.fr/problems/{}", error.code()),
        "title": error.title(),
        "status": error.status(),
        "detail": error.detail(),
        "code": error.code(),
        "errors": error.field_errors().cloned().unwrap_or_default(),
    });
    let mut builder = Response::builder();
    builder
        .status(error.status())
        .header("content-type", "application/problem+json; charset=utf-8");
    if let Error::TooManyRequests {
        retry_after_seconds,
    } = error
    {
        builder.header("retry-after", retry_after_seconds.to_string());
    }
    builder.body(body.to_string()).build()
}
