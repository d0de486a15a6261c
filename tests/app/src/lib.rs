//! Test helpers in the manner of zero-to-production: spawn the app (here: the real components in
//! the bundled host) on a fresh database, send requests, build fixtures through the API itself.

use http::{Method, Request};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use tremplin_host::{App, Runtime};

/// The bootstrap secret tests deploy the app with.
pub const BOOTSTRAP_TOKEN: &str = "test-bootstrap-secret";
pub const ADMIN_EMAIL: &str = "admin@test.tremplin.fr";
pub const PASSWORD: &str = "correct horse battery";

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

/// The app's compiled components, loaded once per test process. Fails (never skips) when a
/// `.wasm` is missing: build them first with `make build`.
pub fn runtime() -> Arc<Runtime> {
    static RUNTIME: OnceLock<Arc<Runtime>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            Runtime::load(&repo_root().join("spin.toml"))
                .unwrap_or_else(|e| panic!("cannot load spin.toml (run `make build` first): {e:#}"))
        })
        .clone()
}

pub struct TestApp {
    pub app: App,
    /// The local e-mail API the app delivers to (README "E-mail").
    pub mailbox: tremplin_mailbox::Mailbox,
    /// The Spin variables the app runs with (see [`TestApp::set_today`]).
    variables: HashMap<String, String>,
    _state: tempfile::TempDir,
}

/// The secret tests deploy the scheduled delivery endpoint with.
pub const DELIVERY_TOKEN: &str = "test-delivery-secret";

pub struct TestResponse {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem+json answer with this status and code; returns the document.
    #[track_caller]
    pub fn problem(&self, status: u16, code: &str) -> Value {
        let body = String::from_utf8_lossy(&self.body);
        assert_eq!(self.status, status, "status, body: {body}");
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json; charset=utf-8"),
            "content type, body: {body}"
        );
        let problem = self.json();
        assert_eq!(problem["code"], code, "code, body: {body}");
        assert_eq!(problem["status"], status);
        assert!(problem["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(problem["detail"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(problem["errors"].is_object());
        problem
    }

    #[track_caller]
    pub fn ok(&self, status: u16) -> Value {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        if self.body.is_empty() {
            Value::Null
        } else {
            self.json()
        }
    }
}

/// A request being built: `app.post("/x").bearer(t).json(v).send().await`.
pub struct Call<'a> {
    app: &'a TestApp,
    method: Method,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Call<'_> {
    pub fn bearer(mut self, token: &str) -> Self {
        self.headers
            .push(("authorization".into(), format!("Bearer {token}")));
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = serde_json::to_vec(&body).expect("json");
        self.headers
            .push(("content-type".into(), "application/json".into()));
        self
    }

    /// A body of another type than JSON (a PDF CV, …).
    pub fn typed(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self.headers
            .push(("content-type".into(), content_type.to_owned()));
        self
    }

    pub fn raw(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self.headers
            .push(("content-type".into(), "application/json".into()));
        self
    }

    pub async fn send(self) -> TestResponse {
        self.spawn().await.expect("request task")
    }

    /// Sends the request on its own task, so several run truly in parallel.
    pub fn spawn(self) -> tokio::task::JoinHandle<TestResponse> {
        let request = request(self.method, &self.path, &self.headers, self.body);
        let app = self.app.app.clone();
        tokio::spawn(async move { send_as(&app, TEST_CLIENT, request).await })
    }
}

/// Where test requests come from, unless a test says otherwise ([`send_as`]).
pub const TEST_CLIENT: &str = "127.0.0.1:50000";

/// A request to the app's address with these headers and body.
pub fn request(
    method: Method,
    path: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
) -> Request<Vec<u8>> {
    let mut request = Request::builder()
        .method(method)
        .uri(format!("http://127.0.0.1:3000{path}"))
        .header("host", "127.0.0.1:3000");
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.body(body).expect("request")
}

/// Sends `request` to `app` as a connection from `client` (`ip:port`) would: the host sets
/// `spin-client-addr` from it.
pub async fn send_as(app: &App, client: &str, request: Request<Vec<u8>>) -> TestResponse {
    let response = app
        .handle(request, client.parse().expect("client address"))
        .await
        .expect("the host completes the response");
    let (parts, body) = response.into_parts();
    TestResponse {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body,
    }
}

