//! The `pass` component and the declared hire (issue 8 items 3 and 4): a PASS read by those
//! R-PASS-10 entitles, at the clock's date (R-PASS-3, R-PASS-6), with its hires and history; the
//! public check by number; a candidate's list; the decision and its PASS in the application's
//! view; a hire an IAE structure declares without an application.

use serde_json::{json, Value};
use tremplin_tests::{candidate_body, invitation_code, join_all, TestApp, PASSWORD};

use super::decisions::{accept_body, decide, end_authorization, self_diagnose, sent, TODAY};

async fn read(app: &TestApp, token: Option<&str>, path: &str) -> tremplin_tests::TestResponse {
    let call = app.get(path);
    match token {
        Some(token) => call.bearer(token).send().await,
        None => call.send().await,
    }
}

/// The candidate's own account, by the prescriber's invitation (R-CAND-6).
async fn candidate_token(app: &TestApp, inviter: &str, candidate: &str, email: &str) -> String {
    app.outbox_settled().await;
    let earlier = app.mail_to(email, 0).await.len();
    app.post(&format!("/api/v1/candidates/{candidate}/invitations"))
        .bearer(inviter)
        .json(json!({}))
        .send()
        .await
        .ok(201);
    let mails = app.mail_to(email, earlier + 1).await;
    let mail = mails
        .iter()
        .find(|m| m["text"].as_str().unwrap().contains("?code="))
        .expect("the invitation");
    app.post(&format!(
        "/api/v1/invitations/{}/accept",
        invitation_code(mail)
    ))
    .json(json!({"password": PASSWORD}))
    .send()
    .await
    .ok(200);
    app.token(email).await
}

