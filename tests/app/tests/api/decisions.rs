//! The `decide` component (issue 8): the structure's decisions through the transitions table of
//! R-APPLY-5, refusals (R-APPLY-6), hires (R-APPLY-7/8) and the PASS IAE they issue, reuse or
//! cancel (R-PASS-1..9), who may decide, races (R-APPLY-9) and bad input. The rules' every case
//! is tested natively in `shared/domain/src/{decision,pass}.rs`; these go through HTTP.

use serde_json::{json, Value};
use tremplin_tests::{candidate_body, join_all, Org, TestApp};

/// 2026-03-02 is a Monday; hires start from today.
pub const TODAY: &str = "2026-03-02";

/// An authorized prescriber, an ACI, a candidate the prescriber diagnosed (R-ELIG-1) and the
/// application it sent to the ACI.
pub async fn sent(app: &TestApp) -> (Org, Org, String, String) {
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let aci = app.organization("structure", "ACI", None).await;
    let candidate = app
        .candidate(&ml.member.token, candidate_body("lea.martin@example.fr", 1))
        .await;
    let candidate = candidate["id"].as_str().unwrap().to_owned();
    app.diagnose(&ml.member.token, &candidate).await;
    let application = app
        .apply(&ml.member.token, &aci.id, &candidate)
        .await
        .ok(201);
    let application = application["id"].as_str().unwrap().to_owned();
    (ml, aci, candidate, application)
}

/// The same candidate's second application, from the same prescriber, to a new EI.
pub async fn also_to_an_ei(app: &TestApp, ml: &Org, candidate: &str) -> (Org, String) {
    let ei = app.organization("structure", "EI", None).await;
    let sent = app.apply(&ml.member.token, &ei.id, candidate).await.ok(201);
    (ei, sent["id"].as_str().unwrap().to_owned())
}

pub async fn decide(
    app: &TestApp,
    token: &str,
    application: &str,
    action: &str,
    body: Value,
) -> tremplin_tests::TestResponse {
    app.post(&format!("/api/v1/applications/{application}/{action}"))
        .bearer(token)
        .json(body)
        .send()
        .await
}

/// The structure's own eligibility decision (R-ELIG-3: one level-1 criterion).
pub async fn self_diagnose(app: &TestApp, structure_token: &str, candidate: &str) {
    app.post(&format!("/api/v1/candidates/{candidate}/diagnoses"))
        .bearer(structure_token)
        .json(json!({"administrative_criteria": ["RSA"]}))
        .send()
        .await
        .ok(201);
}

/// The organization's authorization is refused (R-ORG-4), straight in the database.
pub async fn end_authorization(app: &TestApp, organization: &str) {
    app.outbox_settled().await;
    app.db()
        .execute(
            "UPDATE organizations SET authorization_status = 'REFUSED' WHERE id = ?1",
            [organization],
        )
        .unwrap();
}

pub fn accept_body(start: &str) -> Value {
    json!({"hiring_start_at": start, "answer": "Bienvenue parmi nous."})
}

