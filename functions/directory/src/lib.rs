//! `directory`: cities, structures and their jobs, authorized prescribers (R-DIR-1..4), the
//! structures' own card and job management, and the administration's import of that data.

mod import;
mod manage;
mod search;

use spin_sdk::http::{IncomingRequest, Method, ResponseOutparam};
use spin_sdk::http_component;
use tremplin_platform::{route, serve, Route};

const ROUTES: &[Route] = &[
    route(Method::Get, "/api/v1/cities", search::cities),
    route(Method::Get, "/api/v1/structures", search::structures),
    route(Method::Get, "/api/v1/structures/:id", search::structure),
    route(
        Method::Patch,
        "/api/v1/structures/:id",
        manage::edit_structure,
    ),
    route(
        Method::Post,
        "/api/v1/structures/:id/jobs",
        manage::create_job,
    ),
    route(
        Method::Patch,
        "/api/v1/structures/:id/jobs/:job_id",
        manage::edit_job,
    ),
    route(Method::Get, "/api/v1/prescribers", search::prescribers),
    route(
        Method::Post,
        "/api/v1/admin/import/:dataset",
        import::dataset,
    ),
];

#[http_component]
async fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    serve(request, response_out, ROUTES).await
}
