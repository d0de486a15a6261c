//! The SQLite "default" database: opening it (schema brought up to date first), checked
//! statements, explicit transactions and rows that map or fail loudly.

pub use spin_sdk::sqlite::Value;
use spin_sdk::sqlite::{self, Connection, QueryResult};
use std::cell::Cell;
use std::time::{Duration, Instant};
use tremplin_domain::Error;

use crate::migrations;

/// The longest a request waits, in total, for SQLite's locks held by other requests; then it
/// gets a 503 with `Retry-After` and has changed nothing. Spin's SQLite (rusqlite) waits up to
/// 5 s per statement by default (SQLite's busy timeout); the connection's busy timeout is set to
/// what is left of this budget instead (at most [`BEGIN_POLL`] for each try of `BEGIN
/// IMMEDIATE`), so the waits of all attempts add up to at most this.
const LOCK_WAIT_BUDGET: Duration = Duration::from_secs(3);
/// A writer waiting for the write lock tries `BEGIN IMMEDIATE` again every this often, SQLite's
/// busy handler sleeping in between. Left to the busy handler alone, the sleeps grow to 100 ms
/// (1, 2, 5, 10, … ms): a writer that came early can sleep through several others' whole
/// transactions, the tail that `make bench` measured (p99 of 0.4 s with 4 writers).
const BEGIN_POLL: Duration = Duration::from_millis(1);
/// A `BEGIN IMMEDIATE` refused before the budget ran out (a database without our busy timeout,
/// such as a libSQL server, answers SQLITE_BUSY at once) is tried again after this pause.
const LOCK_RETRY_PAUSE: Duration = Duration::from_millis(5);
/// What a 503 asks the client to wait before trying again.
const BUSY_RETRY_AFTER_SECONDS: u64 = 1;

/// A statement failed. Keeps SQLite's message so constraint violations can become field errors.
#[derive(Debug)]
pub struct DbError(pub String);

impl DbError {
    /// `Some("users.email")` when a UNIQUE constraint on that column failed.
    pub fn unique_violation(&self) -> Option<&str> {
        self.0
            .split("UNIQUE constraint failed: ")
            .nth(1)
            .map(str::trim)
    }

    /// SQLite's `SQLITE_BUSY`: another connection held the lock past the busy timeout.
    fn is_locked(&self) -> bool {
        self.0.contains("database is locked") || self.0.contains("SQLITE_BUSY")
    }
}

impl From<sqlite::Error> for DbError {
    fn from(error: sqlite::Error) -> Self {
        DbError(match error {
            sqlite::Error::Io(message) => message,
            other => format!("{other:?}"),
        })
    }
}

/// A statement that waited out the lock budget is a 503 (the caller may retry), any other
/// failure a 500.
impl From<DbError> for Error {
    fn from(error: DbError) -> Self {
        if error.is_locked() {
            busy()
        } else {
            Error::internal(format!("sqlite: {}", error.0))
        }
    }
}

/// 503 `database_busy`: the database could not take this write in time; nothing was written.
pub fn busy() -> Error {
    Error::ServiceUnavailable {
        retry_after_seconds: BUSY_RETRY_AFTER_SECONDS,
    }
}

pub struct Db {
    connection: Connection,
    /// What is left of [`LOCK_WAIT_BUDGET`] for this request.
    lock_wait_left: Cell<Duration>,
    /// The busy timeout set now; `None` where the database refuses the pragma (a libSQL server
    /// may: its locks are its own, and the budget still bounds the attempts).
    busy_timeout: Cell<Option<Duration>>,
}

impl Db {
    /// Opens "default" and applies pending migrations (a no-op read once the schema is current).
    pub fn open() -> Result<Db, Error> {
        let connection = Connection::open_default()
            .map_err(|e| Error::internal(format!("sqlite open: {e:?}")))?;
        let db = Db {
            connection,
            lock_wait_left: Cell::new(LOCK_WAIT_BUDGET),
            busy_timeout: Cell::new(Some(Duration::MAX)),
        };
        // Reads wait for a committing writer too: never longer than the budget.
        db.set_busy_timeout(LOCK_WAIT_BUDGET);
        migrations::ensure_current(&db)?;
        Ok(db)
    }

