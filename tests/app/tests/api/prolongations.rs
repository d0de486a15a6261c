//! The `prolong` component (issue 9 item 2): direct prolongations and requests to an authorized
//! prescriber organization through HTTP at fixed dates — R-PROL-1 (reasons, maxima, SENIOR_CDI's
//! checks), R-PROL-2 (the PASS end, the cumulative cap across reasons), R-PROL-3 (window, one
//! pending request), R-PROL-4 (grant, deny, races, reminders), who may act, bad input. Every
//! rule's edge is also tested natively in `shared/domain/src/prolongation.rs`.

use serde_json::{json, Value};
use tremplin_tests::{candidate_body, join_all, nir, TestApp, TestResponse};

use super::decisions::{end_authorization, TODAY};
use super::suspensions::{
    cancel_hire, hired_by, hired_on, pass_view, rehired_by_an_ei, suspend, Hired,
};

async fn prolong(app: &TestApp, token: &str, number: &str, body: Value) -> TestResponse {
    app.post(&format!("/api/v1/passes/{number}/prolongations"))
        .bearer(token)
        .json(body)
        .send()
        .await
}

async fn ask(app: &TestApp, hire: &Hired, reason: &str, end: &str) -> TestResponse {
    app.post(&format!(
        "/api/v1/passes/{}/prolongation-requests",
        hire.number
    ))
    .bearer(&hire.aci.member.token)
    .json(request_body(hire, reason, end))
    .send()
    .await
}

fn request_body(hire: &Hired, reason: &str, end: &str) -> Value {
    json!({"reason": reason, "end_at": end, "explanation": "Reconnaissance RQTH obtenue en mars.",
           "prescriber_organization_id": hire.ml.id, "assigned_to_email": hire.ml.member.email})
}

fn training(end: &str) -> Value {
    json!({"reason": "COMPLETE_TRAINING", "end_at": end, "explanation": "Formation CACES jusqu'en juin."})
}

/// The PASS of a hire on TODAY runs to 2028-02-29: the window opens on 2027-02-28 (R-PROL-3).
const IN_WINDOW: &str = "2027-03-01";

#[tokio::test]
async fn r_prol_1_2_a_direct_prolongation_moves_the_end_and_the_cap_counts_every_reason() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    let token = hire.aci.member.token.clone();
    app.set_today(IN_WINDOW);
    // COMPLETE_TRAINING: at most 365 days from the PASS end.
    let too_long = prolong(&app, &token, &hire.number, training("2029-03-01"))
        .await
        .problem(422, "invalid_prolongation_end");
    assert!(too_long["errors"]["end_at"][0]
        .as_str()
        .unwrap()
        .contains("2029-02-28"));
    prolong(&app, &token, &hire.number, training("2028-02-29"))
        .await
        .problem(422, "invalid_prolongation_end");
    let mark = app.audit_mark();
    let first = prolong(&app, &token, &hire.number, training("2029-02-28"))
        .await
        .ok(201);
    assert_eq!(
        (&first["start_at"], &first["end_at"]),
        (&json!("2028-02-29"), &json!("2029-02-28"))
    );
    assert_eq!(first["pass"]["end_at"], "2029-02-28");
    let audit = app.audit_since(mark);
    assert_eq!((audit.len(), audit[0].action.as_str()), (1, "prolong_pass"));
    // Two more years of training, each 365 days, each in its window: 1095 days in all.
    for (today, end) in [("2028-03-01", "2030-02-28"), ("2029-03-01", "2031-02-28")] {
        app.set_today(today);
        prolong(&app, &token, &hire.number, training(end))
            .await
            .ok(201);
    }
    app.set_today("2030-03-01");
    // RQTH's cap is 1095 days of all granted prolongations, whatever their reason: reached.
    ask(&app, &hire, "RQTH", "2031-06-01")
        .await
        .problem(422, "prolongation_cap_reached");
    // SENIOR's cap is 1825: a full year is still open.
    let preview = app
        .post(&format!(
            "/api/v1/passes/{}/prolongation-requests?dry_run=true",
            hire.number
        ))
        .bearer(&token)
        .json(request_body(&hire, "SENIOR", "2032-02-28"))
        .send()
        .await
        .ok(200);
    assert_eq!(preview["dry_run"], true);
    ask(&app, &hire, "SENIOR", "2032-02-29")
        .await
        .problem(422, "invalid_prolongation_end");
    let view = pass_view(&app, &token, &hire.number).await;
    assert_eq!(view["end_at"], "2031-02-28");
    let reasons: Vec<&str> = view["prolongations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["COMPLETE_TRAINING"; 3]);
    assert_eq!(view["prolongations"][0]["structure"]["id"], hire.aci.id);
    assert_eq!(
        app.count("prolongation_requests"),
        0,
        "the preview wrote nothing"
    );
}

