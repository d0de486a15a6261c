//! The e-mail outbox (issue 6 item 1): a message is written in the act's transaction, delivered
//! through the HTTP e-mail API right after the act's answer, retried with backoff, abandoned after
//! a bounded number of tries (and said so), and never sent twice, even by racing deliverers.

use serde_json::{json, Value};
use tremplin_domain::outbox::MAX_ATTEMPTS;
use tremplin_tests::{join_all, TestApp, DELIVERY_TOKEN};

async fn invite(app: &TestApp, org_id: &str, token: &str, email: &str) -> Value {
    app.post(&format!("/api/v1/organizations/{org_id}/invitations"))
        .bearer(token)
        .json(json!({"email": email, "first_name": "Nina", "last_name": "Test"}))
        .send()
        .await
        .ok(201)
}

fn outbox_rows(app: &TestApp) -> Vec<(String, String, i64, Option<String>)> {
    let db = app.db();
    let mut statement = db
        .prepare("SELECT id, state, attempts, body_text FROM outbox ORDER BY created_at, id")
        .expect("outbox");
    statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect()
}

/// Makes every pending message due now, as if its backoff delay had passed.
fn make_due(app: &TestApp) {
    app.db()
        .execute(
            "UPDATE outbox SET next_attempt_at = 0 WHERE state = 'pending'",
            [],
        )
        .expect("make due");
}

#[tokio::test]
async fn an_invitation_is_queued_with_its_act_and_delivered_right_after_the_answer() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let mark = app.audit_mark();

    let answer = invite(&app, &org.id, &org.member.token, "nina@x.fr").await;

    assert!(
        answer.get("code").is_none(),
        "R-ORG-7: the code is for the invitee only"
    );
    let mails = app.mail_to("nina@x.fr", 1).await;
    let mail = &mails[0];
    assert!(mail["subject"]
        .as_str()
        .unwrap()
        .starts_with("Invitation à rejoindre Organisation"));
    let text = mail["text"].as_str().unwrap();
    assert!(text.contains("Bonjour Nina"), "{text}");
    assert!(
        text.contains("http://127.0.0.1:3000/invitation.html?code="),
        "{text}"
    );
    assert_eq!(mail["authorization"], "Bearer test-email-key");
    app.outbox_settled().await;
    let rows = outbox_rows(&app);
    assert_eq!(rows.len(), 1);
    let (id, state, attempts, body) = &rows[0];
    assert_eq!(
        (state.as_str(), *attempts, body),
        ("sent", 1, &None),
        "the text (with its code) is dropped once sent"
    );
    assert_eq!(
        mail["idempotency_key"],
        id.as_str(),
        "the provider can drop a duplicate try"
    );
    let audits = app.audit_since(mark);
    assert_eq!(audits.len(), 1, "the invitation and its e-mail are one act");
    assert_eq!(
        (audits[0].action.as_str(), audits[0].entity.as_str()),
        ("invite", "invitation")
    );
    assert_eq!(
        audits[0].actor_user_id.as_deref(),
        Some(org.member.id.as_str())
    );
    assert_eq!(audits[0].organization_id.as_deref(), Some(org.id.as_str()));
    assert_eq!(app.mailbox.tries(), 1);

    // The code from the mailbox is what proves the address: it opens the invitation.
    let code = tremplin_tests::invitation_code(mail);
    app.post(&format!("/api/v1/invitations/{code}/accept"))
        .json(json!({"password": "un mot de passe solide"}))
        .send()
        .await
        .ok(201);
}

