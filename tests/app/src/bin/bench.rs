//! `tremplin-bench [foundation|directory|apply]…` (run it with `make bench`): latency figures
//! through the bundled host on 127.0.0.1, each next to the hello-world component measured in the
//! same run, and write endpoints next to the durable-write floor (one INSERT in one transaction,
//! SPIN.md). `BENCH_JOURNAL=wal` runs it with SQLite's write-ahead log instead of Spin's default
//! journal; `BENCH_STATE_DIR=<folder>` keeps the database there; `BENCH_LOADED=<file>` keeps a
//! copy of the database as loaded (before any measure) and, when that file exists, starts from it
//! instead of loading again (for `apply` and `directory`, which load for about 14 minutes). `directory` and `apply` first load (once) the reference data, the synthetic national
//! directory and the synthetic candidates and applications with `tremplin-load --synthetic`
//! (through the administration endpoints, as in production; `BENCH_SCALE` is its
//! `--synthetic-scale`, 1.0 by default: 300,000 candidates and 1,000,000 applications).
//! `apply` (issue 7) then measures sending an application and opening page 1 of the sent box of
//! the busiest prescriber organization and of the received box of the busiest structure, next to
//! `GET /api/v1/health` and the write floor measured in the same run, and checks the targets.
//! `decide` (issue 8) adds 300,000 existing PASS, then measures the busiest structure's accepts
//! (each issuing a PASS) with 1 and 8 clients and its refusals, next to the write floor.
//!
//! Clients are plain HTTP/1.1 keep-alive connections on their own threads; every request's
//! latency is recorded and the median, p99 and max printed. A write that waited out the bounded
//! lock wait answers 503 with `Retry-After`: counted (column `busy`), any other unexpected answer
//! stops the run. The write floor has no bound of its own: its busy column counts the 500s of
//! SQLite's 5 s busy timeout.

use anyhow::{bail, Context, Result};
use serde_json::json;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};
use tremplin_tests::{repo_root, ADMIN_EMAIL, BOOTSTRAP_TOKEN, PASSWORD};

/// The app's manifest plus the two reference components, written under `target/bench/`.
fn bench_manifest() -> Result<std::path::PathBuf> {
    let root = repo_root();
    let manifest = std::fs::read_to_string(root.join("spin.toml"))?;
    let release = root.join("target/wasm32-wasip2/release");
    let mut text = manifest.replace(
        "source = \"target/wasm32-wasip2/release/",
        &format!("source = \"{}/", release.display()),
    );
    text.push_str(&format!(
        r#"
[[trigger.http]]
route = "/bench/hello"
component = "hello"

[[trigger.http]]
route = "/bench/write"
component = "write-floor"

[component.hello]
source = "{release}/hello.wasm"

[component.write-floor]
source = "{release}/write_floor.wasm"
sqlite_databases = ["default"]
"#,
        release = release.display()
    ));
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("spin.toml");
    std::fs::write(&path, text)?;
    Ok(path)
}

/// One keep-alive HTTP/1.1 connection.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(addr: SocketAddr) -> Result<Client> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        Ok(Client {
            writer: stream.try_clone()?,
            reader: BufReader::new(stream),
        })
    }

    /// Sends one request and reads the whole response; returns (status, body).
    fn send(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &str,
    ) -> Result<(u16, Vec<u8>)> {
        self.exchange(method, path, token, body)
            .map(|answer| (answer.status, answer.body))
    }

    fn exchange(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &str,
    ) -> Result<Answer> {
        let auth = token
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        write!(
            self.writer,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )?;
        let mut status_line = String::new();
        self.reader.read_line(&mut status_line)?;
        let status: u16 = status_line
            .split(' ')
            .nth(1)
            .context("status line")?
            .parse()?;
        let (mut length, mut retry_after) = (0, None);
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line)?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse()?;
                } else if name.eq_ignore_ascii_case("retry-after") {
                    retry_after = Some(value.trim().to_owned());
                }
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body)?;
        Ok(Answer {
            status,
            retry_after,
            body,
        })
    }
}

struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: Vec<u8>,
}

struct Figures {
    name: String,
    clients: usize,
    latencies: Vec<Duration>,
    /// Answers that did not get SQLite's lock in time (see [`Busy`]).
    unavailable: usize,
    elapsed: Duration,
}

impl Figures {
    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
    }

    fn print(&self, reference: Option<&Figures>) {
        let median = self.percentile(0.5);
        let ratio = reference.map_or(String::new(), |r| {
            format!(
                "{:>6.2}×",
                median.as_secs_f64() / r.percentile(0.5).as_secs_f64()
            )
        });
        println!(
            "{:<52} {:>3} {:>7} {:>9.3} {:>9.3} {:>9.3} {:>5} {:>9.0} {}",
            self.name,
            self.clients,
            self.latencies.len(),
            median.as_secs_f64() * 1e3,
            self.percentile(0.99).as_secs_f64() * 1e3,
            self.percentile(1.0).as_secs_f64() * 1e3,
            self.unavailable,
            self.latencies.len() as f64 / self.elapsed.as_secs_f64(),
            ratio
        );
    }
}

/// What a request answers when it did not get SQLite's lock in time.
#[derive(Clone, Copy)]
enum Busy {
    /// The app's bounded wait: 503 with `Retry-After`, nothing else.
    Bounded,
    /// The write floor's: 500 "database is locked" after SQLite's own 5 s busy timeout.
    FloorTimeout,
}

