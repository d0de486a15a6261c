//! Route matching and the `spin-*` request headers, as in Spin's `spin-http` (`routes.rs`) and
//! `trigger-http` (`headers.rs`): routes go to a `routefinder::Router`, whose best match wins
//! (exact segment > `:named` segment > trailing wildcard).

use std::net::SocketAddr;

use anyhow::{anyhow, Result};

#[derive(Debug, Clone)]
struct Handler {
    component_id: String,
    /// The route as written in the manifest.
    raw_route: String,
    /// The route with the application base ("/") applied: Spin's `based_route`.
    based_route: String,
}

pub struct Router {
    router: routefinder::Router<Handler>,
}

/// The outcome of routing one request path.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteMatch {
    pub component_id: String,
    pub raw_route: String,
    pub based_route: String,
    /// The part of the path matched by a trailing wildcard (`spin-path-info`).
    pub path_info: String,
    /// `:name` segments and their values.
    pub named: Vec<(String, String)>,
}

impl Router {
    /// Builds the router from `(component id, route)` pairs in manifest order. Like Spin, a route
    /// given twice keeps its first position and its last component, with a warning.
    pub fn build<'a>(routes: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Router> {
        let mut entries: Vec<Handler> = Vec::new();
        for (component_id, raw_route) in routes {
            let handler = Handler {
                component_id: component_id.to_string(),
                raw_route: raw_route.to_string(),
                based_route: sanitize_with_base("/", raw_route),
            };
            match entries.iter_mut().find(|h| h.raw_route == raw_route) {
                Some(existing) => {
                    eprintln!(
                        "warning: route {raw_route} of component {} is a duplicate of component {component_id}'s and will never be used",
                        existing.component_id
                    );
                    *existing = handler;
                }
                None => entries.push(handler),
            }
        }
        let mut router = routefinder::Router::new();
        for handler in entries {
            let spec = match handler.based_route.strip_suffix("/...") {
                Some(prefix) => format!("{prefix}/*"),
                None => handler.based_route.clone(),
            };
            router.add(spec, handler.clone()).map_err(|e| {
                anyhow!(
                    "Error parsing route {} associated with component {}: {e}",
                    handler.based_route,
                    handler.component_id
                )
            })?;
        }
        Ok(Router { router })
    }

    /// The best route for a request path (without the query), or `None` (Spin answers 404).
    pub fn route(&self, path: &str) -> Option<RouteMatch> {
        let best = self.router.best_match(path)?;
        let handler = best.handler();
        let captures = best.captures();
        // Spin has traditionally kept the trailing slash, which routefinder drops.
        let path_info = match captures.wildcard() {
            None => String::new(),
            Some(w) => match (w.is_empty(), path.ends_with('/')) {
                (true, false) => String::new(),
                (true, true) => "/".to_string(),
                (false, false) => format!("/{w}"),
                (false, true) => format!("/{w}/"),
            },
        };
        Some(RouteMatch {
            component_id: handler.component_id.clone(),
            raw_route: handler.raw_route.clone(),
            based_route: handler.based_route.clone(),
            path_info,
            named: captures
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        })
    }
}

impl RouteMatch {
    /// The headers Spin adds to the request it hands to the component, in Spin's order.
    /// `full_url` is `<scheme>://<host header><path and query>`.
    pub fn spin_headers(&self, full_url: &str, client_addr: SocketAddr) -> Vec<(String, String)> {
        let component_route = self
            .raw_route
            .strip_suffix("/...")
            .unwrap_or(&self.raw_route);
        let mut headers = vec![
            ("spin-path-info".to_string(), self.path_info.clone()),
            ("spin-full-url".to_string(), full_url.to_string()),
            ("spin-matched-route".to_string(), self.based_route.clone()),
            ("spin-base-path".to_string(), "/".to_string()),
            (
                "spin-raw-component-route".to_string(),
                self.raw_route.clone(),
            ),
            (
                "spin-component-route".to_string(),
                component_route.to_string(),
            ),
            ("spin-client-addr".to_string(), client_addr.to_string()),
        ];
        for (name, value) in &self.named {
            // SPIN_PATH_MATCH_<NAME>, turned into a header name like the others.
            let header = format!(
                "spin-path-match-{}",
                name.replace('_', "-").to_ascii_lowercase()
            );
            headers.push((header, value.clone()));
        }
        headers
    }
}

/// Spin's `sanitize_with_base`: absolute route, single trailing slash stripped from base and route.
fn sanitize_with_base(base: &str, route: &str) -> String {
    let route = if route.starts_with('/') {
        route.to_string()
    } else {
        format!("/{route}")
    };
    let strip = |s: &str| s.strip_suffix('/').unwrap_or(s).to_string();
    format!("{}{}", strip(base), strip(&route))
}