#[tokio::test]
async fn r_apply_5_6_decisions_follow_the_table_and_tell_the_sender_and_the_candidate() {
    let app = TestApp::spawn_with(&[("today", TODAY)]).await;
    let (ml, aci, _, id) = sent(&app).await;
    let token = &aci.member.token;
    let processing = decide(&app, token, &id, "process", json!({})).await.ok(200);
    assert_eq!(processing["state"], "processing");
    let buttons: Vec<&str> = processing["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(buttons, ["postpone", "accept", "refuse", "add_to_pool"]);
    let again = decide(&app, token, &id, "process", json!({}))
        .await
        .problem(409, "transition_not_allowed");
    assert_eq!(again["errors"]["state"], json!(["processing"]));
    // R-APPLY-5: postponing needs the answer to the candidate.
    decide(&app, token, &id, "postpone", json!({}))
        .await
        .problem(400, "invalid_body");
    let blank = decide(&app, token, &id, "postpone", json!({"answer": "  "}))
        .await
        .problem(422, "validation_failed");
    assert!(blank["errors"]["answer"][0]
        .as_str()
        .unwrap()
        .contains("obligatoire"));
    decide(
        &app,
        token,
        &id,
        "postpone",
        json!({"answer": "Nous revenons vers vous en avril."}),
    )
    .await
    .ok(200);
    // R-APPLY-6: `other` needs a comment; the reason reaches the candidate only if shared, the
    // private answer never.
    let other = decide(
        &app,
        token,
        &id,
        "refuse",
        json!({"reason": "other", "answer": "Désolés."}),
    )
    .await
    .problem(422, "validation_failed");
    assert!(other["errors"]["comment"][0]
        .as_str()
        .unwrap()
        .contains("Autre"));
    let mark = app.audit_mark();
    let refused = decide(
        &app,
        token,
        &id,
        "refuse",
        json!({"reason": "no_position", "answer": "Pas de poste pour l'instant.",
               "answer_to_prescriber": "Rappelez-nous en juin.", "reason_shared": false}),
    )
    .await
    .ok(200);
    assert_eq!(refused["state"], "refused");
    assert!(refused.get("pass").is_none(), "no PASS outside an accept");
    let audit = app.audit_since(mark);
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "decide_application");
    assert_eq!(audit[0].entity_id, id);
    assert_eq!(
        audit[0].actor_user_id.as_deref(),
        Some(aci.member.id.as_str())
    );
    assert_eq!(
        audit[0].details,
        json!({"action": "refuse", "from": "postponed", "to": "refused"})
    );
    let to_sender = app.mail_to(&ml.member.email, 4).await;
    let last = to_sender.last().unwrap()["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        last.contains("Pas de recrutement en cours") && last.contains("Rappelez-nous"),
        "{last}"
    );
    let to_candidate = app.mail_to("lea.martin@example.fr", 4).await;
    let last = to_candidate.last().unwrap()["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(last.contains("Pas de poste pour l'instant."), "{last}");
    assert!(
        !last.contains("Pas de recrutement en cours") && !last.contains("Rappelez-nous"),
        "{last}"
    );
    // A refusal can be reconsidered: the table allows accept from `refused`.
    let hired = decide(&app, token, &id, "accept", accept_body(TODAY))
        .await
        .ok(200);
    assert_eq!(hired["state"], "accepted");
    assert_eq!(hired["pass_status"], "issued");
    assert_eq!(hired["pass"]["number"], "999990000001");
    assert_eq!(hired["pass"]["number_display"], "99999 00 00001");
    assert_eq!(hired["pass"]["start_at"], TODAY);
    assert_eq!(hired["pass"]["end_at"], "2028-02-29", "start + 729 days");
    // The boxes follow (0008's triggers).
    let received = app
        .get("/api/v1/applications?box=received&state=accepted")
        .bearer(token)
        .send()
        .await
        .ok(200);
    assert_eq!(received["count"], 1);
}

#[tokio::test]
async fn r_apply_8_r_pass_4_7_a_hire_obsoletes_the_others_reuses_the_pass_and_cancelling_burns_its_number(
) {
    let app = TestApp::spawn_with(&[("today", TODAY)]).await;
    let (ml, aci, candidate, at_aci) = sent(&app).await;
    let (ei, at_ei) = also_to_an_ei(&app, &ml, &candidate).await;
    let first = decide(
        &app,
        &aci.member.token,
        &at_aci,
        "accept",
        accept_body("2026-03-09"),
    )
    .await
    .ok(200);
    assert_eq!(first["pass"]["number"], "999990000001");
    let obsolete = app
        .get(&format!("/api/v1/applications/{at_ei}"))
        .bearer(&ei.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(obsolete["state"], "obsolete", "R-APPLY-8");
    // The EI hires too, earlier: the PASS has not started, so it moves (R-PASS-4).
    let second = decide(
        &app,
        &ei.member.token,
        &at_ei,
        "accept",
        accept_body("2026-03-05"),
    )
    .await
    .ok(200);
    assert_eq!(second["pass_status"], "reused");
    assert_eq!(second["pass"]["number"], "999990000001");
    assert_eq!(second["pass"]["start_at"], "2026-03-05");
    assert_eq!(second["pass"]["end_at"], "2028-03-03");
    // The PASS's history tells it, with who did it (issue 8 item 3).
    let path = "/api/v1/passes/999990000001";
    let read = |token: &str| app.get(path).bearer(token).send();
    let moved = read(&aci.member.token).await.ok(200);
    let events: Vec<(&str, &str)> = moved["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["action"].as_str().unwrap(),
                h["organization"]["id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            ("issue_pass", aci.id.as_str()),
            ("move_pass", ei.id.as_str())
        ]
    );
    assert_eq!(moved["hires"].as_array().unwrap().len(), 2);
    // R-PASS-7: cancelling one of two hires keeps the PASS; the last one cancels it.
    decide(&app, &aci.member.token, &at_aci, "cancel", json!({}))
        .await
        .ok(200);
    let live = |app: &TestApp| -> i64 {
        app.db()
            .query_row(
                "SELECT COUNT(*) FROM passes WHERE cancelled_at IS NULL",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(live(&app), 1);
    decide(&app, &ei.member.token, &at_ei, "cancel", json!({}))
        .await
        .ok(200);
    assert_eq!(live(&app), 0);
    // Gone for its readers and the public check; its number stays taken.
    read(&aci.member.token).await.problem(404, "not_found");
    app.get(&format!("{path}/check"))
        .send()
        .await
        .problem(404, "not_found");
    let cancelled: Vec<String> = app
        .audit_since(0)
        .into_iter()
        .filter(|a| a.entity == "pass")
        .map(|a| a.action)
        .collect();
    assert_eq!(cancelled.last().map(String::as_str), Some("cancel_pass"));
    assert_eq!(
        cancelled.iter().filter(|a| *a == "cancel_pass").count(),
        1,
        "by the last hire's cancel only"
    );
    // A new hire gets the next number: 1 is never given again (R-PASS-1).
    let again = decide(
        &app,
        &aci.member.token,
        &at_aci,
        "accept",
        accept_body(TODAY),
    )
    .await
    .ok(200);
    assert_eq!(again["pass"]["number"], "999990000002");
}

#[tokio::test]
async fn r_apply_7_r_pass_8_eligibility_is_needed_in_a_siae_and_a_geiq_hires_without_a_pass() {
    let app = TestApp::spawn_with(&[("today", TODAY)]).await;
    // An orienteur's candidate, never diagnosed.
    let orienteur = app.organization("prescriber", "OTHER", None).await;
    let aci = app.organization("structure", "ACI", None).await;
    let geiq = app.organization("structure", "GEIQ", None).await;
    let candidate = app
        .candidate(
            &orienteur.member.token,
            candidate_body("paul@example.fr", 2),
        )
        .await;
    let candidate = candidate["id"].as_str().unwrap();
    let to_aci = app
        .apply(&orienteur.member.token, &aci.id, candidate)
        .await
        .ok(201);
    let to_geiq = app
        .apply(&orienteur.member.token, &geiq.id, candidate)
        .await
        .ok(201);
    app.outbox_settled().await;
    let before = app.snapshot();
    decide(
        &app,
        &aci.member.token,
        to_aci["id"].as_str().unwrap(),
        "accept",
        accept_body(TODAY),
    )
    .await
    .problem(422, "eligibility_not_valid");
    assert_eq!(app.snapshot(), before, "nothing written");
    let hired = decide(
        &app,
        &geiq.member.token,
        to_geiq["id"].as_str().unwrap(),
        "accept",
        accept_body(TODAY),
    )
    .await
    .ok(200);
    assert_eq!(hired["pass"], Value::Null);
    assert_eq!(hired["pass_status"], "not_iae");
    assert!(hired["pass_status_text"]
        .as_str()
        .unwrap()
        .contains("R-PASS-8"));
    assert_eq!(app.count("passes"), 0);
}

#[tokio::test]
async fn only_the_receiving_structures_members_decide_and_bad_input_writes_nothing() {
    let app = TestApp::spawn_with(&[("today", TODAY)]).await;
    let (ml, aci, _, id) = sent(&app).await;
    let other = app.organization("structure", "EI", None).await;
    let orienteur = app.organization("prescriber", "OTHER", None).await;
    app.outbox_settled().await;
    let before = app.snapshot();
    for action in ["process", "cancel", "pool"] {
        decide(&app, &ml.member.token, &id, action, json!({}))
            .await
            .problem(403, "forbidden");
        decide(&app, &orienteur.member.token, &id, action, json!({}))
            .await
            .problem(403, "forbidden");
        decide(&app, &other.member.token, &id, action, json!({}))
            .await
            .problem(404, "not_found");
        app.post(&format!("/api/v1/applications/{id}/{action}"))
            .send()
            .await
            .problem(401, "unauthenticated");
    }
    decide(
        &app,
        &other.member.token,
        "app_unknown",
        "process",
        json!({}),
    )
    .await
    .problem(404, "not_found");
    let token = &aci.member.token;
    let path = format!("/api/v1/applications/{id}/accept");
    app.post(&path)
        .bearer(token)
        .typed("application/json", "{\"hiring_start_at\": ")
        .send()
        .await
        .problem(400, "malformed_json");
    decide(
        &app,
        token,
        &id,
        "accept",
        json!({"hiring_start_at": TODAY, "salary": 1}),
    )
    .await
    .problem(400, "invalid_body");
    for (start, field) in [
        ("2026-02-30", "hiring_start_at"),
        ("2026-03-01", "hiring_start_at"),
        ("2026-09-03", "hiring_start_at"),
    ] {
        let problem = decide(
            &app,
            token,
            &id,
            "accept",
            json!({"hiring_start_at": start}),
        )
        .await
        .problem(422, "validation_failed");
        assert!(problem["errors"][field].is_array(), "{start}: {problem}");
    }
    let ends_first = decide(
        &app,
        token,
        &id,
        "accept",
        json!({"hiring_start_at": TODAY, "hiring_end_at": TODAY}),
    )
    .await
    .problem(422, "validation_failed");
    assert!(ends_first["errors"]["hiring_end_at"].is_array());
    decide(
        &app,
        token,
        &id,
        "refuse",
        json!({"reason": "bored", "answer": "Non."}),
    )
    .await
    .problem(422, "validation_failed");
    decide(&app, token, &id, "process", json!({"why": "now"}))
        .await
        .problem(400, "invalid_body");
    assert_eq!(app.snapshot(), before);
}

#[tokio::test]
async fn r_apply_9_two_racing_accepts_of_one_application_give_one_hire_and_one_pass() {
    let app = TestApp::spawn_with(&[("today", TODAY)]).await;
    let (_, aci, _, id) = sent(&app).await;
    let racing = (0..2)
        .map(|_| {
            app.post(&format!("/api/v1/applications/{id}/accept"))
                .bearer(&aci.member.token)
                .json(accept_body(TODAY))
                .spawn()
        })
        .collect();
    let mut statuses: Vec<u16> = join_all(racing).await.iter().map(|a| a.status).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    assert_eq!(app.count("passes"), 1);
}

#[tokio::test]
async fn r_pass_1_twenty_concurrent_accepts_get_twenty_consecutive_numbers() {
    let app = TestApp::spawn_with(&[("today", TODAY)]).await;
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let aci = app.organization("structure", "ACI", None).await;
    let mut applications = Vec::new();
    for serial in 0..20 {
        let candidate = app
            .candidate(
                &ml.member.token,
                candidate_body(&format!("c{serial}@example.fr"), 10 + serial),
            )
            .await;
        let candidate = candidate["id"].as_str().unwrap().to_owned();
        app.diagnose(&ml.member.token, &candidate).await;
        let sent = app
            .apply(&ml.member.token, &aci.id, &candidate)
            .await
            .ok(201);
        applications.push(sent["id"].as_str().unwrap().to_owned());
    }
    let racing = applications
        .iter()
        .map(|id| {
            app.post(&format!("/api/v1/applications/{id}/accept"))
                .bearer(&aci.member.token)
                .json(accept_body(TODAY))
                .spawn()
        })
        .collect();
    let mut numbers: Vec<String> = join_all(racing)
        .await
        .iter()
        .map(|answer| {
            answer.ok(200)["pass"]["number"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=20).map(|n| format!("99999{n:07}")).collect();
    assert_eq!(numbers, expected);
}

/// A PASS the candidate held before, ending on `end`, numbered 1 (as an earlier hire left it).
fn past_pass(app: &TestApp, candidate: &str, end: &str) {
    app.db()
        .execute(
            "INSERT INTO passes (id, counter, number, candidate_id, start_at, end_at, created_at) \
             SELECT 'pass_before_' || ?1, n, '99999' || printf('%07d', n), ?1, '2020-01-01', ?2, \
             '2020-01-01T00:00:00Z' FROM (SELECT COALESCE(MAX(counter), 0) + 1 AS n FROM passes)",
            [candidate, end],
        )
        .unwrap();
}

#[tokio::test]
async fn r_pass_5_the_waiting_period_holds_unless_an_authorized_prescriber_vouches() {
    let app = TestApp::spawn_with(&[("today", TODAY)]).await;
    let orienteur = app.organization("prescriber", "OTHER", None).await;
    let aci = app.organization("structure", "ACI", None).await;
    let candidate = app
        .candidate(
            &orienteur.member.token,
            candidate_body("paul@example.fr", 2),
        )
        .await;
    let candidate = candidate["id"].as_str().unwrap().to_owned();
    let sent = app
        .apply(&orienteur.member.token, &aci.id, &candidate)
        .await
        .ok(201);
    let id = sent["id"].as_str().unwrap();
    // Eligible through the ACI's own diagnosis (R-ELIG-3), not an authorized prescriber's.
    self_diagnose(&app, &aci.member.token, &candidate).await;
    app.outbox_settled().await;
    past_pass(&app, &candidate, "2026-03-01");
    let before = app.snapshot();
    let held = decide(&app, &aci.member.token, id, "accept", accept_body(TODAY))
        .await
        .problem(422, "waiting_period");
    assert!(
        held["detail"].as_str().unwrap().contains("2028-03-01"),
        "{held}"
    );
    assert_eq!(app.snapshot(), before, "nothing written");
    // An authorized prescriber's diagnosis lifts it; the new PASS takes the next number.
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    app.candidate(&ml.member.token, candidate_body("paul@example.fr", 2))
        .await;
    app.diagnose(&ml.member.token, &candidate).await;
    let hired = decide(&app, &aci.member.token, id, "accept", accept_body(TODAY))
        .await
        .ok(200);
    assert_eq!(hired["pass_status"], "issued");
    assert_eq!(hired["pass"]["number"], "999990000002");
    assert_eq!(hired["pass"]["state"], "valid");
}

#[tokio::test]
async fn r_pass_9_a_siae_in_prison_hires_without_a_pass_and_r_apply_10_the_obsoleted_sender_is_told(
) {
    let app = TestApp::spawn_with(&[("today", TODAY)]).await;
    let (ml, aci, candidate, at_aci) = sent(&app).await;
    let (_, at_ei) = also_to_an_ei(&app, &ml, &candidate).await;
    // The flag comes with the reference data of structures (R-PASS-9).
    app.outbox_settled().await;
    app.db()
        .execute(
            "UPDATE organizations SET in_prison = 1 WHERE id = ?1",
            [&aci.id],
        )
        .unwrap();
    let hired = decide(
        &app,
        &aci.member.token,
        &at_aci,
        "accept",
        accept_body("2026-03-16"),
    )
    .await
    .ok(200);
    assert_eq!(hired["pass"], Value::Null);
    assert_eq!(hired["pass_status"], "in_prison");
    assert_eq!(app.count("passes"), 0);
    // Two sent, the hire, and the other application made obsolete.
    let told = app.mail_to(&ml.member.email, 4).await;
    assert!(
        told.iter().any(|m| m["subject"]
            .as_str()
            .unwrap()
            .ends_with("Embauché ailleurs")
            && m["text"].as_str().unwrap().contains(&at_ei)),
        "{told:?}"
    );
}

#[tokio::test]
async fn r_pass_4_5_8_an_authorized_sender_lifts_the_waiting_period_a_lapsed_one_no_longer_does() {
    let app = TestApp::spawn_with(&[("today", TODAY)]).await;
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let aci = app.organization("structure", "ACI", None).await;
    // Three candidates the prescriber sends undiagnosed: the ACI validates them itself (R-ELIG-3),
    // so only the sender can vouch (R-PASS-5); each held a PASS.
    let mut sent = Vec::new();
    for (serial, email, end) in [
        (2, "paul@example.fr", "2026-03-01"),
        (3, "lina@example.fr", "2026-03-01"),
        (4, "remi@example.fr", "2026-03-10"),
    ] {
        let candidate = app
            .candidate(&ml.member.token, candidate_body(email, serial))
            .await;
        let candidate = candidate["id"].as_str().unwrap().to_owned();
        let application = app
            .apply(&ml.member.token, &aci.id, &candidate)
            .await
            .ok(201);
        self_diagnose(&app, &aci.member.token, &candidate).await;
        app.outbox_settled().await;
        past_pass(&app, &candidate, end);
        sent.push(application["id"].as_str().unwrap().to_owned());
    }
    let token = &aci.member.token;
    let hired = decide(&app, token, &sent[0], "accept", accept_body(TODAY))
        .await
        .ok(200);
    assert_eq!(
        hired["pass_status"], "issued",
        "sent by an authorized prescriber"
    );
    // R-PASS-4: the third one's PASS is still valid, up to 2026-03-10 only.
    let late = decide(&app, token, &sent[2], "accept", accept_body("2026-03-11"))
        .await
        .problem(422, "hire_after_pass_end");
    assert!(late["detail"].as_str().unwrap().contains("R-PASS-4"));
    let kept = decide(&app, token, &sent[2], "accept", accept_body("2026-03-10"))
        .await
        .ok(200);
    assert_eq!(kept["pass_status"], "reused");
    // The sender's authorization ends (R-ORG-4): it no longer vouches.
    end_authorization(&app, &ml.id).await;
    decide(&app, token, &sent[1], "accept", accept_body(TODAY))
        .await
        .problem(422, "waiting_period");
    // R-PASS-8: an EA hires without a PASS, whatever the candidate holds.
    let ea = app.organization("structure", "EA", None).await;
    let candidate = app
        .candidate(&ea.member.token, candidate_body("lina@example.fr", 3))
        .await;
    let to_ea = app
        .apply(&ea.member.token, &ea.id, candidate["id"].as_str().unwrap())
        .await
        .ok(201);
    let hired = decide(
        &app,
        &ea.member.token,
        to_ea["id"].as_str().unwrap(),
        "accept",
        accept_body(TODAY),
    )
    .await
    .ok(200);
    assert_eq!(
        (&hired["pass"], &hired["pass_status"]),
        (&Value::Null, &json!("not_iae"))
    );
}
