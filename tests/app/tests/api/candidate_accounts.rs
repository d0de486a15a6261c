//! Candidate accounts (issue 7 item 2): self-registration by e-mailed code, the professional's
//! invitation, acceptance creating an account without membership that is linked to the candidate
//! record, `/me`, the candidate's own box; existing addresses, throttling and bad input.

use serde_json::{json, Value};
use tremplin_tests::{candidate_body, invitation_code, Org, TestApp, TestResponse, PASSWORD};

async fn register(app: &TestApp, email: &str) -> TestResponse {
    app.post("/api/v1/auth/register")
        .json(json!({"email": email, "first_name": "Léa", "last_name": "Martin"}))
        .send()
        .await
}

/// The code of the newest message carrying one to `email`, once it has at least `count`
/// messages (others, such as an application's notification, may arrive in any order).
async fn code_sent_to(app: &TestApp, email: &str, count: usize) -> String {
    let mails = app.mail_to(email, count).await;
    let mail = mails
        .iter()
        .rev()
        .find(|m| m["text"].as_str().unwrap().contains("?code="))
        .expect("a message with a code");
    let text = mail["text"].as_str().unwrap();
    assert!(
        text.contains("/invitation.html?code=") && text.contains("&candidat=1"),
        "{text}"
    );
    invitation_code(mail)
}

async fn accept(app: &TestApp, code: &str, body: Value) -> TestResponse {
    app.post(&format!("/api/v1/invitations/{code}/accept"))
        .json(body)
        .send()
        .await
}

/// A GET that must succeed, as the holder of `token`.
async fn read(app: &TestApp, token: &str, path: &str) -> Value {
    app.get(path).bearer(token).send().await.ok(200)
}

async fn me(app: &TestApp, token: &str) -> Value {
    read(app, token, "/api/v1/me").await
}

/// An authorized prescriber organization and the id of a candidate it registered (Léa Martin).
async fn prescriber_and_candidate(app: &TestApp) -> (Org, String) {
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let record = app
        .candidate(&ml.member.token, candidate_body("lea.martin@example.fr", 1))
        .await;
    (ml, record["id"].as_str().unwrap().to_owned())
}

fn users_with(app: &TestApp, email: &str) -> i64 {
    app.db()
        .query_row("SELECT COUNT(*) FROM users WHERE email = ?", [email], |r| {
            r.get(0)
        })
        .unwrap()
}

#[tokio::test]
async fn a_candidate_registers_accepts_the_mailed_code_logs_in_and_fills_in_their_identity() {
    let app = TestApp::spawn().await;
    app.get("/api/v1/health").send().await.ok(200); // migrates
    let mark = app.audit_mark();

    let answer = register(&app, "Lea.Martin@Example.fr").await.ok(202);

    assert_eq!(answer, json!({"status": "sent"}));
    assert_eq!(
        users_with(&app, "lea.martin@example.fr"),
        0,
        "no account before the code"
    );
    let code = code_sent_to(&app, "lea.martin@example.fr", 1).await;
    let accepted = accept(&app, &code, json!({"password": PASSWORD}))
        .await
        .ok(200);
    assert_eq!(accepted["candidate"], Value::Null, "no record to link yet");
    assert_eq!(accepted["status"], "active");
    assert!(accepted.get("organization_id").is_none());
    let token = app.token("lea.martin@example.fr").await;
    let before = me(&app, &token).await;
    assert_eq!(before["user"]["first_name"], "Léa");
    assert_eq!(before["user"]["id"], accepted["user_id"]);
    assert_eq!(before["memberships"], json!([]));
    assert_eq!(before["acting_organization_id"], Value::Null);
    assert_eq!(before["candidate"], Value::Null);
    // Their own identity creates the record, linked to the account, NIR in full.
    let own = app
        .post("/api/v1/candidates")
        .bearer(&token)
        .json(candidate_body("lea.martin@example.fr", 1))
        .send()
        .await
        .ok(201);
    assert_eq!(own["has_account"], true);
    assert_eq!(own["nir_masked"], false);
    let after = me(&app, &token).await;
    assert_eq!(
        after["candidate"],
        json!({"id": own["id"], "first_name": "Léa", "last_name": "Martin"})
    );
    let box_ = read(&app, &token, "/api/v1/applications").await;
    assert_eq!(box_["results"], json!([]));
    assert_eq!(box_["count"], 0);
    // The code served once.
    accept(&app, &code, json!({"password": PASSWORD}))
        .await
        .problem(409, "invitation_used");
    let actions: Vec<String> = app
        .audit_since(mark)
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(
        actions[..2],
        [
            "register".to_owned(),
            "accept_candidate_invitation".to_owned()
        ]
    );
    assert!(
        actions.contains(&"create_candidate".to_owned()),
        "{actions:?}"
    );
}