/// Waits for requests sent with [`Call::spawn`].
pub async fn join_all(handles: Vec<tokio::task::JoinHandle<TestResponse>>) -> Vec<TestResponse> {
    let mut answers = Vec::with_capacity(handles.len());
    for handle in handles {
        answers.push(handle.await.expect("request task"));
    }
    answers
}

/// An organization created for a test, with an admin and a member already logged in.
pub struct Org {
    pub id: String,
    pub admin: Person,
    pub member: Person,
}

#[derive(Clone)]
pub struct Person {
    pub id: String,
    pub email: String,
    pub token: String,
}

impl TestApp {
    /// A fresh app with an empty database and the real clock.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(&[]).await
    }

    /// A fresh app with extra Spin variables (e.g. `("today", "2026-03-02")`), delivering its
    /// e-mail to a mailbox of its own.
    pub async fn spawn_with(variables: &[(&str, &str)]) -> TestApp {
        let state = tempfile::tempdir().expect("tempdir");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("mailbox port");
        let (mailbox, address) = tremplin_mailbox::Mailbox::spawn(listener);
        let mut vars: HashMap<String, String> = HashMap::from([
            ("bootstrap_token".to_owned(), BOOTSTRAP_TOKEN.to_owned()),
            ("delivery_token".to_owned(), DELIVERY_TOKEN.to_owned()),
            ("email_api_origin".to_owned(), format!("http://{address}")),
            (
                "email_api_url".to_owned(),
                format!("http://{address}{}", tremplin_mailbox::MESSAGES_PATH),
            ),
            ("email_api_key".to_owned(), "test-email-key".to_owned()),
            ("demo_data".to_owned(), "true".to_owned()),
        ]);
        vars.extend(
            variables
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let app = App::new(runtime(), state.path().to_path_buf(), vars.clone()).expect("app");
        TestApp {
            app,
            mailbox,
            variables: vars,
            _state: state,
        }
    }

    /// Moves the app's clock (the `today` variable: a date, or an RFC 3339 instant for rules
    /// counted in hours), keeping its data, as a redeploy with another variable would.
    pub fn set_today(&mut self, today: &str) {
        self.variables.insert("today".to_owned(), today.to_owned());
        self.app = App::new(
            runtime(),
            self.app.state_dir().to_path_buf(),
            self.variables.clone(),
        )
        .expect("app");
    }

    /// The messages delivered to `email` once there are at least `count` (delivery runs after
    /// the answer of the act that queued them). Waits for that event, for 10 s at most.
    pub async fn mail_to(&self, email: &str, count: usize) -> Vec<Value> {
        for _ in 0..1_000 {
            let mails: Vec<Value> = self
                .mailbox
                .messages()
                .into_iter()
                .filter(|m| m["to"] == json!([email]))
                .collect();
            if mails.len() >= count {
                return mails;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!(
            "no {count} message(s) for {email}: {:?}",
            self.mailbox.messages()
        );
    }

    /// Calls the scheduled delivery endpoint, as an external scheduler does.
    pub async fn deliver(&self) -> Value {
        self.post("/api/v1/admin/outbox/deliver")
            .bearer(DELIVERY_TOKEN)
            .send()
            .await
            .ok(200)
    }

    pub fn call(&self, method: Method, path: &str) -> Call<'_> {
        Call {
            app: self,
            method,
            path: path.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn get(&self, path: &str) -> Call<'_> {
        self.call(Method::GET, path)
    }

    pub fn post(&self, path: &str) -> Call<'_> {
        self.call(Method::POST, path)
    }

    pub fn patch(&self, path: &str) -> Call<'_> {
        self.call(Method::PATCH, path)
    }

    pub fn delete(&self, path: &str) -> Call<'_> {
        self.call(Method::DELETE, path)
    }

    /// Direct read access to the app's SQLite file, to count rows before and after.
    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.app.state_dir().join("sqlite_db.db")).expect("sqlite")
    }

    pub fn count(&self, table: &str) -> i64 {
        self.db()
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |row| {
                row.get(0)
            })
            .unwrap_or_else(|e| panic!("count {table}: {e}"))
    }

    /// Every table's rows as text, oldest first: equal snapshots mean that no row was added,
    /// removed or changed anywhere, which is what a refused request must leave behind.
    pub fn snapshot(&self) -> Vec<(String, Rows)> {
        let db = self.db();
        let mut statement = db
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .expect("tables");
        let tables: Vec<(String, String)> = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .expect("tables")
            .map(|r| r.expect("table"))
            .collect();
        tables
            .into_iter()
            .map(|(table, sql)| {
                let rows = table_rows(&db, &table, &sql);
                (table, rows)
            })
            .collect()
    }

    pub async fn login(&self, email: &str, password: &str) -> TestResponse {
        self.post("/api/v1/auth/token")
            .json(json!({"email": email, "password": password}))
            .send()
            .await
    }

    pub async fn token(&self, email: &str) -> String {
        let session = self.login(email, PASSWORD).await.ok(200);
        session["token"].as_str().expect("token").to_owned()
    }

    /// Bootstraps the administration (once) and returns a fresh administrator token.
    pub async fn admin(&self) -> String {
        let answer = self
            .post("/api/v1/admin/bootstrap")
            .bearer(BOOTSTRAP_TOKEN)
            .json(json!({"email": ADMIN_EMAIL, "password": PASSWORD, "first_name": "Ada", "last_name": "Admin"}))
            .send()
            .await;
        assert!(
            matches!(answer.status, 200 | 201),
            "bootstrap: {}",
            String::from_utf8_lossy(&answer.body)
        );
        self.token(ADMIN_EMAIL).await
    }

    /// Imports organizations and users through the administration endpoint.
    pub async fn import_accounts(&self, admin_token: &str, batch: Value) -> Value {
        self.post("/api/v1/admin/accounts")
            .bearer(admin_token)
            .json(batch)
            .send()
            .await
            .ok(200)
    }

    /// A new organization of `category`/`kind` with an admin and a member, both logged in.
    pub async fn organization(&self, category: &str, kind: &str, status: Option<&str>) -> Org {
        self.organization_in(category, kind, status, None).await
    }

    /// [`TestApp::organization`] in `department` (`None`: without one, as some lists have).
    pub async fn organization_in(
        &self,
        category: &str,
        kind: &str,
        status: Option<&str>,
        department: Option<&str>,
    ) -> Org {
        static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let serial = SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let admin_token = self.admin().await;
        let siret = luhn_siret(serial);
        let (admin_email, member_email) = (
            format!("admin{serial}@org.test"),
            format!("member{serial}@org.test"),
        );
        let person = |email: &str, role: &str| {
            json!({"email": email, "password": PASSWORD, "first_name": "Test", "last_name": role,
                   "memberships": [{"organization": "o", "role": role}]})
        };
        self.import_accounts(
            &admin_token,
            json!({
                "organizations": [{"ref": "o", "category": category, "kind": kind, "siret": siret,
                                   "name": format!("Organisation {serial}"), "authorization_status": status,
                                   "department": department}],
                "users": [person(&admin_email, "admin"), person(&member_email, "member")],
            }),
        )
        .await;
        let id: String = self
            .db()
            .query_row(
                "SELECT id FROM organizations WHERE siret = ?",
                [&siret],
                |row| row.get(0),
            )
            .expect("organization id");
        Org {
            id,
            admin: self.person(&admin_email).await,
            member: self.person(&member_email).await,
        }
    }

    /// Invites `email` into `organization_id` on behalf of `token`; returns the invitation code,
    /// read from the e-mail the invitee received (the inviter never sees it).
    pub async fn invite(&self, organization_id: &str, token: &str, email: &str) -> String {
        let received = self.mailbox.messages().len();
        let invitation = self
            .post(&format!(
                "/api/v1/organizations/{organization_id}/invitations"
            ))
            .bearer(token)
            .json(json!({"email": email, "first_name": "Invitée", "last_name": "Test"}))
            .send()
            .await
            .ok(201);
        assert!(
            invitation.get("code").is_none(),
            "the inviter got the code: {invitation}"
        );
        let before = self
            .mailbox
            .messages()
            .iter()
            .take(received)
            .filter(|m| m["to"] == json!([email]))
            .count();
        let mails = self.mail_to(email, before + 1).await;
        invitation_code(&mails[mails.len() - 1])
    }

    /// Accepts an invitation as the holder of `token`.
    pub async fn accept(&self, code: &str, token: &str) -> TestResponse {
        self.post(&format!("/api/v1/invitations/{code}/accept"))
            .bearer(token)
            .send()
            .await
    }

    pub async fn person(&self, email: &str) -> Person {
        let token = self.token(email).await;
        let me = self.get("/api/v1/me").bearer(&token).send().await.ok(200);
        Person {
            id: me["user"]["id"].as_str().expect("id").to_owned(),
            email: email.to_owned(),
            token,
        }
    }
}

