//! `GET /api/v1/dashboard` (issue 10 item 1) at fixed dates: a structure's and a prescriber's
//! items, counted and listed, and who may read them.

use serde_json::{json, Value};
use tremplin_tests::{candidate_body, TestApp};

use super::decisions::{accept_body, decide, TODAY};
use super::suspensions::{hired_on, suspend, Hired};

async fn dashboard(app: &TestApp, token: &str) -> Value {
    app.get("/api/v1/dashboard")
        .bearer(token)
        .send()
        .await
        .ok(200)
}

/// Three more candidates the Mission locale registers, diagnoses and sends to the ACI on
/// 2027-12-01: their applications' ids.
async fn three_more_sent(app: &mut TestApp, hire: &Hired) -> Vec<String> {
    app.set_today("2027-12-01");
    let mut sent = Vec::new();
    for (serial, email) in [
        (2, "paul@example.fr"),
        (3, "rose@example.fr"),
        (4, "omar@example.fr"),
    ] {
        let candidate = app
            .candidate(&hire.ml.member.token, candidate_body(email, serial))
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.diagnose(&hire.ml.member.token, &candidate).await;
        let application = app
            .apply(&hire.ml.member.token, &hire.aci.id, &candidate)
            .await
            .ok(201);
        sent.push(application["id"].as_str().unwrap().to_owned());
    }
    sent
}

