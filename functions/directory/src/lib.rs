//! `directory`: cities, structures and their jobs, authorized prescribers (R-DIR-*), and the
//! administration's import of that reference data.

mod import;

use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;
use tremplin_platform::{route, serve, Route};

const ROUTES: &[Route] = &[route(
    Method::Post,
    "/api/v1/admin/import/cities",
    import::cities,
)];

#[http_component]
fn handle(request: Request) -> Response {
    serve(request, ROUTES)
}
