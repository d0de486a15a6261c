//! Spin-facing glue shared by every component: the route table and request context, problem
//! responses, authentication, the SQLite database with its migrations, idempotency and the
//! repository modules. Domain rules live in `tremplin-domain`; this crate only adapts them.

pub mod auth;
pub mod clock;
pub mod db;
pub mod http;
pub mod idempotency;
pub mod ids;
pub mod migrations;
pub mod outbox;
pub mod party;
pub mod pass_acts;
pub mod prolongation_notices;
pub mod repo;
pub mod throttle;

pub use http::{json, no_content, problem, route, serve, Ctx, Route};
pub use spin_sdk::http::{Method, Response};
pub use tremplin_domain::{Error, Result};