impl Busy {
    fn matches(self, answer: &Answer) -> bool {
        match self {
            Busy::Bounded => answer.status == 503 && answer.retry_after.is_some(),
            Busy::FloorTimeout => {
                answer.status == 500
                    && String::from_utf8_lossy(&answer.body).contains("database is locked")
            }
        }
    }
}

/// `requests` requests spread over `clients` connections in parallel; every answer must be
/// `expect`, or busy (counted).
fn measure(
    addr: SocketAddr,
    name: &str,
    clients: usize,
    requests: usize,
    expect: u16,
    request: impl Fn(usize) -> (String, String, Option<String>, String) + Sync,
) -> Result<Figures> {
    measure_writes(
        addr,
        name,
        clients,
        requests,
        expect,
        Busy::Bounded,
        request,
    )
}

fn measure_writes(
    addr: SocketAddr,
    name: &str,
    clients: usize,
    requests: usize,
    expect: u16,
    busy: Busy,
    request: impl Fn(usize) -> (String, String, Option<String>, String) + Sync,
) -> Result<Figures> {
    let start = Instant::now();
    let (latencies, unavailable) = std::thread::scope(|scope| -> Result<(Vec<Duration>, usize)> {
        let workers: Vec<_> = (0..clients)
            .map(|c| {
                let request = &request;
                scope.spawn(move || -> Result<(Vec<Duration>, usize)> {
                    let mut client = Client::connect(addr)?;
                    let (mut latencies, mut unavailable) = (Vec::new(), 0);
                    for i in (c..requests).step_by(clients) {
                        let (method, path, token, body) = request(i);
                        let sent = Instant::now();
                        let answer = client.exchange(&method, &path, token.as_deref(), &body)?;
                        latencies.push(sent.elapsed());
                        if busy.matches(&answer) {
                            unavailable += 1;
                        } else if answer.status != expect {
                            bail!(
                                "{name}: {method} {path} answered {}: {}",
                                answer.status,
                                String::from_utf8_lossy(&answer.body)
                            );
                        }
                    }
                    Ok((latencies, unavailable))
                })
            })
            .collect();
        let (mut all, mut unavailable) = (Vec::new(), 0);
        for worker in workers {
            let (latencies, refused) = worker.join().expect("worker thread")?;
            all.extend(latencies);
            unavailable += refused;
        }
        Ok((all, unavailable))
    })?;
    Ok(Figures {
        name: name.to_owned(),
        clients,
        latencies,
        unavailable,
        elapsed: start.elapsed(),
    })
}

fn get(path: &str, token: Option<&str>) -> (String, String, Option<String>, String) {
    (
        "GET".into(),
        path.into(),
        token.map(str::to_owned),
        String::new(),
    )
}

fn main() -> Result<()> {
    let requests: usize = std::env::var("BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let sections: Vec<String> = std::env::args().skip(1).collect();
    let wants = |name: &str| sections.is_empty() || sections.iter().any(|s| s == name);
    let runtime = tokio::runtime::Runtime::new()?;
    // BENCH_STATE_DIR keeps the database (an empty folder), e.g. for EXPLAIN QUERY PLAN after
    // the run; by default a temporary folder, removed at the end.
    let temporary = tempfile::tempdir()?;
    let state = match std::env::var_os("BENCH_STATE_DIR") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => temporary.path().to_path_buf(),
    };
    std::fs::create_dir_all(&state)?;
    let database = state.join("sqlite_db.db");
    let snapshot = std::env::var_os("BENCH_LOADED").map(std::path::PathBuf::from);
    let reused = match &snapshot {
        Some(file) if file.exists() => {
            std::fs::copy(file, &database)
                .with_context(|| format!("copying {}", file.display()))?;
            // On disk before measuring: the copy's writeback would slow the floors' syncs.
            std::fs::File::open(&database)?.sync_all()?;
            println!("database copied from {}", file.display());
            true
        }
        _ => false,
    };
    let loaded = Instant::now();
    let host = tremplin_host::Runtime::load(&bench_manifest()?)?;
    println!(
        "components loaded in {:.2} s",
        loaded.elapsed().as_secs_f64()
    );
    // demo_data: the synthetic data's endpoints and accounts (tremplin-load --synthetic).
    let vars = [
        ("bootstrap_token".to_owned(), BOOTSTRAP_TOKEN.to_owned()),
        ("demo_data".to_owned(), "true".to_owned()),
    ]
    .into();
    let app = tremplin_host::App::new(host, state.clone(), vars)?;
    // BENCH_JOURNAL=wal measures what SQLite's write-ahead log changes (SPIN.md: Spin's default
    // is the rollback journal; the setting is stored in the database file).
    if let Ok(mode) = std::env::var("BENCH_JOURNAL") {
        let db = rusqlite::Connection::open(&database)?;
        let set: String = db.query_row(&format!("PRAGMA journal_mode = {mode}"), [], |row| {
            row.get(0)
        })?;
        println!("journal mode: {set}");
    }
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    runtime.spawn(app.serve_listener(listener, std::future::pending()));

    let mut setup = Client::connect(addr)?;
    let administration = if reused {
        session(addr, ADMIN_EMAIL, PASSWORD)?.1
    } else {
        let bootstrap = json!({"email": ADMIN_EMAIL, "password": PASSWORD, "first_name": "Bench", "last_name": "Admin"});
        let (status, created) = setup.send(
            "POST",
            "/api/v1/admin/bootstrap",
            Some(BOOTSTRAP_TOKEN),
            &bootstrap.to_string(),
        )?;
        anyhow::ensure!(status == 201, "bootstrap answered {status}");
        serde_json::from_slice::<serde_json::Value>(&created)?["organization_id"]
            .as_str()
            .context("organization_id")?
            .to_owned()
    };
    // Warm-up: first instantiation of each component, migrations.
    for path in ["/bench/hello", "/api/v1/health", "/api/v1/cities?q=pa"] {
        setup.send("GET", path, None, "")?;
    }
    setup.send("POST", "/bench/write", None, "")?;
    if wants("foundation") {
        foundation(addr, requests, &administration)?;
    }
    if (wants("directory") || wants("apply") || wants("decide") || wants("passacts")) && !reused {
        load_synthetic(addr)?;
        if let Some(file) = &snapshot {
            // Nothing writes between the loader's last commit and here; under BENCH_JOURNAL=wal
            // the log is folded into the file first.
            rusqlite::Connection::open(&database)?.query_row(
                "PRAGMA wal_checkpoint(TRUNCATE)",
                [],
                |_| Ok(()),
            )?;
            std::fs::copy(&database, file)
                .with_context(|| format!("keeping the loaded database in {}", file.display()))?;
            println!("loaded database kept in {}", file.display());
        }
    }
    if wants("directory") {
        directory(addr, requests)?;
    }
    if wants("apply") {
        apply(addr, requests, &state)?;
    }
    if wants("decide") {
        decide(addr, requests, &state)?;
    }
    if wants("passacts") {
        pass_acts(addr, requests, &state)?;
    }
    Ok(())
}

