//! Synthetic scale data (issue 7): `POST /api/v1/admin/synthetic/{dataset}`, which
//! `tremplin-load --synthetic` fills for the benchmarks. Only where `demo_data` is on, only for
//! the administration; a bad row refuses the whole batch; loading twice changes nothing.

use serde_json::{json, Value};
use tremplin_tests::{nir, Org, TestApp};

use crate::directory::{communes, import};

/// Posts a batch that must be refused whole: 422 naming each of `fields`, nothing written.
async fn refused_batch(
    app: &TestApp,
    admin: &str,
    path: &str,
    rows: Vec<Value>,
    fields: &[&str],
) -> Value {
    let before = app.snapshot();
    let problem = app
        .post(path)
        .bearer(admin)
        .json(json!({"rows": rows}))
        .send()
        .await
        .problem(422, "validation_failed");
    let errors = problem["errors"].as_object().unwrap();
    for field in fields {
        assert!(errors.contains_key(*field), "{field} in {problem}");
    }
    assert_eq!(app.snapshot(), before);
    problem
}

fn candidate_row(serial: u32) -> Value {
    json!({
        "id": format!("cand_{serial:032x}"), "title": "MME", "first_name": "Léa",
        "last_name": "Fictive", "birthdate": "1990-05-14",
        "email": format!("candidat-{serial}@synthetique.invalid"),
        "nir": nir(2, 1990, 5, "75", serial), "lack_of_nir_reason": null,
        "france_travail_id": null, "lack_of_france_travail_id_reason": "NOT_REGISTERED",
    })
}

fn application_row(
    serial: u32,
    candidate: u32,
    structure: &Org,
    sender: &Org,
    kind: &str,
    day: u32,
) -> Value {
    let user = if kind == "employer" {
        &structure.member.id
    } else {
        &sender.member.id
    };
    json!({
        "id": format!("app_{serial:032x}"), "candidate_id": format!("cand_{candidate:032x}"),
        "structure_id": structure.id, "sender_kind": kind, "sender_organization_id": sender.id,
        "sender_user_id": user, "state": "processing", "message": "Candidature fictive.",
        "diagnosis_shared": true, "created_at": format!("2025-06-{day:02}T10:00:00Z"),
    })
}

async fn load(app: &TestApp, token: &str, dataset: &str, rows: Vec<Value>) -> Value {
    app.post(&format!("/api/v1/admin/synthetic/{dataset}"))
        .bearer(token)
        .json(json!({"rows": rows}))
        .send()
        .await
        .ok(200)
}

fn count_where(app: &TestApp, sql: &str) -> i64 {
    app.db().query_row(sql, [], |row| row.get(0)).unwrap()
}

#[tokio::test]
async fn only_the_administration_of_a_demo_deployment_may_load_synthetic_data() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let prescriber = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let before = app.snapshot();
    let body = json!({"rows": [candidate_row(1)]});
    let path = "/api/v1/admin/synthetic/candidates";
    app.post(path)
        .json(body.clone())
        .send()
        .await
        .problem(401, "unauthenticated");
    app.post(path)
        .bearer(&prescriber.member.token)
        .json(body.clone())
        .send()
        .await
        .problem(403, "forbidden");
    app.post("/api/v1/admin/synthetic/passes")
        .bearer(&admin)
        .json(body.clone())
        .send()
        .await
        .problem(404, "not_found");
    assert_eq!(app.snapshot(), before);

    // Production leaves demo_data off: the endpoint does not exist, for anyone.
    let production = TestApp::spawn_with(&[("demo_data", "")]).await;
    let admin = production.admin().await;
    let before = production.snapshot();
    for token in [Some(admin.as_str()), None] {
        let mut call = production.post(path).json(body.clone());
        if let Some(token) = token {
            call = call.bearer(token);
        }
        call.send().await.problem(404, "not_found");
    }
    assert_eq!(production.snapshot(), before);
}