#[tokio::test]
async fn self_registration_links_the_record_a_prescriber_created_once_the_address_is_proven() {
    let app = TestApp::spawn().await;
    let (ml, id) = prescriber_and_candidate(&app).await;
    let id = id.as_str();
    let aci = app.organization("structure", "ACI", None).await;
    app.apply(&ml.member.token, &aci.id, id).await.ok(201);

    register(&app, "lea.martin@example.fr").await.ok(202);

    // Registering alone gives nobody the record: only the code's holder gets it.
    assert_eq!(
        app.candidate(&ml.member.token, candidate_body("lea.martin@example.fr", 1))
            .await["has_account"],
        false
    );
    let code = code_sent_to(&app, "lea.martin@example.fr", 2).await;
    let accepted = accept(&app, &code, json!({"password": PASSWORD}))
        .await
        .ok(200);
    assert_eq!(accepted["candidate"], json!({"id": id}));
    let token = app.token("lea.martin@example.fr").await;
    assert_eq!(me(&app, &token).await["candidate"]["id"], id);
    let own = read(&app, &token, &format!("/api/v1/candidates/{id}")).await;
    assert_eq!(own["nir_masked"], false);
    // Their box holds the application the prescriber sent for them.
    let box_ = read(&app, &token, "/api/v1/applications").await;
    assert_eq!(box_["count"], 1);
    assert_eq!(box_["results"][0]["structure"]["id"], aci.id.as_str());
}

#[tokio::test]
async fn a_professional_who_knows_the_candidate_invites_them_and_nobody_else_can() {
    let app = TestApp::spawn().await;
    let (ml, id) = prescriber_and_candidate(&app).await;
    let id = id.as_str();
    let outsider = app.organization("prescriber", "CCAS", None).await;
    let path = format!("/api/v1/candidates/{id}/invitations");
    let before = app.snapshot();

    app.post(&path)
        .bearer(&outsider.member.token)
        .json(json!({}))
        .send()
        .await
        .problem(404, "not_found");
    app.post(&path).send().await.problem(401, "unauthenticated");
    assert_eq!(app.snapshot(), before, "refused invitations write nothing");
    let mark = app.audit_mark();
    let invitation = app
        .post(&path)
        .bearer(&ml.member.token)
        .json(json!({}))
        .send()
        .await
        .ok(201);

    assert_eq!(invitation["email"], "lea.martin@example.fr");
    assert!(invitation.get("code").is_none(), "the inviter got the code");
    let days: i64 = app
        .db()
        .query_row(
            "SELECT CAST(round(julianday(?) - julianday('now')) AS INTEGER)",
            [invitation["expires_at"].as_str().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(days, 14);
    let audit = app.audit_since(mark);
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "invite_candidate");
    assert_eq!(audit[0].organization_id.as_deref(), Some(ml.id.as_str()));
    assert_eq!(
        audit[0].actor_user_id.as_deref(),
        Some(ml.member.id.as_str())
    );
    let mails = app.mail_to("lea.martin@example.fr", 1).await;
    let text = mails[0]["text"].as_str().unwrap();
    assert!(
        text.contains("Organisation") && text.contains("Bonjour Léa"),
        "{text}"
    );
    let nir = candidate_body("lea.martin@example.fr", 1)["nir"].clone();
    assert!(
        !mails[0].to_string().contains(nir.as_str().unwrap()),
        "no NIR in the mail"
    );
    let code = code_sent_to(&app, "lea.martin@example.fr", 1).await;
    let accepted = accept(&app, &code, json!({"password": PASSWORD}))
        .await
        .ok(200);
    assert_eq!(accepted["candidate"], json!({"id": id}));
    let token = app.token("lea.martin@example.fr").await;
    let own = me(&app, &token).await;
    assert_eq!(own["candidate"]["id"], id);
    assert_eq!(own["memberships"], json!([]));
    // Once the candidate has an account, inviting again is a conflict; a candidate never invites.
    app.post(&path)
        .bearer(&ml.member.token)
        .send()
        .await
        .problem(409, "candidate_has_account");
    app.post(&path)
        .bearer(&token)
        .send()
        .await
        .problem(403, "forbidden");
    let shown = read(&app, &ml.member.token, &format!("/api/v1/candidates/{id}")).await;
    assert_eq!(shown["has_account"], true);
}

#[tokio::test]
async fn an_invitation_accepted_after_the_record_got_an_account_creates_nothing() {
    let app = TestApp::spawn().await;
    let (ml, id) = prescriber_and_candidate(&app).await;
    let path = format!("/api/v1/candidates/{id}/invitations");
    app.post(&path)
        .bearer(&ml.member.token)
        .send()
        .await
        .ok(201);
    // A second invitation the same day is refused (one e-mail a day at most); the candidate
    // registering themselves gets a second code all the same.
    app.post(&path)
        .bearer(&ml.member.token)
        .send()
        .await
        .problem(409, "invitation_recently_sent");
    register(&app, "lea.martin@example.fr").await.ok(202);
    let first = code_sent_to(&app, "lea.martin@example.fr", 1).await;
    let second = code_sent_to(&app, "lea.martin@example.fr", 2).await;
    accept(&app, &first, json!({"password": PASSWORD}))
        .await
        .ok(200);
    app.outbox_settled().await;
    let before = app.snapshot();

    accept(&app, &second, json!({"password": PASSWORD}))
        .await
        .problem(409, "account_exists");

    assert_eq!(app.snapshot(), before);
}

#[tokio::test]
async fn registering_an_address_that_has_an_account_mails_its_owner_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    app.outbox_settled().await;
    let users = app.count("users");

    let answer = register(&app, &ml.member.email.to_uppercase())
        .await
        .ok(202);

    assert_eq!(
        answer,
        json!({"status": "sent"}),
        "the same answer as for a new address"
    );
    let mails = app.mail_to(&ml.member.email, 1).await;
    let text = mails[0]["text"].as_str().unwrap();
    assert!(text.contains("déjà un compte"), "{text}");
    assert!(
        !text.contains("code="),
        "no code for an existing account: {text}"
    );
    assert_eq!(app.count("candidate_invitations"), 0);
    assert_eq!(app.count("users"), users);
    // Same for a candidate's account.
    register(&app, "lea.martin@example.fr").await.ok(202);
    let code = code_sent_to(&app, "lea.martin@example.fr", 1).await;
    accept(&app, &code, json!({"password": PASSWORD}))
        .await
        .ok(200);
    register(&app, "lea.martin@example.fr").await.ok(202);
    let mails = app.mail_to("lea.martin@example.fr", 2).await;
    assert!(mails[1]["text"]
        .as_str()
        .unwrap()
        .contains("déjà un compte"));
    assert_eq!(app.count("candidate_invitations"), 1);
}