fn header(requests: usize) {
    println!("\n{requests} requests per line unless said; latencies in ms on 127.0.0.1 (2 cores shared by clients and host)");
    println!(
        "{:<52} {:>3} {:>7} {:>9} {:>9} {:>9} {:>5} {:>9} median vs reference",
        "scenario", "cli", "reqs", "median", "p99", "max", "busy", "req/s"
    );
}

fn login_body() -> String {
    json!({"email": ADMIN_EMAIL, "password": PASSWORD}).to_string()
}

/// Issue 2's figures: health and me next to hello-world; writes next to the write floor.
fn foundation(addr: SocketAddr, requests: usize, administration: &str) -> Result<()> {
    let (_, session) =
        Client::connect(addr)?.send("POST", "/api/v1/auth/token", None, &login_body())?;
    let token: String = serde_json::from_slice::<serde_json::Value>(&session)?["token"]
        .as_str()
        .context("token")?
        .to_owned();
    header(requests);
    let hello = measure(
        addr,
        "GET /bench/hello (hello-world reference)",
        1,
        requests,
        200,
        |_| get("/bench/hello", None),
    )?;
    hello.print(None);
    measure(addr, "GET /api/v1/health", 1, requests, 200, |_| {
        get("/api/v1/health", None)
    })?
    .print(Some(&hello));
    measure(addr, "GET /api/v1/me", 1, requests, 200, |_| {
        get("/api/v1/me", Some(&token))
    })?
    .print(Some(&hello));
    let post = |path: &str, body: &str| ("POST".to_owned(), path.to_owned(), None, body.to_owned());
    // Writers: 1, 8 and 32 concurrent clients.
    let writers = [1, 8, 32];
    let floors = writers
        .iter()
        .map(|&clients| {
            let floor = measure_writes(
                addr,
                "POST /bench/write (durable-write floor)",
                clients,
                requests,
                201,
                Busy::FloorTimeout,
                |_| post("/bench/write", ""),
            )?;
            floor.print(None);
            Ok(floor)
        })
        .collect::<Result<Vec<_>>>()?;
    // Issue 6: the tail of real writes (one `Ctx::write` each) under 1, 8 and 32 writers; the
    // lock wait is bounded, so none waits past it and the late ones answer 503.
    let profile = format!("/api/v1/organizations/{administration}");
    for (&clients, floor) in writers.iter().zip(&floors) {
        measure(
            addr,
            "PATCH /api/v1/organizations/:id (profile, 1 write)",
            clients,
            requests,
            200,
            |i| {
                let body =
                    json!({"phone": format!("01 02 03 {:02} {:02}", i / 100 % 100, i % 100)});
                (
                    "PATCH".into(),
                    profile.clone(),
                    Some(token.clone()),
                    body.to_string(),
                )
            },
        )?
        .print(Some(floor));
    }
    let logins = requests / 5;
    let login = login_body();
    println!("login: {logins} requests (Argon2id, 19 MiB, 2 passes, is most of its cost)");
    for (&clients, floor) in writers.iter().zip(&floors).take(2) {
        let name = "POST /api/v1/auth/token (login)";
        measure(addr, name, clients, logins, 200, |_| {
            post("/api/v1/auth/token", &login)
        })?
        .print(Some(floor));
    }
    Ok(())
}

