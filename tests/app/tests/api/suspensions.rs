//! The `suspend` component (issue 9 item 1): suspensions of a PASS IAE through HTTP at fixed
//! dates — R-SUSP-2 (who), R-SUSP-3 (dates), R-SUSP-4/5 (the PASS end after create, edit, end
//! early, delete), R-SUSP-6 (a re-hire), the `?dry_run=true` preview, the PASS view and its
//! history, and bad input. Every rule's edge is also tested natively in
//! `shared/domain/src/suspension.rs`.

use serde_json::{json, Value};
use tremplin_tests::{candidate_body, join_all, Org, TestApp, TestResponse};

use super::decisions::{accept_body, decide, end_authorization, sent, TODAY};

/// The PASS of a hire by the ACI starting on `start` (the clock's date then), and the parties.
pub struct Hired {
    pub ml: Org,
    pub aci: Org,
    pub candidate: String,
    /// The accepted application.
    pub application: String,
    pub number: String,
}

/// An authorized prescriber sends the candidate to an ACI that hires them on `start`: the PASS
/// runs from `start` to `start + 729 days` (R-PASS-2). The clock stays at `start`.
pub async fn hired_on(app: &mut TestApp, start: &str) -> Hired {
    app.set_today(start);
    let (ml, aci, candidate, id) = sent(app).await;
    let hired = decide(app, &aci.member.token, &id, "accept", accept_body(start))
        .await
        .ok(200);
    Hired {
        ml,
        aci,
        candidate,
        application: id,
        number: hired["pass"]["number"].as_str().unwrap().to_owned(),
    }
}

