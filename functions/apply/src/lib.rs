//! `apply`: candidates, socio-professional diagnoses and applications (R-CAND-*, R-ELIG-*,
//! R-APPLY-1..4, R-APPLY-10). The structure's decisions are the `decide` component's.

mod applications;
mod candidates;
mod cv;
mod dashboard;
mod diagnoses;
mod export;
mod invite;
mod notify;
mod stats;
mod synthetic;

use spin_sdk::http::{IncomingRequest, Method, ResponseOutparam};
use spin_sdk::http_component;
use tremplin_platform::{route, serve, Route};

const ROUTES: &[Route] = &[
    route(
        Method::Post,
        "/api/v1/candidates",
        candidates::find_or_create,
    ),
    route(Method::Get, "/api/v1/candidates", candidates::mine),
    route(Method::Get, "/api/v1/candidates/:id", candidates::read),
    route(
        Method::Post,
        "/api/v1/candidates/:id/diagnoses",
        diagnoses::record,
    ),
    route(
        Method::Get,
        "/api/v1/candidates/:id/eligibility",
        diagnoses::eligibility,
    ),
    route(
        Method::Post,
        "/api/v1/candidates/:id/invitations",
        invite::create,
    ),
    route(Method::Get, "/api/v1/eligibility/grid", diagnoses::grid),
    route(Method::Post, "/api/v1/cvs", cv::upload),
    route(Method::Post, "/api/v1/applications", applications::send),
    route(Method::Get, "/api/v1/applications", applications::list),
    route(Method::Get, "/api/v1/dashboard", dashboard::read),
    route(Method::Get, "/api/v1/stats", stats::read),
    route(Method::Get, "/api/v1/admin/stats/check", stats::check),
    // Before `:id`, which would match it.
    route(
        Method::Get,
        "/api/v1/applications/export.csv",
        export::monthly,
    ),
    route(Method::Get, "/api/v1/applications/:id", applications::read),
    route(Method::Get, "/api/v1/applications/:id/cv", applications::cv),
    route(
        Method::Post,
        "/api/v1/admin/synthetic/:dataset",
        synthetic::dataset,
    ),
];

#[http_component]
async fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    serve(request, response_out, ROUTES).await
}
