//! Migrations run once, even when the first requests on a fresh database race.

use tremplin_tests::{join_all, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn migrations_run_once_when_first_requests_race() {
    let app = TestApp::spawn().await;

    // Different components, all first on an empty database, at the same time.
    let answers = join_all(
        (0..8)
            .map(|i| match i % 4 {
                0 => app.get("/api/v1/health").spawn(),
                1 => app.get("/api/v1/me").bearer("nope").spawn(),
                2 => app
                    .post("/api/v1/admin/import/cities")
                    .bearer("nope")
                    .json(serde_json::json!({"rows": []}))
                    .spawn(),
                _ => app
                    .post("/api/v1/auth/token")
                    .json(serde_json::json!({"email": "a@b.fr", "password": "x"}))
                    .spawn(),
            })
            .collect(),
    )
    .await;

    for (i, answer) in answers.iter().enumerate() {
        assert!(
            matches!(answer.status, 200 | 401),
            "request {i}: {} {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
    }
    let db = app.db();
    let (rows, distinct, latest): (i64, i64, i64) = db
        .query_row(
            "SELECT COUNT(*), COUNT(DISTINCT version), MAX(version) FROM schema_migrations",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(rows, distinct, "each migration recorded once");
    assert_eq!(rows, latest, "every migration applied");
    let health = app.get("/api/v1/health").send().await.ok(200);
    assert_eq!(health["schema_version"], latest);
}