#[tokio::test]
async fn r_prol_3_the_window_edges_12_months_before_and_6_months_after_the_end() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    let path = format!("/api/v1/passes/{}/prolongations?dry_run=true", hire.number);
    for (today, inside) in [
        ("2027-02-27", false),
        ("2027-02-28", true),
        ("2028-08-29", true),
        ("2028-08-30", false),
    ] {
        app.set_today(today);
        let answer = app
            .post(&path)
            .bearer(&hire.aci.member.token)
            .json(training("2029-01-31"))
            .send()
            .await;
        if inside {
            assert_eq!(answer.ok(200)["pass"]["end_at"], "2029-01-31", "{today}");
        } else {
            answer.problem(422, "outside_prolongation_window");
        }
    }
}

#[tokio::test]
async fn r_prol_3_never_while_suspended_and_r_prol_1_senior_cdi_needs_57_years_and_12_months() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    let token = hire.aci.member.token.clone();
    app.set_today(IN_WINDOW);
    suspend(
        &app,
        &token,
        &hire.number,
        json!({"start_at": IN_WINDOW, "end_at": "2027-03-10", "reason": "CONTRACT_SUSPENDED"}),
    )
    .await
    .ok(201);
    prolong(&app, &token, &hire.number, training("2029-01-31"))
        .await
        .problem(422, "pass_suspended");
    app.set_today("2027-03-11");
    // Léa was born in 1990: too young for the CDI inclusion prolongation.
    let senior = json!({"reason": "SENIOR_CDI", "end_at": "2030-01-31"});
    let young = prolong(&app, &token, &hire.number, senior.clone())
        .await
        .problem(422, "validation_failed");
    assert!(young["errors"]["reason"][0]
        .as_str()
        .unwrap()
        .contains("57 ans"));

    // A candidate born on 1969-03-11 is 57 on 2026-03-11; their PASS started that day.
    let mut app = TestApp::spawn().await;
    let mut body = candidate_body("jean.senior@example.fr", 7);
    body["title"] = json!("M");
    body["first_name"] = json!("Jean");
    body["birthdate"] = json!("1969-03-11");
    body["nir"] = json!(nir(1, 1969, 3, "75", 7));
    let (_, ei, number) = hired_by(&mut app, "EI", body, "2026-03-11").await;
    app.set_today("2027-03-10");
    let early = prolong(&app, &ei.member.token, &number, senior.clone())
        .await
        .problem(422, "validation_failed");
    assert!(
        early["errors"]["reason"][0]
            .as_str()
            .unwrap()
            .contains("12 mois"),
        "{early}"
    );
    app.set_today("2027-03-11");
    let granted = prolong(&app, &ei.member.token, &number, senior)
        .await
        .ok(201);
    assert_eq!(granted["pass"]["end_at"], "2030-01-31");
    // The request reasons cannot be declared directly, and the other way round.
    prolong(
        &app,
        &ei.member.token,
        &number,
        json!({"reason": "RQTH", "end_at": "2031-01-31"}),
    )
    .await
    .problem(422, "validation_failed");
}

