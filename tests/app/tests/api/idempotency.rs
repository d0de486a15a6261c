//! `Idempotency-Key` on POST (API.md): a retry gets the first answer and creates nothing new.

use serde_json::json;
use tremplin_tests::{join_all, TestApp};

#[tokio::test]
async fn a_retry_with_the_same_key_returns_the_first_answer_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let path = format!("/api/v1/organizations/{}/invitations", org.id);
    let body = json!({"email": "colleague@x.fr", "first_name": "Col", "last_name": "Lègue"});
    let send = || {
        app.post(&path)
            .bearer(&org.member.token)
            .header("idempotency-key", "k-1")
            .json(body.clone())
            .send()
    };

    let first = send().await;
    // The invitation e-mail goes out after the first answer; the snapshot waits for it.
    app.outbox_settled().await;
    let before_retry = app.snapshot();
    let retry = send().await;

    assert_eq!(
        first.ok(201),
        retry.ok(201),
        "same answer, same invitation code"
    );
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(app.snapshot(), before_retry, "the retry wrote nothing");
    assert_eq!(app.count("invitations"), 1);
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let path = format!("/api/v1/organizations/{}/invitations", org.id);
    let invite = |email: &str| {
        app.post(&path)
            .bearer(&org.member.token)
            .header("idempotency-key", "k-2")
            .json(json!({"email": email, "first_name": "A", "last_name": "B"}))
            .send()
    };
    invite("one@x.fr").await.ok(201);

    invite("two@x.fr")
        .await
        .problem(422, "idempotency_key_reused");

    assert_eq!(app.count("invitations"), 1);
}

#[tokio::test]
async fn keys_are_scoped_to_the_caller() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let path = format!("/api/v1/organizations/{}/invitations", org.id);
    let body = json!({"email": "same@x.fr", "first_name": "A", "last_name": "B"});
    for token in [&org.member.token, &org.admin.token] {
        app.post(&path)
            .bearer(token)
            .header("idempotency-key", "shared")
            .json(body.clone())
            .send()
            .await
            .ok(201);
    }
    assert_eq!(app.count("invitations"), 2, "two callers, two invitations");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_retries_create_one_thing() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let path = format!("/api/v1/organizations/{}/invitations", org.id);
    let body = json!({"email": "race@x.fr", "first_name": "A", "last_name": "B"});

    let answers = join_all(
        (0..6)
            .map(|_| {
                app.post(&path)
                    .bearer(&org.member.token)
                    .header("idempotency-key", "race")
                    .json(body.clone())
                    .spawn()
            })
            .collect(),
    )
    .await;

    let first = answers[0].ok(201);
    for answer in &answers {
        assert_eq!(answer.ok(201), first);
    }
    assert_eq!(app.count("invitations"), 1);
}