#[tokio::test]
async fn a_refused_act_queues_nothing() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    app.post(&format!("/api/v1/organizations/{}/invitations", org.id))
        .bearer(&org.member.token)
        .json(json!({"email": "pas-une-adresse", "first_name": "Nina", "last_name": "Test"}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert!(outbox_rows(&app).is_empty());
    assert_eq!(app.mailbox.tries(), 0);
}

#[tokio::test]
async fn failed_tries_are_retried_with_backoff_then_abandoned_and_said_so() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let admin = app.admin().await;
    app.mailbox.fail_next(usize::MAX);

    invite(&app, &org.id, &org.member.token, "nina@x.fr").await;
    app.outbox_settled().await;
    let (_, state, attempts, _) = outbox_rows(&app).remove(0);
    assert_eq!((state.as_str(), attempts), ("pending", 1));
    let (next, created): (i64, String) = app
        .db()
        .query_row("SELECT next_attempt_at, created_at FROM outbox", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("row");
    assert!(next > 0, "{next} {created}");
    // Not due yet: the scheduler's call claims nothing.
    assert_eq!(app.deliver().await["claimed"], 0);

    for attempt in 2..=MAX_ATTEMPTS {
        make_due(&app);
        assert_eq!(app.deliver().await["claimed"], 1, "try {attempt}");
        app.outbox_settled().await;
    }
    let (_, state, attempts, body) = outbox_rows(&app).remove(0);
    assert_eq!((state.as_str(), attempts), ("failed", MAX_ATTEMPTS));
    assert_eq!(body, None, "an abandoned message keeps no invitation code");
    assert_eq!(app.mailbox.tries(), MAX_ATTEMPTS as usize);
    make_due(&app);
    assert_eq!(
        app.deliver().await["claimed"],
        0,
        "an abandoned message is never tried again"
    );

    let status = app
        .get("/api/v1/admin/outbox")
        .bearer(&admin)
        .send()
        .await
        .ok(200);
    assert_eq!(status["counts"]["failed"], 1);
    assert_eq!(status["failed"]["results"][0]["attempts"], MAX_ATTEMPTS);
    assert_eq!(
        status["failed"]["results"][0]["last_error"],
        "l'API e-mail a répondu 503"
    );
    let log =
        std::fs::read_to_string(app.app.state_dir().join("logs/accounts_stderr.txt")).unwrap();
    assert!(
        log.contains(&format!("abandoned after {MAX_ATTEMPTS} tries")),
        "{log}"
    );
    assert!(
        !log.contains("nina@x.fr"),
        "no e-mail address in logs: {log}"
    );
}

#[tokio::test]
async fn racing_deliverers_never_send_a_message_twice() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let invitees: Vec<String> = (0..6).map(|i| format!("invitee{i}@x.fr")).collect();
    app.mailbox.fail_next(invitees.len());
    for email in &invitees {
        invite(&app, &org.id, &org.member.token, email).await;
    }
    app.outbox_settled().await;
    make_due(&app);

    let deliverers = (0..4)
        .map(|_| {
            app.post("/api/v1/admin/outbox/deliver")
                .bearer(DELIVERY_TOKEN)
                .spawn()
        })
        .collect();
    let answers = join_all(deliverers).await;
    let claimed: i64 = answers
        .iter()
        .map(|a| a.ok(200)["claimed"].as_i64().unwrap())
        .sum();
    assert_eq!(
        claimed,
        invitees.len() as i64,
        "each message claimed by exactly one deliverer"
    );
    for email in &invitees {
        assert_eq!(app.mail_to(email, 1).await.len(), 1, "{email}");
    }
    app.outbox_settled().await;
    assert_eq!(app.mailbox.messages().len(), invitees.len());
    assert_eq!(
        app.mailbox.tries(),
        2 * invitees.len(),
        "one failed try and one success each"
    );
}

#[tokio::test]
async fn a_message_whose_deliverer_died_is_taken_over_after_its_lease() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    app.mailbox.fail_next(1);
    invite(&app, &org.id, &org.member.token, "nina@x.fr").await;
    app.outbox_settled().await;
    // As if a deliverer had claimed it and its instance stopped mid-send.
    app.db()
        .execute(
            "UPDATE outbox SET state = 'sending', lease_token = 'dead', lease_until = 1, next_attempt_at = 0",
            [],
        )
        .expect("claim");
    assert_eq!(app.deliver().await["claimed"], 1);
    assert_eq!(app.mail_to("nina@x.fr", 1).await.len(), 1);
}

#[tokio::test]
async fn only_the_scheduler_delivers_and_only_the_administration_reads_the_outbox() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    for token in [None, Some("wrong"), Some(org.admin.token.as_str())] {
        let call = app.post("/api/v1/admin/outbox/deliver");
        let call = match token {
            Some(token) => call.bearer(token),
            None => call,
        };
        call.send().await.problem(401, "unauthenticated");
    }
    app.get("/api/v1/admin/outbox")
        .send()
        .await
        .problem(401, "unauthenticated");
    app.get("/api/v1/admin/outbox")
        .bearer(&org.admin.token)
        .send()
        .await
        .problem(403, "forbidden");
}
