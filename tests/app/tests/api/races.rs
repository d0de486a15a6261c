//! Real concurrent requests: decisions are taken inside the write transaction (rights and state
//! read again under the lock), and a writer that cannot get SQLite's lock within the bounded wait
//! gets 503 with `Retry-After` instead of waiting for minutes.

use serde_json::json;
use tremplin_tests::{join_all, Org, Person, TestApp, TestResponse};

/// Rounds of each race, so that the requests really overlap in at least some of them.
const ROUNDS: usize = 6;

fn member_path(org: &Org, person: &Person) -> String {
    format!("/api/v1/organizations/{}/members/{}", org.id, person.id)
}

fn active_admins(app: &TestApp, org: &Org) -> i64 {
    app.db()
        .query_row(
            "SELECT COUNT(*) FROM memberships \
             WHERE organization_id = ? AND role = 'admin' AND status = 'active'",
            [&org.id],
            |row| row.get(0),
        )
        .unwrap()
}

/// Of two answers, exactly one is a 200; returns its index and the other's problem document.
#[track_caller]
fn one_wins(answers: &[TestResponse], status: u16, code: &str) -> (usize, serde_json::Value) {
    let winners: Vec<usize> = (0..answers.len())
        .filter(|&i| answers[i].status == 200)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one of the two wins");
    (winners[0], answers[1 - winners[0]].problem(status, code))
}

/// R-ORG-6: an organization with two admins, A (`org.admin`) and B (`org.member`, promoted).
async fn two_admins(app: &TestApp) -> Org {
    let org = app.organization("prescriber", "ML", None).await;
    app.patch(&member_path(&org, &org.member))
        .bearer(&org.admin.token)
        .json(json!({"role": "admin"}))
        .send()
        .await
        .ok(200);
    org
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r_org_6_two_admins_removing_each_others_admin_role_leave_one_admin() {
    let app = TestApp::spawn().await;
    let org = two_admins(&app).await;
    let (a, b) = (&org.admin, &org.member);

    for _ in 0..ROUNDS {
        let answers = join_all(vec![
            app.patch(&member_path(&org, b))
                .bearer(&a.token)
                .json(json!({"role": "member"}))
                .spawn(),
            app.patch(&member_path(&org, a))
                .bearer(&b.token)
                .json(json!({"role": "member"}))
                .spawn(),
        ])
        .await;

        // The loser is no longer an admin, whether it learns it at authentication or under the
        // write lock.
        let (winner, problem) = one_wins(&answers, 403, "forbidden");
        assert!(problem["detail"]
            .as_str()
            .unwrap()
            .contains("administrateur"));
        assert_eq!(active_admins(&app, &org), 1, "never without an admin");
        // The winner gives the admin role back for the next round.
        let (winner, loser) = if winner == 0 { (a, b) } else { (b, a) };
        app.patch(&member_path(&org, loser))
            .bearer(&winner.token)
            .json(json!({"role": "admin"}))
            .send()
            .await
            .ok(200);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r_org_6_two_admins_deactivating_each_other_leave_one_admin() {
    let app = TestApp::spawn().await;
    let org = two_admins(&app).await;
    let (a, b) = (&org.admin, &org.member);

    for _ in 0..ROUNDS {
        let answers = join_all(vec![
            app.delete(&member_path(&org, b)).bearer(&a.token).spawn(),
            app.delete(&member_path(&org, a)).bearer(&b.token).spawn(),
        ])
        .await;

        // The loser is no longer a member: like any non-member, it is told the member is unknown.
        let (winner, _) = one_wins(&answers, 404, "not_found");
        assert_eq!(active_admins(&app, &org), 1, "never without an admin");
        let (winner, loser) = if winner == 0 { (a, b) } else { (b, a) };
        let back = app
            .patch(&member_path(&org, loser))
            .bearer(&winner.token)
            .json(json!({"status": "active", "role": "admin"}))
            .send()
            .await
            .ok(200);
        assert_eq!(back["role"], "admin");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r_org_6_two_concurrent_profile_edits_of_different_fields_are_both_kept() {
    let app = TestApp::spawn().await;
    let org = two_admins(&app).await;
    let path = format!("/api/v1/organizations/{}", org.id);

    for round in 0..ROUNDS {
        let (phone, website) = (
            format!("01 02 03 04 0{round}"),
            format!("https://exemple{round}.fr"),
        );
        let answers = join_all(vec![
            app.patch(&path)
                .bearer(&org.admin.token)
                .json(json!({"phone": phone}))
                .spawn(),
            app.patch(&path)
                .bearer(&org.member.token)
                .json(json!({"website": website}))
                .spawn(),
        ])
        .await;

        for answer in &answers {
            answer.ok(200);
        }
        let shown = app.get(&path).bearer(&org.admin.token).send().await.ok(200);
        assert_eq!(shown["profile"]["phone"], phone.as_str(), "round {round}");
        assert_eq!(
            shown["profile"]["website"],
            website.as_str(),
            "round {round}"
        );
    }
}

/// The write every lock test sends: an admin edits the profile (one `Ctx::write`).
fn edit_phone(app: &TestApp, org: &Org, phone: &str) -> tokio::task::JoinHandle<TestResponse> {
    app.patch(&format!("/api/v1/organizations/{}", org.id))
        .bearer(&org.admin.token)
        .json(json!({"phone": phone}))
        .spawn()
}

fn phone_of(app: &TestApp, org: &Org) -> Option<String> {
    app.db()
        .query_row(
            "SELECT phone FROM organizations WHERE id = ?",
            [&org.id],
            |row| row.get(0),
        )
        .unwrap()
}

#[track_caller]
fn database_busy(answer: &TestResponse) {
    answer.problem(503, "database_busy");
    let retry_after: u64 = answer
        .header("retry-after")
        .expect("a Retry-After header")
        .parse()
        .expect("whole seconds");
    assert!(retry_after >= 1);
}

#[tokio::test]
async fn a_writer_that_cannot_get_the_write_lock_gets_503_while_the_lock_is_still_held() {
    let app = TestApp::spawn().await;
    let org = app.organization("prescriber", "ML", None).await;
    let holder = app.db();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();

    // The answer arrives while another connection still holds the lock: the wait is bounded
    // (before, 200 attempts of SQLite's 5 s busy timeout each, about 17 minutes).
    let answer = edit_phone(&app, &org, "01 99 99 99 99").await.unwrap();

    database_busy(&answer);
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(phone_of(&app, &org), None, "nothing was written");
    edit_phone(&app, &org, "01 99 99 99 99")
        .await
        .unwrap()
        .ok(200);
}

#[tokio::test]
async fn a_commit_that_cannot_get_the_exclusive_lock_rolls_back_with_503() {
    let app = TestApp::spawn().await;
    let org = app.organization("prescriber", "ML", None).await;
    // A reader in the middle of a transaction: the writer's BEGIN IMMEDIATE succeeds, but its
    // COMMIT needs every reader gone (rollback journal) and meets SQLITE_BUSY.
    let reader = app.db();
    reader.execute_batch("BEGIN").unwrap();
    let _: i64 = reader
        .query_row("SELECT COUNT(*) FROM organizations", [], |row| row.get(0))
        .unwrap();

    let answer = edit_phone(&app, &org, "01 98 98 98 98").await.unwrap();

    database_busy(&answer);
    reader.execute_batch("COMMIT").unwrap();
    assert_eq!(
        phone_of(&app, &org),
        None,
        "rolled back, not committed later"
    );
    edit_phone(&app, &org, "01 98 98 98 98")
        .await
        .unwrap()
        .ok(200);
}