/// The candidate of `body` registered and diagnosed by a new authorized Mission locale, sent to
/// a new structure of `kind` which hires them on `start`: the Mission locale, the structure and
/// the PASS number. The clock stays at `start`.
pub async fn hired_by(
    app: &mut TestApp,
    kind: &str,
    body: Value,
    start: &str,
) -> (Org, Org, String) {
    app.set_today(start);
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let structure = app.organization("structure", kind, None).await;
    let candidate = app.candidate(&ml.member.token, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.diagnose(&ml.member.token, &candidate).await;
    let sent = app
        .apply(&ml.member.token, &structure.id, &candidate)
        .await
        .ok(201);
    let hired = decide(
        app,
        &structure.member.token,
        sent["id"].as_str().unwrap(),
        "accept",
        accept_body(start),
    )
    .await
    .ok(200);
    let number = hired["pass"]["number"].as_str().unwrap().to_owned();
    (ml, structure, number)
}

/// The same prescriber sends the candidate to a new EI, which hires them on the same PASS from
/// `start` (R-PASS-4): the EI and the accept's answer.
pub async fn rehired_by_an_ei(app: &TestApp, hire: &Hired, start: &str) -> (Org, Value) {
    let ei = app.organization("structure", "EI", None).await;
    let sent = app
        .apply(&hire.ml.member.token, &ei.id, &hire.candidate)
        .await
        .ok(201);
    let hired = decide(
        app,
        &ei.member.token,
        sent["id"].as_str().unwrap(),
        "accept",
        accept_body(start),
    )
    .await
    .ok(200);
    (ei, hired)
}

/// The ACI cancels its hire (R-PASS-7).
pub async fn cancel_hire(app: &TestApp, hire: &Hired) {
    decide(
        app,
        &hire.aci.member.token,
        &hire.application,
        "cancel",
        json!({}),
    )
    .await
    .ok(200);
}

pub async fn suspend(app: &TestApp, token: &str, number: &str, body: Value) -> TestResponse {
    app.post(&format!("/api/v1/passes/{number}/suspensions"))
        .bearer(token)
        .json(body)
        .send()
        .await
}

pub async fn pass_view(app: &TestApp, token: &str, number: &str) -> Value {
    app.get(&format!("/api/v1/passes/{number}"))
        .bearer(token)
        .send()
        .await
        .ok(200)
}

fn body(start: &str, end: Option<&str>, reason: &str) -> Value {
    json!({"start_at": start, "end_at": end, "reason": reason})
}

#[tokio::test]
async fn r_susp_3_start_365_days_back_accepted_366_refused_future_refused_and_the_preview_writes_nothing(
) {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today("2027-06-01");
    let token = &hire.aci.member.token;
    app.outbox_settled().await;
    let before = app.snapshot();
    for (start, why) in [
        ("2026-05-31", "366 days back"),
        ("2027-06-02", "in the future"),
    ] {
        let refused = suspend(
            &app,
            token,
            &hire.number,
            body(start, None, "CONTRACT_BROKEN"),
        )
        .await
        .problem(422, "invalid_suspension_start");
        assert!(refused["errors"]["start_at"].is_array(), "{why}: {refused}");
    }
    // The preview: the PASS end the act would give, nothing written (R-SUSP-4: + end − start).
    let path = format!("/api/v1/passes/{}/suspensions?dry_run=true", hire.number);
    let preview = app
        .post(&path)
        .bearer(token)
        .json(body("2026-06-01", Some("2026-06-10"), "CONTRACT_BROKEN"))
        .send()
        .await
        .ok(200);
    assert_eq!(preview["dry_run"], true);
    assert_eq!(
        preview["pass"]["end_at"], "2028-03-09",
        "2028-02-29 + 9 days"
    );
    assert_eq!(
        app.snapshot(),
        before,
        "refusals and the preview write nothing"
    );

    let mark = app.audit_mark();
    let created = suspend(
        &app,
        token,
        &hire.number,
        body("2026-06-01", Some("2026-06-10"), "CONTRACT_BROKEN"),
    )
    .await
    .ok(201);
    assert_eq!(created["dry_run"], false);
    assert_eq!(created["pass"]["end_at"], preview["pass"]["end_at"]);
    let audit = app.audit_since(mark);
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (audit[0].action.as_str(), audit[0].entity.as_str()),
        ("suspend_pass", "pass")
    );
    assert_eq!(
        audit[0].organization_id.as_deref(),
        Some(hire.aci.id.as_str())
    );
    let view = pass_view(&app, token, &hire.number).await;
    assert_eq!(view["end_at"], "2028-03-09");
    assert_eq!(view["state"], "valid", "the suspension is behind");
    let listed = &view["suspensions"][0];
    assert_eq!(
        (&listed["start_at"], &listed["end_at"], &listed["reason"]),
        (
            &json!("2026-06-01"),
            &json!("2026-06-10"),
            &json!("CONTRACT_BROKEN")
        )
    );
    assert_eq!(listed["reason_label"], "Contrat de travail rompu");
    assert_eq!(listed["organization"]["id"], hire.aci.id);
    assert_eq!(listed["in_progress"], false);
    let last = view["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "suspend_pass");
    assert_eq!(last["details"]["pass_end_at"], "2028-03-09");
    // R-SUSP-3: the next one starts at the earliest the day after this one ended.
    suspend(
        &app,
        token,
        &hire.number,
        body("2026-06-10", Some("2026-06-20"), "CONTRACT_BROKEN"),
    )
    .await
    .problem(422, "invalid_suspension_start");
}

#[tokio::test]
async fn r_susp_3_end_unknown_is_36_months_less_a_day_for_starts_on_2024_01_15_and_2024_02_29() {
    // (start, maximum end, PASS end after it: start + 729 days + (end − start) days)
    for (start, max_end, pass_end) in [
        ("2024-01-15", "2027-01-14", "2029-01-12"),
        ("2024-02-29", "2027-02-27", "2029-02-25"),
    ] {
        let mut app = TestApp::spawn().await;
        let hire = hired_on(&mut app, start).await;
        let created = suspend(
            &app,
            &hire.aci.member.token,
            &hire.number,
            body(start, None, "CONTRACT_SUSPENDED"),
        )
        .await
        .ok(201);
        assert_eq!(created["suspension"]["end_at"], max_end, "from {start}");
        assert_eq!(
            created["pass"]["end_at"], pass_end,
            "the PASS end moves by end − start"
        );
        assert_eq!(created["pass"]["state"], "suspended");
        // R-PASS-6: the remainder does not count the suspension's days still to come, all of
        // them inclusive, while R-SUSP-4 moved the end by one day less: 730 − 1.
        assert_eq!(created["pass"]["remainder_days"], 729);
    }
}

#[tokio::test]
async fn r_susp_4_5_edit_end_early_and_delete_adjust_the_pass_end_exactly() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today("2026-06-05");
    let token = &hire.aci.member.token;
    // A suspension whose end equals its start adds 0 days.
    let one_day = suspend(
        &app,
        token,
        &hire.number,
        body("2026-06-01", Some("2026-06-01"), "CONTRACT_SUSPENDED"),
    )
    .await
    .ok(201);
    assert_eq!(one_day["pass"]["end_at"], "2028-02-29");
    let created = suspend(
        &app,
        token,
        &hire.number,
        body("2026-06-02", Some("2026-06-30"), "CONTRACT_SUSPENDED"),
    )
    .await
    .ok(201);
    assert_eq!(created["pass"]["end_at"], "2028-03-28", "+ 28 days");
    assert_eq!(created["pass"]["state"], "suspended");
    // Overlapping the one in progress, or another while suspended: refused.
    suspend(
        &app,
        token,
        &hire.number,
        body("2026-06-05", None, "CONTRACT_SUSPENDED"),
    )
    .await
    .problem(422, "pass_already_suspended");
    let id = created["id"].as_str().unwrap();
    let path = format!("/api/v1/suspensions/{id}");
    let patch = |body: Value| app.patch(&path).bearer(token).json(body);
    let longer = patch(json!({"end_at": "2026-07-10"})).send().await.ok(200);
    assert_eq!(longer["pass"]["end_at"], "2028-04-07", "+ 10 more days");
    let early = patch(json!({"first_day_back": "2026-06-12"}))
        .send()
        .await
        .ok(200);
    assert_eq!(early["suspension"]["end_at"], "2026-06-11");
    assert_eq!(early["pass"]["end_at"], "2028-03-09", "2028-02-29 + 9 days");
    patch(json!({"first_day_back": "2026-06-02"}))
        .send()
        .await
        .problem(422, "invalid_first_day_back");
    // The delete's preview, then the delete: the PASS end is back where it was.
    let preview = app
        .delete(&format!("{path}?dry_run=true"))
        .bearer(token)
        .send()
        .await
        .ok(200);
    assert_eq!(preview["pass"]["end_at"], "2028-02-29");
    assert_eq!(app.count("suspensions"), 2, "the preview deleted nothing");
    let mark = app.audit_mark();
    let deleted = app.delete(&path).bearer(token).send().await.ok(200);
    assert_eq!(deleted["suspension"], Value::Null);
    let view = pass_view(&app, token, &hire.number).await;
    assert_eq!(
        (&view["end_at"], &view["state"]),
        (&json!("2028-02-29"), &json!("valid"))
    );
    assert_eq!(view["suspensions"].as_array().unwrap().len(), 1);
    assert_eq!(app.audit_since(mark)[0].action, "delete_suspension");
    let actions: Vec<&str> = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "issue_pass",
            "suspend_pass",
            "suspend_pass",
            "edit_suspension",
            "end_suspension",
            "delete_suspension"
        ]
    );
    // R-SUSP-5: only a suspension in progress is changed.
    let finished = view["suspensions"][0]["id"].as_str().unwrap();
    app.delete(&format!("/api/v1/suspensions/{finished}"))
        .bearer(token)
        .send()
        .await
        .problem(422, "suspension_not_in_progress");
}

