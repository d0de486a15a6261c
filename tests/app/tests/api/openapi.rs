//! The OpenAPI document describes exactly the operations the components serve: each
//! component's route table (`const ROUTES` in `functions/<component>/src/lib.rs`) against the
//! document, per method and path, and each documented path is routed by `spin.toml` to the
//! component whose table has it. Every operation it marks as protected answers 401 without a
//! token.

use http::Method;
use serde_json::Value;
use std::collections::BTreeSet;
use tremplin_tests::{repo_root, runtime, TestApp};

/// Components that serve no API route table, and why.
const WITHOUT_ROUTE_TABLE: &[(&str, &str)] = &[("assets", "serves the static forms at /")];

async fn document(app: &TestApp) -> Value {
    let answer = app.get("/api/v1/openapi.json").send().await;
    let document = answer.ok(200);
    assert_eq!(document["openapi"], "3.1.0");
    document
}

/// The (METHOD, pattern) rows of a component's `const ROUTES: &[Route] = &[...]`, read from its
/// source: each `route(Method::Get, "/api/v1/...", handler)`, however rustfmt splits it.
fn route_table(component: &str) -> Vec<(String, String)> {
    let file = repo_root().join(format!("functions/{component}/src/lib.rs"));
    let source = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("component {component}: {}: {e}", file.display()));
    let table = source
        .split_once("const ROUTES: &[Route] = &[")
        .and_then(|(_, rest)| rest.split_once("];"))
        .unwrap_or_else(|| {
            panic!(
                "{} has no `const ROUTES: &[Route] = &[...];`",
                file.display()
            )
        })
        .0;
    let rows: Vec<(String, String)> = table
        .split("route(")
        .skip(1)
        .map(|call| {
            let parsed = call.trim_start().strip_prefix("Method::").and_then(|rest| {
                let (method, rest) = rest.split_once(',')?;
                let (pattern, _) = rest.trim_start().strip_prefix('"')?.split_once('"')?;
                Some((method.trim().to_ascii_uppercase(), pattern.to_owned()))
            });
            parsed.unwrap_or_else(|| {
                panic!("{}: cannot read the route `route({call}`", file.display())
            })
        })
        .collect();
    // A row written another way (a struct literal, a macro) would be missed: refuse it.
    assert_eq!(
        table.matches("Method::").count(),
        rows.len(),
        "{}: every row of ROUTES is a `route(Method::…, \"…\", handler)` call",
        file.display()
    );
    rows
}

/// `/api/v1/organizations/:id` → `/api/v1/organizations/{id}`.
fn as_openapi(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|s| {
            s.strip_prefix(':')
                .map_or(s.to_owned(), |n| format!("{{{n}}}"))
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The (METHOD, path) of every operation of the document.
fn operations(document: &Value) -> BTreeSet<(String, String)> {
    let mut operations = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                operations.insert((method.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    operations
}

#[tokio::test]
async fn the_document_describes_exactly_the_route_tables_of_the_components() {
    let app = TestApp::spawn().await;
    let documented = operations(&document(&app).await);
    let runtime = runtime();
    let mut served = BTreeSet::new();
    for component in runtime.manifest().components.keys() {
        if WITHOUT_ROUTE_TABLE.iter().any(|(c, _)| c == component) {
            continue;
        }
        for (method, pattern) in route_table(component) {
            let path = as_openapi(&pattern);
            assert!(
                served.insert((method.clone(), path.clone())),
                "{method} {pattern} is in two route tables"
            );
            // The component that serves it must be the one spin.toml sends the path to.
            let concrete = pattern
                .split('/')
                .map(|s| if s.starts_with(':') { "x1" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            let routed = runtime.router().route(&concrete).map(|m| m.component_id);
            assert_eq!(
                routed.as_deref(),
                Some(component.as_str()),
                "spin.toml routes {concrete} elsewhere than to {component}, whose table has {method} {pattern}"
            );
        }
    }
    assert!(served.len() > 20, "the route tables were read");

    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty() && unserved.is_empty(),
        "served but not in openapi.json: {undocumented:?}; in openapi.json but served by no component: {unserved:?}"
    );
}

#[tokio::test]
async fn every_protected_operation_answers_401_without_a_token() {
    let app = TestApp::spawn().await;
    let document = document(&app).await;
    let mut checked = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let method = match method.as_str() {
                "get" => Method::GET,
                "post" => Method::POST,
                "put" => Method::PUT,
                "patch" => Method::PATCH,
                "delete" => Method::DELETE,
                _ => continue, // `parameters`, `summary`…: not operations
            };
            let public = operation["security"]
                .as_array()
                .is_some_and(|s| s.is_empty());
            if public {
                continue;
            }
            let concrete = path
                .split('/')
                .map(|s| if s.starts_with('{') { "unknown" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            let answer = app
                .call(method.clone(), &concrete)
                .json(serde_json::json!({}))
                .send()
                .await;
            assert_eq!(answer.status, 401, "{method} {concrete}");
            answer.problem(401, "unauthenticated");
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} protected operations found");
}

#[tokio::test]
async fn unknown_api_paths_and_methods_get_problems() {
    let app = TestApp::spawn().await;
    app.get("/api/v1/nothing-here")
        .send()
        .await
        .problem(404, "not_found");
    app.get("/api").send().await.problem(404, "not_found");
    app.call(Method::PUT, "/api/v1/me")
        .send()
        .await
        .problem(405, "method_not_allowed");
    // A workflow component that has no endpoint yet answers like any unknown path.
    app.get("/api/v1/applications")
        .send()
        .await
        .problem(404, "not_found");
}

#[tokio::test]
async fn health_reports_the_schema_version_and_the_configured_day() {
    let app = TestApp::spawn_with(&[("today", "2024-02-29")]).await;
    let health = app.get("/api/v1/health").send().await.ok(200);
    assert_eq!(health["status"], "ok");
    let latest: i64 = app
        .db()
        .query_row("SELECT MAX(version) FROM schema_migrations", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(health["schema_version"], latest);
    assert_eq!(health["today"], "2024-02-29");
}

#[tokio::test]
async fn a_wrong_method_names_the_allowed_ones() {
    let app = TestApp::spawn().await;
    let answer = app.call(Method::PUT, "/api/v1/auth/token").send().await;
    answer.problem(405, "method_not_allowed");
    assert_eq!(answer.header("allow"), Some("POST, DELETE"));
}
