//! Bad input on every POST and PATCH: malformed JSON, wrong types, missing fields, unknown
//! fields, a 2 MB body → a 4xx problem naming the field, and no row changed anywhere.

use http::Method;
use serde_json::{json, Value};
use tremplin_tests::{TestApp, BOOTSTRAP_TOKEN};

struct Endpoint {
    method: Method,
    path: String,
    token: String,
    /// A body with one required field missing, and that field's name (None: nothing required).
    missing: Option<(Value, &'static str)>,
    /// A body with one field of the wrong type, and that field's name.
    wrong_type: Option<(Value, &'static str)>,
    /// A valid-looking body to which the unknown field `surprise` is added.
    base: Value,
}

async fn endpoints(app: &TestApp) -> Vec<Endpoint> {
    let admin = app.admin().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let code = app.invite(&org.id, &org.admin.token, "invited@x.fr").await;
    let orgs = format!("/api/v1/organizations/{}", org.id);
    let structure = app.organization("structure", "ACI", None).await;
    let structure_path = format!("/api/v1/structures/{}", structure.id);
    let e = |method: Method, path: &str, token: &str, missing, wrong_type, base| Endpoint {
        method,
        path: path.to_owned(),
        token: token.to_owned(),
        missing,
        wrong_type,
        base,
    };
    vec![
        e(
            Method::POST,
            "/api/v1/auth/token",
            "",
            Some((json!({"email": "a@b.fr"}), "password")),
            Some((json!({"email": "a@b.fr", "password": 12}), "password")),
            json!({"email": "a@b.fr", "password": "x"}),
        ),
        e(
            Method::POST,
            "/api/v1/admin/bootstrap",
            BOOTSTRAP_TOKEN,
            Some((
                json!({"email": "b@b.fr", "password": "long enough pw", "first_name": "A"}),
                "last_name",
            )),
            Some((
                json!({"email": ["b@b.fr"], "password": "long enough pw", "first_name": "A", "last_name": "B"}),
                "email",
            )),
            json!({"email": "b@b.fr", "password": "long enough pw", "first_name": "A", "last_name": "B"}),
        ),
        e(
            Method::POST,
            "/api/v1/admin/accounts",
            &admin,
            Some((json!({"organizations": []}), "users")),
            Some((json!({"organizations": [], "users": {}}), "users")),
            json!({"organizations": [], "users": []}),
        ),
        e(
            Method::POST,
            "/api/v1/admin/import/cities",
            &admin,
            Some((json!({}), "rows")),
            Some((json!({"rows": "all"}), "rows")),
            json!({"rows": []}),
        ),
        e(
            Method::POST,
            &format!("{orgs}/members"),
            &org.member.token,
            None,
            None,
            json!({}),
        ),
        e(
            Method::POST,
            &format!("{orgs}/invitations"),
            &org.member.token,
            Some((json!({"email": "c@c.fr", "first_name": "C"}), "last_name")),
            Some((
                json!({"email": "c@c.fr", "first_name": "C", "last_name": "D", "valid_days": "long"}),
                "valid_days",
            )),
            json!({"email": "c@c.fr", "first_name": "C", "last_name": "D"}),
        ),
        e(
            Method::POST,
            &format!("/api/v1/invitations/{code}/accept"),
            "",
            None,
            Some((json!({"password": true}), "password")),
            json!({"password": "a long new password"}),
        ),
        e(
            Method::PATCH,
            &orgs,
            &org.admin.token,
            None,
            Some((json!({"name": 42}), "name")),
            json!({"name": "Nouveau nom"}),
        ),
        e(
            Method::PATCH,
            &format!("{orgs}/authorization"),
            &admin,
            Some((json!({"valid_until": "2030-01-01"}), "status")),
            Some((json!({"status": 1}), "status")),
            json!({"status": "REFUSED"}),
        ),
        e(
            Method::PATCH,
            &format!("{orgs}/members/{}", org.member.id),
            &org.admin.token,
            None,
            Some((json!({"role": ["admin"]}), "role")),
            json!({"role": "admin"}),
        ),
        e(
            Method::PATCH,
            &structure_path,
            &structure.member.token,
            None,
            Some((json!({"blocks_applications": "oui"}), "blocks_applications")),
            json!({"blocks_applications": true}),
        ),
        e(
            Method::POST,
            &format!("{structure_path}/jobs"),
            &structure.member.token,
            None,
            Some((json!({"open_positions": "deux"}), "open_positions")),
            json!({"appellation_code": "11573", "contract_type": "FIXED_TERM_I"}),
        ),
        e(
            Method::PATCH,
            &format!("{structure_path}/jobs/job_unknown"),
            &structure.member.token,
            None,
            Some((json!({"is_active": 1}), "is_active")),
            json!({"is_active": false}),
        ),
        e(
            Method::POST,
            "/api/v1/admin/import/structures",
            &admin,
            Some((json!({}), "rows")),
            Some((json!({"rows": 3}), "rows")),
            json!({"rows": []}),
        ),
    ]
}

async fn send(app: &TestApp, endpoint: &Endpoint, body: Vec<u8>) -> tremplin_tests::TestResponse {
    let mut call = app.call(endpoint.method.clone(), &endpoint.path).raw(body);
    if !endpoint.token.is_empty() {
        call = call.bearer(&endpoint.token);
    }
    call.send().await
}

#[tokio::test]
async fn bad_bodies_get_problems_naming_the_field_and_change_nothing() {
    let app = TestApp::spawn().await;
    let endpoints = endpoints(&app).await;
    let before = app.snapshot();

    for endpoint in &endpoints {
        let at = format!("{} {}", endpoint.method, endpoint.path);
        for malformed in [&b"{\"email\": "[..], b"not json", b"[1, 2", b"\xff\xfe"] {
            let answer = send(&app, endpoint, malformed.to_vec()).await;
            assert_eq!(answer.status, 400, "{at}: malformed");
            answer.problem(400, "malformed_json");
        }
        if let Some((body, field)) = &endpoint.missing {
            let problem = send(&app, endpoint, body.to_string().into_bytes())
                .await
                .problem(400, "invalid_body");
            assert!(
                problem["errors"][field].is_array(),
                "{at}: missing {field}: {problem}"
            );
            assert_eq!(problem["errors"][field][0], "Ce champ est obligatoire.");
        }
        if let Some((body, field)) = &endpoint.wrong_type {
            let problem = send(&app, endpoint, body.to_string().into_bytes())
                .await
                .problem(400, "invalid_body");
            assert!(
                problem["errors"][field].is_array(),
                "{at}: wrong type of {field}: {problem}"
            );
            assert!(
                problem["detail"]
                    .as_str()
                    .unwrap()
                    .starts_with("Type incorrect"),
                "{at}: {problem}"
            );
        }
        let mut unknown = endpoint.base.clone();
        unknown["surprise"] = json!("!");
        let problem = send(&app, endpoint, unknown.to_string().into_bytes())
            .await
            .problem(400, "invalid_body");
        assert_eq!(
            problem["errors"]["surprise"][0], "Champ inconnu : « surprise ».",
            "{at}: {problem}"
        );

        let huge = format!("{{\"padding\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
        send(&app, endpoint, huge.into_bytes())
            .await
            .problem(413, "payload_too_large");
    }

    assert_eq!(app.snapshot(), before, "no table changed");
}

#[tokio::test]
async fn a_wrong_field_inside_a_list_is_named_with_its_path() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let before = app.snapshot();

    let problem = app
        .post("/api/v1/admin/accounts")
        .bearer(&admin)
        .json(json!({"organizations": [{"ref": "o", "category": "structure", "kind": "ACI", "siret": 1, "name": "X"}], "users": []}))
        .send()
        .await
        .problem(400, "invalid_body");

    assert!(
        problem["errors"]["organizations[0].siret"].is_array(),
        "{problem}"
    );
    assert_eq!(app.snapshot(), before);
}

#[tokio::test]
async fn rule_violations_in_an_import_name_every_field_and_write_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let before = app.snapshot();

    let problem = app
        .post("/api/v1/admin/accounts")
        .bearer(&admin)
        .json(json!({
            "organizations": [
                {"ref": "ok", "category": "structure", "kind": "ACI", "siret": tremplin_tests::luhn_siret(77), "name": "Bonne"},
                {"ref": "bad", "category": "structure", "kind": "XYZ", "siret": "12345678901234", "name": "Mauvaise"},
                {"ref": "orienteur", "category": "prescriber", "kind": "OTHER", "siret": tremplin_tests::luhn_siret(78), "name": "O", "authorization_status": "VALIDATED"}
            ],
            "users": [{"email": "pas-un-email", "password": "court", "first_name": "", "last_name": "L",
                       "memberships": [{"organization": "absent", "role": "chef"}]}]
        }))
        .send()
        .await
        .problem(422, "validation_failed");

    for field in [
        "organizations[1].kind",
        "organizations[1].siret",
        "organizations[2].status",
        "users[0].email",
    ] {
        assert!(
            problem["errors"][field].is_array(),
            "{field} missing in {problem}"
        );
    }
    assert_eq!(
        app.snapshot(),
        before,
        "the valid organization was not written either"
    );
}
