//! `fermyon:spin/sqlite@2.0.0` and `spin:sqlite/sqlite@3.0.0`, as Spin's `spin-factor-sqlite` and
//! `spin-sqlite-inproc` provide them: every `open` gets its own `rusqlite::Connection`, opened on
//! first use with rusqlite's defaults (busy timeout 5 s, rollback journal) and kept for the
//! resource's lifetime, so a `BEGIN` … `COMMIT` sequence runs on one connection. Queries run on
//! tokio's blocking pool.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::Result;
use rusqlite::types::{Value, ValueRef};
use wasmtime::component::Resource;

use crate::bindings::fermyon::spin::sqlite as v2;
use crate::bindings::spin::sqlite::sqlite as v3;
use crate::State;

/// The host side of a `connection` resource (both versions).
#[derive(Clone)]
pub struct Connection(Arc<Lazy>);

struct Lazy {
    path: PathBuf,
    conn: OnceLock<Mutex<rusqlite::Connection>>,
}

/// Errors shared by both interface versions.
enum Error {
    NoSuchDatabase,
    AccessDenied,
    Io(String),
}

struct Rows {
    columns: Vec<String>,
    rows: Vec<Vec<Value>>,
}

impl Connection {
    fn new(path: PathBuf) -> Connection {
        Connection(Arc::new(Lazy {
            path,
            conn: OnceLock::new(),
        }))
    }

    fn with<R>(&self, f: impl FnOnce(&rusqlite::Connection) -> R) -> Result<R, Error> {
        let conn = match self.0.conn.get() {
            Some(c) => c,
            None => {
                let c = rusqlite::Connection::open(&self.0.path)
                    .map_err(|e| Error::Io(e.to_string()))?;
                self.0.conn.get_or_init(|| Mutex::new(c))
            }
        };
        let conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(f(&conn))
    }

    /// Spin's `execute_query`: one statement, its column names, and every row.
    fn query(&self, sql: &str, params: Vec<Value>) -> Result<Rows, Error> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(sql)?;
            let columns: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
            let n = columns.len();
            let rows = stmt
                .query_map(rusqlite::params_from_iter(params), |row| {
                    (0..n)
                        .map(|i| row.get_ref(i).map(to_value))
                        .collect::<rusqlite::Result<Vec<_>>>()
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Rows { columns, rows })
        })?
        .map_err(|e: rusqlite::Error| Error::Io(e.to_string()))
    }

    async fn run(&self, sql: String, params: Vec<Value>) -> Result<Result<Rows, Error>> {
        let conn = self.clone();
        Ok(tokio::task::spawn_blocking(move || {
            if !trace_enabled() {
                return conn.query(&sql, params);
            }
            let started = std::time::Instant::now();
            let rows = conn.query(&sql, params);
            let statement: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
            eprintln!(
                "sql {:>7} µs at {:>12} µs {}",
                started.elapsed().as_micros(),
                trace_epoch().elapsed().as_micros(),
                statement.chars().take(110).collect::<String>()
            );
            rows
        })
        .await?)
    }
}

fn trace_epoch() -> std::time::Instant {
    static EPOCH: OnceLock<std::time::Instant> = OnceLock::new();
    *EPOCH.get_or_init(std::time::Instant::now)
}

/// `TREMPLIN_SQL_TRACE=1`: each statement's time on stderr, to find where a request spends it
/// (`make bench` figures say how long; this says which statement).
fn trace_enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var_os("TREMPLIN_SQL_TRACE").is_some())
}

fn to_value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

impl State {
    fn open_database(&mut self, database: &str) -> Result<Result<Resource<Connection>, Error>> {
        if !self
            .component
            .sqlite_databases
            .iter()
            .any(|d| d == database)
        {
            return Ok(Err(Error::AccessDenied));
        }
        if database != crate::manifest::DEFAULT_LABEL {
            return Ok(Err(Error::NoSuchDatabase));
        }
        let conn = Connection::new(self.app.sqlite_path());
        Ok(Ok(self.table.push(conn)?))
    }