    pub fn query(&self, sql: &str, params: &[Value]) -> Result<Rows, DbError> {
        Ok(Rows(self.connection.execute(sql, params)?))
    }

    pub fn execute(&self, sql: &str, params: &[Value]) -> Result<(), DbError> {
        self.connection
            .execute(sql, params)
            .map(drop)
            .map_err(DbError::from)
    }

    /// Runs `work` inside `BEGIN IMMEDIATE … COMMIT`; any error rolls back. IMMEDIATE takes the
    /// write lock up front so two racing writers are ordered by SQLite, not interleaved. Waiting
    /// for the lock (at BEGIN, and at COMMIT for readers to finish) is bounded by
    /// [`LOCK_WAIT_BUDGET`]: past it, 503 `database_busy` and nothing written.
    pub fn transaction<T>(&self, work: impl FnOnce(&Db) -> Result<T, Error>) -> Result<T, Error> {
        // Foreign keys are a per-connection setting, off by default, and only writes need them;
        // it cannot change inside a transaction, hence here.
        self.execute("PRAGMA foreign_keys = ON", &[])?;
        self.begin_immediate()?;
        match work(self) {
            // A COMMIT refused with SQLITE_BUSY leaves the transaction open: roll it back.
            Ok(value) => match self.timed(Duration::MAX, || self.execute("COMMIT", &[])) {
                Ok(()) => Ok(value),
                Err(error) => {
                    self.rollback();
                    Err(error.into())
                }
            },
            Err(error) => {
                self.rollback();
                Err(error)
            }
        }
    }

    fn begin_immediate(&self) -> Result<(), DbError> {
        loop {
            let tried = Instant::now();
            match self.timed(BEGIN_POLL, || self.execute("BEGIN IMMEDIATE", &[])) {
                Err(error) if error.is_locked() && !self.lock_wait_left.get().is_zero() => {
                    // SQLite's busy handler waited BEGIN_POLL, unless the database answered
                    // SQLITE_BUSY at once (no busy timeout of ours): then pause here.
                    if tried.elapsed() < BEGIN_POLL {
                        std::thread::sleep(LOCK_RETRY_PAUSE.min(self.lock_wait_left.get()));
                        self.spend_lock_wait(LOCK_RETRY_PAUSE);
                    }
                }
                Ok(()) => {
                    // The transaction's own statements (a cache spill takes the exclusive
                    // lock) wait up to what is left of the budget, as every other statement.
                    self.set_busy_timeout(self.lock_wait_left.get());
                    return Ok(());
                }
                other => return other,
            }
        }
    }

    /// One write statement as its own transaction (autocommit): the write lock is held only
    /// while SQLite runs it, never across the component's own work, and its wait counts against
    /// the same budget as a transaction's.
    pub fn write_alone(&self, sql: &str, params: &[Value]) -> Result<Rows, DbError> {
        self.timed(Duration::MAX, || self.query(sql, params))
    }

    /// Runs a statement that takes a lock, with the busy timeout set to what is left of the
    /// budget (at most `cap`), and takes the time it took off the budget.
    fn timed<T>(
        &self,
        cap: Duration,
        statement: impl FnOnce() -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let left = self.lock_wait_left.get();
        if left.is_zero() {
            return Err(DbError("database is locked: lock wait budget spent".into()));
        }
        self.set_busy_timeout(left.min(cap));
        let started = Instant::now();
        let result = statement();
        self.spend_lock_wait(started.elapsed());
        result
    }

    fn spend_lock_wait(&self, waited: Duration) {
        self.lock_wait_left
            .set(self.lock_wait_left.get().saturating_sub(waited));
    }

    /// SQLite's busy timeout of this connection, in whole milliseconds (set only when it changes).
    fn set_busy_timeout(&self, timeout: Duration) {
        let timeout = Duration::from_millis(timeout.as_millis() as u64);
        let Some(current) = self.busy_timeout.get() else {
            return;
        };
        if timeout != current {
            let pragma = format!("PRAGMA busy_timeout = {}", timeout.as_millis());
            match self.execute(&pragma, &[]) {
                Ok(()) => self.busy_timeout.set(Some(timeout)),
                Err(error) => {
                    eprintln!(
                        "busy_timeout refused, lock waits bounded by retries only: {}",
                        error.0
                    );
                    self.busy_timeout.set(None);
                }
            }
        }
    }