#[tokio::test]
async fn r_susp_6_a_rehire_cuts_the_running_suspension_and_deletes_one_that_started_that_day() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today("2026-06-01");
    suspend(
        &app,
        &hire.aci.member.token,
        &hire.number,
        body("2026-06-01", None, "CONTRACT_BROKEN"),
    )
    .await
    .ok(201);
    // Another IAE structure hires the candidate from 2026-06-10 on the same PASS.
    let mark = app.audit_mark();
    let (ei, hired) = rehired_by_an_ei(&app, &hire, "2026-06-10").await;
    assert_eq!(hired["pass_status"], "reused");
    assert_eq!(
        hired["pass"]["end_at"], "2028-03-08",
        "2028-02-29 + 8 days (1st–9th June)"
    );
    assert!(hired["pass_status_text"]
        .as_str()
        .unwrap()
        .contains("8 mars 2028"));
    let cut = app.audit_since(mark);
    assert!(cut
        .iter()
        .any(|a| a.action == "cut_suspension" && a.details["end_at"] == "2026-06-09"));
    let view = pass_view(&app, &ei.member.token, &hire.number).await;
    assert_eq!(view["suspensions"][0]["end_at"], "2026-06-09");
    assert_eq!(view["end_at"], "2028-03-08");
    // R-SUSP-6: the cut suspension never runs over the EI's hire again. Until that hire starts
    // the ACI, the current employer, keeps the right to change it (R-SUSP-2), not the EI.
    let running = format!(
        "/api/v1/suspensions/{}",
        view["suspensions"][0]["id"].as_str().unwrap()
    );
    let over = app
        .patch(&running)
        .bearer(&hire.aci.member.token)
        .json(json!({"end_at": "2029-05-31"}))
        .send()
        .await
        .problem(422, "suspension_over_hire");
    assert!(over["errors"]["end_at"][0]
        .as_str()
        .unwrap()
        .contains("9 juin 2026"));
    app.patch(&running)
        .bearer(&ei.member.token)
        .json(json!({"end_at": "2026-06-05"}))
        .send()
        .await
        .problem(403, "forbidden");
    app.patch(&format!("{running}?dry_run=true"))
        .bearer(&hire.aci.member.token)
        .json(json!({"first_day_back": "2026-06-05"}))
        .send()
        .await
        .ok(200);
    assert_eq!(
        pass_view(&app, &ei.member.token, &hire.number).await["end_at"],
        "2028-03-08",
        "unchanged"
    );
    // R-SUSP-2: once the EI's hire has started, it is the last hire, and only it suspends.
    app.set_today("2026-06-15");
    suspend(
        &app,
        &hire.aci.member.token,
        &hire.number,
        body("2026-06-15", None, "CONTRACT_BROKEN"),
    )
    .await
    .problem(403, "forbidden");

    // A suspension by the EI (now the last hire) starting today, then a hire starting today by
    // a third structure: the suspension is deleted and the PASS end moves back.
    app.set_today("2026-07-01");
    suspend(
        &app,
        &ei.member.token,
        &hire.number,
        body("2026-07-01", Some("2026-12-31"), "CONTRACT_BROKEN"),
    )
    .await
    .ok(201);
    let aci2 = app.organization("structure", "ACI", None).await;
    let sent = app
        .apply(&hire.ml.member.token, &aci2.id, &hire.candidate)
        .await
        .ok(201);
    let hired = decide(
        &app,
        &aci2.member.token,
        sent["id"].as_str().unwrap(),
        "accept",
        accept_body("2026-07-01"),
    )
    .await
    .ok(200);
    assert_eq!(hired["pass"]["end_at"], "2028-03-08");
    assert_eq!(hired["pass"]["state"], "valid");
    assert_eq!(
        app.count("suspensions"),
        1,
        "the one that started that day is gone"
    );
}

