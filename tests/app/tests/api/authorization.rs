//! R-ORG-4 / R-ORG-5: only the administration changes an organization's authorization; OTHER is
//! never validated; a prefectoral authorization ends after its end date.

use serde_json::json;
use tremplin_tests::{Audit, TestApp};

#[tokio::test]
async fn r_org_4_the_administration_validates_a_prescriber_organization() {
    let app = TestApp::spawn_with(&[("today", "2026-03-02")]).await;
    let admin = app.admin().await;
    let org = app.organization("prescriber", "CHRS", None).await;
    let path = format!("/api/v1/organizations/{}/authorization", org.id);
    let me = || app.get("/api/v1/me").bearer(&org.member.token).send();
    assert_eq!(
        me().await.ok(200)["memberships"][0]["organization"]["authorized"],
        false
    );

    let administrator = app.get("/api/v1/me").bearer(&admin).send().await.ok(200);
    let mark = app.audit_mark();
    app.patch(&path)
        .bearer(&org.admin.token)
        .json(json!({"status": "VALIDATED"}))
        .send()
        .await
        .problem(403, "forbidden");
    assert_eq!(
        app.audit_since(mark),
        [],
        "a refused change records nothing"
    );
    let changed = app
        .patch(&path)
        .bearer(&admin)
        .json(json!({"status": "VALIDATED"}))
        .send()
        .await
        .ok(200);

    assert_eq!(changed["authorization"]["status"], "VALIDATED");
    assert_eq!(
        me().await.ok(200)["memberships"][0]["organization"]["authorized"],
        true
    );
    assert_eq!(
        app.audit_since(mark),
        [Audit {
            actor_user_id: administrator["user"]["id"].as_str().map(str::to_owned),
            organization_id: Some(org.id.clone()),
            action: "set_authorization".into(),
            entity: "organization".into(),
            entity_id: org.id.clone(),
            details: json!({"from": "NOT_SET", "to": "VALIDATED", "valid_until": null}),
        }]
    );
}

#[tokio::test]
async fn r_org_4_an_orienteur_organization_is_never_validated() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let org = app.organization("prescriber", "OTHER", None).await;

    let problem = app
        .patch(&format!("/api/v1/organizations/{}/authorization", org.id))
        .bearer(&admin)
        .json(json!({"status": "VALIDATED"}))
        .send()
        .await
        .problem(422, "orienteur_cannot_be_authorized");

    assert!(problem["errors"]["status"].is_array());
}

#[tokio::test]
async fn r_org_4_a_prefectoral_authorization_has_an_end_date_within_five_years() {
    let app = TestApp::spawn_with(&[("today", "2026-03-02")]).await;
    let admin = app.admin().await;
    let org = app.organization("prescriber", "OHPD", None).await;
    let path = format!("/api/v1/organizations/{}/authorization", org.id);
    let set = |body| app.patch(&path).bearer(&admin).json(body).send();

    set(json!({"status": "VALIDATED"}))
        .await
        .problem(422, "valid_until_required");
    set(json!({"status": "VALIDATED", "valid_until": "2031-03-03"}))
        .await
        .problem(422, "valid_until_too_far");
    set(json!({"status": "VALIDATED", "valid_until": "2031-02-30"}))
        .await
        .problem(422, "invalid_date");
    let ok = set(json!({"status": "VALIDATED", "valid_until": "2031-03-02"}))
        .await
        .ok(200);

    assert_eq!(ok["authorization"]["valid_until"], "2031-03-02");
    assert_eq!(ok["authorized"], true);
}

#[tokio::test]
async fn r_org_5_an_expired_prefectoral_authorization_no_longer_counts() {
    let before_end = TestApp::spawn_with(&[("today", "2026-06-30")]).await;
    let after_end = TestApp::spawn_with(&[("today", "2026-07-01")]).await;
    for (app, expected) in [(&before_end, true), (&after_end, false)] {
        let org = app.organization("prescriber", "OHPD", None).await;
        app.db()
            .execute(
                "UPDATE organizations SET authorization_status = 'VALIDATED', authorization_valid_until = '2026-06-30' WHERE id = ?",
                [&org.id],
            )
            .unwrap();
        let me = app
            .get("/api/v1/me")
            .bearer(&org.member.token)
            .send()
            .await
            .ok(200);
        assert_eq!(me["memberships"][0]["organization"]["authorized"], expected);
    }
}

#[tokio::test]
async fn r_org_4_structures_have_no_authorization() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let org = app.organization("structure", "ACI", None).await;
    app.patch(&format!("/api/v1/organizations/{}/authorization", org.id))
        .bearer(&admin)
        .json(json!({"status": "VALIDATED"}))
        .send()
        .await
        .problem(422, "authorization_not_applicable");
}
