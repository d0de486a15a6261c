//! R-ORG-6, one test per row of the member/admin matrix. Rows for applications and the monthly
//! export are tested with their workflows.

use serde_json::json;
use tremplin_tests::{Org, TestApp};

async fn org(app: &TestApp) -> Org {
    app.organization("prescriber", "ML", Some("VALIDATED"))
        .await
}

/// A third professional asks to join `org` (an access request).
async fn access_request(app: &TestApp, org: &Org) -> tremplin_tests::Person {
    let other = app.organization("prescriber", "CCAS", None).await;
    let answer = app
        .post(&format!("/api/v1/organizations/{}/members", org.id))
        .bearer(&other.member.token)
        .send()
        .await;
    assert_eq!(answer.ok(201)["status"], "pending");
    other.member
}

#[tokio::test]
async fn r_org_6_any_member_may_invite_colleagues() {
    let app = TestApp::spawn().await;
    let org = org(&app).await;
    for person in [&org.member, &org.admin] {
        app.post(&format!("/api/v1/organizations/{}/invitations", org.id))
            .bearer(&person.token)
            .json(json!({"email": format!("new-{}@x.fr", person.id), "first_name": "Nouvelle", "last_name": "Collègue"}))
            .send()
            .await
            .ok(201);
    }
    assert_eq!(app.count("invitations"), 2);
}

#[tokio::test]
async fn r_org_6_any_member_may_list_members_but_only_admins_see_requests() {
    let app = TestApp::spawn().await;
    let org = org(&app).await;
    access_request(&app, &org).await;
    let path = format!("/api/v1/organizations/{}/members", org.id);

    let by_member = app
        .get(&path)
        .bearer(&org.member.token)
        .send()
        .await
        .ok(200);
    let by_admin = app.get(&path).bearer(&org.admin.token).send().await.ok(200);

    assert_eq!(by_member["count"], 2);
    assert_eq!(by_admin["count"], 3);
    assert!(by_admin["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["status"] == "pending"));
}

#[tokio::test]
async fn r_org_6_only_admins_accept_access_requests() {
    let app = TestApp::spawn().await;
    let org = org(&app).await;
    let requester = access_request(&app, &org).await;
    let path = format!("/api/v1/organizations/{}/members/{}", org.id, requester.id);

    app.patch(&path)
        .bearer(&org.member.token)
        .json(json!({"status": "active"}))
        .send()
        .await
        .problem(403, "forbidden");
    let accepted = app
        .patch(&path)
        .bearer(&org.admin.token)
        .json(json!({"status": "active"}))
        .send()
        .await
        .ok(200);

    assert_eq!(accepted["status"], "active");
    assert_eq!(accepted["role"], "member");
    let me = app
        .get("/api/v1/me")
        .bearer(&requester.token)
        .send()
        .await
        .ok(200);
    assert!(me["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["organization"]["id"] == org.id.as_str()));
}

#[tokio::test]
async fn r_org_6_only_admins_refuse_access_requests() {
    let app = TestApp::spawn().await;
    let org = org(&app).await;
    let requester = access_request(&app, &org).await;
    let path = format!("/api/v1/organizations/{}/members/{}", org.id, requester.id);

    app.delete(&path)
        .bearer(&org.member.token)
        .send()
        .await
        .problem(403, "forbidden");
    let refused = app
        .delete(&path)
        .bearer(&org.admin.token)
        .send()
        .await
        .ok(200);

    assert_eq!(refused["status"], "inactive");
}

#[tokio::test]
async fn r_org_6_only_admins_edit_the_profile() {
    let app = TestApp::spawn().await;
    let org = org(&app).await;
    let path = format!("/api/v1/organizations/{}", org.id);

    app.patch(&path)
        .bearer(&org.member.token)
        .json(json!({"phone": "0102030405"}))
        .send()
        .await
        .problem(403, "forbidden");
    let edited = app
        .patch(&path)
        .bearer(&org.admin.token)
        .json(json!({"phone": "0102030405"}))
        .send()
        .await
        .ok(200);

    assert_eq!(edited["profile"]["phone"], "0102030405");
    let shown = app
        .get(&path)
        .bearer(&org.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(shown["profile"]["phone"], "0102030405");
}

#[tokio::test]
async fn r_org_6_only_admins_deactivate_a_member_and_never_themselves() {
    let app = TestApp::spawn().await;
    let org = org(&app).await;
    let member_path = format!("/api/v1/organizations/{}/members/{}", org.id, org.member.id);
    let admin_path = format!("/api/v1/organizations/{}/members/{}", org.id, org.admin.id);

    app.delete(&admin_path)
        .bearer(&org.member.token)
        .send()
        .await
        .problem(403, "forbidden");
    app.delete(&admin_path)
        .bearer(&org.admin.token)
        .send()
        .await
        .problem(403, "forbidden");
    let deactivated = app
        .delete(&member_path)
        .bearer(&org.admin.token)
        .send()
        .await
        .ok(200);

    assert_eq!(deactivated["status"], "inactive");
    // A deactivated member no longer acts for the organization.
    app.get(&format!("/api/v1/organizations/{}", org.id))
        .bearer(&org.member.token)
        .send()
        .await
        .problem(404, "not_found");
}

#[tokio::test]
async fn r_org_6_only_admins_grant_or_remove_admin_and_never_to_themselves() {
    let app = TestApp::spawn().await;
    let org = org(&app).await;
    let member_path = format!("/api/v1/organizations/{}/members/{}", org.id, org.member.id);
    let admin_path = format!("/api/v1/organizations/{}/members/{}", org.id, org.admin.id);

    app.patch(&member_path)
        .bearer(&org.member.token)
        .json(json!({"role": "admin"}))
        .send()
        .await
        .problem(403, "forbidden");
    app.patch(&admin_path)
        .bearer(&org.admin.token)
        .json(json!({"role": "member"}))
        .send()
        .await
        .problem(403, "forbidden");
    let granted = app
        .patch(&member_path)
        .bearer(&org.admin.token)
        .json(json!({"role": "admin"}))
        .send()
        .await
        .ok(200);
    assert_eq!(granted["role"], "admin");
    // The new admin may now remove the first one's admin role.
    let removed = app
        .patch(&admin_path)
        .bearer(&org.member.token)
        .json(json!({"role": "member"}))
        .send()
        .await
        .ok(200);
    assert_eq!(removed["role"], "member");
    assert!(app.count("audit_log") >= 2);
}