#[tokio::test]
async fn a_bad_row_refuses_the_batch_with_its_field_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let prescriber = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let structure = app.organization("structure", "ACI", None).await;
    // A candidate registered the usual way holds an e-mail a synthetic row reuses.
    let taken = json!({"title": "M", "first_name": "Paul", "last_name": "Réel", "birthdate": "1980-01-02",
                       "email": "candidat-9@synthetique.invalid", "lack_of_nir_reason": "NO_NIR",
                       "lack_of_france_travail_id_reason": "FORGOTTEN"});
    app.candidate(&prescriber.member.token, taken).await;
    let before = app.snapshot();
    let path = "/api/v1/admin/synthetic/candidates";
    let mut bad_key = candidate_row(2);
    let nir = bad_key["nir"].as_str().unwrap().to_owned();
    bad_key["nir"] = json!(format!("{}00", &nir[..13]));
    let mut bad_id = candidate_row(3);
    bad_id["id"] = json!("cand_123");
    let mut unknown_field = candidate_row(4);
    unknown_field["phone"] = json!("0600000000");
    let rows = vec![
        candidate_row(1),
        bad_key,
        bad_id,
        unknown_field,
        candidate_row(9),
        candidate_row(1),
    ];
    let problem = refused_batch(
        &app,
        &admin,
        path,
        rows,
        &["rows[1].nir", "rows[2].id", "rows[3].phone"],
    )
    .await;
    assert!(
        !problem["errors"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.starts_with("rows[0]")),
        "{problem}"
    );
    // Once every row parses: the duplicate of row 0 in the batch, and the e-mail held by another.
    let rows = vec![candidate_row(1), candidate_row(9), candidate_row(1)];
    refused_batch(
        &app,
        &admin,
        path,
        rows,
        &[
            "rows[1].email",
            "rows[2].id",
            "rows[2].email",
            "rows[2].nir",
        ],
    )
    .await;
    // Batch size and shape.
    for rows in [json!([]), json!(vec![candidate_row(1); 2001])] {
        app.post(path)
            .bearer(&admin)
            .json(json!({"rows": rows}))
            .send()
            .await
            .problem(422, "invalid_batch_size");
    }
    app.post(path)
        .bearer(&admin)
        .json(json!({"rows": "none"}))
        .send()
        .await
        .problem(400, "invalid_body");
    assert_eq!(app.snapshot(), before);

    // Applications: every reference must exist and fit the sender's kind.
    load(&app, &admin, "candidates", vec![candidate_row(1)]).await;
    let mut unknown_candidate = application_row(1, 5, &structure, &prescriber, "prescriber", 1);
    unknown_candidate["diagnosis_shared"] = json!(false);
    let mut bad_state = application_row(2, 1, &structure, &prescriber, "prescriber", 2);
    bad_state["state"] = json!("hired");
    let not_a_structure = application_row(3, 1, &prescriber, &prescriber, "prescriber", 3);
    let employer_elsewhere = application_row(4, 1, &structure, &prescriber, "employer", 4);
    let mut future = application_row(5, 1, &structure, &prescriber, "prescriber", 5);
    future["created_at"] = json!("2999-01-01T00:00:00Z");
    let mut no_sender = application_row(6, 1, &structure, &prescriber, "orienteur", 6);
    no_sender["sender_organization_id"] = Value::Null;
    let rows = vec![
        unknown_candidate,
        bad_state,
        not_a_structure,
        employer_elsewhere,
        future,
        no_sender,
    ];
    refused_batch(
        &app,
        &admin,
        "/api/v1/admin/synthetic/applications",
        rows,
        &[
            "rows[1].state",
            "rows[3].sender_organization_id",
            "rows[4].created_at",
            "rows[5].sender_organization_id",
        ],
    )
    .await;
    // With those fixed, the references are checked under the write lock.
    let rows = vec![
        application_row(1, 5, &structure, &prescriber, "prescriber", 1),
        application_row(3, 1, &prescriber, &prescriber, "prescriber", 3),
    ];
    refused_batch(
        &app,
        &admin,
        "/api/v1/admin/synthetic/applications",
        rows,
        &["rows[0].candidate_id", "rows[1].structure_id"],
    )
    .await;
}

