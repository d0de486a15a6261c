//! `accounts`: sessions, the current user, organizations and memberships (R-ORG-4..7),
//! invitations, candidate accounts (registration, candidate codes), the administration's bootstrap
//! and account import, health and the OpenAPI document.

mod admin;
mod candidates;
mod delivery;
mod invitations;
mod members;
mod meta;
mod organizations;
mod password;
mod session;

use spin_sdk::http::{IncomingRequest, Method, ResponseOutparam};
use spin_sdk::http_component;
use tremplin_platform::{route, serve, Route};

const ROUTES: &[Route] = &[
    route(Method::Get, "/api/v1/health", meta::health),
    route(Method::Get, "/api/v1/openapi.json", meta::openapi),
    route(Method::Post, "/api/v1/auth/token", session::login),
    route(Method::Delete, "/api/v1/auth/token", session::logout),
    route(Method::Post, "/api/v1/auth/register", candidates::register),
    route(Method::Get, "/api/v1/me", session::me),
    route(
        Method::Get,
        "/api/v1/organizations/:id",
        organizations::show,
    ),
    route(
        Method::Patch,
        "/api/v1/organizations/:id",
        organizations::edit_profile,
    ),
    route(
        Method::Patch,
        "/api/v1/organizations/:id/authorization",
        organizations::set_authorization,
    ),
    route(
        Method::Get,
        "/api/v1/organizations/:id/members",
        members::list,
    ),
    route(
        Method::Post,
        "/api/v1/organizations/:id/members",
        members::request_access,
    ),
    route(
        Method::Patch,
        "/api/v1/organizations/:id/members/:user_id",
        members::update,
    ),
    route(
        Method::Delete,
        "/api/v1/organizations/:id/members/:user_id",
        members::deactivate,
    ),
    route(
        Method::Post,
        "/api/v1/organizations/:id/invitations",
        invitations::create,
    ),
    route(
        Method::Post,
        "/api/v1/invitations/:code/accept",
        invitations::accept,
    ),
    route(Method::Post, "/api/v1/admin/bootstrap", admin::bootstrap),
    route(
        Method::Post,
        "/api/v1/admin/accounts",
        admin::import_accounts,
    ),
    route(Method::Get, "/api/v1/admin/outbox", delivery::status),
    route(
        Method::Post,
        "/api/v1/admin/outbox/deliver",
        delivery::deliver,
    ),
];

#[http_component]
async fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    serve(request, response_out, ROUTES).await
}