#[tokio::test]
async fn r_susp_2_who_may_suspend_and_change_a_suspension() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today("2026-06-01");
    // A structure that received an application from the candidate may read the PASS, not suspend.
    let ei = app.organization("structure", "EI", None).await;
    app.apply(&hire.ml.member.token, &ei.id, &hire.candidate)
        .await
        .ok(201);
    let orienteur = app.organization("prescriber", "OTHER", None).await;
    app.candidate(
        &orienteur.member.token,
        candidate_body("lea.martin@example.fr", 1),
    )
    .await;
    let stranger = app.organization("structure", "AI", None).await;
    app.outbox_settled().await;
    let before = app.snapshot();
    let broken = body("2026-06-01", None, "CONTRACT_BROKEN");
    suspend(&app, &ei.member.token, &hire.number, broken.clone())
        .await
        .problem(403, "forbidden");
    // R-PASS-10: an orienteur who knows the candidate, and a stranger, do not know the PASS.
    suspend(&app, &orienteur.member.token, &hire.number, broken.clone())
        .await
        .problem(404, "not_found");
    suspend(&app, &stranger.member.token, &hire.number, broken.clone())
        .await
        .problem(404, "not_found");
    app.post(&format!("/api/v1/passes/{}/suspensions", hire.number))
        .json(broken.clone())
        .send()
        .await
        .problem(401, "unauthenticated");
    // The authorized prescriber: only the "no more contract" reasons (R-SUSP-2).
    let refused = suspend(
        &app,
        &hire.ml.member.token,
        &hire.number,
        body("2026-06-01", None, "CONTRACT_SUSPENDED"),
    )
    .await
    .problem(422, "validation_failed");
    assert!(!refused["errors"]["reason"][0]
        .as_str()
        .unwrap()
        .contains("CONTRACT_SUSPENDED"));
    // CONTRAT_PASSERELLE is for ACI/ACIPHC and EI only; the hiring ACI may give it.
    assert_eq!(app.snapshot(), before, "nothing written");
    let by_ml = suspend(&app, &hire.ml.member.token, &hire.number, broken)
        .await
        .ok(201);
    let path = format!("/api/v1/suspensions/{}", by_ml["id"].as_str().unwrap());
    // The hiring structure may change it; another structure may not; strangers do not know it.
    let end = json!({"end_at": "2026-08-31"});
    app.patch(&path)
        .bearer(&ei.member.token)
        .json(end.clone())
        .send()
        .await
        .problem(403, "forbidden");
    app.patch(&path)
        .bearer(&stranger.member.token)
        .json(end.clone())
        .send()
        .await
        .problem(404, "not_found");
    app.delete(&path)
        .bearer(&orienteur.member.token)
        .send()
        .await
        .problem(404, "not_found");
    app.patch(&path)
        .bearer(&hire.aci.member.token)
        .json(end)
        .send()
        .await
        .ok(200);
    app.delete(&path)
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .ok(200);
    let passerelle = suspend(
        &app,
        &hire.aci.member.token,
        &hire.number,
        body("2026-06-01", None, "CONTRAT_PASSERELLE"),
    )
    .await
    .ok(201);
    assert_eq!(passerelle["suspension"]["start_at"], "2026-06-01");
}

