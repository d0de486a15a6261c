//! HTTP in and out: the per-component route table, the request context handlers receive, JSON
//! bodies parsed strictly, and the one place where an [`Error`] becomes `application/problem+json`.

use serde::de::DeserializeOwned;
use serde::Serialize;
use spin_sdk::http::{IncomingRequest, Method, OutgoingResponse, Response, ResponseOutparam};
use std::cell::OnceCell;
use tremplin_domain::{Clock, Error, FieldErrors};

use crate::auth::{self, Actor};
use crate::clock;
use crate::db::Db;
use crate::idempotency;
use crate::outbox;

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
    /// Set when this request claimed outbox messages: it delivers them after its answer.
    delivery_lease: OnceCell<String>,
}

/// Entry point of every component (`#[http_component] async fn handle(request, response_out)`):
/// routes, refuses oversized bodies before reading them, runs the handler, maps any error to a
/// problem, sends the answer, then delivers the e-mails the request queued (see [`outbox`]).
pub async fn serve(request: IncomingRequest, response_out: ResponseOutparam, routes: &[Route]) {
    let method: Method = request.method().into();
    let (response, ctx) = match prepare(request, &method, routes).await {
        Ok((route, ctx)) => {
            let result = if ctx.method == Method::Post {
                idempotency::replay_or_run(&ctx, route.handler)
            } else {
                (route.handler)(&ctx)
            };
            (answer(&method, route.pattern, result), Some(ctx))
        }
        Err(Refused {
            pattern,
            error,
            allow,
        }) => {
            let mut response = answer(&method, pattern, Err(error));
            if let Some(allow) = allow {
                response.set_header("allow", allow);
            }
            (response, None)
        }
    };
    send(response_out, response).await;
    if let Some((ctx, lease)) = ctx
        .as_ref()
        .and_then(|ctx| Some((ctx, ctx.delivery_lease.get()?)))
    {
        outbox::deliver_claimed(ctx, lease).await;
    }
}

/// What a log line names instead of the path when no route matched.
const NO_ROUTE: &str = "(aucune route)";

/// The error answer, logged by route pattern, status and code: never the raw path (invitation
/// codes travel in paths), never a body, an e-mail or a NIR.
fn answer(method: &Method, pattern: &str, result: Result<Response, Error>) -> Response {
    result.unwrap_or_else(|error| {
        eprintln!("{method} {pattern} -> {} {}", error.status(), error.code());
        problem(&error)
    })
}

/// A request refused before its handler ran (`allow`: the methods of a 405).
struct Refused<'r> {
    pattern: &'r str,
    error: Error,
    allow: Option<String>,
}

