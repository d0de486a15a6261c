//! A member of organization A can neither read nor change anything of organization B.

use serde_json::json;
use tremplin_tests::TestApp;

#[tokio::test]
async fn a_member_of_one_organization_cannot_touch_another() {
    let app = TestApp::spawn().await;
    let a = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let b = app.organization("structure", "EI", None).await;
    let before = app.snapshot();
    let org_b = format!("/api/v1/organizations/{}", b.id);
    let b_member = format!("{org_b}/members/{}", b.member.id);

    for token in [&a.admin.token, &a.member.token] {
        app.get(&org_b)
            .bearer(token)
            .send()
            .await
            .problem(404, "not_found");
        app.patch(&org_b)
            .bearer(token)
            .json(json!({"name": "Piraté"}))
            .send()
            .await
            .problem(404, "not_found");
        app.get(&format!("{org_b}/members"))
            .bearer(token)
            .send()
            .await
            .problem(404, "not_found");
        app.patch(&b_member)
            .bearer(token)
            .json(json!({"role": "admin"}))
            .send()
            .await
            .problem(404, "not_found");
        app.delete(&b_member)
            .bearer(token)
            .send()
            .await
            .problem(404, "not_found");
        app.post(&format!("{org_b}/invitations"))
            .bearer(token)
            .json(json!({"email": "intrus@x.fr", "first_name": "In", "last_name": "Trus"}))
            .send()
            .await
            .problem(404, "not_found");
        app.patch(&format!("{org_b}/authorization"))
            .bearer(token)
            .json(json!({"status": "VALIDATED"}))
            .send()
            .await
            .problem(403, "forbidden");
        app.post("/api/v1/admin/accounts")
            .bearer(token)
            .json(json!({"organizations": [], "users": []}))
            .send()
            .await
            .problem(403, "forbidden");
        app.post("/api/v1/admin/import/cities")
            .bearer(token)
            .json(json!({"rows": []}))
            .send()
            .await
            .problem(403, "forbidden");
    }

    assert_eq!(app.snapshot(), before, "nothing changed");
    let shown = app.get(&org_b).bearer(&b.member.token).send().await.ok(200);
    assert_ne!(shown["profile"]["name"], "Piraté");
}

#[tokio::test]
async fn an_invitation_code_only_serves_the_invited_address() {
    let app = TestApp::spawn().await;
    let a = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let b = app.organization("structure", "EI", None).await;
    let code = app.invite(&b.id, &b.admin.token, "someone@else.fr").await;

    app.accept(&code, &a.member.token)
        .await
        .problem(403, "forbidden");

    let me = app
        .get("/api/v1/me")
        .bearer(&a.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(me["memberships"].as_array().unwrap().len(), 1);
}
