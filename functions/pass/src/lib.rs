//! `pass`: reading and publicly checking a PASS IAE (R-PASS-1..10).
//!
//! The component owns its routes in `spin.toml` from the foundation on; its endpoints land with
//! the issue of its workflow. Until then every path answers a 404 problem, like any unknown path.

use spin_sdk::http::{Request, Response};
use spin_sdk::http_component;
use tremplin_platform::{serve, Route};

const ROUTES: &[Route] = &[];

#[http_component]
fn handle(request: Request) -> Response {
    serve(request, ROUTES)
}
