//! R-ORG-7 invitations: validity, the pending limit, accepting with or without an account.

use serde_json::json;
use tremplin_tests::{Org, TestApp, PASSWORD};

async fn invite(
    app: &TestApp,
    org: &Org,
    email: &str,
    valid_days: Option<i64>,
) -> tremplin_tests::TestResponse {
    let mut body = json!({"email": email, "first_name": "Nina", "last_name": "Nouvelle"});
    if let Some(days) = valid_days {
        body["valid_days"] = json!(days);
    }
    app.post(&format!("/api/v1/organizations/{}/invitations", org.id))
        .bearer(&org.member.token)
        .json(body)
        .send()
        .await
}

#[tokio::test]
async fn r_org_7_an_invitation_is_valid_14_days_by_default_and_1_to_90() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;

    let default = invite(&app, &org, "a@x.fr", None).await.ok(201);
    let expires = default["expires_at"].as_str().unwrap();
    let days: i64 = app
        .db()
        .query_row(
            "SELECT CAST(round(julianday(?) - julianday('now')) AS INTEGER)",
            [expires],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(days, 14);
    invite(&app, &org, "b@x.fr", Some(90)).await.ok(201);
    invite(&app, &org, "c@x.fr", Some(1)).await.ok(201);
    let problem = invite(&app, &org, "d@x.fr", Some(91))
        .await
        .problem(422, "validation_failed");
    assert!(problem["errors"]["valid_days"].is_array());
    invite(&app, &org, "e@x.fr", Some(0))
        .await
        .problem(422, "validation_failed");
    invite(&app, &org, "not-an-email", None)
        .await
        .problem(422, "validation_failed");
    assert_eq!(app.count("invitations"), 3);
}

#[tokio::test]
async fn r_org_7_at_most_50_pending_invitations_per_organization() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    for i in 0..50 {
        invite(&app, &org, &format!("p{i}@x.fr"), None)
            .await
            .ok(201);
    }

    invite(&app, &org, "p50@x.fr", None)
        .await
        .problem(409, "too_many_invitations");

    assert_eq!(app.count("invitations"), 50);
}

#[tokio::test]
async fn r_org_7_accepting_without_an_account_creates_it_and_the_membership() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    invite(&app, &org, "nina@x.fr", None).await.ok(201);
    let code = tremplin_tests::invitation_code(&app.mail_to("nina@x.fr", 1).await[0]);
    let accept = format!("/api/v1/invitations/{code}/accept");

    app.post(&accept)
        .send()
        .await
        .problem(401, "unauthenticated");
    app.post(&accept)
        .json(json!({"password": "short"}))
        .send()
        .await
        .problem(422, "weak_password");
    let accepted = app
        .post(&accept)
        .json(json!({"password": PASSWORD}))
        .send()
        .await
        .ok(201);

    assert_eq!(accepted["role"], "member");
    let token = app.token("nina@x.fr").await;
    let me = app.get("/api/v1/me").bearer(&token).send().await.ok(200);
    assert_eq!(me["user"]["first_name"], "Nina");
    assert_eq!(me["memberships"][0]["organization"]["id"], org.id.as_str());
    app.post(&accept)
        .json(json!({"password": PASSWORD}))
        .send()
        .await
        .problem(409, "invitation_used");
}

#[tokio::test]
async fn r_org_7_accepting_reactivates_a_deactivated_member() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    app.delete(&format!(
        "/api/v1/organizations/{}/members/{}",
        org.id, org.member.id
    ))
    .bearer(&org.admin.token)
    .send()
    .await
    .ok(200);
    let code = app
        .invite(&org.id, &org.admin.token, &org.member.email)
        .await;

    app.accept(&code, &org.member.token).await.ok(200);

    app.get(&format!("/api/v1/organizations/{}", org.id))
        .bearer(&org.member.token)
        .send()
        .await
        .ok(200);
    let rows: i64 = app
        .db()
        .query_row(
            "SELECT COUNT(*) FROM memberships WHERE organization_id = ?",
            [&org.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows, 2, "reactivated, not duplicated");
}

#[tokio::test]
async fn r_org_7_an_expired_invitation_cannot_be_accepted() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    invite(&app, &org, "late@x.fr", Some(1)).await.ok(201);
    let code = tremplin_tests::invitation_code(&app.mail_to("late@x.fr", 1).await[0]);
    // The delivery records its outcome after the mailbox got the message: let it finish first.
    app.outbox_settled().await;
    app.db()
        .execute(
            "UPDATE invitations SET expires_at = '2000-01-01T00:00:00Z'",
            [],
        )
        .unwrap();

    app.post(&format!("/api/v1/invitations/{code}/accept"))
        .json(json!({"password": PASSWORD}))
        .send()
        .await
        .problem(422, "invitation_expired");
    assert_eq!(app.count("users"), 3, "no account created");
}

