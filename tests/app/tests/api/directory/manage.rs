//! Structure members manage their card and job descriptions; others get 403 (R-ORG-2, R-ORG-6).
//! Every change is seen by searches at once.

use super::directory;
use serde_json::json;
use tremplin_tests::{luhn_siret, TestApp, PASSWORD};

/// A structure in Marseille with an admin and a member, plus an outsider from another structure.
async fn structure(app: &TestApp, admin: &str) -> (String, String, String, String) {
    let person = |email: &str, org: &str, role: &str| {
        json!({"email": email, "password": PASSWORD, "first_name": "P", "last_name": role,
               "memberships": [{"organization": org, "role": role}]})
    };
    app.import_accounts(admin, json!({
        "organizations": [
            {"ref": "s", "category": "structure", "kind": "EI", "siret": luhn_siret(7001), "name": "Entreprise Soleil",
             "city_insee": "13055", "post_code": "13001", "department": "13", "latitude": 43.2965, "longitude": 5.3698},
            {"ref": "o", "category": "structure", "kind": "ACI", "siret": luhn_siret(7002), "name": "Autre chantier"}
        ],
        "users": [person("admin@soleil.fr", "s", "admin"), person("member@soleil.fr", "s", "member"), person("other@aci.fr", "o", "admin")],
    })).await;
    let id: String = app
        .db()
        .query_row(
            "SELECT id FROM organizations WHERE name = 'Entreprise Soleil'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    (
        id,
        app.token("admin@soleil.fr").await,
        app.token("member@soleil.fr").await,
        app.token("other@aci.fr").await,
    )
}

async fn found(app: &TestApp, query: &str, id: &str) -> Option<serde_json::Value> {
    let answer = app
        .get(&format!("/api/v1/structures?city=13055&distance=5{query}"))
        .send()
        .await
        .ok(200);
    answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .cloned()
}

#[tokio::test]
async fn members_manage_the_card_and_searches_see_it() {
    let (app, admin, ..) = directory(&[]).await;
    let (id, admin_token, member_token, outsider) = structure(&app, &admin).await;
    let path = format!("/api/v1/structures/{id}");
    assert_eq!(
        found(&app, "", &id).await.unwrap()["hiring"],
        true,
        "spontaneous applications are open"
    );

    // Any member blocks applications; the directory shows it at once (R-DIR-2).
    let card = app
        .patch(&path)
        .bearer(&member_token)
        .json(json!({"blocks_applications": true}))
        .send()
        .await
        .ok(200);
    assert_eq!(card["blocks_applications"], true);
    assert_eq!(card["hiring"], false);
    assert!(found(&app, "&hiring=true", &id).await.is_none());
    assert_eq!(found(&app, "", &id).await.unwrap()["hiring"], false);

    // Profile fields are the admins' (R-ORG-6), within their limits.
    let too_long = app
        .patch(&path)
        .bearer(&admin_token)
        .json(json!({"description": "x".repeat(5001), "phone": "0".repeat(31)}))
        .send()
        .await;
    let problem = too_long.problem(422, "validation_failed");
    assert!(
        problem["errors"]["description"].is_array() && problem["errors"]["phone"].is_array(),
        "{problem}"
    );
    app.patch(&path)
        .bearer(&member_token)
        .json(json!({"phone": "0491000000"}))
        .send()
        .await
        .problem(403, "forbidden");
    let card = app
        .patch(&path)
        .bearer(&admin_token)
        .json(json!({"phone": "0491000000", "brand": "Soleil"}))
        .send()
        .await
        .ok(200);
    assert_eq!(card["phone"], "0491000000");
    assert_eq!(
        card["name"], "Soleil",
        "the brand is shown instead of the name"
    );

    // Others: 403; anonymous: 401; unknown structure: 404.
    let before = app.snapshot();
    app.patch(&path)
        .bearer(&outsider)
        .json(json!({"blocks_applications": false}))
        .send()
        .await
        .problem(403, "forbidden");
    app.post(&format!("{path}/jobs"))
        .bearer(&outsider)
        .json(json!({"appellation_code": "11573", "contract_type": "FIXED_TERM_I"}))
        .send()
        .await
        .problem(403, "forbidden");
    app.patch(&path)
        .json(json!({"blocks_applications": false}))
        .send()
        .await
        .problem(401, "unauthenticated");
    app.patch("/api/v1/structures/org_nope")
        .bearer(&member_token)
        .json(json!({}))
        .send()
        .await
        .problem(404, "not_found");
    assert_eq!(app.snapshot(), before);
}

