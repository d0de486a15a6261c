//! Login throttling under parallel requests: the attempt is counted before the password is
//! hashed, per (e-mail, address) pair (5), per e-mail (50) and per address (100), so N parallel
//! guesses never get more than the limit, and a guesser locks only themselves out.

use http::Method;
use serde_json::{json, Value};
use tremplin_host::App;
use tremplin_tests::{TestApp, TestResponse, PASSWORD};

const PAIR_LIMIT: usize = 5;
const EMAIL_LIMIT: usize = 50;
const ADDRESS_LIMIT: usize = 100;

/// Sends a request to `app` as coming from `client` (`ip:port`): the host sets `spin-client-addr`
/// from it. Also serves a second `App` opened on a test's state directory (other variables).
pub async fn send_from(
    app: &App,
    client: &str,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> TestResponse {
    let mut request = http::Request::builder()
        .method(method)
        .uri(format!("http://127.0.0.1:3000{path}"))
        .header("host", "127.0.0.1:3000");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let body = match body {
        Some(body) => {
            request = request.header("content-type", "application/json");
            serde_json::to_vec(&body).expect("json")
        }
        None => Vec::new(),
    };
    let response = app
        .handle(
            request.body(body).expect("request"),
            client.parse().expect("addr"),
        )
        .await
        .expect("the host completes the response");
    let (parts, body) = response.into_parts();
    TestResponse {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body,
    }
}

/// A login from `client`, on its own task so that many run in parallel.
fn login_from(
    app: &TestApp,
    client: &str,
    email: &str,
    password: &str,
) -> tokio::task::JoinHandle<TestResponse> {
    let (app, client) = (app.app.clone(), client.to_owned());
    let body = json!({"email": email, "password": password});
    tokio::spawn(async move {
        send_from(
            &app,
            &client,
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(body),
        )
        .await
    })
}

/// Waits for every login; returns how many were checked (401) and asserts the rest were 429
/// with a `Retry-After`.
async fn checked_and_limited(handles: Vec<tokio::task::JoinHandle<TestResponse>>) -> usize {
    let mut checked = 0;
    for answer in tremplin_tests::join_all(handles).await {
        if answer.status == 401 {
            answer.problem(401, "invalid_credentials");
            checked += 1;
        } else {
            answer.problem(429, "rate_limited");
            let retry_after: u64 = answer
                .header("retry-after")
                .expect("retry-after")
                .parse()
                .unwrap();
            assert!((1..=900).contains(&retry_after), "{retry_after}");
        }
    }
    checked
}

#[tokio::test]
async fn a_hundred_parallel_guesses_from_one_address_get_at_most_the_pair_limit() {
    let app = TestApp::spawn().await;
    let org = app.organization("prescriber", "ML", None).await;
    let attacker = "203.0.113.7:40000";

    let guesses = (0..100)
        .map(|i| {
            login_from(
                &app,
                attacker,
                &org.admin.email,
                &format!("guess number {i}"),
            )
        })
        .collect();
    let checked = checked_and_limited(guesses).await;

    assert_eq!(checked, PAIR_LIMIT, "guesses checked out of 100 parallel");
    // The attacker's address is locked out of this account, even with the right password…
    let locked = login_from(&app, attacker, &org.admin.email, PASSWORD)
        .await
        .unwrap();
    locked.problem(429, "rate_limited");
    // …but the account's owner, from their own address, still logs in (refused attempts were
    // not counted against the e-mail)…
    login_from(&app, "198.51.100.2:50000", &org.admin.email, PASSWORD)
        .await
        .unwrap()
        .ok(200);
    // …and the attacker's address is not locked out of other accounts.
    login_from(&app, attacker, &org.member.email, PASSWORD)
        .await
        .unwrap()
        .ok(200);
}

#[tokio::test]
async fn guesses_spread_over_many_addresses_stop_at_the_email_limit() {
    let app = TestApp::spawn().await;
    let org = app.organization("prescriber", "ML", None).await;

    // 12 addresses × the pair limit = 60 guesses in parallel.
    let guesses = (0..12)
        .flat_map(|a| (0..PAIR_LIMIT).map(move |g| (a, g)))
        .map(|(a, g)| {
            let client = format!("192.0.2.{}:4000{g}", a + 1);
            login_from(&app, &client, &org.admin.email, &format!("guess {a}-{g}"))
        })
        .collect();

    assert_eq!(checked_and_limited(guesses).await, EMAIL_LIMIT);
    // The limit is per e-mail: a colleague from any address is untouched.
    login_from(&app, "192.0.2.1:50000", &org.member.email, PASSWORD)
        .await
        .unwrap()
        .ok(200);
}

#[tokio::test]
async fn one_address_trying_many_accounts_stops_at_the_address_limit() {
    let app = TestApp::spawn().await;
    let client = "203.0.113.9:40000";

    let guesses = (0..ADDRESS_LIMIT + 10)
        .map(|i| login_from(&app, client, &format!("user{i}@test.fr"), PASSWORD))
        .collect();

    assert_eq!(checked_and_limited(guesses).await, ADDRESS_LIMIT);
    // One row per key counted, not per attempt: the 100 checked e-mails and their pairs, and the
    // address (refused attempts count nowhere).
    assert_eq!(app.count("login_throttle"), 100 + 100 + 1);
}