/// A valid NIR (R-CAND-1) for a person of `sex` (1 man, 2 woman) born in `birth_year`/`month`,
/// from department `department` (`"75"`, `"2A"`…), with a `serial` making it unique.
pub fn nir(sex: u8, birth_year: i32, month: u8, department: &str, serial: u32) -> String {
    let body = format!(
        "{sex}{:02}{month:02}{department}{:03}{:03}",
        birth_year % 100,
        serial / 1000 % 1000,
        serial % 1000
    );
    let digits = body.replace("2A", "19").replace("2B", "18");
    let number: u64 = digits.parse().expect("13 digits");
    format!("{body}{:02}", 97 - number % 97)
}

/// A candidate's identity as `POST /api/v1/candidates` takes it: a woman born 1990-05-14.
pub fn candidate_body(email: &str, serial: u32) -> Value {
    json!({
        "title": "MME", "first_name": "Léa", "last_name": "Martin", "birthdate": "1990-05-14",
        "email": email, "nir": nir(2, 1990, 5, "75", serial), "lack_of_france_travail_id_reason": "NOT_REGISTERED",
    })
}

/// The grid of a prescriber's diagnosis (R-ELIG-2), every axis at `level`.
pub fn grid(level: u8) -> Value {
    json!({"french_language": level, "work_capacity": level, "housing": level, "rights_access": level,
           "mobility": level, "finances": level, "justice": level, "availability": level})
}