#[tokio::test]
async fn r_org_6_the_first_member_of_an_organization_becomes_its_admin() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    // An organization without members, as the national list brings them.
    app.import_accounts(
        &admin,
        json!({"organizations": [{"ref": "e", "category": "structure", "kind": "EI",
               "siret": tremplin_tests::luhn_siret(500), "name": "Sans membre"}], "users": []}),
    )
    .await;
    let id: String = app
        .db()
        .query_row(
            "SELECT id FROM organizations WHERE name = 'Sans membre'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let stranger = app.organization("prescriber", "CCAS", None).await;
    // Nobody could decide an access request: it is refused, and the administration invites.
    app.post(&format!("/api/v1/organizations/{id}/members"))
        .bearer(&stranger.member.token)
        .send()
        .await
        .problem(409, "no_admin_to_decide");
    app.post(&format!("/api/v1/organizations/{id}/invitations"))
        .bearer(&admin)
        .json(json!({"email": "first@ei.fr", "first_name": "Pre", "last_name": "Mière"}))
        .send()
        .await
        .ok(201);
    let code = tremplin_tests::invitation_code(&app.mail_to("first@ei.fr", 1).await[0]);

    let accepted = app
        .post(&format!("/api/v1/invitations/{code}/accept"))
        .json(json!({"password": PASSWORD}))
        .send()
        .await
        .ok(201);

    assert_eq!(accepted["role"], "admin");
}

/// Makes the organization's member an admin, then deactivates them; returns their membership's path.
async fn former_admin(app: &TestApp, org: &Org) -> String {
    let former = format!("/api/v1/organizations/{}/members/{}", org.id, org.member.id);
    app.patch(&former)
        .bearer(&org.admin.token)
        .json(json!({"role": "admin"}))
        .send()
        .await
        .ok(200);
    app.delete(&former)
        .bearer(&org.admin.token)
        .send()
        .await
        .ok(200);
    former
}

#[tokio::test]
async fn r_org_6_a_re_invited_former_admin_comes_back_as_a_member() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    former_admin(&app, &org).await;
    let code = app
        .invite(&org.id, &org.admin.token, &org.member.email)
        .await;

    let accepted = app.accept(&code, &org.member.token).await.ok(200);

    // Only the first member of an organization becomes admin: the old role is not restored.
    assert_eq!(accepted["role"], "member");
    let role: String = app
        .db()
        .query_row(
            "SELECT role FROM memberships WHERE organization_id = ? AND user_id = ?",
            [&org.id, &org.member.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(role, "member");
}

#[tokio::test]
async fn r_org_6_a_former_admin_reactivated_by_an_admin_comes_back_as_a_member() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let former = former_admin(&app, &org).await;
    let change = |body: serde_json::Value| {
        app.patch(&former)
            .bearer(&org.admin.token)
            .json(body)
            .send()
    };

    let back = change(json!({"status": "active"})).await.ok(200);

    // Admin again only when the same change grants it, in plain sight.
    assert_eq!(back["role"], "member");
    app.delete(&former)
        .bearer(&org.admin.token)
        .send()
        .await
        .ok(200);
    let granted = change(json!({"status": "active", "role": "admin"}))
        .await
        .ok(200);
    assert_eq!(granted["role"], "admin");
}

#[tokio::test]
async fn r_org_6_a_refused_access_request_is_reopened_only_by_an_admins_invitation() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let outsider = app.organization("structure", "EI", None).await.member;
    let members = format!("/api/v1/organizations/{}/members", org.id);
    app.post(&members)
        .bearer(&outsider.token)
        .send()
        .await
        .ok(201);
    app.delete(&format!("{members}/{}", outsider.id))
        .bearer(&org.admin.token)
        .send()
        .await
        .ok(200);
    let status = || -> String {
        app.db()
            .query_row(
                "SELECT status FROM memberships WHERE organization_id = ? AND user_id = ?",
                [&org.id, &outsider.id],
                |r| r.get(0),
            )
            .unwrap()
    };

    // A plain member may invite colleagues, not overturn an admin's refusal.
    let by_member = app
        .invite(&org.id, &org.member.token, &outsider.email)
        .await;
    let refused = app
        .accept(&by_member, &outsider.token)
        .await
        .problem(403, "forbidden");
    assert!(refused["detail"]
        .as_str()
        .unwrap()
        .contains("administrateur"));
    assert_eq!(status(), "inactive");

    let by_admin = app.invite(&org.id, &org.admin.token, &outsider.email).await;
    let accepted = app.accept(&by_admin, &outsider.token).await.ok(200);
    assert_eq!(accepted["role"], "member");
    assert_eq!(status(), "active");
}

#[tokio::test]
async fn r_org_7_invitation_expiry_follows_the_today_clock() {
    let app = TestApp::spawn_with(&[("today", "2026-03-02")]).await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let on_time = app.invite(&org.id, &org.admin.token, "on-time@x.fr").await;
    let too_late = app.invite(&org.id, &org.admin.token, "too-late@x.fr").await;
    // The same deployment later on: same state, another `today` (14 days of validity).
    let at = |today: &str| {
        let variables = [
            ("bootstrap_token", tremplin_tests::BOOTSTRAP_TOKEN),
            ("demo_data", "true"),
            ("today", today),
        ];
        tremplin_host::App::new(
            tremplin_tests::runtime(),
            app.app.state_dir().to_path_buf(),
            variables
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
        .expect("app")
    };
    let accept = |later: tremplin_host::App, code: String| async move {
        crate::throttle::send_from(
            &later,
            "127.0.0.1:50000",
            http::Method::POST,
            &format!("/api/v1/invitations/{code}/accept"),
            None,
            Some(json!({"password": PASSWORD})),
        )
        .await
    };

    accept(at("2026-03-15"), on_time).await.ok(201);
    accept(at("2026-03-17"), too_late)
        .await
        .problem(422, "invitation_expired");
}