#[tokio::test]
async fn two_codes_for_one_address_make_one_account_and_a_logged_in_caller_makes_none() {
    let app = TestApp::spawn().await;
    register(&app, "lea.martin@example.fr").await.ok(202);
    register(&app, "lea.martin@example.fr").await.ok(202);
    let first = code_sent_to(&app, "lea.martin@example.fr", 1).await;
    let second = code_sent_to(&app, "lea.martin@example.fr", 2).await;
    accept(&app, &first, json!({"password": "short"}))
        .await
        .problem(422, "weak_password");
    app.post(&format!("/api/v1/invitations/{first}/accept"))
        .send()
        .await
        .problem(401, "unauthenticated");

    accept(&app, &first, json!({"password": PASSWORD}))
        .await
        .ok(200);

    let token = app.token("lea.martin@example.fr").await;
    app.post(&format!("/api/v1/invitations/{second}/accept"))
        .bearer(&token)
        .json(json!({}))
        .send()
        .await
        .problem(409, "account_exists");
    accept(&app, &second, json!({"password": PASSWORD}))
        .await
        .problem(409, "account_exists");
    assert_eq!(users_with(&app, "lea.martin@example.fr"), 1);
    // An expired code, and an unknown one.
    register(&app, "nina@example.fr").await.ok(202);
    let late = code_sent_to(&app, "nina@example.fr", 1).await;
    app.outbox_settled().await;
    app.db()
        .execute(
            "UPDATE candidate_invitations SET expires_at = '2000-01-01T00:00:00Z' WHERE email = 'nina@example.fr'",
            [],
        )
        .unwrap();
    accept(&app, &late, json!({"password": PASSWORD}))
        .await
        .problem(422, "invitation_expired");
    accept(&app, &"0".repeat(64), json!({"password": PASSWORD}))
        .await
        .problem(404, "not_found");
    assert_eq!(users_with(&app, "nina@example.fr"), 0);
}