impl TestApp {
    /// Finds or registers a candidate as `token`'s organization; the candidate's JSON.
    pub async fn candidate(&self, token: &str, body: Value) -> Value {
        let answer = self
            .post("/api/v1/candidates")
            .bearer(token)
            .json(body)
            .send()
            .await;
        assert!(
            matches!(answer.status, 200 | 201),
            "candidate: {} {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
        answer.json()
    }

    /// Records an authorized prescriber's diagnosis of the candidate.
    pub async fn diagnose(&self, token: &str, candidate_id: &str) -> Value {
        self.post(&format!("/api/v1/candidates/{candidate_id}/diagnoses"))
            .bearer(token)
            .json(json!({"grid": grid(2), "situation": "Sans emploi depuis 2 ans."}))
            .send()
            .await
            .ok(201)
    }

    /// Sends a spontaneous application (the structure must accept them) as `token`.
    pub async fn apply(&self, token: &str, structure_id: &str, candidate_id: &str) -> TestResponse {
        self.post("/api/v1/applications")
            .bearer(token)
            .json(json!({"structure_id": structure_id, "candidate_id": candidate_id,
                         "message": "Motivée, disponible tout de suite.", "diagnosis_shared": true}))
            .send()
            .await
    }
}

/// The code in an invitation e-mail's link (`…/invitation.html?code=<64 hex digits>`).
pub fn invitation_code(mail: &Value) -> String {
    let text = mail["text"].as_str().expect("text");
    let start = text.find("?code=").expect("invitation link") + "?code=".len();
    text[start..start + 64].to_owned()
}

/// A valid fictitious SIRET: `98` + serial + the check digit the domain's parser accepts.
pub fn luhn_siret(serial: u64) -> String {
    (0..10)
        .map(|check| format!("98{serial:011}{check}"))
        .find(|candidate| tremplin_domain::Siret::parse(candidate).is_ok())
        .expect("one check digit always fits")
}

/// One table's rows rendered as text, oldest first (see [`TestApp::snapshot`]). `Debug` shows
/// the count and a digest, so a failed comparison names the table that changed without
/// printing thousands of rows.
#[derive(Clone, PartialEq, Eq)]
pub struct Rows(Vec<String>);

impl std::fmt::Debug for Rows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.0.hash(&mut hasher);
        write!(f, "{} rows, digest {:016x}", self.0.len(), hasher.finish())
    }
}