    fn rollback(&self) {
        if let Err(error) = self.execute("ROLLBACK", &[]) {
            eprintln!("rollback failed: {}", error.0);
        }
    }
}

/// A query's rows with checked, by-name access.
pub struct Rows(QueryResult);

impl Rows {
    pub fn iter(&self) -> impl Iterator<Item = Row<'_>> {
        self.0.rows.iter().map(|r| Row {
            columns: &self.0.columns,
            values: &r.values,
        })
    }

    pub fn first(&self) -> Option<Row<'_>> {
        self.iter().next()
    }

    pub fn is_empty(&self) -> bool {
        self.0.rows.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.rows.len()
    }

    /// Maps every row; the first row that fails to map is an error (never silently dropped).
    pub fn map<T>(&self, f: impl Fn(&Row<'_>) -> Result<T, Error>) -> Result<Vec<T>, Error> {
        self.iter().map(|row| f(&row)).collect()
    }
}

pub struct Row<'a> {
    columns: &'a [String],
    values: &'a [Value],
}

impl Row<'_> {
    fn value(&self, column: &str) -> Result<&Value, Error> {
        self.columns
            .iter()
            .position(|c| c == column)
            .and_then(|i| self.values.get(i))
            .ok_or_else(|| Error::internal(format!("row has no column {column}")))
    }

    fn mismatch(column: &str, expected: &str) -> Error {
        Error::internal(format!("column {column} is not {expected}"))
    }

    pub fn text(&self, column: &str) -> Result<String, Error> {
        self.opt_text(column)?
            .ok_or_else(|| Self::mismatch(column, "non-null text"))
    }

    pub fn opt_text(&self, column: &str) -> Result<Option<String>, Error> {
        match self.value(column)? {
            Value::Text(s) => Ok(Some(s.clone())),
            Value::Null => Ok(None),
            _ => Err(Self::mismatch(column, "text")),
        }
    }

    pub fn int(&self, column: &str) -> Result<i64, Error> {
        self.opt_int(column)?
            .ok_or_else(|| Self::mismatch(column, "non-null integer"))
    }

    pub fn opt_int(&self, column: &str) -> Result<Option<i64>, Error> {
        match self.value(column)? {
            Value::Integer(i) => Ok(Some(*i)),
            Value::Null => Ok(None),
            _ => Err(Self::mismatch(column, "integer")),
        }
    }

    pub fn bool(&self, column: &str) -> Result<bool, Error> {
        Ok(self.int(column)? != 0)
    }

    pub fn opt_real(&self, column: &str) -> Result<Option<f64>, Error> {
        match self.value(column)? {
            Value::Real(f) => Ok(Some(*f)),
            Value::Integer(i) => Ok(Some(*i as f64)),
            Value::Null => Ok(None),
            _ => Err(Self::mismatch(column, "real")),
        }
    }

    pub fn blob(&self, column: &str) -> Result<Vec<u8>, Error> {
        match self.value(column)? {
            Value::Blob(b) => Ok(b.clone()),
            Value::Text(s) => Ok(s.clone().into_bytes()),
            _ => Err(Self::mismatch(column, "blob")),
        }
    }
}

/// A stored value that does not parse back (`column` as `table.column`): a defect, never dropped.
pub fn unreadable(column: &str, error: impl std::fmt::Display) -> Error {
    Error::internal(format!("{column}: {error}"))
}

/// Parameter helpers, so call sites read `text(&email)` rather than `Value::Text(email.clone())`.
pub fn text(value: impl Into<String>) -> Value {
    Value::Text(value.into())
}

pub fn opt_text(value: Option<impl Into<String>>) -> Value {
    value.map_or(Value::Null, |v| Value::Text(v.into()))
}

pub fn int(value: i64) -> Value {
    Value::Integer(value)
}

pub fn opt_real(value: Option<f64>) -> Value {
    value.map_or(Value::Null, Value::Real)
}