    fn connection(&self, res: &Resource<Connection>) -> Result<Connection> {
        Ok(self.table.get(res)?.clone())
    }
}

// Conversions between the host types and each version's identical WIT types.
macro_rules! convert {
    ($v:ident) => {
        pub fn from_wit(v: $v::Value) -> Value {
            match v {
                $v::Value::Integer(i) => Value::Integer(i),
                $v::Value::Real(f) => Value::Real(f),
                $v::Value::Text(t) => Value::Text(t),
                $v::Value::Blob(b) => Value::Blob(b),
                $v::Value::Null => Value::Null,
            }
        }

        pub fn to_wit(v: Value) -> $v::Value {
            match v {
                Value::Integer(i) => $v::Value::Integer(i),
                Value::Real(f) => $v::Value::Real(f),
                Value::Text(t) => $v::Value::Text(t),
                Value::Blob(b) => $v::Value::Blob(b),
                Value::Null => $v::Value::Null,
            }
        }

        pub fn result(r: Result<Rows, Error>) -> Result<$v::QueryResult, $v::Error> {
            match r {
                Ok(Rows { columns, rows }) => Ok($v::QueryResult {
                    columns,
                    rows: rows
                        .into_iter()
                        .map(|r| $v::RowResult {
                            values: r.into_iter().map(to_wit).collect(),
                        })
                        .collect(),
                }),
                Err(e) => Err(error(e)),
            }
        }

        pub fn error(e: Error) -> $v::Error {
            match e {
                Error::NoSuchDatabase => $v::Error::NoSuchDatabase,
                Error::AccessDenied => $v::Error::AccessDenied,
                Error::Io(msg) => $v::Error::Io(msg),
            }
        }
    };
}

mod conv2 {
    use super::*;
    convert!(v2);
}

mod conv3 {
    use super::*;
    convert!(v3);
}

impl v2::Host for State {}

impl v2::HostConnection for State {
    async fn open(&mut self, database: String) -> Result<Result<Resource<Connection>, v2::Error>> {
        Ok(self.open_database(&database)?.map_err(conv2::error))
    }

    async fn execute(
        &mut self,
        conn: Resource<Connection>,
        statement: String,
        parameters: Vec<v2::Value>,
    ) -> Result<Result<v2::QueryResult, v2::Error>> {
        let params = parameters.into_iter().map(conv2::from_wit).collect();
        Ok(conv2::result(
            self.connection(&conn)?.run(statement, params).await?,
        ))
    }

    async fn drop(&mut self, conn: Resource<Connection>) -> Result<()> {
        self.table.delete(conn)?;
        Ok(())
    }
}

impl v3::Host for State {}

impl v3::HostConnection for State {
    async fn open(&mut self, database: String) -> Result<Result<Resource<Connection>, v3::Error>> {
        Ok(self.open_database(&database)?.map_err(conv3::error))
    }

    async fn execute(
        &mut self,
        conn: Resource<Connection>,
        statement: String,
        parameters: Vec<v3::Value>,
    ) -> Result<Result<v3::QueryResult, v3::Error>> {
        let params = parameters.into_iter().map(conv3::from_wit).collect();
        Ok(conv3::result(
            self.connection(&conn)?.run(statement, params).await?,
        ))
    }

    async fn last_insert_rowid(&mut self, conn: Resource<Connection>) -> Result<i64> {
        let conn = self.connection(&conn)?;
        conn.with(|c| c.last_insert_rowid())
            .map_err(|_| anyhow::anyhow!("cannot open the database"))
    }

    async fn changes(&mut self, conn: Resource<Connection>) -> Result<u64> {
        let conn = self.connection(&conn)?;
        conn.with(|c| c.changes())
            .map_err(|_| anyhow::anyhow!("cannot open the database"))
    }

    async fn drop(&mut self, conn: Resource<Connection>) -> Result<()> {
        self.table.delete(conn)?;
        Ok(())
    }
}
