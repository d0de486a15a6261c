//! `pass`: reading and publicly checking a PASS IAE (R-PASS-1..10).
//!
//! The component owns its routes in `spin.toml` from the foundation on; its endpoints land with
//! the issue of its workflow. Until then every path answers a 404 problem, like any unknown path.

use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use tremplin_platform::{serve, Route};

const ROUTES: &[Route] = &[];

#[http_component]
async fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    serve(request, response_out, ROUTES).await
}