/// Matches the route, checks `Content-Length` before reading, reads the body within the limit
/// (a body without a length is cut off at the limit too) and builds the context.
async fn prepare<'r>(
    request: IncomingRequest,
    method: &Method,
    routes: &'r [Route],
) -> Result<(&'r Route, Ctx), Refused<'r>> {
    let path_with_query = request.path_with_query().unwrap_or_default();
    let (path, query) = path_with_query
        .split_once('?')
        .unwrap_or((path_with_query.as_str(), ""));
    let (route, params) = find_route(routes, method, path)?;
    let fail = |error| Refused {
        pattern: route.pattern,
        error,
        allow: None,
    };
    let headers: Vec<(String, String)> = request
        .headers()
        .entries()
        .into_iter()
        .map(|(name, value)| {
            (
                name.to_ascii_lowercase(),
                String::from_utf8(value).unwrap_or_default(),
            )
        })
        .collect();
    let too_large = Error::PayloadTooLarge {
        limit_bytes: MAX_BODY_BYTES,
    };
    let declared = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .map(|(_, value)| value.trim().parse::<u64>());
    match declared {
        Some(Ok(length)) if length > MAX_BODY_BYTES as u64 => return Err(fail(too_large)),
        Some(Err(_)) => {
            return Err(fail(bad_request(
                "invalid_content_length",
                "L'en-tête Content-Length n'est pas un nombre d'octets.",
                Some("Content-Length".to_owned()),
            )))
        }
        _ => {}
    }
    let body = read_body(request).await.map_err(fail)?;
    let clock = clock::current().map_err(fail)?;
    Ok((
        route,
        Ctx {
            method: method.clone(),
            path: path.to_owned(),
            query: query.to_owned(),
            headers,
            body,
            params,
            clock,
            db: OnceCell::new(),
            actor: OnceCell::new(),
            delivery_lease: OnceCell::new(),
        },
    ))
}

async fn read_body(request: IncomingRequest) -> Result<Vec<u8>, Error> {
    use futures::StreamExt;
    let mut stream = std::pin::pin!(request.into_body_stream());
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            bad_request(
                "unreadable_body",
                &format!("Le corps de la requête n'a pas pu être lu ({e:?})."),
                None,
            )
        })?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(Error::PayloadTooLarge {
                limit_bytes: MAX_BODY_BYTES,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The route for `method` and `path`: 404 when no pattern matches, 405 with `Allow` when the
/// path exists for other methods.
fn find_route<'r>(
    routes: &'r [Route],
    method: &Method,
    path: &str,
) -> Result<(&'r Route, Vec<(String, String)>), Refused<'r>> {
    let matching: Vec<(&Route, Vec<(String, String)>)> = routes
        .iter()
        .filter_map(|r| match_pattern(r.pattern, path).map(|params| (r, params)))
        .collect();
    let Some(pattern) = matching.first().map(|(r, _)| r.pattern) else {
        return Err(Refused {
            pattern: NO_ROUTE,
            error: Error::not_found(),
            allow: None,
        });
    };
    let allowed: Vec<String> = matching.iter().map(|(r, _)| r.method.to_string()).collect();
    matching
        .into_iter()
        .find(|(r, _)| &r.method == method)
        .ok_or(Refused {
            pattern,
            error: Error::MethodNotAllowed,
            allow: Some(allowed.join(", ")),
        })
}

async fn send(response_out: ResponseOutparam, mut response: Response) {
    let body = std::mem::take(response.body_mut());
    match OutgoingResponse::try_from(response) {
        Ok(outgoing) => {
            if let Err(e) = response_out.set_with_body(outgoing, body).await {
                eprintln!("answer not sent: {e}");
            }
        }
        Err(e) => eprintln!("answer not converted: {e}"),
    }
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

    /// The raw query string, without its `?` ("" when there is none).
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Whether the query string names `name` at all, with a value or not (`?dry_run`).
    pub fn has_query_key(&self, name: &str) -> bool {
        self.query
            .split('&')
            .any(|pair| pair.split_once('=').map_or(pair, |(key, _)| key) == name)
    }

    /// The `?page=&page_size=` of a list (API.md "Lists"), within `sizes`.
    pub fn page(
        &self,
        sizes: tremplin_domain::page::PageSizes,
    ) -> Result<tremplin_domain::page::Page, Error> {
        tremplin_domain::page::Page::parse(
            self.query_param("page").as_deref(),
            self.query_param("page_size").as_deref(),
            sizes,
        )
    }

    /// The client's IP address as Spin reports it (`spin-client-addr: ip:port`).
    /// An IPv6 address is reduced to its /64, the block one subscriber holds: counting each of
    /// its addresses apart would give an attacker endless fresh addresses.
    pub fn client_ip(&self) -> String {
        let addr = self.header("spin-client-addr").unwrap_or("unknown");
        let ip = addr.rsplit_once(':').map_or(addr, |(ip, _)| ip);
        match ip.trim_matches(['[', ']']).parse::<std::net::Ipv6Addr>() {
            Ok(v6) => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
            Err(_) => ip.to_owned(),
        }
    }

    pub fn db(&self) -> Result<&Db, Error> {
        if let Some(db) = self.db.get() {
            return Ok(db);
        }
        let db = Db::open()?;
        Ok(self.db.get_or_init(|| db))
    }

    /// The id of the authenticated caller, if this request authenticated one.
    pub fn actor_id(&self) -> Option<&str> {
        self.actor.get().map(|a| a.user.id.as_str())
    }

    /// This request's claim on outbox messages (made once): it delivers them after its answer.
    pub fn delivery_lease(&self) -> Result<String, Error> {
        if let Some(lease) = self.delivery_lease.get() {
            return Ok(lease.clone());
        }
        let lease = crate::ids::new_secret()?;
        Ok(self.delivery_lease.get_or_init(|| lease).clone())
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
                actor_user_id: self.actor_id(),
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
    tremplin_domain::body::from_value(value)
        .map_err(|(field, error)| bad_request("invalid_body", &error.french(), Some(field)))
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

/// Where a problem's `type` points: a page of the app itself (the `assets` component) that
/// explains the error in French and what to do.
pub const PROBLEM_PAGES: &str = "/problemes/";

/// The one mapping of an [`Error`] to RFC 9457 `application/problem+json`.
pub fn problem(error: &Error) -> Response {
    if let Error::Internal { detail } = error {
        eprintln!("internal error: {detail}");
    }
    let body = serde_json::json!({
        "type": format!("{PROBLEM_PAGES}{}", error.code()),
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
    }
    | Error::ServiceUnavailable {
        retry_after_seconds,
    } = error
    {
        builder.header("retry-after", retry_after_seconds.to_string());
    }
    builder.body(body.to_string()).build()
}