#[tokio::test]
async fn bad_input_on_the_suspension_routes_gets_a_4xx_problem_and_writes_nothing() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today("2026-06-01");
    let token = &hire.aci.member.token;
    let created = suspend(
        &app,
        token,
        &hire.number,
        body("2026-06-01", None, "CONTRACT_BROKEN"),
    )
    .await
    .ok(201);
    let path = format!("/api/v1/suspensions/{}", created["id"].as_str().unwrap());
    let create_path = format!("/api/v1/passes/{}/suspensions", hire.number);
    app.outbox_settled().await;
    let before = app.snapshot();
    let post = |path: &str| app.post(path).bearer(token);
    post(&create_path)
        .raw("{not json")
        .send()
        .await
        .problem(400, "malformed_json");
    post(&create_path)
        .json(json!({"start_at": "2026-06-01", "reason": "CONTRACT_BROKEN", "extra": 1}))
        .send()
        .await
        .problem(400, "invalid_body");
    let both = post(&create_path)
        .json(json!({"start_at": "2026-13-01", "end_at": "demain", "reason": "NOPE"}))
        .send()
        .await
        .problem(422, "validation_failed");
    for field in ["start_at", "end_at", "reason"] {
        assert!(both["errors"][field].is_array(), "{field}: {both}");
    }
    // Present without a value is no preview, and never the real act either.
    post(&format!("{create_path}?dry_run"))
        .json(body("2026-06-01", None, "CONTRACT_BROKEN"))
        .send()
        .await
        .problem(400, "invalid_dry_run");
    post(&format!("{create_path}?dry_run=maybe"))
        .json(body("2026-06-01", None, "CONTRACT_BROKEN"))
        .send()
        .await
        .problem(400, "invalid_dry_run");
    post("/api/v1/passes/999990009999/suspensions")
        .json(body("2026-06-01", None, "CONTRACT_BROKEN"))
        .send()
        .await
        .problem(404, "not_found");
    post("/api/v1/passes/12345/suspensions")
        .json(body("2026-06-01", None, "CONTRACT_BROKEN"))
        .send()
        .await
        .problem(400, "invalid_pass_number");
    let patch = |body: Value| app.patch(&path).bearer(token).json(body);
    let neither = patch(json!({}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert!(neither["errors"]["first_day_back"].is_array());
    patch(json!({"end_at": "2026-07-01", "first_day_back": "2026-06-15"}))
        .send()
        .await
        .problem(422, "validation_failed");
    patch(json!({"end_at": 20260701}))
        .send()
        .await
        .problem(400, "invalid_body");
    patch(json!({"end_at": "2026-05-31"}))
        .send()
        .await
        .problem(422, "invalid_suspension_end");
    patch(json!({"end_at": "2029-06-01"}))
        .send()
        .await
        .problem(422, "invalid_suspension_end");
    app.patch("/api/v1/suspensions/susp_unknown")
        .bearer(token)
        .json(json!({"end_at": "2026-07-01"}))
        .send()
        .await
        .problem(404, "not_found");
    app.get(&path)
        .bearer(token)
        .send()
        .await
        .problem(405, "method_not_allowed");
    post(&create_path)
        .raw(vec![b' '; 2 * 1024 * 1024])
        .send()
        .await
        .problem(413, "payload_too_large");
    assert_eq!(app.snapshot(), before, "no table changed");
}

#[tokio::test]
async fn r_susp_1_contrat_passerelle_is_refused_to_an_ai() {
    let mut app = TestApp::spawn().await;
    let (_, ai, number) = hired_by(
        &mut app,
        "AI",
        candidate_body("lea.martin@example.fr", 1),
        TODAY,
    )
    .await;
    app.set_today("2026-06-01");
    app.outbox_settled().await;
    let before = app.snapshot();
    let refused = suspend(
        &app,
        &ai.member.token,
        &number,
        body("2026-06-01", None, "CONTRAT_PASSERELLE"),
    )
    .await
    .problem(422, "validation_failed");
    assert!(refused["errors"]["reason"].is_array(), "{refused}");
    assert_eq!(app.snapshot(), before, "nothing written");
    suspend(
        &app,
        &ai.member.token,
        &number,
        body("2026-06-01", None, "CONTRACT_SUSPENDED"),
    )
    .await
    .ok(201);
}

#[tokio::test]
async fn r_susp_3_three_racing_suspensions_of_one_pass_give_one_and_two_refusals() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today("2026-06-01");
    let path = format!("/api/v1/passes/{}/suspensions", hire.number);
    let answers = join_all(
        [
            &hire.aci.member.token,
            &hire.aci.admin.token,
            &hire.ml.member.token,
        ]
        .into_iter()
        .map(|token| {
            app.post(&path)
                .bearer(token)
                .json(body("2026-06-01", Some("2026-06-30"), "CONTRACT_BROKEN"))
                .spawn()
        })
        .collect(),
    )
    .await;
    let mut statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    statuses.sort();
    assert_eq!(statuses, [201, 422, 422]);
    let codes: Vec<Value> = answers
        .iter()
        .filter(|a| a.status == 422)
        .map(|a| a.json()["code"].clone())
        .collect();
    // The losers find the winner's suspension running (R-SUSP-3).
    assert_eq!(codes, ["pass_already_suspended", "pass_already_suspended"]);
    assert_eq!(app.count("suspensions"), 1);
    let view = pass_view(&app, &hire.aci.member.token, &hire.number).await;
    assert_eq!(
        view["end_at"], "2028-03-29",
        "2028-02-29 moved once, by end − start = 29 days (R-SUSP-4)"
    );
}