/// The reference data, the national lists, the synthetic directory and the synthetic
/// candidates and applications, with `tremplin-load --synthetic` (`BENCH_SCALE`: its scale).
fn load_synthetic(addr: SocketAddr) -> Result<()> {
    let loader = repo_root().join("target/native/tremplin-load");
    let scale = std::env::var("BENCH_SCALE").unwrap_or_else(|_| "1".to_owned());
    let started = Instant::now();
    let status = std::process::Command::new(&loader)
        .args(["--url", &format!("http://{addr}"), "--synthetic"])
        .args(["--synthetic-scale", &scale])
        .env("TREMPLIN_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("TREMPLIN_ADMIN_PASSWORD", PASSWORD)
        .env_remove("TREMPLIN_BOOTSTRAP_TOKEN")
        .status()
        .with_context(|| format!("running {} (make bench builds it)", loader.display()))?;
    anyhow::ensure!(status.success(), "the loader failed");
    println!(
        "reference data, national lists, synthetic directory, candidates and applications \
         (scale {scale}) loaded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Issue 3's figures: searches on the synthetic national directory next to hello-world.
fn directory(addr: SocketAddr, requests: usize) -> Result<()> {
    let scenarios = [
        (
            "GET /api/v1/structures Paris 25 km, no filter",
            "/api/v1/structures?city=75056&distance=25",
        ),
        (
            "GET /api/v1/structures Langogne (48) 100 km",
            "/api/v1/structures?city=48080&distance=100",
        ),
        (
            "GET /api/v1/structures Lyon 50 km, kinds+rome+hiring",
            "/api/v1/structures?city=69123&distance=50&kinds=ACI,EI,AI&rome=K,N&hiring=true",
        ),
        (
            "GET /api/v1/prescribers Paris 5 km",
            "/api/v1/prescribers?city=75056",
        ),
        ("GET /api/v1/cities?q=saint", "/api/v1/cities?q=saint"),
    ];
    for (name, path) in &scenarios {
        let (_, body) = Client::connect(addr)?.send("GET", path, None, "")?;
        let answer: serde_json::Value = serde_json::from_slice(&body)?;
        let count = answer.get("count").map_or_else(
            || answer.as_array().map_or(0, Vec::len) as u64,
            |c| c.as_u64().unwrap_or(0),
        );
        println!("{name}: {count} results");
    }
    for clients in [1, 4] {
        header(requests);
        let hello = measure(
            addr,
            "GET /bench/hello (hello-world reference)",
            clients,
            requests,
            200,
            |_| get("/bench/hello", None),
        )?;
        hello.print(None);
        for (name, path) in &scenarios {
            measure(addr, name, clients, requests, 200, |_| get(path, None))?.print(Some(&hello));
        }
    }
    Ok(())
}

/// The accounts `tremplin-load --synthetic` gives the busiest prescriber organization and the
/// busiest structure (tools/load/src/synthetic_applications.rs), and their password.
const SYNTHETIC_PRESCRIBER: &str = "prescripteur-1@synthetique.invalid";
const SYNTHETIC_STRUCTURE: &str = "structure-1@synthetique.invalid";
const SYNTHETIC_PASSWORD: &str = "tremplin-demo-2026";

/// Logs in; the token and the id of the one organization the account acts for.
fn session(addr: SocketAddr, email: &str, password: &str) -> Result<(String, String)> {
    let mut client = Client::connect(addr)?;
    let body = json!({"email": email, "password": password}).to_string();
    // A write right after a long load may find the database busy (503): a few tries.
    let mut tries = 0;
    let session = loop {
        let (status, session) = client.send("POST", "/api/v1/auth/token", None, &body)?;
        tries += 1;
        match status {
            200 => break session,
            503 if tries < 10 => {
                println!("login {email}: 503 (database busy), trying again in 1 s");
                std::thread::sleep(Duration::from_secs(1));
            }
            _ => bail!(
                "login {email} answered {status}: {}",
                String::from_utf8_lossy(&session)
            ),
        }
    };
    let token = serde_json::from_slice::<serde_json::Value>(&session)?["token"]
        .as_str()
        .context("token")?
        .to_owned();
    let (_, me) = client.send("GET", "/api/v1/me", Some(&token), "")?;
    let me: serde_json::Value = serde_json::from_slice(&me)?;
    let organization = me["memberships"][0]["organization"]["id"]
        .as_str()
        .context("the account's organization")?
        .to_owned();
    Ok((token, organization))
}

/// A GET answering JSON.
fn get_json(addr: SocketAddr, path: &str, token: &str) -> Result<serde_json::Value> {
    let (status, body) = Client::connect(addr)?.send("GET", path, Some(token), "")?;
    anyhow::ensure!(
        status == 200,
        "{path} answered {status}: {}",
        String::from_utf8_lossy(&body)
    );
    Ok(serde_json::from_slice(&body)?)
}

/// The ids of a list's `results`.
fn result_ids(list: &serde_json::Value) -> Vec<String> {
    list["results"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|r| r["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Issue 7's figures, with the synthetic candidates and applications loaded: sending an
/// application as a member of the busiest prescriber organization, the sent box (page 1) of that
/// organization and the received box (page 1) of the busiest structure, with 1 and 4 clients,
/// next to `GET /api/v1/health` (read floor) and the write floor of the same run.
fn apply(addr: SocketAddr, requests: usize, state: &std::path::Path) -> Result<()> {
    let (prescriber, _) = session(addr, SYNTHETIC_PRESCRIBER, SYNTHETIC_PASSWORD)?;
    let (structure, _) = session(addr, SYNTHETIC_STRUCTURE, SYNTHETIC_PASSWORD)?;
    let sent_box = "/api/v1/applications?box=sent&page=1";
    let received_box = "/api/v1/applications?box=received&page=1";
    let sent = get_json(addr, sent_box, &prescriber)?["count"].clone();
    let received = get_json(addr, received_box, &structure)?["count"].clone();
    println!("\nbusiest prescriber organization: {sent} applications sent; busiest structure: {received} received");
    // Each send inserts: a candidate the organization applied for (its "my candidates"), to a
    // structure of the directory that takes spontaneous applications, each pair once in the
    // run; a previous application of the pair (older than 24 hours, the synthetic data's
    // newest is 25 hours old) is confirmed (R-APPLY-3).
    let sends = requests * 2;
    let mut candidates = Vec::new();
    for page in 1.. {
        let path = format!("/api/v1/candidates?page={page}&page_size=100");
        let ids = result_ids(&get_json(addr, &path, &prescriber)?);
        if ids.is_empty() {
            break;
        }
        candidates.extend(ids);
        if candidates.len() >= sends {
            break;
        }
    }
    let mut structures = Vec::new();
    for city in ["75056", "69123", "13055", "31555", "59350"] {
        let path = format!("/api/v1/structures?city={city}&distance=25&page_size=20");
        let (_, body) = Client::connect(addr)?.send("GET", &path, None, "")?;
        let found: serde_json::Value = serde_json::from_slice(&body)?;
        for card in found["results"].as_array().into_iter().flatten() {
            let id = card["id"].as_str().context("structure id")?;
            let (_, page) = Client::connect(addr)?.send(
                "GET",
                &format!("/api/v1/structures/{id}"),
                None,
                "",
            )?;
            let page: serde_json::Value = serde_json::from_slice(&page)?;
            if page["spontaneous_applications_open"] == true && page["blocks_applications"] == false
            {
                structures.push(id.to_owned());
            }
        }
    }
    anyhow::ensure!(
        !candidates.is_empty() && structures.len() > sends / candidates.len(),
        "{} candidates and {} structures: not enough distinct pairs for {sends} sends",
        candidates.len(),
        structures.len()
    );
    println!(
        "sending: {} of the organization's candidates × {} structures of the directory",
        candidates.len(),
        structures.len()
    );
    let pair = |i: usize| {
        let candidate = &candidates[i % candidates.len()];
        // Spread over the structures; a candidate's next round moves one structure on.
        let structure =
            &structures[(i % candidates.len() + i / candidates.len()) % structures.len()];
        json!({"structure_id": structure, "candidate_id": candidate,
               "message": "Mesure de performance : candidature envoyée par tremplin-bench.",
               "diagnosis_shared": true, "confirm_duplicate": true})
        .to_string()
    };
    let mut checks = Vec::new();
    for (run, clients) in [1, 4].into_iter().enumerate() {
        header(requests);
        let health = measure(
            addr,
            "GET /api/v1/health (read floor)",
            clients,
            requests,
            200,
            |_| get("/api/v1/health", None),
        )?;
        health.print(None);
        let floor = measure_writes(
            addr,
            "POST /bench/write (durable-write floor)",
            clients,
            requests,
            201,
            Busy::FloorTimeout,
            |_| ("POST".into(), "/bench/write".into(), None, String::new()),
        )?;
        floor.print(None);
        let send = measure(
            addr,
            "POST /api/v1/applications (send)",
            clients,
            requests,
            201,
            |i| {
                let body = pair(run * requests + i);
                (
                    "POST".into(),
                    "/api/v1/applications".into(),
                    Some(prescriber.clone()),
                    body,
                )
            },
        )?;
        send.print(Some(&floor));
        let sent = measure(
            addr,
            "GET sent box page 1 (busiest prescriber)",
            clients,
            requests,
            200,
            |_| get(sent_box, Some(&prescriber)),
        )?;
        sent.print(Some(&health));
        let received = measure(
            addr,
            "GET received box page 1 (busiest structure)",
            clients,
            requests,
            200,
            |_| get(received_box, Some(&structure)),
        )?;
        received.print(Some(&health));
        checks.push((clients, health, floor, send, sent, received));
    }
    sqlite_alone(state)?;
    println!("\ntargets (issue 7): sending median ≤ 1.5× write floor; boxes median ≤ 2× health; every p99 ≤ 40 ms");
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mut missed = 0;
    for (clients, health, floor, send, sent, received) in &checks {
        let mut check = |what: &str, ok: bool, detail: String| {
            missed += usize::from(!ok);
            println!(
                "  {clients} client(s) {what:<34} {detail:<40} {}",
                if ok { "ok" } else { "MISSED" }
            );
        };
        let ratio = |a: &Figures, b: &Figures| {
            a.percentile(0.5).as_secs_f64() / b.percentile(0.5).as_secs_f64()
        };
        check(
            "send median vs write floor",
            ratio(send, floor) <= 1.5,
            format!("{:.2}×", ratio(send, floor)),
        );
        check(
            "sent box median vs health",
            ratio(sent, health) <= 2.0,
            format!("{:.2}×", ratio(sent, health)),
        );
        check(
            "received box median vs health",
            ratio(received, health) <= 2.0,
            format!("{:.2}×", ratio(received, health)),
        );
        for figures in [send, sent, received] {
            let p99 = ms(figures.percentile(0.99));
            check(
                &format!("p99 {}", short(&figures.name)),
                p99 <= 40.0,
                format!("{p99:.2} ms"),
            );
        }
    }
    print_missed(missed);
    Ok(())
}

/// The targets' last line.
fn print_missed(missed: usize) {
    if missed == 0 {
        println!("every target met");
    } else {
        println!("{missed} target(s) missed");
    }
}

/// The PASS already issued nationally when the decide section measures (issue 8).
const EXISTING_PASSES: i64 = 300_000;

/// Gives the first [`EXISTING_PASSES`] synthetic candidates a PASS, numbered 1 to 300,000, that
/// ended between 2021 and 2024: past the waiting period (R-PASS-5), so an accept issues the
/// next number rather than reusing one. Written straight into the database (no endpoint issues a
/// PASS without a hire), before any measure; a second section of the same run finds them there.
fn existing_passes(state: &std::path::Path) -> Result<()> {
    let mut db = rusqlite::Connection::open(state.join("sqlite_db.db"))?;
    let transaction = db.transaction()?;
    let inserted = transaction.execute(
        "INSERT OR IGNORE INTO passes (id, counter, number, candidate_id, start_at, end_at, \
         created_at) SELECT 'pass_bench_' || n, n, '99999' || printf('%07d', n), id, \
         date('2020-01-01', '+' || (n % 1000) || ' days'), \
         date('2020-01-01', '+' || (n % 1000 + 729) || ' days'), '2020-01-01T00:00:00Z' \
         FROM (SELECT id, row_number() OVER (ORDER BY rowid) AS n FROM candidates) \
         WHERE n <= ?1",
        [EXISTING_PASSES],
    )?;
    transaction.commit()?;
    println!("\n{inserted} existing PASS written (numbers 1 to {inserted})");
    Ok(())
}

/// Up to `wanted` pending applications of distinct candidates at the busiest structure (one per
/// candidate: an accept makes the candidate's others obsolete, R-APPLY-8), each candidate made
/// eligible by the structure's own diagnosis (R-ELIG-3), so that an accept can issue a PASS.
fn eligible_pending(
    addr: SocketAddr,
    structure: &str,
    wanted: usize,
) -> Result<Vec<(String, String)>> {
    let (mut picked, mut candidates) = (Vec::new(), std::collections::HashSet::new());
    for page in 1.. {
        let path = format!(
            "/api/v1/applications?box=received&state=new,processing,postponed&page={page}&page_size=100"
        );
        let list = get_json(addr, &path, structure)?;
        let rows = list["results"].as_array().cloned().unwrap_or_default();
        if rows.is_empty() || picked.len() >= wanted {
            break;
        }
        for row in rows {
            let candidate = row["candidate"]["id"]
                .as_str()
                .context("candidate id")?
                .to_owned();
            if picked.len() < wanted && candidates.insert(candidate.clone()) {
                picked.push((row["id"].as_str().context("id")?.to_owned(), candidate));
            }
        }
    }
    anyhow::ensure!(
        picked.len() >= 300,
        "only {} pending applications of distinct candidates",
        picked.len()
    );
    let mut client = Client::connect(addr)?;
    let eligibility = json!({"administrative_criteria": ["RSA"]}).to_string();
    for (_, candidate) in &picked {
        let path = format!("/api/v1/candidates/{candidate}/diagnoses");
        let (status, body) = client.send("POST", &path, Some(structure), &eligibility)?;
        anyhow::ensure!(
            status == 201,
            "{path}: {status} {}",
            String::from_utf8_lossy(&body)
        );
    }
    println!(
        "{} pending applications of distinct candidates made eligible by the structure's diagnosis",
        picked.len()
    );
    Ok(picked)
}

/// The clock's date, as the components see it (no `today` variable in the bench).
fn bench_today() -> Result<tremplin_domain::Date> {
    Ok(tremplin_domain::Clock::new(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs() as i64,
        None,
    )
    .today())
}

/// Issue 8's figures over the national data plus [`EXISTING_PASSES`]: the busiest structure
/// accepts (issuing a PASS) and refuses pending applications of distinct candidates, each made
/// eligible first by the structure's own diagnosis (R-ELIG-3), next to the write floor of the
/// same run; with 1 client, then 8 clients accepting different applications at once, whose
/// numbers must come out consecutive (R-PASS-1).
fn decide(addr: SocketAddr, requests: usize, state: &std::path::Path) -> Result<()> {
    existing_passes(state)?;
    let (structure, _) = session(addr, SYNTHETIC_STRUCTURE, SYNTHETIC_PASSWORD)?;
    let picked = eligible_pending(addr, &structure, requests * 3)?;
    let per_run = picked.len() / 3;
    let today = bench_today()?;
    let accept = json!({"hiring_start_at": today.to_string()}).to_string();
    let refuse = json!({"reason": "no_position", "answer": "Pas de recrutement en cours : mesure de performance."}).to_string();
    let decision = |batch: &[(String, String)], action: &'static str, body: &str, i: usize| {
        let path = format!("/api/v1/applications/{}/{action}", batch[i].0);
        (
            "POST".to_owned(),
            path,
            Some(structure.clone()),
            body.to_owned(),
        )
    };
    let highest = |db: &rusqlite::Connection| -> Result<i64> {
        Ok(db.query_row("SELECT MAX(counter) FROM passes", [], |r| r.get(0))?)
    };
    let db = rusqlite::Connection::open(state.join("sqlite_db.db"))?;
    let mut runs = Vec::new();
    for (run, clients) in [1, 8].into_iter().enumerate() {
        let batch = &picked[run * per_run..(run + 1) * per_run];
        header(per_run);
        let health = measure(
            addr,
            "GET /api/v1/health (read floor)",
            clients,
            per_run,
            200,
            |_| get("/api/v1/health", None),
        )?;
        health.print(None);
        let floor = measure_writes(
            addr,
            "POST /bench/write (durable-write floor)",
            clients,
            per_run,
            201,
            Busy::FloorTimeout,
            |_| ("POST".into(), "/bench/write".into(), None, String::new()),
        )?;
        floor.print(None);
        let before = highest(&db)?;
        let accepts = measure(
            addr,
            "POST …/accept (hire, new PASS)",
            clients,
            per_run,
            200,
            |i| decision(batch, "accept", &accept, i),
        )?;
        accepts.print(Some(&floor));
        // R-PASS-1: as many new numbers as hires, consecutive, whatever the interleaving.
        let (issued, lowest, top): (i64, i64, i64) = db.query_row(
            "SELECT COUNT(*), MIN(counter), MAX(counter) FROM passes WHERE counter > ?1",
            [before],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let hires = (accepts.latencies.len() - accepts.unavailable) as i64;
        anyhow::ensure!(
            issued == hires && lowest == before + 1 && top == before + hires,
            "{hires} hires issued {issued} PASS numbered {lowest}..{top} after {before}"
        );
        println!("  {issued} PASS issued, numbers {lowest} to {top}: consecutive");
        runs.push((clients, floor, accepts));
    }
    let refusals = &picked[2 * per_run..3 * per_run];
    let refused = measure(addr, "POST …/refuse", 1, per_run, 200, |i| {
        decision(refusals, "refuse", &refuse, i)
    })?;
    refused.print(Some(&runs[0].1));
    println!("\ntargets (issue 8): accept and refuse median ≤ 1.5× write floor and p99 ≤ 40 ms with 1 client; 8 clients' accepts/s ≥ 80 % of the floor's");
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let ratio = |a: &Figures, b: &Figures| {
        a.percentile(0.5).as_secs_f64() / b.percentile(0.5).as_secs_f64()
    };
    let throughput = |f: &Figures| f.latencies.len() as f64 / f.elapsed.as_secs_f64();
    let (floor_1, accepts_1) = (&runs[0].1, &runs[0].2);
    let (floor_8, accepts_8) = (&runs[1].1, &runs[1].2);
    let checks = [
        (
            "accept median vs write floor",
            ratio(accepts_1, floor_1) <= 1.5,
            format!("{:.2}×", ratio(accepts_1, floor_1)),
        ),
        (
            "refuse median vs write floor",
            ratio(&refused, floor_1) <= 1.5,
            format!("{:.2}×", ratio(&refused, floor_1)),
        ),
        (
            "p99 accept",
            ms(accepts_1.percentile(0.99)) <= 40.0,
            format!("{:.2} ms", ms(accepts_1.percentile(0.99))),
        ),
        (
            "p99 refuse",
            ms(refused.percentile(0.99)) <= 40.0,
            format!("{:.2} ms", ms(refused.percentile(0.99))),
        ),
        (
            "8 clients: accepts/s vs floor's",
            throughput(accepts_8) >= 0.8 * throughput(floor_8) && accepts_8.unavailable == 0,
            format!(
                "{:.0}/s vs {:.0}/s ({:.0} %), {} busy",
                throughput(accepts_8),
                throughput(floor_8),
                100.0 * throughput(accepts_8) / throughput(floor_8),
                accepts_8.unavailable
            ),
        ),
    ];
    for (what, ok, detail) in &checks {
        println!(
            "  {what:<38} {detail:<44} {}",
            if *ok { "ok" } else { "MISSED" }
        );
    }
    let missed = checks.iter().filter(|c| !c.1).count();
    print_missed(missed);
    Ok(())
}

/// Issue 9's figures over the national data plus [`EXISTING_PASSES`]: the busiest structure
/// suspends PASS it just issued, previews suspensions of others (`?dry_run=true`), and the
/// busiest prescriber organization grants prolongation requests, next to both floors of the same
/// run, with 1 client. The PASS to prolong are moved 400 days back in the database (their end
/// then falls within R-PROL-3's window), as no endpoint dates a hire in the past.
fn pass_acts(addr: SocketAddr, requests: usize, state: &std::path::Path) -> Result<()> {
    existing_passes(state)?;
    let (structure, _) = session(addr, SYNTHETIC_STRUCTURE, SYNTHETIC_PASSWORD)?;
    let (prescriber, prescriber_org) = session(addr, SYNTHETIC_PRESCRIBER, SYNTHETIC_PASSWORD)?;
    let picked = eligible_pending(addr, &structure, requests * 2)?;
    let per_run = picked.len() / 2;
    let today = bench_today()?;
    let accept = json!({"hiring_start_at": today.to_string()}).to_string();
    let mut client = Client::connect(addr)?;
    let mut numbers = Vec::new();
    for (application, _) in &picked {
        let path = format!("/api/v1/applications/{application}/accept");
        let (status, body) = client.send("POST", &path, Some(&structure), &accept)?;
        anyhow::ensure!(
            status == 200,
            "{path}: {status} {}",
            String::from_utf8_lossy(&body)
        );
        let hired: serde_json::Value = serde_json::from_slice(&body)?;
        numbers.push(
            hired["pass"]["number"]
                .as_str()
                .context("PASS number")?
                .to_owned(),
        );
    }
    let (to_suspend, to_prolong) = numbers.split_at(per_run);
    let db = rusqlite::Connection::open(state.join("sqlite_db.db"))?;
    for number in to_prolong {
        db.execute(
            "UPDATE passes SET start_at = date(?2, '-400 days'), end_at = date(?2, '+329 days') \
             WHERE number = ?1",
            [number.as_str(), today.to_string().as_str()],
        )?;
    }
    let me = get_json(addr, "/api/v1/me", &prescriber)?;
    let asked = json!({"reason": "SENIOR", "end_at": today.add_days(329 + 180).to_string(),
        "explanation": "Mesure de performance.", "prescriber_organization_id": prescriber_org,
        "assigned_to_email": me["user"]["email"]})
    .to_string();
    let mut request_ids = Vec::new();
    for number in to_prolong {
        let path = format!("/api/v1/passes/{number}/prolongation-requests");
        let (status, body) = client.send("POST", &path, Some(&structure), &asked)?;
        anyhow::ensure!(
            status == 201,
            "{path}: {status} {}",
            String::from_utf8_lossy(&body)
        );
        let request: serde_json::Value = serde_json::from_slice(&body)?;
        request_ids.push(request["id"].as_str().context("request id")?.to_owned());
    }
    println!(
        "{} PASS issued, {} prolongation requests pending",
        numbers.len(),
        request_ids.len()
    );
    let suspension =
        json!({"start_at": today.to_string(), "end_at": today.add_days(30).to_string(),
        "reason": "CONTRACT_SUSPENDED"})
        .to_string();
    let post = |path: String, token: &str, body: &str| {
        (
            "POST".to_owned(),
            path,
            Some(token.to_owned()),
            body.to_owned(),
        )
    };
    header(per_run);
    let health = measure(
        addr,
        "GET /api/v1/health (read floor)",
        1,
        per_run,
        200,
        |_| get("/api/v1/health", None),
    )?;
    health.print(None);
    let floor = measure_writes(
        addr,
        "POST /bench/write (durable-write floor)",
        1,
        per_run,
        201,
        Busy::FloorTimeout,
        |_| ("POST".into(), "/bench/write".into(), None, String::new()),
    )?;
    floor.print(None);
    let preview = measure(
        addr,
        "POST …/suspensions?dry_run=true (preview)",
        1,
        per_run,
        200,
        |i| {
            post(
                format!("/api/v1/passes/{}/suspensions?dry_run=true", to_prolong[i]),
                &structure,
                &suspension,
            )
        },
    )?;
    preview.print(Some(&health));
    let suspended = measure(
        addr,
        "POST …/suspensions (create)",
        1,
        per_run,
        201,
        |i| {
            post(
                format!("/api/v1/passes/{}/suspensions", to_suspend[i]),
                &structure,
                &suspension,
            )
        },
    )?;
    suspended.print(Some(&floor));
    let granted = measure(
        addr,
        "POST /api/v1/prolongation-requests/…/grant",
        1,
        per_run,
        200,
        |i| {
            post(
                format!("/api/v1/prolongation-requests/{}/grant", request_ids[i]),
                &prescriber,
                "",
            )
        },
    )?;
    granted.print(Some(&floor));
    println!("\ntargets (issue 9): writes median ≤ 1.5× write floor, preview median ≤ 2× health, p99 ≤ 40 ms (1 client)");
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let ratio = |a: &Figures, b: &Figures| {
        a.percentile(0.5).as_secs_f64() / b.percentile(0.5).as_secs_f64()
    };
    let mut checks = vec![
        (
            "suspension median vs write floor",
            ratio(&suspended, &floor) <= 1.5,
            format!("{:.2}×", ratio(&suspended, &floor)),
        ),
        (
            "grant median vs write floor",
            ratio(&granted, &floor) <= 1.5,
            format!("{:.2}×", ratio(&granted, &floor)),
        ),
        (
            "preview median vs health",
            ratio(&preview, &health) <= 2.0,
            format!("{:.2}×", ratio(&preview, &health)),
        ),
    ];
    for figures in [&suspended, &preview, &granted] {
        let p99 = ms(figures.percentile(0.99));
        checks.push((
            short(&figures.name),
            p99 <= 40.0,
            format!("p99 {p99:.2} ms"),
        ));
    }
    for (what, ok, detail) in &checks {
        println!(
            "  {what:<38} {detail:<44} {}",
            if *ok { "ok" } else { "MISSED" }
        );
    }
    print_missed(checks.iter().filter(|c| !c.1).count());
    Ok(())
}

/// What SQLite alone costs, outside any component: the write floor's transaction next to one
/// holding only the INSERT of an application (its table, five indexes and the triggers of
/// 0008), each on a new connection as Spin opens one per request. The send's ratio to the floor
/// cannot go below this one: it is the part no request handling can remove.
fn sqlite_alone(state: &std::path::Path) -> Result<()> {
    let database = state.join("sqlite_db.db");
    // An authorized prescriber's application, sent again: the rows it adds are what a send adds.
    let sample: (String, String, String, String) = rusqlite::Connection::open(&database)?
        .query_row(
            "SELECT candidate_id, structure_id, sender_user_id, sender_organization_id \
             FROM applications WHERE sender_kind = 'prescriber' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
    let transaction = |insert: &dyn Fn(&rusqlite::Connection) -> rusqlite::Result<usize>| {
        let started = Instant::now();
        let conn = rusqlite::Connection::open(&database)?;
        conn.execute_batch("BEGIN IMMEDIATE")?;
        insert(&conn)?;
        conn.execute_batch("COMMIT")?;
        Ok::<_, anyhow::Error>(started.elapsed())
    };
    let (mut floor, mut application) = (Vec::new(), Vec::new());
    for i in 0..300 {
        floor.push(transaction(&|c| {
            c.execute(
                "INSERT INTO bench_writes (payload) VALUES ('sqlite alone')",
                [],
            )
        })?);
        application.push(transaction(&|c| {
            c.execute(
                "INSERT INTO applications (id, candidate_id, structure_id, sender_kind, \
                 sender_user_id, sender_organization_id, message, diagnosis_shared, created_unix, \
                 created_at, updated_at, is_synthetic) \
                 VALUES (?1, ?2, ?3, 'prescriber', ?4, ?5, 'Mesure de SQLite seul.', 1, \
                 unixepoch(), '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1)",
                rusqlite::params![
                    format!("app_sqlite_alone_{}_{i}", std::process::id()),
                    sample.0,
                    sample.1,
                    sample.2,
                    sample.3
                ],
            )
        })?);
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1e3
    };
    let (floor, application) = (median(&mut floor), median(&mut application));
    println!(
        "\nSQLite alone (rusqlite, new connection each): the floor's transaction {floor:.3} ms, \
         one application's INSERT in its transaction {application:.3} ms ({:.2}×)",
        application / floor
    );
    Ok(())
}

/// A scenario's name up to its first parenthesis, for the targets' lines.
fn short(name: &str) -> &str {
    name.split(" (").next().unwrap_or(name)
}