#[tokio::test]
async fn registrations_are_throttled_like_logins_on_counters_of_their_own() {
    let app = TestApp::spawn().await;
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    for _ in 0..5 {
        register(&app, "lea.martin@example.fr").await.ok(202);
    }
    app.mail_to("lea.martin@example.fr", 5).await;
    app.outbox_settled().await;
    let before = app.snapshot();

    let refused = register(&app, "lea.martin@example.fr").await;

    refused.problem(429, "rate_limited");
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=180).contains(&retry), "Retry-After {retry}");
    assert_eq!(
        app.snapshot(),
        before,
        "a refused registration writes nothing"
    );
    // Registrations spend no login attempts: the owner of a registered address still logs in.
    for _ in 0..5 {
        register(&app, &ml.member.email).await.ok(202);
    }
    register(&app, &ml.member.email)
        .await
        .problem(429, "rate_limited");
    app.login(&ml.member.email, PASSWORD).await.ok(200);
}

#[tokio::test]
async fn bad_input_to_the_new_routes_is_a_problem_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let (ml, id) = prescriber_and_candidate(&app).await;
    register(&app, "nina@example.fr").await.ok(202);
    let code = code_sent_to(&app, "nina@example.fr", 1).await;
    app.outbox_settled().await;
    let before = app.snapshot();
    let register_path = "/api/v1/auth/register";
    let invite_path = format!("/api/v1/candidates/{id}/invitations");
    let accept_path = format!("/api/v1/invitations/{code}/accept");

    let cases: Vec<(&str, Option<&str>, Vec<u8>, u16, &str)> = vec![
        (
            register_path,
            None,
            b"{\"email\": ".to_vec(),
            400,
            "malformed_json",
        ),
        (register_path, None, b"".to_vec(), 400, "empty_body"),
        (register_path, None, b"[]".to_vec(), 400, "invalid_body"),
        (
            register_path,
            None,
            br#"{"email": "a@b.fr", "first_name": "A", "last_name": "B", "password": "x"}"#
                .to_vec(),
            400,
            "invalid_body",
        ),
        (
            register_path,
            None,
            br#"{"email": "a@b.fr", "first_name": "A"}"#.to_vec(),
            400,
            "invalid_body",
        ),
        (
            register_path,
            None,
            br#"{"email": 12, "first_name": "A", "last_name": "B"}"#.to_vec(),
            400,
            "invalid_body",
        ),
        (
            register_path,
            None,
            br#"{"email": "not-an-email", "first_name": "A", "last_name": "B"}"#.to_vec(),
            422,
            "validation_failed",
        ),
        (
            register_path,
            None,
            br#"{"email": "a@b.fr", "first_name": " ", "last_name": "B"}"#.to_vec(),
            422,
            "validation_failed",
        ),
        (
            &invite_path,
            Some(&ml.member.token),
            b"{\"x\": 1}".to_vec(),
            400,
            "invalid_body",
        ),
        (
            &invite_path,
            Some(&ml.member.token),
            b"{".to_vec(),
            400,
            "malformed_json",
        ),
        (
            &accept_path,
            None,
            br#"{"password": 12}"#.to_vec(),
            400,
            "invalid_body",
        ),
        (
            &accept_path,
            None,
            br#"{"pass": "x"}"#.to_vec(),
            400,
            "invalid_body",
        ),
    ];
    for (path, token, body, status, code) in cases {
        let mut call = app.post(path).raw(body.clone());
        if let Some(token) = token {
            call = call.bearer(token);
        }
        let problem = call.send().await.problem(status, code);
        if code == "validation_failed" {
            assert!(
                problem["errors"].as_object().is_some_and(|e| !e.is_empty()),
                "{problem}"
            );
        }
    }

    assert_eq!(app.snapshot(), before);
}

