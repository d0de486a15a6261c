//! `tremplin-host [--manifest spin.toml] [--listen 127.0.0.1:3000] [--state-dir .spin]
//! [--variable name=value]… [--sqlite <statements or @file.sql>]… [--key-value key=value]…` —
//! serves the app like `spin up` with the same flags. `SPIN_VARIABLE_<NAME>` environment
//! variables are honoured; `--variable` takes precedence over them. `--sqlite` and `--key-value`
//! seed the default database and store at every start, as with `spin up`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use tremplin_host::{App, Runtime};

const USAGE: &str = "usage: tremplin-host [--manifest spin.toml] [--listen 127.0.0.1:3000] \
                     [--state-dir <dir, default .spin next to spin.toml>] [--variable name=value]... \
                     [--sqlite <statements or @file.sql>]... [--key-value key=value]...";

#[tokio::main]
async fn main() -> Result<()> {
    let mut manifest = PathBuf::from("spin.toml");
    let mut listen: SocketAddr = "127.0.0.1:3000".parse()?;
    let mut state_dir = None;
    let mut variables = HashMap::new();
    let mut sqlite = Vec::new();
    let mut key_values = Vec::new();

    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg, None),
        };
        if flag == "-h" || flag == "--help" {
            println!("{USAGE}");
            return Ok(());
        }
        let value = match inline.or_else(|| args.next()) {
            Some(value) => value,
            None => bail!("{flag} needs a value\n{USAGE}"),
        };
        match flag.as_str() {
            "--manifest" | "-f" | "--from" => manifest = PathBuf::from(value),
            "--listen" => {
                listen = value
                    .parse()
                    .with_context(|| format!("invalid --listen {value}"))?
            }
            "--state-dir" => state_dir = Some(PathBuf::from(value)),
            "--variable" => {
                let (name, value) = value
                    .split_once('=')
                    .context("--variable expects name=value")?;
                variables.insert(name.to_string(), value.to_string());
            }
            "--sqlite" => sqlite.push(value),
            "--key-value" => {
                let (key, value) = value
                    .split_once('=')
                    .context("--key-value expects key=value")?;
                key_values.push((key.to_string(), value.to_string()));
            }
            _ => bail!("unknown argument {flag}\n{USAGE}"),
        }
    }

    let runtime = Runtime::load(&manifest)?;
    let state_dir = match state_dir {
        Some(dir) => std::path::absolute(dir)?,
        None => runtime.manifest().dir.join(".spin"),
    };
    let app = App::new(runtime, state_dir, variables)?;
    seed(app.state_dir(), &sqlite, &key_values)?;
    app.serve(listen).await
}

fn seed(state_dir: &Path, sqlite: &[String], key_values: &[(String, String)]) -> Result<()> {
    if !sqlite.is_empty() {
        let db = rusqlite::Connection::open(state_dir.join("sqlite_db.db"))?;
        for statements in sqlite {
            let sql = match statements.strip_prefix('@') {
                Some(file) => {
                    std::fs::read_to_string(file).with_context(|| format!("cannot read {file}"))?
                }
                None => statements.clone(),
            };
            db.execute_batch(&sql)
                .with_context(|| format!("--sqlite {statements}"))?;
        }
    }
    if !key_values.is_empty() {
        let store = rusqlite::Connection::open(state_dir.join("sqlite_key_value.db"))?;
        for (key, value) in key_values {
            store
                .execute(
                    "INSERT INTO spin_key_value (store, key, value) VALUES ('default', ?1, ?2)
                     ON CONFLICT(store, key) DO UPDATE SET value = ?2",
                    (key, value.as_bytes()),
                )
                .context("--key-value needs a component with key_value_stores = [\"default\"]")?;
        }
    }
    Ok(())
}
