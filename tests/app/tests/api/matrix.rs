//! R-ORG-6, the member/admin matrix, against a table written by hand from DOMAIN.md (never read
//! from the code's `ORG_PERMISSIONS`). Rows for applications and the monthly export are tested
//! with their workflows.

use serde_json::json;
use tremplin_tests::{Org, Person, TestApp};

/// An act of R-ORG-6 that this foundation serves over HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    InviteColleague,
    AcceptAccessRequest,
    RefuseAccessRequest,
    EditProfile,
    DeactivateMember,
    GrantAdmin,
    RemoveAdmin,
}

/// DOMAIN.md R-ORG-6: (act, a member may, an admin may). "Any member may … invite colleagues.
/// Only admins may: accept or refuse access requests, edit the organization's profile,
/// deactivate a member, grant or remove admin."
const MATRIX: &[(Act, bool, bool)] = &[
    (Act::InviteColleague, true, true),
    (Act::AcceptAccessRequest, false, true),
    (Act::RefuseAccessRequest, false, true),
    (Act::EditProfile, false, true),
    (Act::DeactivateMember, false, true),
    (Act::GrantAdmin, false, true),
    (Act::RemoveAdmin, false, true),
];

/// The audit row an allowed act leaves: (action, entity).
fn audited(act: Act) -> (&'static str, &'static str) {
    match act {
        Act::InviteColleague => ("invite", "invitation"),
        Act::EditProfile => ("edit_profile", "organization"),
        Act::AcceptAccessRequest | Act::GrantAdmin | Act::RemoveAdmin => {
            ("update_membership", "membership")
        }
        Act::RefuseAccessRequest | Act::DeactivateMember => ("deactivate_membership", "membership"),
    }
}

async fn org(app: &TestApp) -> Org {
    app.organization("prescriber", "ML", Some("VALIDATED"))
        .await
}

/// A professional of another organization asks to join `org` (an access request).
async fn access_request(app: &TestApp, org: &Org) -> Person {
    let other = app.organization("prescriber", "CCAS", None).await;
    let answer = app
        .post(&format!("/api/v1/organizations/{}/members", org.id))
        .bearer(&other.member.token)
        .send()
        .await;
    assert_eq!(answer.ok(201)["status"], "pending");
    other.member
}

/// A third colleague, active in `org` with `role`, on whom the admin and the member both act.
async fn colleague(app: &TestApp, org: &Org, role: &str) -> Person {
    let person = access_request(app, org).await;
    app.patch(&format!(
        "/api/v1/organizations/{}/members/{}",
        org.id, person.id
    ))
    .bearer(&org.admin.token)
    .json(json!({"status": "active", "role": role}))
    .send()
    .await
    .ok(200);
    person
}

/// Sets up what `act` needs in `org`; returns what it targets (a user, or nobody).
async fn target(app: &TestApp, org: &Org, act: Act) -> Option<Person> {
    match act {
        Act::InviteColleague | Act::EditProfile => None,
        Act::AcceptAccessRequest | Act::RefuseAccessRequest => Some(access_request(app, org).await),
        Act::DeactivateMember | Act::GrantAdmin => Some(colleague(app, org, "member").await),
        Act::RemoveAdmin => Some(colleague(app, org, "admin").await),
    }
}

/// `by` attempts `act` in `org` on `target`: its status code.
async fn attempt(app: &TestApp, org: &Org, act: Act, by: &Person, target: Option<&Person>) -> u16 {
    let orgs = format!("/api/v1/organizations/{}", org.id);
    let member = |p: Option<&Person>| format!("{orgs}/members/{}", p.expect("a target").id);
    let call = match act {
        Act::InviteColleague => app
            .post(&format!("{orgs}/invitations"))
            .json(json!({"email": format!("new-{}@x.fr", by.id), "first_name": "Nouvelle", "last_name": "Collègue"})),
        Act::EditProfile => app.patch(&orgs).json(json!({"phone": "0102030405"})),
        Act::AcceptAccessRequest => app
            .patch(&member(target))
            .json(json!({"status": "active"})),
        Act::RefuseAccessRequest | Act::DeactivateMember => app.delete(&member(target)),
        Act::GrantAdmin => app.patch(&member(target)).json(json!({"role": "admin"})),
        Act::RemoveAdmin => app.patch(&member(target)).json(json!({"role": "member"})),
    };
    let answer = call.bearer(&by.token).send().await;
    match answer.status {
        403 => drop(answer.problem(403, "forbidden")),
        status => assert!(
            (200..300).contains(&status),
            "{act:?} by {}: {status} {}",
            by.email,
            String::from_utf8_lossy(&answer.body)
        ),
    }
    answer.status
}