/// `rows -= n` forgets the `n` newest rows: those the act under test was expected to append
/// (the audit row of an import that changed nothing else).
impl std::ops::SubAssign<usize> for Rows {
    fn sub_assign(&mut self, n: usize) {
        self.0.truncate(self.0.len().saturating_sub(n));
    }
}

/// Every row of `table` as text, in insertion (rowid) order; a table without rowid in
/// primary-key order.
fn table_rows(db: &rusqlite::Connection, table: &str, sql: &str) -> Rows {
    let order = if sql.to_ascii_uppercase().contains("WITHOUT ROWID") {
        let mut info = db
            .prepare("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk")
            .expect("table info");
        let keys: Vec<String> = info
            .query_map([table], |row| row.get(0))
            .expect("primary key")
            .map(|r| r.expect("column"))
            .collect();
        keys.join(", ")
    } else {
        "rowid".to_owned()
    };
    let mut statement = db
        .prepare(&format!("SELECT * FROM {table} ORDER BY {order}"))
        .unwrap_or_else(|e| panic!("rows of {table}: {e}"));
    let columns = statement.column_count();
    let rows = statement
        .query_map([], |row| {
            (0..columns)
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => "NULL".to_owned(),
                        rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                        rusqlite::types::ValueRef::Real(x) => format!("{x:?}"),
                        rusqlite::types::ValueRef::Text(t) => {
                            format!("{:?}", String::from_utf8_lossy(t))
                        }
                        rusqlite::types::ValueRef::Blob(b) => {
                            b.iter().map(|byte| format!("{byte:02x}")).collect()
                        }
                    })
                })
                .collect::<rusqlite::Result<Vec<String>>>()
                .map(|values| values.join("|"))
        })
        .unwrap_or_else(|e| panic!("rows of {table}: {e}"))
        .map(|r| r.expect("row"))
        .collect();
    Rows(rows)
}

/// One row of `audit_log`: who did what, for which organization, to which entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Audit {
    pub actor_user_id: Option<String>,
    pub organization_id: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub details: Value,
}

impl TestApp {
    /// The id of the newest audit row (0 before any): take it just before the act under test.
    pub fn audit_mark(&self) -> i64 {
        self.db()
            .query_row("SELECT COALESCE(MAX(id), 0) FROM audit_log", [], |row| {
                row.get(0)
            })
            .expect("audit mark")
    }

    /// The audit rows written after `mark`, oldest first: what the act under test recorded.
    pub fn audit_since(&self, mark: i64) -> Vec<Audit> {
        let db = self.db();
        let mut statement = db
            .prepare(
                "SELECT actor_user_id, organization_id, action, entity, entity_id, details \
                 FROM audit_log WHERE id > ? ORDER BY id",
            )
            .expect("audit rows");
        let rows = statement
            .query_map([mark], |row| {
                Ok(Audit {
                    actor_user_id: row.get(0)?,
                    organization_id: row.get(1)?,
                    action: row.get(2)?,
                    entity: row.get(3)?,
                    entity_id: row.get(4)?,
                    details: serde_json::from_str(&row.get::<_, String>(5)?)
                        .expect("details are JSON"),
                })
            })
            .expect("audit rows")
            .map(|r| r.expect("audit row"))
            .collect();
        rows
    }
}

impl TestApp {
    /// Waits until every queued message had its delivery attempt (delivery runs after the
    /// answer of the act that queued it), for 10 s at most: a snapshot taken then is not changed
    /// later by that act.
    pub async fn outbox_settled(&self) {
        for _ in 0..1_000 {
            let unsettled: i64 = self
                .db()
                .query_row(
                    "SELECT COUNT(*) FROM outbox WHERE state = 'sending' OR (state = 'pending' AND attempts = 0)",
                    [],
                    |row| row.get(0),
                )
                .expect("outbox");
            if unsettled == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the outbox still delivers after 10 s");
    }
}