#[tokio::test]
async fn members_create_edit_deactivate_job_descriptions() {
    let (app, admin, ..) = directory(&[]).await;
    let (id, _, member_token, _) = structure(&app, &admin).await;
    app.patch(&format!("/api/v1/structures/{id}"))
        .bearer(&member_token)
        .json(json!({"spontaneous_applications_open": false}))
        .send()
        .await
        .ok(200);
    assert_eq!(found(&app, "", &id).await.unwrap()["hiring"], false);
    let jobs = format!("/api/v1/structures/{id}/jobs");
    let mark = app.audit_mark();

    let bad = app
        .post(&jobs)
        .bearer(&member_token)
        .json(json!({"appellation_code": "99999", "contract_type": "CDDX", "open_positions": 1000}))
        .send()
        .await;
    let problem = bad.problem(422, "validation_failed");
    for field in ["appellation_code", "contract_type", "open_positions"] {
        assert!(problem["errors"][field].is_array(), "{field}: {problem}");
    }
    let created = app
        .post(&jobs)
        .bearer(&member_token)
        .json(json!({"appellation_code": "11573", "contract_type": "FIXED_TERM_I", "open_positions": 3}))
        .send()
        .await;
    let card = created.ok(201);
    let job = &card["jobs"][0];
    assert_eq!(
        created.header("location").map(str::to_owned),
        Some(format!("{jobs}/{}", job["id"].as_str().unwrap()))
    );
    assert_eq!(job["title"], "Agent / Agente de nettoyage en collectivité");
    assert_eq!(job["rome"], "K2204");
    assert_eq!(job["contract_type_label"], "CDD d'insertion (CDDI)");
    let listed = found(&app, "&hiring=true&rome=K2204", &id)
        .await
        .expect("hiring with its job");
    assert_eq!(listed["open_jobs"][0]["open_positions"], 3);

    let job_path = format!("{jobs}/{}", job["id"].as_str().unwrap());
    let card = app
        .patch(&job_path)
        .bearer(&member_token)
        .json(json!({"is_active": false}))
        .send()
        .await
        .ok(200);
    assert_eq!(
        card["jobs"][0]["is_active"], false,
        "members still see the inactive job"
    );
    assert!(found(&app, "&rome=K2204", &id).await.is_none());
    assert_eq!(found(&app, "", &id).await.unwrap()["hiring"], false);
    let public = app
        .get(&format!("/api/v1/structures/{id}"))
        .send()
        .await
        .ok(200);
    assert_eq!(
        public["jobs"],
        json!([]),
        "the public card shows active jobs only"
    );
    // One audit row per change, none for the refused creation.
    let job_id = job["id"].as_str().unwrap();
    let audited: Vec<(String, String, Option<String>)> = app
        .audit_since(mark)
        .into_iter()
        .map(|a| (a.action, a.entity_id, a.organization_id))
        .collect();
    assert_eq!(
        audited,
        [
            ("create_job".to_owned(), job_id.to_owned(), Some(id.clone())),
            ("edit_job".to_owned(), job_id.to_owned(), Some(id.clone())),
        ]
    );
}

#[tokio::test]
async fn job_description_fields_are_bounded() {
    let (app, admin, ..) = directory(&[]).await;
    let (id, _, member_token, _) = structure(&app, &admin).await;
    let jobs = format!("/api/v1/structures/{id}/jobs");
    let before = app.snapshot();

    let answer = app
        .post(&jobs)
        .bearer(&member_token)
        .json(json!({
            "appellation_code": "1".repeat(5000), "contract_type": "X".repeat(5000),
            "title": "t".repeat(256), "description": "d".repeat(5001),
            "location_insee": "7".repeat(5000),
        }))
        .send()
        .await;

    let problem = answer.problem(422, "validation_failed");
    for field in [
        "appellation_code",
        "contract_type",
        "title",
        "description",
        "location_insee",
    ] {
        let messages = problem["errors"][field]
            .as_array()
            .unwrap_or_else(|| panic!("{field}: {problem}"));
        // A French message that does not echo the oversized value back.
        assert!(
            messages.iter().all(|m| m.as_str().unwrap().len() < 200),
            "{field}: {problem}"
        );
    }
    assert_eq!(app.snapshot(), before, "nothing written");
    // At the limits, accepted.
    let card = app
        .post(&jobs)
        .bearer(&member_token)
        .json(json!({"appellation_code": "11573", "contract_type": "FIXED_TERM_I",
                     "title": "t".repeat(255), "description": "d".repeat(5000), "location_insee": "13055"}))
        .send()
        .await
        .ok(201);
    assert_eq!(card["jobs"][0]["description"].as_str().unwrap().len(), 5000);
}

/// At most 100 active job descriptions per structure, decided inside the write transaction:
/// racing creations never go past it; inactive ones do not count.
#[tokio::test]
async fn a_structure_has_at_most_100_active_job_descriptions() {
    let (app, admin, ..) = directory(&[]).await;
    let (id, _, member_token, _) = structure(&app, &admin).await;
    let jobs = format!("/api/v1/structures/{id}/jobs");
    let create = |active: bool| {
        app.post(&jobs)
            .bearer(&member_token)
            .json(json!({"appellation_code": "11573", "contract_type": "FIXED_TERM_I", "is_active": active}))
    };
    for _ in 0..98 {
        create(true).send().await.ok(201);
    }
    let inactive = create(false).send().await;
    inactive.ok(201);
    let inactive = inactive.header("location").unwrap().to_owned();

    let answers = tremplin_tests::join_all((0..6).map(|_| create(true).spawn()).collect()).await;

    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        2,
        "{statuses:?}"
    );
    for refused in answers.iter().filter(|a| a.status != 201) {
        let problem = refused.problem(422, "too_many_active_jobs");
        assert!(problem["errors"]["is_active"].is_array(), "{problem}");
    }
    let active = |app: &TestApp| -> i64 {
        app.db()
            .query_row(
                "SELECT COUNT(*) FROM job_descriptions WHERE structure_id = ? AND is_active = 1",
                [&id],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(active(&app), 100);
    // Still possible: an inactive one; activating it is not.
    create(false).send().await.ok(201);
    app.patch(&inactive)
        .bearer(&member_token)
        .json(json!({"is_active": true}))
        .send()
        .await
        .problem(422, "too_many_active_jobs");
    // Editing an active job at the limit is fine; freeing a place lets the inactive one in.
    let card = app
        .get(&format!("/api/v1/structures/{id}"))
        .send()
        .await
        .ok(200);
    let first = format!("{jobs}/{}", card["jobs"][0]["id"].as_str().unwrap());
    for (path, change) in [
        (&first, json!({"open_positions": 2, "is_active": true})),
        (&first, json!({"is_active": false})),
        (&inactive, json!({"is_active": true})),
    ] {
        app.patch(path)
            .bearer(&member_token)
            .json(change)
            .send()
            .await
            .ok(200);
    }
    assert_eq!(active(&app), 100);
}
