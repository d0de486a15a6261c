//! `suspend`: suspensions of a PASS IAE (R-SUSP-1..5). R-SUSP-6 (a re-hire ends one) runs in
//! the accept, in `decide`.

mod suspensions;

use spin_sdk::http::{IncomingRequest, Method, ResponseOutparam};
use spin_sdk::http_component;
use tremplin_platform::{route, serve, Route};

const ROUTES: &[Route] = &[
    route(
        Method::Post,
        "/api/v1/passes/:number/suspensions",
        suspensions::create,
    ),
    route(
        Method::Patch,
        "/api/v1/suspensions/:id",
        suspensions::update,
    ),
    route(
        Method::Delete,
        "/api/v1/suspensions/:id",
        suspensions::delete,
    ),
];

#[http_component]
async fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    serve(request, response_out, ROUTES).await
}