#[tokio::test]
async fn loading_twice_changes_nothing_and_the_applications_reach_the_boxes() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let prescriber = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let structure = app.organization("structure", "ACI", None).await;
    let candidates: Vec<Value> = (1..=3).map(candidate_row).collect();
    let applications = vec![
        application_row(1, 1, &structure, &prescriber, "prescriber", 1),
        application_row(2, 2, &structure, &prescriber, "prescriber", 3),
        application_row(3, 3, &structure, &prescriber, "prescriber", 2),
        application_row(4, 1, &structure, &structure, "employer", 4),
    ];
    let answer = load(&app, &admin, "candidates", candidates.clone()).await;
    assert_eq!(
        answer,
        json!({"dataset": "candidates", "received": 3, "created": 3})
    );
    let answer = load(&app, &admin, "applications", applications.clone()).await;
    assert_eq!(
        answer,
        json!({"dataset": "applications", "received": 4, "created": 4})
    );
    let tables = ["candidates", "applications", "candidate_organizations"];
    let counts: Vec<i64> = tables.iter().map(|t| app.count(t)).collect();
    assert_eq!(counts, [3, 4, 6]);
    assert_eq!(
        count_where(
            &app,
            "SELECT COUNT(*) FROM candidates WHERE is_synthetic = 0"
        ),
        0
    );
    assert_eq!(
        count_where(
            &app,
            "SELECT COUNT(*) FROM applications WHERE is_synthetic = 0"
        ),
        0
    );
    assert_eq!(app.count("outbox"), 0, "synthetic data queues no message");

    // Again: every row is already there.
    let answer = load(&app, &admin, "candidates", candidates).await;
    assert_eq!(answer["created"], 0);
    let answer = load(&app, &admin, "applications", applications).await;
    assert_eq!(
        answer,
        json!({"dataset": "applications", "received": 4, "created": 0})
    );
    assert_eq!(
        tables.iter().map(|t| app.count(t)).collect::<Vec<_>>(),
        counts
    );

    // The sender's box, newest first; the structure's; the candidate as an authorized sender sees it.
    let sent = app
        .get("/api/v1/applications?box=sent")
        .bearer(&prescriber.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(sent["count"], 3);
    let order: Vec<&str> = sent["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            format!("app_{:032x}", 2),
            format!("app_{:032x}", 3),
            format!("app_{:032x}", 1)
        ]
    );
    assert_eq!(sent["results"][0]["state"], "processing");
    assert_eq!(sent["results"][0]["created_at"], "2025-06-03T10:00:00Z");
    let received = app
        .get("/api/v1/applications?box=received")
        .bearer(&structure.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(received["count"], 4);
    assert_eq!(received["results"][0]["sender"]["kind"], "employer");
    let candidate = format!("/api/v1/candidates/cand_{:032x}", 2);
    let seen = app
        .get(&candidate)
        .bearer(&prescriber.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(seen["nir"], candidate_row(2)["nir"]);
}

#[tokio::test]
async fn the_loader_finds_the_ids_of_synthetic_organizations_only() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, city) = communes(|_, insee| insee == "84007")
        .pop()
        .expect("Avignon in communes.csv");
    import(&app, &admin, "cities", vec![city.clone()]).await;
    let structure = |siret: &str, source: &str| {
        json!({"line": 2, "kind": "EI", "siret": siret, "name": "Structure fictive n° 1",
               "insee_code": city["insee_code"], "latitude": 43.95, "longitude": 4.81, "source": source})
    };
    let (synthetic, listed) = (
        tremplin_tests::luhn_siret(7001),
        tremplin_tests::luhn_siret(7002),
    );
    import(
        &app,
        &admin,
        "structures",
        vec![
            structure(&synthetic, "synthetic"),
            structure(&listed, "national_list"),
        ],
    )
    .await;
    let id: String = app
        .db()
        .query_row(
            "SELECT id FROM organizations WHERE siret = ?",
            [&synthetic],
            |row| row.get(0),
        )
        .unwrap();
    let keys = vec![
        json!({"siret": synthetic, "kind": "EI"}),
        json!({"siret": listed, "kind": "EI"}),
        json!({"siret": synthetic, "kind": "ACI"}),
    ];
    let answer = load(&app, &admin, "organizations", keys).await;
    assert_eq!(
        answer,
        json!({"dataset": "organizations", "received": 3, "ids": [id, null, null]})
    );
}
