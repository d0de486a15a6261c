//! A small blocking client for the administration endpoints; retries on 429 and 5xx never,
//! because the endpoints are idempotent by design and a failure must be seen.

use anyhow::{anyhow, bail, Result};
use serde_json::Value;
use std::time::{Duration, Instant};

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
