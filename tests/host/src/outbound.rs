//! Outbound HTTP, as Spin allows it: only to the origins a component lists in
//! `allowed_outbound_hosts` (Spin variable templates resolved), refused otherwise. The bundled
//! host speaks plain HTTP only (its peers are local test and demo sinks); Spin itself also speaks
//! HTTPS, which the e-mail API uses in production.

use std::time::Duration;

use http_body_util::{BodyExt, Full};
use wasmtime_wasi_http::{Error, WasiBody};

/// One `allowed_outbound_hosts` entry: `scheme://host[:port]`, `*` allowed for the host or port.
#[derive(Debug, Clone, PartialEq)]
pub struct AllowedOrigin {
    scheme: String,
    host: String,
    port: Option<String>,
}

impl AllowedOrigin {
    /// Parses a resolved entry the way Spin reads it: a scheme is required and no path is allowed.
    pub fn parse(entry: &str) -> Result<AllowedOrigin, String> {
        let (scheme, rest) = entry
            .split_once("://")
            .ok_or_else(|| format!("{entry:?}: an allowed outbound host needs a scheme"))?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.is_empty() || rest.contains('/') {
            return Err(format!("{entry:?}: an allowed outbound host has no path"));
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || rest.starts_with('[') => {
                (host.to_owned(), Some(port.to_owned()))
            }
            _ => (rest.to_owned(), None),
        };
        Ok(AllowedOrigin {
            scheme: scheme.to_ascii_lowercase(),
            host: host.to_ascii_lowercase(),
            port,
        })
    }

    /// Whether a request to `uri` may go out under this entry (ports default per scheme).
    pub fn allows(&self, uri: &http::Uri) -> bool {
        let (Some(scheme), Some(host)) = (uri.scheme_str(), uri.host()) else {
            return false;
        };
        let default_port = |scheme: &str| match scheme {
            "https" => "443",
            _ => "80",
        };
        let port = uri
            .port_u16()
            .map_or_else(|| default_port(scheme).to_owned(), |p| p.to_string());
        let allowed_port = self
            .port
            .clone()
            .unwrap_or_else(|| default_port(&self.scheme).to_owned());
        (self.scheme == "*" || self.scheme == scheme)
            && (self.host == "*" || self.host == host.to_ascii_lowercase())
            && (allowed_port == "*" || allowed_port == port)
    }
}

/// Every outbound exchange is bounded: a stuck peer cannot keep an instance alive for long.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends `request` over plain HTTP/1.1 and returns the whole response.
pub async fn send(request: http::Request<WasiBody>) -> Result<http::Response<WasiBody>, Error> {
    tokio::time::timeout(EXCHANGE_TIMEOUT, exchange(request))
        .await
        .map_err(|_| Error::ConnectionReadTimeout)?
}

async fn exchange(request: http::Request<WasiBody>) -> Result<http::Response<WasiBody>, Error> {
    let (mut parts, body) = request.into_parts();
    if parts.uri.scheme_str() != Some("http") {
        eprintln!(
            "tremplin-host: outbound {} refused: the bundled host speaks plain HTTP only",
            parts.uri
        );
        return Err(Error::HttpRequestDenied);
    }
    let authority = parts
        .uri
        .authority()
        .ok_or(Error::HttpRequestUriInvalid)?
        .clone();
    let address = match authority.port() {
        Some(_) => authority.to_string(),
        None => format!("{authority}:80"),
    };
    let body = body.collect().await?.to_bytes();
    let stream = tokio::net::TcpStream::connect(&address)
        .await
        .map_err(Error::Connect)?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(wasmtime_wasi_http::io::TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    // The request line carries the path only; the authority travels in `Host`.
    parts.uri = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .parse()
        .map_err(|_| Error::HttpRequestUriInvalid)?;
    parts.headers.entry(http::header::HOST).or_insert(
        authority
            .as_str()
            .parse()
            .map_err(|_| Error::HttpRequestUriInvalid)?,
    );
    let response = sender
        .send_request(http::Request::from_parts(parts, Full::new(body)))
        .await?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await?.to_bytes();
    Ok(http::Response::from_parts(
        parts,
        Full::new(body)
            .map_err(|never| match never {})
            .boxed_unsync(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(entry: &str, uri: &str) -> bool {
        AllowedOrigin::parse(entry)
            .expect("entry")
            .allows(&uri.parse().expect("uri"))
    }

    #[test]
    fn an_origin_allows_its_scheme_host_and_port_only() {
        assert!(allows(
            "http://127.0.0.1:3025",
            "http://127.0.0.1:3025/messages"
        ));
        assert!(!allows(
            "http://127.0.0.1:3025",
            "http://127.0.0.1:3026/messages"
        ));
        assert!(!allows(
            "http://127.0.0.1:3025",
            "https://127.0.0.1:3025/messages"
        ));
        assert!(!allows(
            "http://127.0.0.1:3025",
            "http://localhost:3025/messages"
        ));
        assert!(allows(
            "https://api.example.eu",
            "https://api.example.eu/v1/send"
        ));
        assert!(!allows(
            "https://api.example.eu",
            "https://api.example.eu:8443/v1/send"
        ));
        assert!(allows("http://127.0.0.1:*", "http://127.0.0.1:9/"));
    }

    #[test]
    fn entries_need_a_scheme_and_no_path() {
        assert!(AllowedOrigin::parse("127.0.0.1:3025").is_err());
        assert!(AllowedOrigin::parse("http://127.0.0.1:3025/messages").is_err());
        assert!(AllowedOrigin::parse("").is_err());
    }
}
