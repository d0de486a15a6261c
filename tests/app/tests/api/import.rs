//! Loading data through the administration endpoints: idempotent, bad rows reported and skipped.

use serde_json::{json, Value};
use tremplin_tests::{TestApp, BOOTSTRAP_TOKEN, PASSWORD};

fn city(line: u64, insee: &str, name: &str) -> Value {
    json!({"line": line, "insee_code": insee, "name": name, "kind": "commune", "slug": "x",
           "department_code": "13", "department_name": "Bouches-du-Rhône", "region_code": "93",
           "region_name": "Provence-Alpes-Côte d'Azur", "zone": "metro", "post_codes": "13001|13002",
           "latitude": 43.3, "longitude": 5.4, "population": 1000, "coords_source": "test"})
}

#[tokio::test]
async fn cities_load_idempotently_and_bad_rows_are_reported_by_line() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let batch = json!({"rows": [
        city(2, "13055", "Marseille"),
        city(3, "2A004", "Ajaccio"),
        city(4, "1305", "Trop court"),
        {"line": 5, "insee_code": "13001"},
        city(6, "13001", "Aix-en-Provence"),
    ]});
    let load = || {
        app.post("/api/v1/admin/import/cities")
            .bearer(&admin)
            .json(batch.clone())
            .send()
    };

    let first = load().await.ok(200);
    let second = load().await.ok(200);

    assert_eq!(first["written"], 3);
    assert_eq!(second["written"], 0);
    assert_eq!(second["unchanged"], 3);
    let lines: Vec<_> = first["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [4, 5]);
    assert_eq!(app.count("cities"), 3);
    let search_name: String = app
        .db()
        .query_row(
            "SELECT search_name FROM cities WHERE insee_code = '13001'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(search_name, "aix en provence");
}

#[tokio::test]
async fn a_changed_city_is_updated_in_place() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let send = |name: &str| {
        app.post("/api/v1/admin/import/cities")
            .bearer(&admin)
            .json(json!({"rows": [city(2, "13055", name)]}))
            .send()
    };
    send("Marseille").await.ok(200);

    let answer = send("Marseille (nouveau nom)").await.ok(200);

    assert_eq!(answer["written"], 1);
    assert_eq!(app.count("cities"), 1);
}

#[tokio::test]
async fn bootstrap_needs_the_deployment_secret_and_happens_once() {
    let app = TestApp::spawn().await;
    let body =
        json!({"email": "boss@x.fr", "password": PASSWORD, "first_name": "B", "last_name": "Oss"});
    let bootstrap = |token: &str| {
        app.post("/api/v1/admin/bootstrap")
            .bearer(token)
            .json(body.clone())
            .send()
    };

    bootstrap("wrong").await.problem(401, "unauthenticated");
    app.post("/api/v1/admin/bootstrap")
        .json(body.clone())
        .send()
        .await
        .problem(401, "unauthenticated");
    assert_eq!(bootstrap(BOOTSTRAP_TOKEN).await.ok(201)["created"], true);
    assert_eq!(bootstrap(BOOTSTRAP_TOKEN).await.ok(200)["created"], false);
    let other =
        json!({"email": "other@x.fr", "password": PASSWORD, "first_name": "O", "last_name": "T"});
    app.post("/api/v1/admin/bootstrap")
        .bearer(BOOTSTRAP_TOKEN)
        .json(other)
        .send()
        .await
        .problem(409, "already_bootstrapped");
    assert_eq!(app.count("users"), 1);
}

#[tokio::test]
async fn bootstrap_is_disabled_when_no_secret_is_configured() {
    let app = TestApp::spawn_with(&[("bootstrap_token", "")]).await;
    app.get("/api/v1/health").send().await.ok(200);
    app.post("/api/v1/admin/bootstrap")
        .bearer("")
        .json(json!({"email": "boss@x.fr", "password": PASSWORD, "first_name": "B", "last_name": "Oss"}))
        .send()
        .await
        .problem(401, "unauthenticated");
    assert_eq!(app.count("users"), 0);
}

#[tokio::test]
async fn importing_accounts_twice_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let batch = json!({
        "organizations": [{"ref": "ml", "category": "prescriber", "kind": "ML", "siret": tremplin_tests::luhn_siret(900),
                           "name": "ML", "authorization_status": "VALIDATED", "is_demo": true}],
        "users": [{"email": "demo@x.fr", "password": PASSWORD, "first_name": "D", "last_name": "Emo",
                   "memberships": [{"organization": "ml", "role": "admin"}]}],
    });

    let first = app.import_accounts(&admin, batch.clone()).await;
    let snapshot = app.snapshot();
    let second = app.import_accounts(&admin, batch).await;

    assert_eq!(
        first["created"],
        json!({"organizations": 1, "users": 1, "memberships": 1})
    );
    assert_eq!(
        second["created"],
        json!({"organizations": 0, "users": 0, "memberships": 0})
    );
    let mut after = app.snapshot();
    // Only the audit trail of the second import itself was added.
    let audit = after.iter_mut().find(|(t, _)| t == "audit_log").unwrap();
    audit.1 -= 1;
    assert_eq!(after, snapshot);
}
