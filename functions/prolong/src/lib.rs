//! `prolong`: prolongations of a PASS IAE (R-PROL-1..3) and the requests to an authorized
//! prescriber organization (R-PROL-4). Their reminders go out with the scheduled delivery
//! (`accounts`, `tremplin_platform::prolongation_notices`).

mod prolongations;
mod requests;

use spin_sdk::http::{IncomingRequest, Method, ResponseOutparam};
use spin_sdk::http_component;
use tremplin_platform::{route, serve, Route};

const ROUTES: &[Route] = &[
    route(
        Method::Post,
        "/api/v1/passes/:number/prolongations",
        prolongations::declare,
    ),
    route(
        Method::Post,
        "/api/v1/passes/:number/prolongation-requests",
        prolongations::ask,
    ),
    route(Method::Get, "/api/v1/prolongation-requests", requests::list),
    route(
        Method::Get,
        "/api/v1/prolongation-requests/:id",
        requests::read,
    ),
    route(
        Method::Post,
        "/api/v1/prolongation-requests/:id/grant",
        requests::grant,
    ),
    route(
        Method::Post,
        "/api/v1/prolongation-requests/:id/deny",
        requests::deny,
    ),
    route(
        Method::Post,
        "/api/v1/prolongation-requests/:id/withdraw",
        requests::withdraw,
    ),
];

#[http_component]
async fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    serve(request, response_out, ROUTES).await
}
