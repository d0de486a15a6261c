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
    let mut headers = Vec::new();
    if let Some(token) = token {
        headers.push(("authorization".to_owned(), format!("Bearer {token}")));
    }
    let body = match body {
        Some(body) => {
            headers.push(("content-type".to_owned(), "application/json".to_owned()));
            serde_json::to_vec(&body).expect("json")
        }
        None => Vec::new(),
    };
    tremplin_tests::send_as(
        app,
        client,
        tremplin_tests::request(method, path, &headers, body),
    )
    .await
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

/// Sends `burst` attempts in parallel, then more one at a time until one is refused; returns how
/// many were checked (401) in the burst and in all. Attempts over a limit get 429 with
/// `Retry-After`; under the burst some may get 503 with `Retry-After` instead (the bounded lock
/// wait, while the admitted ones hash on 2 cores). Neither is counted, so in all at least the
/// limit are checked — a little more for a limit whose attempts leak out within the test (the
/// address's: one every 9 s), exactly the limit for the pair's (one every 3 min).
async fn checked(
    burst: usize,
    attempt: impl Fn(usize) -> tokio::task::JoinHandle<TestResponse>,
) -> (usize, usize) {
    let answers = tremplin_tests::join_all((0..burst).map(&attempt).collect()).await;
    let mut in_burst = 0;
    for answer in &answers {
        match answer.status {
            401 => {
                answer.problem(401, "invalid_credentials");
                in_burst += 1;
            }
            429 => refused(answer, 429, "rate_limited"),
            _ => refused(answer, 503, "database_busy"),
        }
    }
    let mut total = in_burst;
    for i in burst.. {
        let answer = attempt(i).await.unwrap();
        match answer.status {
            401 => total += 1,
            429 => break,
            _ => refused(&answer, 503, "database_busy"),
        }
        assert!(total <= 2 * burst, "never refused");
    }
    (in_burst, total)
}

/// A refusal that counted nothing: its problem and a `Retry-After` in whole seconds.
#[track_caller]
fn refused(answer: &TestResponse, status: u16, code: &str) {
    answer.problem(status, code);
    let retry_after: u64 = answer
        .header("retry-after")
        .expect("retry-after")
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_parallel_guesses_from_one_address_get_at_most_the_pair_limit() {
    let app = TestApp::spawn().await;
    let org = app.organization("prescriber", "ML", None).await;
    let attacker = "203.0.113.7:40000";

    let (in_burst, total) = checked(100, |i| {
        login_from(
            &app,
            attacker,
            &org.admin.email,
            &format!("guess number {i}"),
        )
    })
    .await;

    eprintln!("guesses checked out of 100 parallel: {in_burst}");
    assert!(
        in_burst <= PAIR_LIMIT,
        "{in_burst} guesses checked out of 100 parallel"
    );
    assert_eq!(total, PAIR_LIMIT);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn guesses_spread_over_many_addresses_stop_at_the_email_limit() {
    let app = TestApp::spawn().await;
    let org = app.organization("prescriber", "ML", None).await;

    // 12 addresses × the pair limit = 60 guesses in parallel, then more from further addresses.
    let (in_burst, total) = checked(12 * PAIR_LIMIT, |i| {
        let client = format!("192.0.2.{}:40000", i / PAIR_LIMIT + 1);
        login_from(&app, &client, &org.admin.email, &format!("guess {i}"))
    })
    .await;

    assert!(in_burst <= EMAIL_LIMIT, "{in_burst}");
    assert!(total >= EMAIL_LIMIT, "{total}");
    // The limit is per e-mail: a colleague from any address is untouched.
    login_from(&app, "192.0.2.1:50000", &org.member.email, PASSWORD)
        .await
        .unwrap()
        .ok(200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_address_trying_many_accounts_stops_at_the_address_limit() {
    let app = TestApp::spawn().await;
    let client = "203.0.113.9:40000";

    let (_, total) = checked(ADDRESS_LIMIT + 10, |i| {
        login_from(&app, client, &format!("user{i}@test.fr"), PASSWORD)
    })
    .await;

    assert!(total >= ADDRESS_LIMIT, "{total}");
    // At most one row per key counted, not per attempt: the checked e-mails and their pairs, and
    // the address (refused attempts count nowhere; drained keys are purged).
    let rows = app.count("login_throttle");
    assert!(
        rows <= 2 * total as i64 + 1,
        "{rows} rows for {total} counted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_addresses_of_one_ipv6_block_count_as_one() {
    let app = TestApp::spawn().await;
    let email = "victime@x.fr";
    // Every guess from another address of the same /64: one subscriber, one pair count.
    let (_, total) = checked(PAIR_LIMIT, |i| {
        login_from(
            &app,
            &format!("[2001:db8:0:1::{:x}]:4000", i + 1),
            email,
            "mauvais",
        )
    })
    .await;
    assert_eq!(total, PAIR_LIMIT);
    // Another block is another address.
    login_from(&app, "[2001:db8:0:2::1]:4000", email, "mauvais")
        .await
        .unwrap()
        .problem(401, "invalid_credentials");
}
