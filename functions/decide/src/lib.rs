//! `decide`: a structure's decisions on an application (R-APPLY-5..9) and the PASS IAE an
//! accept issues or reuses (R-PASS-1..9), and the hires a structure declares without an
//! application.

mod decisions;
mod hires;
mod notify;

use spin_sdk::http::{IncomingRequest, Method, ResponseOutparam};
use spin_sdk::http_component;
use tremplin_platform::{route, serve, Route};

const ROUTES: &[Route] = &[
    route(
        Method::Post,
        "/api/v1/applications/:id/process",
        decisions::process,
    ),
    route(
        Method::Post,
        "/api/v1/applications/:id/postpone",
        decisions::postpone,
    ),
    route(
        Method::Post,
        "/api/v1/applications/:id/refuse",
        decisions::refuse,
    ),
    route(
        Method::Post,
        "/api/v1/applications/:id/accept",
        decisions::accept,
    ),
    route(
        Method::Post,
        "/api/v1/applications/:id/cancel",
        decisions::cancel,
    ),
    route(
        Method::Post,
        "/api/v1/applications/:id/pool",
        decisions::add_to_pool,
    ),
    route(Method::Post, "/api/v1/hires", hires::declare),
];

#[http_component]
async fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    serve(request, response_out, ROUTES).await
}
