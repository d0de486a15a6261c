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

#[tokio::test]
async fn the_members_list_is_paged_like_every_list() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let users: Vec<_> = (0..25)
        .map(|i| {
            json!({"email": format!("m{i:02}@paged.test"), "password": tremplin_tests::PASSWORD,
                   "first_name": "Membre", "last_name": format!("N{i:02}"),
                   "memberships": [{"organization": "o", "role": if i == 0 { "admin" } else { "member" }}]})
        })
        .collect();
    app.import_accounts(
        &admin,
        json!({"organizations": [{"ref": "o", "category": "structure", "kind": "EI",
               "siret": tremplin_tests::luhn_siret(900), "name": "Vingt-cinq membres"}],
               "users": users}),
    )
    .await;
    let id: String = app
        .db()
        .query_row(
            "SELECT id FROM organizations WHERE name = 'Vingt-cinq membres'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let token = app.token("m00@paged.test").await;
    let list = |query: &str| {
        app.get(&format!("/api/v1/organizations/{id}/members{query}"))
            .bearer(&token)
            .send()
    };

    let mut seen = Vec::new();
    for (page, expected) in [(1, 10), (2, 10), (3, 5), (4, 0)] {
        let answer = list(&format!("?page={page}&page_size=10")).await.ok(200);
        assert_eq!(answer["count"], 25);
        assert_eq!(answer["page"], page);
        assert_eq!(answer["page_size"], 10);
        let results = answer["results"].as_array().unwrap();
        assert_eq!(results.len(), expected, "page {page}");
        seen.extend(
            results
                .iter()
                .map(|m| m["user_id"].as_str().unwrap().to_owned()),
        );
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 25, "pages are disjoint and cover every member");
    let default = list("").await.ok(200);
    assert_eq!(
        (default["page"].clone(), default["page_size"].clone()),
        (json!(1), json!(20))
    );
    assert_eq!(default["results"].as_array().unwrap().len(), 20);

    for (query, field) in [
        ("?page=0", "page"),
        ("?page=deux", "page"),
        ("?page=18446744073709551616", "page"),
        // (page − 1) × 100 passes SQLite's 64-bit OFFSET: refused, not wrapped.
        ("?page=92233720368547760&page_size=100", "page"),
        ("?page_size=0", "page_size"),
        ("?page_size=101", "page_size"),
    ] {
        let answer = list(query).await;
        assert_eq!(answer.status, 400, "{query}");
        let problem = answer.json();
        assert!(problem["errors"][field].is_array(), "{query}: {problem}");
    }
}

#[tokio::test]
async fn the_account_import_runs_only_where_demo_data_is_allowed() {
    // `demo_data` is off by default (the tests' app turns it on; this one turns it back off).
    let app = TestApp::spawn_with(&[("demo_data", "")]).await;
    let admin = app.admin().await;
    let before = app.snapshot();

    let refused = app
        .post("/api/v1/admin/accounts")
        .bearer(&admin)
        .json(json!({"organizations": [], "users": []}))
        .send()
        .await
        .problem(403, "forbidden");

    assert!(refused["detail"]
        .as_str()
        .unwrap()
        .contains("démonstration"));
    assert_eq!(app.snapshot(), before, "nothing changed");
}

#[tokio::test]
async fn the_account_import_is_capped_per_request() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let user = |i: usize| {
        json!({"email": format!("u{i}@cap.test"), "password": tremplin_tests::PASSWORD,
               "first_name": "A", "last_name": "B", "memberships": []})
    };
    let organization = |i: u64| {
        json!({"ref": format!("o{i}"), "category": "structure", "kind": "EI",
               "siret": tremplin_tests::luhn_siret(1000 + i), "name": format!("Structure {i}")})
    };
    let before = app.snapshot();

    for (organizations, users, field) in [
        (
            (0..201).map(organization).collect::<Vec<_>>(),
            vec![],
            "organizations",
        ),
        (vec![], (0..201).map(user).collect(), "users"),
    ] {
        let problem = app
            .post("/api/v1/admin/accounts")
            .bearer(&admin)
            .json(json!({"organizations": organizations, "users": users}))
            .send()
            .await
            .problem(400, "batch_too_large");
        assert!(problem["errors"][field].is_array(), "{problem}");
    }

    assert_eq!(app.snapshot(), before, "nothing changed");
}
