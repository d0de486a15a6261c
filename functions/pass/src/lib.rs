//! `pass`: reading a PASS IAE (R-PASS-3, R-PASS-6, R-PASS-10), its public check by number and a
//! candidate's list.

mod passes;

use spin_sdk::http::{IncomingRequest, Method, ResponseOutparam};
use spin_sdk::http_component;
use tremplin_platform::{route, serve, Route};

const ROUTES: &[Route] = &[
    route(Method::Get, "/api/v1/passes/:number", passes::read),
    route(Method::Get, "/api/v1/passes/:number/check", passes::check),
    route(
        Method::Get,
        "/api/v1/candidates/:id/passes",
        passes::of_candidate,
    ),
];

#[http_component]
async fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    serve(request, response_out, ROUTES).await
}