#[tokio::test]
async fn each_item_of_a_structures_and_a_prescribers_dashboard_at_fixed_dates() {
    let mut app = TestApp::spawn().await;
    // Léa's PASS runs to 2028-02-29.
    let hire = hired_on(&mut app, TODAY).await;
    let sent = three_more_sent(&mut app, &hire).await;
    // Wednesday 2027-12-15: one application is postponed, one hired from Friday; Léa's PASS is
    // asked a prolongation, then suspended from today to 2027-12-20 (its end: 2028-03-05).
    app.set_today("2027-12-15");
    let token = hire.aci.member.token.clone();
    decide(
        &app,
        &token,
        &sent[1],
        "postpone",
        json!({"answer": "Nous revenons vers vous."}),
    )
    .await
    .ok(200);
    decide(&app, &token, &sent[2], "accept", accept_body("2027-12-17"))
        .await
        .ok(200);
    app.post(&format!("/api/v1/passes/{}/prolongation-requests", hire.number))
        .bearer(&token)
        .json(json!({"reason": "RQTH", "end_at": "2029-02-28", "explanation": "RQTH obtenue.",
                     "prescriber_organization_id": hire.ml.id, "assigned_to_email": hire.ml.member.email}))
        .send()
        .await
        .ok(201);
    suspend(
        &app,
        &token,
        &hire.number,
        json!({"start_at": "2027-12-15", "end_at": "2027-12-20", "reason": "CONTRACT_SUSPENDED"}),
    )
    .await
    .ok(201);

    let board = dashboard(&app, &token).await;
    assert_eq!(board["today"], "2027-12-15");
    assert_eq!(board["organization"]["category"], "structure");
    let items = &board["items"];
    assert_eq!(items["to_answer"]["count"], 1);
    assert_eq!(items["to_answer"]["results"][0]["id"], sent[0]);
    assert_eq!(items["to_answer"]["results"][0]["age_days"], 14);
    assert_eq!(items["postponed"]["count"], 1);
    assert_eq!(items["postponed"]["results"][0]["id"], sent[1]);
    assert_eq!(items["hires_this_week"]["count"], 1);
    assert_eq!(
        items["hires_this_week"]["results"][0]["application_id"],
        sent[2]
    );
    assert_eq!(
        items["hires_this_week"]["results"][0]["hiring_start_at"],
        "2027-12-17"
    );
    // The new hire's PASS ends in 2029: only Léa's, moved by the suspension, ends within 3 months.
    assert_eq!(items["pass_ending"]["count"], 1);
    assert_eq!(items["pass_ending"]["results"][0]["number"], hire.number);
    assert_eq!(items["pass_ending"]["results"][0]["end_at"], "2028-03-05");
    assert_eq!(items["suspensions_in_progress"]["count"], 1);
    let running = &items["suspensions_in_progress"]["results"][0];
    assert_eq!(
        (running["pass_number"].clone(), running["end_at"].clone()),
        (json!(hire.number), json!("2027-12-20"))
    );
    assert!(running["reason_label"].is_string());
    assert_eq!(items["prolongation_requests"]["count"], 1);

    // Another structure, on the same day, sees none of it.
    let other = app.organization("structure", "ACI", None).await;
    let theirs = dashboard(&app, &other.member.token).await["items"].clone();
    for item in [
        "to_answer",
        "postponed",
        "hires_this_week",
        "pass_ending",
        "suspensions_in_progress",
        "prolongation_requests",
    ] {
        assert_eq!(theirs[item]["count"], 0, "{item}");
    }

    // The Mission locale: what it sent, by state, and the request addressed to it.
    let board = dashboard(&app, &hire.ml.member.token).await;
    let by_state: Vec<(String, i64)> = board["items"]["applications_by_state"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["count"] != 0)
        .map(|s| {
            (
                s["state"].as_str().unwrap().to_owned(),
                s["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_state,
        [
            ("new".to_owned(), 1),
            ("postponed".to_owned(), 1),
            ("accepted".to_owned(), 2)
        ]
    );
    assert_eq!(board["items"]["prolongation_requests"]["count"], 1);
    assert_eq!(
        board["items"]["eligibility_ending"]["count"], 0,
        "valid until 2028-05-31"
    );

    // The answers since the member's previous login: their first session dates back to 2000,
    // and they log in again now. Then, after a login later than them all: none new.
    app.outbox_settled().await;
    let ml_user = &hire.ml.member.id;
    app.db()
        .execute(
            "UPDATE api_sessions SET created_at = '2000-01-01T00:00:00Z' WHERE user_id = ?1",
            [ml_user],
        )
        .unwrap();
    let again = app.token(&hire.ml.member.email).await;
    let answers = dashboard(&app, &again).await["items"]["answers_since_last_visit"].clone();
    assert_eq!(answers["since"], "2000-01-01T00:00:00Z");
    assert_eq!(
        answers["count"], 3,
        "two accepts and a postponement: {answers}"
    );
    let states: Vec<&str> = answers["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["state"].as_str().unwrap())
        .collect();
    assert!(
        states.contains(&"postponed") && states.contains(&"accepted"),
        "{states:?}"
    );
    app.db()
        .execute(
            "UPDATE api_sessions SET created_at = '2100-01-01T00:00:00Z' WHERE user_id = ?1",
            [ml_user],
        )
        .unwrap();
    let later = app.token(&hire.ml.member.email).await;
    let answers = dashboard(&app, &later).await["items"]["answers_since_last_visit"].clone();
    assert_eq!(answers["count"], 0, "{answers}");

    // Twelve days later: the hire has started, the suspension is over.
    app.set_today("2027-12-27");
    let items = dashboard(&app, &token).await["items"].clone();
    assert_eq!(items["hires_this_week"]["count"], 0);
    assert_eq!(items["suspensions_in_progress"]["count"], 0);
    assert_eq!(items["to_answer"]["results"][0]["age_days"], 26);
    // R-ELIG-1: the diagnoses of 2027-12-01 are valid until 2028-05-31; on 2028-05-01 that is
    // within 30 days, on 2028-04-30 not yet.
    app.set_today("2028-04-30");
    let items = dashboard(&app, &hire.ml.member.token).await["items"].clone();
    assert_eq!(items["eligibility_ending"]["count"], 0);
    app.set_today("2028-05-01");
    let items = dashboard(&app, &hire.ml.member.token).await["items"].clone();
    assert_eq!(items["eligibility_ending"]["count"], 3);
    assert_eq!(
        items["eligibility_ending"]["results"][0]["valid_until"],
        "2028-05-31"
    );
}

#[tokio::test]
async fn a_dashboard_shows_only_the_organization_acted_for() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    three_more_sent(&mut app, &hire).await;
    // Another structure and another prescriber see nothing of it.
    let other = app.organization("structure", "ACI", None).await;
    let items = dashboard(&app, &other.member.token).await["items"].clone();
    for item in [
        "to_answer",
        "postponed",
        "hires_this_week",
        "pass_ending",
        "suspensions_in_progress",
        "prolongation_requests",
    ] {
        assert_eq!(items[item]["count"], 0, "{item}");
    }
    let ft = app
        .organization("prescriber", "FT", Some("VALIDATED"))
        .await;
    let items = dashboard(&app, &ft.member.token).await["items"].clone();
    assert!(items["applications_by_state"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["count"] == 0));
    // An orienteur has no requests addressed to it (R-PROL-4).
    let orienteur = app.organization("prescriber", "OTHER", None).await;
    assert_eq!(
        dashboard(&app, &orienteur.member.token).await["items"]["prolongation_requests"],
        Value::Null
    );
    // Acting for an organization one is not a member of: 403; no token: 401.
    app.get("/api/v1/dashboard")
        .bearer(&other.member.token)
        .header("x-organization", &hire.aci.id)
        .send()
        .await
        .problem(403, "forbidden");
    app.get("/api/v1/dashboard")
        .send()
        .await
        .problem(401, "unauthenticated");
    let admin = app.admin().await;
    app.get("/api/v1/dashboard")
        .bearer(&admin)
        .send()
        .await
        .problem(403, "forbidden");
    app.post("/api/v1/dashboard")
        .bearer(&other.member.token)
        .send()
        .await
        .problem(405, "method_not_allowed");
}