#[tokio::test]
async fn the_demo_import_creates_a_candidate_account_with_its_record_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let batch = json!({"organizations": [], "users": [{
        "email": "candidat@demo.test", "password": PASSWORD, "first_name": "Camille",
        "last_name": "Démo", "memberships": [],
        "candidate": {"title": "MME", "first_name": "Camille", "last_name": "Démo",
                      "birthdate": "1995-03-14", "email": "candidat@demo.test",
                      "lack_of_nir_reason": "NO_NIR", "lack_of_france_travail_id_reason": "NOT_REGISTERED"},
    }]});

    let first = app.import_accounts(&admin, batch.clone()).await;
    let second = app.import_accounts(&admin, batch.clone()).await;

    assert_eq!(
        first["created"],
        json!({"organizations": 0, "users": 1, "memberships": 0, "candidates": 1})
    );
    assert_eq!(
        second["created"],
        json!({"organizations": 0, "users": 0, "memberships": 0, "candidates": 0})
    );
    let token = app.token("candidat@demo.test").await;
    let own = me(&app, &token).await;
    assert_eq!(own["candidate"]["first_name"], "Camille");
    assert_eq!(own["memberships"], json!([]));
    // A candidate row is checked like any candidate, and belongs to an account without membership.
    let mut bad = batch.clone();
    bad["users"][0]["email"] = json!("autre@demo.test");
    bad["users"][0]["candidate"]["birthdate"] = json!("2020-01-01");
    let before = app.snapshot();
    let problem = app
        .post("/api/v1/admin/accounts")
        .bearer(&admin)
        .json(bad)
        .send()
        .await
        .problem(422, "validation_failed");
    assert!(
        problem["errors"]["users[0].candidate.birthdate"].is_array(),
        "{problem}"
    );
    assert!(
        problem["errors"]["users[0].candidate.email"].is_array(),
        "{problem}"
    );
    assert_eq!(app.snapshot(), before);
}

#[tokio::test]
async fn a_candidate_account_never_takes_over_a_record_by_its_nir_alone() {
    let app = TestApp::spawn().await;
    let (ml, victim) = prescriber_and_candidate(&app).await;
    app.diagnose(&ml.member.token, &victim).await;
    register(&app, "intrus@example.fr").await.ok(202);
    let code = code_sent_to(&app, "intrus@example.fr", 1).await;
    accept(&app, &code, json!({"password": PASSWORD}))
        .await
        .ok(200);
    let token = app.token("intrus@example.fr").await;
    app.outbox_settled().await;
    let before = app.snapshot();
    // The victim's whole identity, under the intruder's own (proven) address.
    let mut stolen = candidate_body("intrus@example.fr", 1);
    stolen["email"] = json!("intrus@example.fr");
    let problem = app
        .post("/api/v1/candidates")
        .bearer(&token)
        .json(stolen)
        .send()
        .await
        .problem(409, "candidate_exists");
    assert_eq!(problem["errors"], json!({}), "no field named: {problem}");
    assert!(!problem.to_string().contains("lea.martin"));
    assert_eq!(app.snapshot(), before);
    app.get(&format!("/api/v1/candidates/{victim}"))
        .bearer(&token)
        .send()
        .await
        .problem(404, "not_found");
    assert_eq!(read(&app, &token, "/api/v1/applications").await["count"], 0);
}

#[tokio::test]
async fn a_candidate_applies_for_themselves_stating_their_consent_and_never_probes_other_nirs() {
    let app = TestApp::spawn().await;
    let structure = app.organization("structure", "ACI", None).await;
    register(&app, "lea.martin@example.fr").await.ok(202);
    let code = code_sent_to(&app, "lea.martin@example.fr", 1).await;
    accept(&app, &code, json!({"password": PASSWORD}))
        .await
        .ok(200);
    let token = app.token("lea.martin@example.fr").await;
    let mut own = candidate_body("lea.martin@example.fr", 1);
    own.as_object_mut().unwrap().remove("nir");
    own["lack_of_nir_reason"] = json!("NO_NIR");
    let record = app
        .post("/api/v1/candidates")
        .bearer(&token)
        .json(own.clone())
        .send()
        .await
        .ok(201);
    // A NIR their record lacks is refused the same way whoever holds it.
    let mut probe = own.clone();
    probe.as_object_mut().unwrap().remove("lack_of_nir_reason");
    probe["nir"] = json!(tremplin_tests::nir(2, 1990, 5, "75", 7));
    app.post("/api/v1/candidates")
        .bearer(&token)
        .json(probe)
        .send()
        .await
        .problem(409, "candidate_identity_conflict");
    let id = record["id"].as_str().unwrap();
    let body =
        json!({"structure_id": structure.id, "candidate_id": id, "message": "Je suis disponible."});
    let problem = app
        .post("/api/v1/applications")
        .bearer(&token)
        .json(body.clone())
        .send()
        .await
        .problem(422, "validation_failed");
    assert!(problem["errors"]["diagnosis_shared"][0]
        .as_str()
        .unwrap()
        .contains("vous acceptez"));
    let mut consented = body;
    consented["diagnosis_shared"] = json!(false);
    let sent = app
        .post("/api/v1/applications")
        .bearer(&token)
        .json(consented)
        .send()
        .await
        .ok(201);
    assert_eq!(sent["sender"]["kind"], "job_seeker");
    assert_eq!(read(&app, &token, "/api/v1/applications").await["count"], 1);
}
