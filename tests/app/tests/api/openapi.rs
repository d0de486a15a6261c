//! The OpenAPI document describes exactly the operations the components serve: each
//! component's route table (`const ROUTES` in `functions/<component>/src/lib.rs`) against the
//! document, per method and path, and each documented path is routed by `spin.toml` to the
//! component whose table has it. Every operation it marks as protected answers 401 without a
//! token.

use http::Method;
use serde_json::Value;
use std::collections::BTreeSet;
use tremplin_tests::{candidate_body, repo_root, runtime, TestApp, TestResponse};

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
            // No requirement, or an empty one among them: anonymous callers are let in.
            let public = operation["security"].as_array().is_some_and(|s| {
                s.is_empty()
                    || s.iter()
                        .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
            });
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
    app.get("/api/v1/passes/999990000001/check")
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

/// `value`, or what its `$ref` (`#/components/…`) points to.
fn resolved<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str() {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').expect("a local $ref");
            document
                .pointer(pointer)
                .unwrap_or_else(|| panic!("{reference} is not in the document"))
        }
        None => value,
    }
}

/// The values at each bound the document states for a query parameter (`true`: to be accepted)
/// and just past it (`false`: to be refused), from its schema. A patterned string has no bound
/// to derive values from: its example is accepted and the values its parameter lists under
/// `x-refused-examples` are refused.
fn bound_values(
    name: &str,
    schema: &Value,
    example: &Value,
    refused: &Value,
) -> Vec<(String, bool)> {
    let mut values = Vec::new();
    let number = |key: &str| schema[key].as_i64();
    let length = |key: &str| schema[key].as_u64().map(|n| n as usize);
    match schema["type"].as_str() {
        Some("integer") => match schema["enum"].as_array() {
            Some(allowed) => {
                let allowed: Vec<i64> = allowed.iter().map(|v| v.as_i64().unwrap()).collect();
                values.extend(allowed.iter().map(|v| (v.to_string(), true)));
                values.push(((allowed.iter().max().unwrap() + 1).to_string(), false));
            }
            None => {
                for (bound, past) in [(number("minimum"), -1), (number("maximum"), 1)] {
                    if let Some(bound) = bound {
                        values.push((bound.to_string(), true));
                        values.push(((i128::from(bound) + past).to_string(), false));
                    }
                }
            }
        },
        Some("string") => {
            if !schema["pattern"].is_null() {
                let example = example
                    .as_str()
                    .unwrap_or_else(|| panic!("{name}: a patterned string needs an example"));
                let refused = refused.as_array().unwrap_or_else(|| {
                    panic!("{name}: a patterned string lists values it refuses in `x-refused-examples`")
                });
                values.push((example.to_owned(), true));
                values.extend(
                    refused
                        .iter()
                        .map(|v| (v.as_str().unwrap().to_owned(), false)),
                );
            }
            for (bound, past) in [(length("minLength"), -1), (length("maxLength"), 1)] {
                if let Some(bound) = bound {
                    values.push(("a".repeat(bound), true));
                    values.push(("a".repeat(bound.saturating_add_signed(past)), false));
                }
            }
        }
        Some("array") => {
            if let Some(most) = length("maxItems") {
                // Repeated values are accepted: the bound counts every value sent.
                let item = example[0]
                    .as_str()
                    .unwrap_or_else(|| panic!("{name}: a bounded list needs an example to repeat"));
                values.push((vec![item; most].join(","), true));
                values.push((vec![item; most + 1].join(","), false));
            }
        }
        _ => {}
    }
    values
}

/// Percent-encodes what a query value may not carry as is.
fn encoded(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b',' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A parameter's `example`, or the value of the first of its `examples`.
fn example_of(parameter: &Value) -> Value {
    match parameter["examples"].as_object() {
        Some(examples) => examples.values().next().expect("an example")["value"].clone(),
        None => parameter["example"].clone(),
    }
}

/// Asserts what the server answered for `value` of the query parameter `parameter` against
/// what its description says: at a bound, not refused for it (only the page after the last one
/// may be, as documented); past it, a 400 naming it alone, with a code and a message the
/// description quotes.
fn assert_documented(parameter: &Value, accepted: bool, answer: &TestResponse, request: &str) {
    let name = parameter["name"].as_str().unwrap();
    let description = parameter["description"].as_str().unwrap();
    let shown = format!(
        "{request} → {}: {}",
        answer.status,
        String::from_utf8_lossy(&answer.body)
    );
    let problem = match answer.status {
        400 => answer.json(),
        _ => Value::Null,
    };
    let named = problem["errors"]
        .as_object()
        .map(|e| e.keys().collect::<Vec<_>>());
    let messages: Vec<&str> = problem["errors"][name]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| m.as_str().unwrap())
        .collect();
    let quoted = |m: &&str| description.contains(&format!("« {m} »"));
    if accepted {
        // The directory has no result here: any page but the first is after the last one.
        let past_the_end = |m: &&str| {
            m.starts_with("Cette page n'existe pas : la dernière est la page ")
                && description.contains("« Cette page n'existe pas : la dernière est la page N. »")
        };
        assert!(
            matches!(answer.status, 200 | 404)
                || (named == Some(vec![&name.to_owned()])
                    && messages.len() == 1
                    && messages.iter().all(past_the_end)),
            "refused at the documented bound: {shown}"
        );
    } else {
        assert_eq!(
            answer.status, 400,
            "accepted past the documented bound: {shown}"
        );
        let code = problem["code"].as_str().unwrap();
        assert!(
            description.contains(&format!("400 `{code}`")),
            "`{name}`'s description does not name the code of {shown}"
        );
        assert_eq!(named, Some(vec![&name.to_owned()]), "{shown}");
        assert!(
            !messages.is_empty() && messages.iter().all(quoted),
            "`{name}`'s description does not quote the message of {shown}"
        );
    }
}

