//! The SQLite "default" database: opening it (schema brought up to date first), checked
//! statements, explicit transactions and rows that map or fail loudly.

pub use spin_sdk::sqlite::Value;
use spin_sdk::sqlite::{self, Connection, QueryResult};
use tremplin_domain::Error;

use crate::migrations;

/// How long a writer waits for SQLite's lock before giving up (another request holds it).
const LOCK_WAIT_ATTEMPTS: u32 = 200;
const LOCK_WAIT_STEP: std::time::Duration = std::time::Duration::from_millis(10);

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

impl From<DbError> for Error {
    fn from(error: DbError) -> Self {
        Error::internal(format!("sqlite: {}", error.0))
    }
}

pub struct Db {
    connection: Connection,
}

impl Db {
    /// Opens "default" and applies pending migrations (a no-op read once the schema is current).
    pub fn open() -> Result<Db, Error> {
        let connection = Connection::open_default()
            .map_err(|e| Error::internal(format!("sqlite open: {e:?}")))?;
        let db = Db { connection };
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
    /// write lock up front so two racing writers are ordered by SQLite, not interleaved.
    pub fn transaction<T>(&self, work: impl FnOnce(&Db) -> Result<T, Error>) -> Result<T, Error> {
        // Foreign keys are a per-connection setting, off by default, and only writes need them;
        // it cannot change inside a transaction, hence here.
        self.execute("PRAGMA foreign_keys = ON", &[])?;
        self.begin_immediate()?;
        match work(self) {
            Ok(value) => match self.execute("COMMIT", &[]) {
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
        let mut attempt = 0;
        loop {
            match self.execute("BEGIN IMMEDIATE", &[]) {
                Err(error) if error.is_locked() && attempt < LOCK_WAIT_ATTEMPTS => {
                    attempt += 1;
                    std::thread::sleep(LOCK_WAIT_STEP);
                }
                other => return other,
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
