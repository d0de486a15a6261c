//! A small blocking client for the administration endpoints; retries on 429 and 5xx never,
//! because the endpoints are idempotent by design and a failure must be seen.

use anyhow::{anyhow, bail, Result};
use serde_json::Value;
use std::time::{Duration, Instant};

/// Import batches stay within the contract: at most this many rows, and a body well under the
/// app's 1 MiB limit (2,000 rows of siaes.csv weigh about 1.1 MB).
const ROWS_PER_BATCH: usize = 2_000;
const BYTES_PER_BATCH: usize = 900 * 1024;

pub struct Api {
    base: String,
    agent: ureq::Agent,
    token: Option<String>,
}

impl Api {
    pub fn new(base: &str) -> Api {
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(120))
            .build();
        Api {
            base: base.to_owned(),
            agent,
            token: None,
        }
    }

    pub fn wait_until_healthy(&self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match self
                .agent
                .get(&format!("{}/api/v1/health", self.base))
                .call()
            {
                Ok(_) => return Ok(()),
                Err(error) if Instant::now() > deadline => {
                    bail!("{} is not answering: {error}", self.base)
                }
                Err(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    pub fn bootstrap(&self, bootstrap_token: &str, email: &str, password: &str) -> Result<Value> {
        let body = serde_json::json!({
            "email": email, "password": password,
            "first_name": "Administration", "last_name": "Tremplin",
        });
        let request = self
            .agent
            .post(&format!("{}/api/v1/admin/bootstrap", self.base))
            .set("Authorization", &format!("Bearer {bootstrap_token}"));
        answer(request.send_json(body))
    }

    pub fn login(mut self, email: &str, password: &str) -> Result<Api> {
        let session = self.post(
            "/api/v1/auth/token",
            &serde_json::json!({"email": email, "password": password}),
        )?;
        let token = session["token"]
            .as_str()
            .ok_or_else(|| anyhow!("login answered no token"))?;
        self.token = Some(token.to_owned());
        Ok(self)
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn get(&self, path: &str) -> Result<Value> {
        let mut request = self.agent.get(&format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.set("Authorization", &format!("Bearer {token}"));
        }
        answer(request.call())
    }

    pub fn post(&self, path: &str, body: &Value) -> Result<Value> {
        let mut request = self.agent.post(&format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.set("Authorization", &format!("Bearer {token}"));
        }
        answer(request.send_json(body))
    }
}

fn answer(result: Result<ureq::Response, ureq::Error>) -> Result<Value> {
    match result {
        Ok(response) => Ok(response.into_json()?),
        Err(ureq::Error::Status(status, response)) => {
            bail!(
                "HTTP {status}: {}",
                response.into_string().unwrap_or_default()
            )
        }
        Err(error) => Err(error.into()),
    }
}

/// Where rows go: a logged-in app, or nowhere (`--dry-run` only counts them).
pub enum Target {
    App(Api),
    DryRun,
}

impl Target {
    /// Sends `rows` in batches to `path` and prints the totals and every rejected line.
    pub fn send(&self, what: &str, path: &str, rows: Vec<Value>) -> Result<()> {
        let Target::App(api) = self else {
            println!("{what}: {} rows (dry run, not sent)", rows.len());
            return Ok(());
        };
        let (mut written, mut unchanged, mut rejected) = (0, 0, Vec::new());
        for batch in batches(&rows) {
            let answer = api.post(path, &serde_json::json!({ "rows": batch }))?;
            written += answer["written"].as_u64().unwrap_or(0);
            unchanged += answer["unchanged"].as_u64().unwrap_or(0);
            rejected.extend(answer["rejected"].as_array().cloned().unwrap_or_default());
        }
        println!(
            "{what}: {} rows, {written} written, {unchanged} unchanged, {} rejected",
            rows.len(),
            rejected.len()
        );
        for row in rejected {
            println!(
                "  line {}: {}",
                row["line"],
                row["reason"].as_str().unwrap_or("")
            );
        }
        Ok(())
    }
}

/// Cuts `rows` into consecutive batches under both limits (a single row above the byte limit
/// still goes, alone, and the server says why it refuses it).
fn batches(rows: &[Value]) -> Vec<&[Value]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, row) in rows.iter().enumerate() {
        let size = row.to_string().len() + 1;
        if i > start && (i - start == ROWS_PER_BATCH || bytes + size > BYTES_PER_BATCH) {
            out.push(&rows[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < rows.len() {
        out.push(&rows[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_respect_the_row_and_byte_limits() {
        let small = vec![serde_json::json!({"line": 1}); 4_500];
        let sizes: Vec<usize> = batches(&small).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [2_000, 2_000, 500]);

        let large = vec![serde_json::json!({"description": "x".repeat(3_000)}); 1_000];
        let cut = batches(&large);
        assert_eq!(cut.iter().map(|b| b.len()).sum::<usize>(), 1_000);
        for batch in cut {
            let body = serde_json::json!({ "rows": batch }).to_string();
            assert!(body.len() < 1 << 20, "{} bytes", body.len());
        }
        assert!(batches(&[]).is_empty());
    }
}