#[tokio::test]
async fn r_pass_10_a_pass_is_read_by_the_candidate_the_structure_and_the_authorized_sender_only() {
    let mut app = TestApp::spawn_with(&[("today", TODAY)]).await;
    let (ml, aci, candidate, id) = sent(&app).await;
    let hired = decide(&app, &aci.member.token, &id, "accept", accept_body(TODAY))
        .await
        .ok(200);
    let number = hired["pass"]["number"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/passes/{number}");

    let full = read(&app, Some(&aci.member.token), &path).await.ok(200);
    assert_eq!(full["number_display"], "99999 00 00001");
    assert_eq!(
        (&full["start_at"], &full["end_at"]),
        (&json!(TODAY), &json!("2028-02-29"))
    );
    assert_eq!(
        (&full["state"], &full["remainder_days"]),
        (&json!("valid"), &json!(730))
    );
    assert_eq!(full["candidate"]["id"], candidate);
    assert!(full["candidate"].get("nir").is_none());
    assert_eq!(full["hires"][0]["application_id"], id);
    assert_eq!(full["hires"][0]["structure"]["id"], aci.id);
    assert_eq!(full["history"].as_array().unwrap().len(), 1);
    assert_eq!(full["history"][0]["action"], "issue_pass");
    assert_eq!(full["history"][0]["organization"]["id"], aci.id);
    // The authorized prescriber that sent the application reads it too, and the candidate.
    assert_eq!(
        read(&app, Some(&ml.member.token), &path).await.ok(200)["number"],
        number
    );
    let own = candidate_token(&app, &ml.member.token, &candidate, "lea.martin@example.fr").await;
    assert_eq!(
        read(&app, Some(&own), &path).await.ok(200)["number"],
        number
    );
    let list = read(
        &app,
        Some(&own),
        &format!("/api/v1/candidates/{candidate}/passes"),
    )
    .await
    .ok(200);
    assert_eq!(list["results"].as_array().unwrap().len(), 1);
    assert_eq!(list["results"][0]["number"], number);

    // An orienteur that knows the candidate (found them by their identity) is not entitled;
    // a structure that never met them does not learn the PASS exists; nobody reads it anonymously.
    let orienteur = app.organization("prescriber", "OTHER", None).await;
    app.candidate(
        &orienteur.member.token,
        candidate_body("lea.martin@example.fr", 1),
    )
    .await;
    let stranger = app.organization("structure", "EI", None).await;
    let list = format!("/api/v1/candidates/{candidate}/passes");
    // By number, a 403 would tell the orienteur which numbers are its candidates': 404 for all.
    for (outsider, list_status, list_code) in [
        (&orienteur, 403, "forbidden"),
        (&stranger, 404, "not_found"),
    ] {
        let token = Some(outsider.member.token.as_str());
        read(&app, token, &path).await.problem(404, "not_found");
        read(&app, token, &list)
            .await
            .problem(list_status, list_code);
    }
    read(&app, None, &path)
        .await
        .problem(401, "unauthenticated");

    // The public check: number, dates and state, nothing else.
    let check = read(&app, None, &format!("{path}/check")).await.ok(200);
    assert_eq!(
        check,
        json!({"number": number, "start_at": TODAY, "end_at": "2028-02-29", "state": "valid"})
    );
    read(&app, None, "/api/v1/passes/999990000099/check")
        .await
        .problem(404, "not_found");
    let bad = read(&app, None, "/api/v1/passes/12345/check")
        .await
        .problem(400, "invalid_pass_number");
    assert!(bad["errors"]["number"][0]
        .as_str()
        .unwrap()
        .contains("12 chiffres"));

    // The application's view: the decision and its PASS, the structure's buttons.
    let view = read(
        &app,
        Some(&aci.member.token),
        &format!("/api/v1/applications/{id}"),
    )
    .await
    .ok(200);
    assert_eq!(view["decision"]["hiring_start_at"], TODAY);
    assert_eq!(view["decision"]["pass_status"], "issued");
    assert_eq!(view["pass"]["number"], number);
    assert_eq!(
        view["actions"],
        json!([{"action": "cancel", "label": "Annuler l'embauche"}])
    );
    let for_candidate = read(&app, Some(&own), &format!("/api/v1/applications/{id}"))
        .await
        .ok(200);
    assert_eq!(for_candidate["pass"]["number"], number);
    assert_eq!(for_candidate["actions"], json!([]));

    // The sender's authorization ends (R-ORG-4): so does its right to the PASS (R-PASS-10).
    end_authorization(&app, &ml.id).await;
    read(&app, Some(&ml.member.token), &path)
        .await
        .problem(404, "not_found");
    read(&app, Some(&ml.member.token), &list)
        .await
        .problem(403, "forbidden");

    // R-PASS-3 / R-PASS-6 at the clock's date: the last day, then expired.
    app.set_today("2028-02-29");
    let last_day = read(&app, None, &format!("{path}/check")).await.ok(200);
    assert_eq!(last_day["state"], "valid");
    let full = read(&app, Some(&aci.member.token), &path).await.ok(200);
    assert_eq!(full["remainder_days"], 1);
    app.set_today("2028-03-01");
    assert_eq!(
        read(&app, None, &format!("{path}/check")).await.ok(200)["state"],
        "expired"
    );
}

/// An ACI's own candidate, with its self-prescription (R-ELIG-3: one level-1 criterion).
async fn self_prescribed(
    app: &TestApp,
    aci: &tremplin_tests::Org,
    email: &str,
    serial: u32,
) -> String {
    let candidate = app
        .candidate(&aci.member.token, candidate_body(email, serial))
        .await;
    let candidate = candidate["id"].as_str().unwrap().to_owned();
    self_diagnose(&app, &aci.member.token, &candidate).await;
    candidate
}

fn hire_body(candidate: &str) -> Value {
    json!({"candidate_id": candidate, "hiring_start_at": TODAY})
}

async fn declare(app: &TestApp, token: &str, body: Value) -> tremplin_tests::TestResponse {
    app.post("/api/v1/hires")
        .bearer(token)
        .json(body)
        .send()
        .await
}

#[tokio::test]
async fn a_siae_declares_the_hire_of_its_own_candidate_and_gets_the_pass_in_the_same_act() {
    let app = TestApp::spawn_with(&[("today", TODAY)]).await;
    let aci = app.organization("structure", "ACI", None).await;
    let candidate = self_prescribed(&app, &aci, "paul@example.fr", 2).await;
    let mark = app.audit_mark();
    let response = declare(&app, &aci.member.token, hire_body(&candidate)).await;
    let hired = response.ok(201);
    assert_eq!(hired["state"], "accepted");
    assert_eq!(hired["pass_status"], "issued");
    assert_eq!(hired["pass"]["number"], "999990000001");
    let id = hired["id"].as_str().unwrap();
    assert_eq!(
        response.header("location"),
        Some(format!("/api/v1/applications/{id}").as_str())
    );
    let actions: Vec<String> = app
        .audit_since(mark)
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(
        actions,
        ["declare_hire", "issue_pass", "decide_application"]
    );
    let view = read(
        &app,
        Some(&aci.member.token),
        &format!("/api/v1/applications/{id}"),
    )
    .await
    .ok(200);
    assert_eq!(view["sender"]["kind"], "employer");
    assert_eq!(view["decision"]["hiring_start_at"], TODAY);
    // The same candidate again: the hire exists, decide from it.
    let again = declare(&app, &aci.member.token, hire_body(&candidate))
        .await
        .problem(409, "application_exists");
    assert_eq!(again["errors"]["application_id"], json!([id]));
    // Another SIAE that knows the candidate hires them on their valid PASS, without a diagnosis.
    let ei = app.organization("structure", "EI", None).await;
    app.candidate(&ei.member.token, candidate_body("paul@example.fr", 2))
        .await;
    let reused = declare(&app, &ei.member.token, hire_body(&candidate))
        .await
        .ok(201);
    assert_eq!(reused["pass_status"], "reused");
    assert_eq!(reused["pass"]["number"], "999990000001");
    assert_eq!(app.count("passes"), 1);
}

#[tokio::test]
async fn only_an_iae_structure_declares_a_hire_of_an_eligible_candidate_it_knows() {
    let app = TestApp::spawn_with(&[("today", TODAY)]).await;
    let aci = app.organization("structure", "ACI", None).await;
    let geiq = app.organization("structure", "GEIQ", None).await;
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let known = self_prescribed(&app, &aci, "paul@example.fr", 2).await;
    let undiagnosed = app
        .candidate(&aci.member.token, candidate_body("lea@example.fr", 3))
        .await;
    let undiagnosed = undiagnosed["id"].as_str().unwrap();
    let other = app.organization("structure", "EI", None).await;
    let by_prescriber = app
        .candidate(&ml.member.token, candidate_body("lina@example.fr", 4))
        .await;
    let by_prescriber = by_prescriber["id"].as_str().unwrap().to_owned();
    app.diagnose(&ml.member.token, &by_prescriber).await;
    app.candidate(&aci.member.token, candidate_body("lina@example.fr", 4))
        .await;
    let own = candidate_token(&app, &ml.member.token, &by_prescriber, "lina@example.fr").await;
    app.outbox_settled().await;
    let before = app.snapshot();
    declare(&app, &geiq.member.token, hire_body(&known))
        .await
        .problem(403, "forbidden");
    declare(&app, &ml.member.token, hire_body(&known))
        .await
        .problem(403, "forbidden");
    app.post("/api/v1/hires")
        .json(hire_body(&known))
        .send()
        .await
        .problem(401, "unauthenticated");
    let unknown = declare(&app, &other.member.token, hire_body(&known))
        .await
        .problem(422, "validation_failed");
    assert!(unknown["errors"]["candidate_id"][0]
        .as_str()
        .unwrap()
        .contains("inconnu"));
    declare(&app, &aci.member.token, hire_body(undiagnosed))
        .await
        .problem(422, "eligibility_not_valid");
    // Item 4: a prescriber's diagnosis is for the application that prescriber sends.
    declare(&app, &aci.member.token, hire_body(&by_prescriber))
        .await
        .problem(422, "eligibility_not_valid");
    declare(&app, &own, hire_body(&by_prescriber))
        .await
        .problem(403, "forbidden");
    let dates = declare(
        &app,
        &aci.member.token,
        json!({"candidate_id": known, "hiring_start_at": "2026-03-01", "hiring_end_at": "2026-02-01"}),
    )
    .await
    .problem(422, "validation_failed");
    assert!(dates["errors"]["hiring_start_at"].is_array());
    declare(&app, &aci.member.token, json!({"candidate_id": known}))
        .await
        .problem(400, "invalid_body");
    declare(
        &app,
        &aci.member.token,
        json!({"candidate_id": known, "hiring_start_at": TODAY, "job_ids": []}),
    )
    .await
    .problem(400, "invalid_body");
    assert_eq!(app.snapshot(), before, "nothing written");
}

#[tokio::test]
async fn r_apply_9_two_racing_declarations_of_one_hire_give_one_application_and_one_pass() {
    let app = TestApp::spawn_with(&[("today", TODAY)]).await;
    let aci = app.organization("structure", "ACI", None).await;
    let candidate = self_prescribed(&app, &aci, "paul@example.fr", 2).await;
    let racing = (0..2)
        .map(|_| {
            app.post("/api/v1/hires")
                .bearer(&aci.member.token)
                .json(hire_body(&candidate))
                .spawn()
        })
        .collect();
    let mut statuses: Vec<u16> = join_all(racing).await.iter().map(|r| r.status).collect();
    statuses.sort();
    assert_eq!(
        statuses,
        [201, 409],
        "the second finds the first's application"
    );
    assert_eq!(app.count("applications"), 1);
    assert_eq!(app.count("passes"), 1);
}
