//! Login, tokens, logout, `/me`, and the login rate limit.

use serde_json::json;
use tremplin_tests::{TestApp, ADMIN_EMAIL, PASSWORD};

#[tokio::test]
async fn login_with_the_right_password_returns_a_token_that_opens_me() {
    let app = TestApp::spawn().await;
    app.admin().await;

    let session = app.login(ADMIN_EMAIL, PASSWORD).await.ok(200);

    let token = session["token"].as_str().unwrap();
    assert_eq!(token.len(), 64);
    assert_eq!(session["user"]["email"], ADMIN_EMAIL);
    assert!(session["expires_at"].as_str().unwrap().ends_with('Z'));
    let me = app.get("/api/v1/me").bearer(token).send().await.ok(200);
    assert_eq!(me["user"]["email"], ADMIN_EMAIL);
    assert_eq!(
        me["memberships"][0]["organization"]["category"],
        "administration"
    );
    assert_eq!(me["memberships"][0]["role"], "admin");
    // Tokens are stored hashed, never as issued.
    let stored: String = app
        .db()
        .query_row("SELECT token_hash FROM api_sessions", [], |r| r.get(0))
        .unwrap();
    assert_ne!(stored, token);
}

#[tokio::test]
async fn login_with_a_wrong_password_or_unknown_email_is_refused_the_same_way() {
    let app = TestApp::spawn().await;
    app.admin().await;

    let wrong = app
        .login(ADMIN_EMAIL, "not the password")
        .await
        .problem(401, "invalid_credentials");
    let unknown = app
        .login("nobody@test.fr", PASSWORD)
        .await
        .problem(401, "invalid_credentials");

    assert_eq!(wrong["detail"], unknown["detail"]);
    assert_eq!(
        app.count("api_sessions"),
        1,
        "only the admin's own login created a session"
    );
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = TestApp::spawn().await;
    let token = app.admin().await;
    app.db()
        .execute(
            "UPDATE api_sessions SET expires_at = strftime('%s', 'now') - 1",
            [],
        )
        .unwrap();

    app.get("/api/v1/me")
        .bearer(&token)
        .send()
        .await
        .problem(401, "unauthenticated");
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let app = TestApp::spawn().await;
    let token = app.admin().await;
    let other = app.token(ADMIN_EMAIL).await;

    app.delete("/api/v1/auth/token")
        .bearer(&token)
        .send()
        .await
        .ok(204);

    app.get("/api/v1/me")
        .bearer(&token)
        .send()
        .await
        .problem(401, "unauthenticated");
    app.delete("/api/v1/auth/token")
        .bearer(&token)
        .send()
        .await
        .problem(401, "unauthenticated");
    app.get("/api/v1/me").bearer(&other).send().await.ok(200);
}

#[tokio::test]
async fn malformed_authorization_headers_are_unauthenticated() {
    let app = TestApp::spawn().await;
    for header in [
        "Bearer",
        "Bearer ",
        "Basic abc",
        "bearer nonsense",
        "Token x",
    ] {
        app.get("/api/v1/me")
            .header("authorization", header)
            .send()
            .await
            .problem(401, "unauthenticated");
    }
}

#[tokio::test]
async fn a_success_clears_its_pair_and_successes_are_never_counted() {
    let app = TestApp::spawn().await;
    app.admin().await;
    for _ in 0..10 {
        app.login(ADMIN_EMAIL, PASSWORD).await.ok(200);
    }
    for _ in 0..4 {
        app.login(ADMIN_EMAIL, "wrong password!")
            .await
            .problem(401, "invalid_credentials");
    }
    // The owner got it right: their own earlier typos no longer count for this address.
    app.login(ADMIN_EMAIL, PASSWORD).await.ok(200);
    for _ in 0..5 {
        app.login(ADMIN_EMAIL, "wrong password!")
            .await
            .problem(401, "invalid_credentials");
    }

    // Five failures for this e-mail from this address (the pair limit): locked, right password
    // or not, for one interval (15 min / 5).
    let limited = app.login(ADMIN_EMAIL, PASSWORD).await;

    limited.problem(429, "rate_limited");
    let retry_after: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=180).contains(&retry_after), "{retry_after}");
    // The limiter keeps one row per key, not one per attempt: e-mail, pair and address.
    assert_eq!(app.count("login_throttle"), 3);
}

#[tokio::test]
async fn a_professional_in_two_organizations_sees_both_in_me() {
    let app = TestApp::spawn().await;
    let a = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let b = app.organization("structure", "ACI", None).await;
    // The admin of A is invited into B and accepts.
    let code = app.invite(&b.id, &b.admin.token, &a.admin.email).await;
    app.accept(&code, &a.admin.token).await.ok(200);
    let me = app
        .get("/api/v1/me")
        .bearer(&a.admin.token)
        .send()
        .await
        .ok(200);
    let ids: Vec<_> = me["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["organization"]["id"].clone())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&json!(a.id)) && ids.contains(&json!(b.id)));

    // X-Organization picks the organization acted for; without it the choice stays open.
    assert_eq!(me["acting_organization_id"], serde_json::Value::Null);
    let chosen = app
        .get("/api/v1/me")
        .bearer(&a.admin.token)
        .header("x-organization", &b.id)
        .send()
        .await
        .ok(200);
    assert_eq!(chosen["acting_organization_id"], b.id.as_str());
    let stranger = app.organization("prescriber", "CCAS", None).await;
    app.get("/api/v1/me")
        .bearer(&a.admin.token)
        .header("x-organization", &stranger.id)
        .send()
        .await
        .problem(403, "forbidden");
    // With a single membership it is implied.
    let single = app
        .get("/api/v1/me")
        .bearer(&b.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(single["acting_organization_id"], b.id.as_str());
}