/// Every bound the document states for a query parameter (a page's range, `page_size`, the
/// distances, `q`'s length, a filter's number of values, a patterned value's refused examples)
/// is the one the server applies, with the code and the message the document quotes: the value
/// at the bound is not refused for that parameter, the value just past it is a 400 naming the
/// parameter.
#[tokio::test]
async fn every_documented_query_bound_is_the_served_one_with_its_documented_message() {
    let app = TestApp::spawn().await;
    let document = document(&app).await;
    let admin = app.admin().await;
    let me = app.get("/api/v1/me").bearer(&admin).send().await.ok(200);
    let organization = me["memberships"][0]["organization"]["id"].as_str().unwrap();
    // The `departments` filter accepts only imported departments (R-DIR-1): those of its example.
    let departments = &document["components"]["parameters"]["DepartmentsFilter"];
    let rows: Vec<Value> = departments["example"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, code)| {
            serde_json::json!({"line": i + 1, "code": code, "name": "Département", "region_code": "93",
                "region_name": "Région", "chef_lieu_insee": "13055", "zone": "metropole"})
        })
        .collect();
    let imported = app
        .post("/api/v1/admin/import/departments")
        .bearer(&admin)
        .json(serde_json::json!({ "rows": rows }))
        .send()
        .await
        .ok(200);
    assert_eq!(imported["rejected"], serde_json::json!([]));
    // The candidates', applications' and prolongation requests' operations act for a prescriber
    // organization (the administration gets 403 there), about a candidate it knows.
    let prescriber = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let candidate = app
        .candidate(
            &prescriber.admin.token,
            candidate_body("bornes@example.fr", 1),
        )
        .await;
    let candidate = candidate["id"].as_str().unwrap();

    let mut tried = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Ok(method) = method.to_ascii_uppercase().parse::<Method>() else {
                continue;
            };
            let parameters: Vec<&Value> = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| resolved(&document, p))
                .filter(|p| p["in"] == "query")
                .collect();
            let tags = operation["tags"].as_array().into_iter().flatten();
            let prescriber_operation = tags
                .filter_map(Value::as_str)
                .any(|t| ["candidates", "applications", "prolongations"].contains(&t));
            let token = if prescriber_operation {
                &prescriber.admin.token
            } else {
                &admin
            };
            let concrete = match path.strip_prefix("/api/v1/candidates/{id}") {
                Some(rest) => format!("/api/v1/candidates/{candidate}{rest}"),
                // A PASS act's `dry_run` has no bound: a well-formed number is enough.
                None => path
                    .replace("{id}", organization)
                    .replace("{number}", "999990000001"),
            };
            assert!(
                parameters.is_empty() || !concrete.contains('{'),
                "{method} {path}: no value for its path parameters; extend this test"
            );
            // The required parameters at their examples, and each parameter's bounds in turn.
            let required: Vec<(&str, String)> = parameters
                .iter()
                .filter(|p| p["required"] == true)
                .map(|p| {
                    let value = example_of(p).as_str().map(str::to_owned);
                    let name = p["name"].as_str().unwrap();
                    (
                        name,
                        value.unwrap_or_else(|| panic!("{path}: `{name}` has no example")),
                    )
                })
                .collect();
            for parameter in &parameters {
                let name = parameter["name"].as_str().unwrap();
                let schema = resolved(&document, &parameter["schema"]);
                let refused = &parameter["x-refused-examples"];
                for (value, accepted) in bound_values(name, schema, &example_of(parameter), refused)
                {
                    let query: Vec<String> = required
                        .iter()
                        .filter(|(n, _)| *n != name)
                        .map(|(n, v)| (*n, v.as_str()))
                        .chain([(name, value.as_str())])
                        .map(|(n, v)| format!("{n}={}", encoded(v)))
                        .collect();
                    let url = format!("{concrete}?{}", query.join("&"));
                    let answer = app.call(method.clone(), &url).bearer(token).send().await;
                    assert_documented(parameter, accepted, &answer, &format!("{method} {url}"));
                    tried += 1;
                }
            }
        }
    }
    assert!(tried > 50, "only {tried} bounds tried");
}