#[tokio::test]
async fn a_preview_and_the_act_with_one_idempotency_key_are_two_requests() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today("2026-06-01");
    let path = format!("/api/v1/passes/{}/suspensions", hire.number);
    let post = |path: String, key: &str| {
        app.post(&path)
            .bearer(&hire.aci.member.token)
            .header("idempotency-key", key)
            .json(body("2026-06-01", Some("2026-06-30"), "CONTRACT_BROKEN"))
            .send()
    };
    // A preview first: the act with the same key then happens (a preview stores no answer).
    let preview = post(format!("{path}?dry_run=true"), "first").await.ok(200);
    assert_eq!(preview["dry_run"], true);
    let made = post(path.clone(), "first").await;
    assert_eq!(made.status, 201);
    assert_eq!(made.header("idempotent-replayed"), None);
    // The act first: a preview with its key is another request, never the act's stored answer.
    post(format!("{path}?dry_run=true"), "first")
        .await
        .problem(422, "idempotency_key_reused");
    let replayed = post(path, "first").await;
    assert_eq!(replayed.status, 201);
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    assert_eq!(app.count("suspensions"), 1);
}

#[tokio::test]
async fn r_susp_2_a_prescriber_changes_only_its_own_suspension_and_only_while_authorized_and_entitled(
) {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today("2026-06-01");
    let by_aci = suspend(
        &app,
        &hire.aci.member.token,
        &hire.number,
        body("2026-06-01", None, "CONTRACT_BROKEN"),
    )
    .await
    .ok(201);
    let path = format!("/api/v1/suspensions/{}", by_aci["id"].as_str().unwrap());
    app.outbox_settled().await;
    let before = app.snapshot();
    // The authorized Mission locale did not declare it: 403.
    app.delete(&path)
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .problem(403, "forbidden");
    assert_eq!(app.snapshot(), before, "nothing written");
    app.delete(&path)
        .bearer(&hire.aci.member.token)
        .send()
        .await
        .ok(200);
    // Its own, while authorized; once no longer (R-ORG-4), it does not even know the PASS any
    // more (R-PASS-10: an authorized prescriber who sent the candidate): 404.
    let by_ml = suspend(
        &app,
        &hire.ml.member.token,
        &hire.number,
        body("2026-06-01", None, "CONTRACT_BROKEN"),
    )
    .await
    .ok(201);
    let path = format!("/api/v1/suspensions/{}", by_ml["id"].as_str().unwrap());
    let end = json!({"end_at": "2026-08-31"});
    app.patch(&format!("{path}?dry_run=true"))
        .bearer(&hire.ml.member.token)
        .json(end.clone())
        .send()
        .await
        .ok(200);
    end_authorization(&app, &hire.ml.id).await;
    app.patch(&path)
        .bearer(&hire.ml.member.token)
        .json(end.clone())
        .send()
        .await
        .problem(404, "not_found");
    // The last hire's structure still may.
    app.patch(&path)
        .bearer(&hire.aci.member.token)
        .json(end)
        .send()
        .await
        .ok(200);
}