#[tokio::test]
async fn r_prol_4_a_request_is_granted_by_the_organization_asked_and_the_pass_end_follows() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today(IN_WINDOW);
    app.outbox_settled().await;
    let earlier = app.mail_to(&hire.ml.member.email, 0).await.len();
    let created = ask(&app, &hire, "RQTH", "2029-02-28").await.ok(201);
    assert_eq!(created["state"], "pending");
    let id = created["id"].as_str().unwrap().to_owned();
    let mail = app.mail_to(&hire.ml.member.email, earlier + 1).await;
    let asked = mail
        .iter()
        .find(|m| m["subject"].as_str().unwrap().contains("prolongation"))
        .expect("the request");
    assert!(asked["text"]
        .as_str()
        .unwrap()
        .contains("/prolongations.html"));
    // R-PROL-3: one pending request per PASS, and no direct prolongation while it waits (it
    // would move the end the request starts on).
    ask(&app, &hire, "SENIOR", "2029-01-31")
        .await
        .problem(409, "prolongation_request_pending");
    prolong(
        &app,
        &hire.aci.member.token,
        &hire.number,
        training("2029-01-31"),
    )
    .await
    .problem(409, "prolongation_request_pending");
    // The organization asked lists it; another authorized one does not, nor may it decide.
    let pending = app
        .get("/api/v1/prolongation-requests?state=pending")
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(pending["count"], 1);
    assert_eq!(pending["results"][0]["id"], id);
    assert_eq!(pending["results"][0]["pass"]["number"], hire.number);
    let other = app
        .organization("prescriber", "FT", Some("VALIDATED"))
        .await;
    let theirs = app
        .get("/api/v1/prolongation-requests")
        .bearer(&other.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(theirs["count"], 0);
    let grant = format!("/api/v1/prolongation-requests/{id}/grant");
    app.outbox_settled().await;
    let before = app.snapshot();
    app.post(&grant)
        .bearer(&other.member.token)
        .send()
        .await
        .problem(404, "not_found");
    app.post(&grant)
        .bearer(&hire.aci.member.token)
        .send()
        .await
        .problem(403, "forbidden");
    app.post(&grant)
        .send()
        .await
        .problem(401, "unauthenticated");
    assert_eq!(app.snapshot(), before, "nothing written");
    // The structure sees its own request.
    let made = app
        .get("/api/v1/prolongation-requests")
        .bearer(&hire.aci.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(made["results"][0]["state"], "pending");
    let mark = app.audit_mark();
    // Any member of the organization decides: its admin here.
    let granted = app
        .post(&grant)
        .bearer(&hire.ml.admin.token)
        .send()
        .await
        .ok(200);
    assert_eq!(granted["state"], "granted");
    assert_eq!(granted["prolongation"]["pass"]["end_at"], "2029-02-28");
    let audit = app.audit_since(mark);
    assert!(audit
        .iter()
        .any(|a| a.action == "prolong_pass"
            && a.organization_id.as_deref() == Some(hire.ml.id.as_str())));
    app.post(&grant)
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .problem(409, "request_already_decided");
    let view = pass_view(&app, &hire.aci.member.token, &hire.number).await;
    assert_eq!(view["end_at"], "2029-02-28");
    assert_eq!(view["prolongations"][0]["request_id"], id);
    assert_eq!(view["prolongation_requests"][0]["state"], "granted");
    app.outbox_settled().await;
    let structure_mail = app.mail_to(&hire.aci.member.email, 1).await;
    assert!(structure_mail
        .iter()
        .any(|m| m["subject"].as_str().unwrap().contains("Accordée")));
}

#[tokio::test]
async fn r_prol_4_a_denial_needs_a_reason_an_explanation_and_with_iae_an_action() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today(IN_WINDOW);
    let id = ask(&app, &hire, "SENIOR", "2029-01-31").await.ok(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let deny = format!("/api/v1/prolongation-requests/{id}/deny");
    let token = &hire.ml.member.token;
    app.outbox_settled().await;
    let before = app.snapshot();
    let no_action = app
        .post(&deny)
        .bearer(token)
        .json(json!({"reason": "IAE", "explanation": "Sortie vers l'emploi classique."}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert!(no_action["errors"]["proposed_actions"].is_array());
    let bad = app
        .post(&deny)
        .bearer(token)
        .json(json!({"reason": "NOPE", "explanation": " ", "proposed_actions": ["X"]}))
        .send()
        .await
        .problem(422, "validation_failed");
    for field in ["reason", "explanation", "proposed_actions"] {
        assert!(bad["errors"][field].is_array(), "{field}: {bad}");
    }
    app.post(&deny)
        .bearer(token)
        .raw("{")
        .send()
        .await
        .problem(400, "malformed_json");
    app.post(&deny)
        .bearer(token)
        .json(json!({"reason": "IAE"}))
        .send()
        .await
        .problem(400, "invalid_body");
    assert_eq!(app.snapshot(), before, "nothing written");
    let denied = app.post(&deny).bearer(token)
        .json(json!({"reason": "IAE", "explanation": "Sortie vers l'emploi classique.", "proposed_actions": ["EXIT_IAE"]}))
        .send().await.ok(200);
    assert_eq!(denied["state"], "denied");
    assert_eq!(denied["deny_reason"]["code"], "IAE");
    assert_eq!(denied["proposed_actions"][0]["code"], "EXIT_IAE");
    let view = pass_view(&app, &hire.aci.member.token, &hire.number).await;
    assert_eq!(view["end_at"], "2028-02-29", "the PASS end is unchanged");
    assert_eq!(
        view["history"].as_array().unwrap().last().unwrap()["action"],
        "deny_prolongation"
    );
    // Denied, the PASS may be asked again.
    ask(&app, &hire, "RQTH", "2029-01-31").await.ok(201);
}

#[tokio::test]
async fn r_prol_4_two_racing_grants_give_one_prolongation_and_a_409() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today(IN_WINDOW);
    let id = ask(&app, &hire, "RQTH", "2029-02-28").await.ok(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let grant = format!("/api/v1/prolongation-requests/{id}/grant");
    let answers = join_all(vec![
        app.post(&grant).bearer(&hire.ml.member.token).spawn(),
        app.post(&grant).bearer(&hire.ml.admin.token).spawn(),
    ])
    .await;
    let mut statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    assert_eq!(app.count("prolongations"), 1);
    assert_eq!(
        pass_view(&app, &hire.aci.member.token, &hire.number).await["end_at"],
        "2029-02-28"
    );
}

#[tokio::test]
async fn r_prol_4_a_grant_rechecks_the_pass_end_and_the_request_stays_pending() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today(IN_WINDOW);
    let id = ask(&app, &hire, "RQTH", "2029-02-28").await.ok(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A suspension moves the PASS end: the asked prolongation no longer starts on it.
    suspend(
        &app,
        &hire.aci.member.token,
        &hire.number,
        json!({"start_at": IN_WINDOW, "end_at": "2027-03-05", "reason": "CONTRACT_SUSPENDED"}),
    )
    .await
    .ok(201);
    app.set_today("2027-03-06");
    app.post(&format!("/api/v1/prolongation-requests/{id}/grant"))
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .problem(409, "prolongation_overlap");
    assert_still_pending(&app, &hire, &id).await;
    assert_eq!(app.count("prolongations"), 0);
}

#[tokio::test]
async fn r_prol_4_reminders_go_to_the_organization_10_20_and_30_days_after_while_pending() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today(IN_WINDOW);
    let id = ask(&app, &hire, "RQTH", "2029-02-28").await.ok(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (today, expected) in [
        ("2027-03-10", 0),
        ("2027-03-11", 1),
        ("2027-03-11", 1),
        ("2027-03-20", 1),
        ("2027-03-21", 2),
        ("2027-03-31", 3),
        ("2027-04-30", 3),
    ] {
        app.set_today(today);
        app.deliver().await;
        assert_eq!(
            reminders_to(&app, &hire.ml.member.email),
            expected,
            "on {today}"
        );
    }
    // Its admin gets them too; a decided request gets no more.
    let admin_mail = app.mail_to(&hire.ml.admin.email, 3).await;
    let to_admin = admin_mail
        .iter()
        .filter(|m| m["subject"].as_str().unwrap().starts_with("Rappel"));
    assert_eq!(to_admin.count(), 3);
    let id2 = {
        app.post(&format!("/api/v1/prolongation-requests/{id}/deny"))
            .bearer(&hire.ml.member.token)
            .json(json!({"reason": "DURATION", "explanation": "Six mois suffiront."}))
            .send()
            .await
            .ok(200);
        app.set_today("2027-04-01");
        ask(&app, &hire, "RQTH", "2028-08-31").await.ok(201)["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    app.post(&format!("/api/v1/prolongation-requests/{id2}/grant"))
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .ok(200);
    app.set_today("2027-06-01");
    app.deliver().await;
    assert_eq!(
        reminders_to(&app, &hire.ml.member.email),
        3,
        "none for decided requests"
    );
}

#[tokio::test]
async fn who_may_prolong_the_hiring_structure_only_and_bad_input_writes_nothing() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today(IN_WINDOW);
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
    app.outbox_settled().await;
    let before = app.snapshot();
    let body = training("2029-01-31");
    prolong(&app, &ei.member.token, &hire.number, body.clone())
        .await
        .problem(403, "forbidden");
    prolong(&app, &hire.ml.member.token, &hire.number, body.clone())
        .await
        .problem(403, "forbidden");
    prolong(&app, &orienteur.member.token, &hire.number, body.clone())
        .await
        .problem(404, "not_found");
    let path = format!("/api/v1/passes/{}/prolongation-requests", hire.number);
    let post = |path: &str| app.post(path).bearer(&hire.aci.member.token);
    post(&path)
        .raw("[]")
        .send()
        .await
        .problem(400, "invalid_body");
    let wrong = post(&path)
        .json(json!({"reason": "PARTICULAR_DIFFICULTIES", "end_at": "2029-02-30", "explanation": "",
                     "prescriber_organization_id": orienteur.id, "assigned_to_email": orienteur.member.email}))
        .send()
        .await
        .problem(422, "validation_failed");
    for field in ["end_at", "explanation", "prescriber_organization_id"] {
        assert!(wrong["errors"][field].is_array(), "{field}: {wrong}");
    }
    post("/api/v1/passes/999990009999/prolongations")
        .json(body.clone())
        .send()
        .await
        .problem(404, "not_found");
    app.get("/api/v1/prolongation-requests?state=nope")
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .problem(400, "invalid_state");
    app.get("/api/v1/prolongation-requests")
        .send()
        .await
        .problem(401, "unauthenticated");
    app.get("/api/v1/prolongation-requests/preq_unknown")
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .problem(404, "not_found");
    app.post("/api/v1/prolongation-requests/preq_unknown/grant")
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .problem(404, "not_found");
    app.delete(&path)
        .bearer(&hire.aci.member.token)
        .send()
        .await
        .problem(405, "method_not_allowed");
    assert_eq!(app.snapshot(), before, "no table changed");
    // An outsider as the member asked is refused, and counted like a failed login: after 5
    // misses in 15 minutes, 429 (the answer would otherwise list who works where).
    let mut stranger = request_body(&hire, "PARTICULAR_DIFFICULTIES", "2029-01-31");
    stranger["assigned_to_email"] = json!(ei.member.email);
    for _ in 0..5 {
        let not_member = post(&format!("{path}?dry_run=true"))
            .json(stranger.clone())
            .send()
            .await
            .problem(422, "validation_failed");
        assert!(not_member["errors"]["assigned_to_email"].is_array());
    }
    // Then even a right address waits (the check comes before any lookup).
    post(&path)
        .json(request_body(&hire, "RQTH", "2029-01-31"))
        .send()
        .await
        .problem(429, "rate_limited");
    let changed: Vec<String> = app
        .snapshot()
        .into_iter()
        .zip(before)
        .filter(|(now, then)| now != then)
        .map(|(now, _)| now.0)
        .collect();
    assert_eq!(changed, ["login_throttle"], "the count is all they wrote");
    // PARTICULAR_DIFFICULTIES is for AI and ACI/ACIPHC: the ACI may ask it (another member, so
    // another throttle pair).
    let asked = app
        .post(&path)
        .bearer(&hire.aci.admin.token)
        .json(request_body(&hire, "PARTICULAR_DIFFICULTIES", "2029-01-31"))
        .send()
        .await
        .ok(201);
    assert_eq!(asked["reason"], "PARTICULAR_DIFFICULTIES");
}

#[tokio::test]
async fn r_prol_3_a_grant_is_refused_while_the_pass_is_suspended_and_stays_pending() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today(IN_WINDOW);
    let id = ask(&app, &hire, "RQTH", "2029-02-28").await.ok(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A one-day suspension today adds 0 days: the PASS end stays where the request starts.
    suspend(
        &app,
        &hire.aci.member.token,
        &hire.number,
        json!({"start_at": IN_WINDOW, "end_at": IN_WINDOW, "reason": "CONTRACT_SUSPENDED"}),
    )
    .await
    .ok(201);
    app.post(&format!("/api/v1/prolongation-requests/{id}/grant"))
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .problem(409, "pass_suspended");
    app.set_today("2027-03-02");
    app.post(&format!("/api/v1/prolongation-requests/{id}/grant"))
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .ok(200);
}

/// The organization asked still reads the request as pending (a refused answer changed nothing).
async fn assert_still_pending(app: &TestApp, hire: &Hired, id: &str) {
    let request = app
        .get(&format!("/api/v1/prolongation-requests/{id}"))
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(request["state"], "pending");
}

fn request_path(id: &str, act: &str) -> String {
    format!("/api/v1/prolongation-requests/{id}/{act}")
}

async fn asked_id(app: &TestApp, hire: &Hired, reason: &str, end: &str) -> String {
    ask(app, hire, reason, end).await.ok(201)["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The organization's requests in `state`, as its member sees them.
async fn listed(app: &TestApp, token: &str, state: &str) -> Value {
    app.get(&format!("/api/v1/prolongation-requests?state={state}"))
        .bearer(token)
        .send()
        .await
        .ok(200)
}

#[tokio::test]
async fn the_structure_withdraws_its_pending_request_and_may_then_ask_another() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today(IN_WINDOW);
    let id = asked_id(&app, &hire, "RQTH", "2029-02-28").await;
    let withdraw = request_path(&id, "withdraw");
    let stranger = app.organization("structure", "ACI", None).await;
    app.outbox_settled().await;
    let earlier = app.mail_to(&hire.ml.member.email, 0).await.len();
    let before = app.snapshot();
    // The organization asked cannot withdraw it, nor can another structure see it.
    app.post(&withdraw)
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .problem(403, "forbidden");
    app.post(&withdraw)
        .bearer(&stranger.member.token)
        .send()
        .await
        .problem(404, "not_found");
    app.post(&withdraw)
        .send()
        .await
        .problem(401, "unauthenticated");
    let preview = app
        .post(&format!("{withdraw}?dry_run=true"))
        .bearer(&hire.aci.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(
        (preview["dry_run"].clone(), preview["state"].clone()),
        (json!(true), json!("withdrawn"))
    );
    assert_eq!(app.snapshot(), before, "nothing written");

    let mark = app.audit_mark();
    let withdrawn = app
        .post(&withdraw)
        .bearer(&hire.aci.admin.token)
        .send()
        .await
        .ok(200);
    assert_eq!(withdrawn["state"], "withdrawn");
    assert_eq!(withdrawn["state_label"], "Retirée");
    assert!(withdrawn["decided_at"].is_string());
    assert_eq!(
        withdrawn["pass"]["end_at"], "2028-02-29",
        "the PASS end unchanged"
    );
    let audit = app.audit_since(mark);
    assert!(audit
        .iter()
        .any(|a| a.action == "withdraw_prolongation_request"
            && a.organization_id.as_deref() == Some(hire.aci.id.as_str())));
    let mail = app.mail_to(&hire.ml.member.email, earlier + 1).await;
    assert!(mail
        .iter()
        .any(|m| m["subject"].as_str().unwrap().contains("retirée")));
    // It no longer waits: not in the pending list, no answer, no second withdrawal.
    assert_eq!(
        listed(&app, &hire.ml.member.token, "pending").await["count"],
        0
    );
    assert_eq!(
        listed(&app, &hire.ml.member.token, "withdrawn").await["count"],
        1
    );
    for act in ["grant", "withdraw"] {
        let token = if act == "grant" {
            &hire.ml.member.token
        } else {
            &hire.aci.member.token
        };
        let late = app
            .post(&request_path(&id, act))
            .bearer(token)
            .send()
            .await
            .problem(409, "request_already_decided");
        assert_eq!(late["errors"]["state"][0], "withdrawn");
    }
    assert_eq!(app.count("prolongations"), 0);
    // R-PROL-3 counts pending requests only: the structure asks again.
    ask(&app, &hire, "RQTH", "2029-01-31").await.ok(201);
    let view = pass_view(&app, &hire.aci.member.token, &hire.number).await;
    let states: Vec<&str> = view["prolongation_requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["withdrawn", "pending"]);
    assert_eq!(
        view["prolongation_requests"][0]["structure"]["id"],
        hire.aci.id
    );
}

#[tokio::test]
async fn r_pass_7_a_cancelled_pass_takes_its_pending_request_and_reminders_with_it() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today(IN_WINDOW);
    let id = asked_id(&app, &hire, "RQTH", "2029-02-28").await;
    cancel_hire(&app, &hire).await;
    assert_eq!(
        listed(&app, &hire.ml.member.token, "pending").await["count"],
        0
    );
    assert_eq!(
        listed(&app, &hire.aci.member.token, "pending").await["count"],
        0
    );
    app.get(&format!("/api/v1/prolongation-requests/{id}"))
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .problem(404, "not_found");
    app.post(&request_path(&id, "grant"))
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .problem(404, "not_found");
    app.set_today("2027-04-15");
    app.deliver().await;
    assert_eq!(reminders_to(&app, &hire.ml.member.email), 0);
    assert_eq!(app.count("prolongations"), 0);
}

fn reminders_to(app: &TestApp, email: &str) -> i64 {
    app.db()
        .query_row(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'prolongation_reminder' AND recipient = ?1",
            [email],
            |row| row.get::<_, i64>(0),
        )
        .unwrap()
}

#[tokio::test]
async fn r_prol_4_a_missed_sweep_sends_one_reminder_and_none_go_to_an_organization_no_longer_authorized(
) {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today(IN_WINDOW);
    let id = asked_id(&app, &hire, "RQTH", "2029-02-28").await;
    // No delivery call for 25 days: the 10- and 20-day reminders are one message.
    app.set_today("2027-03-26");
    app.deliver().await;
    assert_eq!(reminders_to(&app, &hire.ml.member.email), 1);
    let sent = |app: &TestApp| {
        app.db()
            .query_row(
                "SELECT reminders_sent FROM prolongation_requests WHERE id = ?1",
                [&id],
                |row| row.get::<_, i64>(0),
            )
            .unwrap()
    };
    assert_eq!(sent(&app), 2);
    // The organization loses its authorization: it can no longer answer, nor is reminded.
    end_authorization(&app, &hire.ml.id).await;
    app.set_today("2027-03-31");
    app.deliver().await;
    assert_eq!(reminders_to(&app, &hire.ml.member.email), 1);
    assert_eq!(sent(&app), 3, "counted, so that it never blocks the sweep");
    // R-ORG-4: no longer authorized, it is treated as an orienteur: its requests are closed to it.
    app.get("/api/v1/prolongation-requests")
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .problem(403, "forbidden");
    app.get(&format!("/api/v1/prolongation-requests/{id}"))
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .problem(403, "forbidden");
}

#[tokio::test]
async fn r_prol_3_two_racing_requests_on_one_pass_give_one_and_a_409() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today(IN_WINDOW);
    let path = format!("/api/v1/passes/{}/prolongation-requests", hire.number);
    let answers = join_all(
        [&hire.aci.member.token, &hire.aci.admin.token]
            .into_iter()
            .map(|token| {
                app.post(&path)
                    .bearer(token)
                    .json(request_body(&hire, "RQTH", "2029-02-28"))
                    .spawn()
            })
            .collect(),
    )
    .await;
    let mut statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    statuses.sort();
    assert_eq!(statuses, [201, 409]);
    let lost = answers.iter().find(|a| a.status == 409).unwrap();
    assert_eq!(lost.json()["code"], "prolongation_request_pending");
    assert_eq!(app.count("prolongation_requests"), 1);
}

#[tokio::test]
async fn r_prol_1_senior_cdi_from_57_exactly_and_particular_difficulties_not_for_an_ei() {
    let mut app = TestApp::spawn().await;
    // Born on 1970-03-11: 57 on 2027-03-11; hired by an EI on 2026-03-01 (12 months by then).
    let mut body = candidate_body("jean.senior@example.fr", 8);
    body["title"] = json!("M");
    body["first_name"] = json!("Jean");
    body["birthdate"] = json!("1970-03-11");
    body["nir"] = json!(nir(1, 1970, 3, "75", 8));
    let (ml, ei, number) = hired_by(&mut app, "EI", body, "2026-03-01").await;
    let senior = json!({"reason": "SENIOR_CDI", "end_at": "2030-01-31"});
    app.set_today("2027-03-10");
    let young = prolong(&app, &ei.member.token, &number, senior.clone())
        .await
        .problem(422, "validation_failed");
    assert!(
        young["errors"]["reason"][0]
            .as_str()
            .unwrap()
            .contains("57 ans"),
        "{young}"
    );
    // R-PROL-1: PARTICULAR_DIFFICULTIES is for AI and ACI/ACIPHC only.
    let refused = app
        .post(&format!("/api/v1/passes/{number}/prolongation-requests"))
        .bearer(&ei.member.token)
        .json(
            json!({"reason": "PARTICULAR_DIFFICULTIES", "end_at": "2029-01-31",
                     "explanation": "Difficultés de logement.", "prescriber_organization_id": ml.id,
                     "assigned_to_email": ml.member.email}),
        )
        .send()
        .await
        .problem(422, "validation_failed");
    assert!(refused["errors"]["reason"].is_array(), "{refused}");
    assert_eq!(app.count("prolongation_requests"), 0);
    app.set_today("2027-03-11");
    let granted = prolong(&app, &ei.member.token, &number, senior)
        .await
        .ok(201);
    assert_eq!(granted["pass"]["end_at"], "2030-01-31");
}

#[tokio::test]
async fn r_prol_3_4_a_grant_rechecks_the_window_and_that_the_structure_still_hires() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    // The window closes 6 months after the end, 2028-08-29: asked that day, granted the next.
    app.set_today("2028-08-29");
    let id = asked_id(&app, &hire, "RQTH", "2029-02-28").await;
    app.set_today("2028-08-30");
    app.post(&request_path(&id, "grant"))
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .problem(409, "outside_prolongation_window");
    assert_still_pending(&app, &hire, &id).await;

    // An EI hires on the same PASS; the ACI asks, then cancels its own hire (R-PASS-7: the PASS
    // stays, the EI uses it): the ACI no longer hires on it (R-PROL-4).
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today("2026-06-01");
    rehired_by_an_ei(&app, &hire, "2026-06-10").await;
    app.set_today(IN_WINDOW);
    let id = asked_id(&app, &hire, "RQTH", "2029-02-28").await;
    cancel_hire(&app, &hire).await;
    app.post(&request_path(&id, "grant"))
        .bearer(&hire.ml.member.token)
        .send()
        .await
        .problem(409, "structure_no_longer_hiring");
    assert_eq!(app.count("prolongations"), 0);
}

#[tokio::test]
async fn a_withdrawal_racing_a_grant_leaves_one_winner_and_a_409() {
    let mut app = TestApp::spawn().await;
    let hire = hired_on(&mut app, TODAY).await;
    app.set_today(IN_WINDOW);
    let id = asked_id(&app, &hire, "RQTH", "2029-02-28").await;
    let answers = join_all(vec![
        app.post(&request_path(&id, "withdraw"))
            .bearer(&hire.aci.member.token)
            .spawn(),
        app.post(&request_path(&id, "grant"))
            .bearer(&hire.ml.member.token)
            .spawn(),
    ])
    .await;
    let mut statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let lost = answers.iter().find(|a| a.status == 409).unwrap();
    assert_eq!(lost.json()["code"], "request_already_decided");
    // The PASS follows the winner: prolonged only if the grant won.
    let granted = answers[1].status == 200;
    assert_eq!(app.count("prolongations"), i64::from(granted));
    let end = pass_view(&app, &hire.aci.member.token, &hire.number).await["end_at"].clone();
    assert_eq!(end, if granted { "2029-02-28" } else { "2028-02-29" });
}
