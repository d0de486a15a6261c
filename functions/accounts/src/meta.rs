//! Health and the OpenAPI document of the whole application.

use tremplin_domain::Error;
use tremplin_platform::migrations;
use tremplin_platform::{json, Ctx, Response};

/// The API description, kept true by a test that checks every route of `spin.toml` is in it.
const OPENAPI: &str = include_str!("../../../shared/openapi.json");

pub fn health(ctx: &Ctx) -> Result<Response, Error> {
    let version = migrations::current_version(ctx.db()?)?;
    json(
        200,
        &serde_json::json!({
            "status": "ok",
            "schema_version": version,
            "today": ctx.clock.today().to_string(),
        }),
    )
}

pub fn openapi(_ctx: &Ctx) -> Result<Response, Error> {
    Ok(Response::builder()
        .status(200)
        .header("content-type", "application/json; charset=utf-8")
        .body(OPENAPI)
        .build())
}