#[tokio::test]
async fn r_org_6_members_and_admins_may_do_what_the_rule_book_says_and_nothing_more() {
    let app = TestApp::spawn().await;
    let mut observed = Vec::new();

    for &(act, _, _) in MATRIX {
        let org = org(&app).await;
        let target = target(&app, &org, act).await;
        let mut allowed = Vec::new();
        // The member first: a refused attempt must leave the target as it was for the admin.
        for by in [&org.member, &org.admin] {
            let mark = app.audit_mark();
            let status = attempt(&app, &org, act, by, target.as_ref()).await;
            let audit = app.audit_since(mark);
            let ok = (200..300).contains(&status);
            if ok {
                let (action, entity) = audited(act);
                assert_eq!(audit.len(), 1, "{act:?}: one audit row: {audit:?}");
                assert_eq!(
                    (audit[0].action.as_str(), audit[0].entity.as_str()),
                    (action, entity),
                    "{act:?}"
                );
                assert_eq!(audit[0].actor_user_id.as_deref(), Some(by.id.as_str()));
                assert_eq!(audit[0].organization_id.as_deref(), Some(org.id.as_str()));
                if let Some(target) = &target {
                    assert_eq!(audit[0].entity_id, target.id, "{act:?}");
                }
            } else {
                assert_eq!(audit, [], "{act:?}: a refused act records nothing");
            }
            allowed.push(ok);
        }
        observed.push((act, allowed[0], allowed[1]));
    }

    assert_eq!(observed, MATRIX);
}

#[tokio::test]
async fn r_org_6_an_admin_neither_deactivates_nor_demotes_themselves() {
    let app = TestApp::spawn().await;
    let org = org(&app).await;
    let own = format!("/api/v1/organizations/{}/members/{}", org.id, org.admin.id);
    let mark = app.audit_mark();

    app.delete(&own)
        .bearer(&org.admin.token)
        .send()
        .await
        .problem(403, "forbidden");
    app.patch(&own)
        .bearer(&org.admin.token)
        .json(json!({"role": "member"}))
        .send()
        .await
        .problem(403, "forbidden");

    assert_eq!(app.audit_since(mark), []);
    let members = app
        .get(&format!("/api/v1/organizations/{}/members", org.id))
        .bearer(&org.admin.token)
        .send()
        .await
        .ok(200);
    let admin = members["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == org.admin.id.as_str())
        .expect("the admin is listed");
    assert_eq!(
        (&admin["role"], &admin["status"]),
        (&json!("admin"), &json!("active"))
    );
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
async fn r_org_6_an_accepted_request_makes_a_member_and_a_deactivated_one_no_longer_acts() {
    let app = TestApp::spawn().await;
    let org = org(&app).await;
    let requester = access_request(&app, &org).await;
    let path = format!("/api/v1/organizations/{}/members/{}", org.id, requester.id);

    let accepted = app
        .patch(&path)
        .bearer(&org.admin.token)
        .json(json!({"status": "active"}))
        .send()
        .await
        .ok(200);
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

    let deactivated = app
        .delete(&path)
        .bearer(&org.admin.token)
        .send()
        .await
        .ok(200);
    assert_eq!(deactivated["status"], "inactive");
    app.get(&format!("/api/v1/organizations/{}", org.id))
        .bearer(&requester.token)
        .send()
        .await
        .problem(404, "not_found");
}

#[tokio::test]
async fn r_org_6_a_new_admin_may_remove_the_first_ones_admin_role() {
    let app = TestApp::spawn().await;
    let org = org(&app).await;
    let member_path = format!("/api/v1/organizations/{}/members/{}", org.id, org.member.id);
    let admin_path = format!("/api/v1/organizations/{}/members/{}", org.id, org.admin.id);
    app.patch(&member_path)
        .bearer(&org.admin.token)
        .json(json!({"role": "admin"}))
        .send()
        .await
        .ok(200);
    let mark = app.audit_mark();

    let removed = app
        .patch(&admin_path)
        .bearer(&org.member.token)
        .json(json!({"role": "member"}))
        .send()
        .await
        .ok(200);

    assert_eq!(removed["role"], "member");
    let audit = app.audit_since(mark);
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0].action, "update_membership");
    assert_eq!(
        audit[0].actor_user_id.as_deref(),
        Some(org.member.id.as_str())
    );
    assert_eq!(audit[0].entity_id, org.admin.id);
    assert_eq!(
        audit[0].details,
        json!({"role": "member", "status": "active"})
    );
}
