//! `fermyon:spin/key-value@2.0.0` over SQLite, as Spin's `spin-key-value-spin` does it: one
//! connection to `<state dir>/sqlite_key_value.db` shared by every store and request of the app,
//! table `spin_key_value(store, key, value)`, every call an autocommit on tokio's blocking pool.

use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Result;
use rusqlite::OptionalExtension;
use wasmtime::component::Resource;

use crate::bindings::fermyon::spin::key_value::{self as kv, Error};
use crate::State;

/// The app-wide key-value connection.
#[derive(Clone)]
pub struct Db(Arc<Mutex<rusqlite::Connection>>);

impl Db {
    pub fn open(path: &Path) -> Result<Db> {
        let conn = rusqlite::Connection::open(path)?;
        conn.execute(
            "CREATE TABLE IF NOT EXISTS spin_key_value (
                store TEXT NOT NULL,
                key   TEXT NOT NULL,
                value BLOB NOT NULL,

                PRIMARY KEY (store, key)
            )",
            [],
        )?;
        Ok(Db(Arc::new(Mutex::new(conn))))
    }

    /// Runs `f` on the connection off the async threads; SQLite errors become `error::other`.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<Result<T, Error>> {
        let db = self.clone();
        let result = tokio::task::spawn_blocking(move || {
            let conn = db.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&conn)
        })
        .await?;
        Ok(result.map_err(|e| Error::Other(e.to_string())))
    }
}

/// The host side of a `store` resource: its label.
pub struct KvStore {
    name: String,
}

impl State {
    fn store(&self, store: &Resource<KvStore>) -> Result<(Db, String)> {
        let db = self
            .app
            .key_value()
            .ok_or_else(|| anyhow::anyhow!("no key-value database"))?;
        Ok((db, self.table.get(store)?.name.clone()))
    }
}

impl kv::Host for State {}

impl kv::HostStore for State {
    async fn open(&mut self, label: String) -> Result<Result<Resource<KvStore>, Error>> {
        if !self.component.key_value_stores.contains(&label) {
            return Ok(Err(Error::AccessDenied));
        }
        if label != crate::manifest::DEFAULT_LABEL || self.app.key_value().is_none() {
            return Ok(Err(Error::NoSuchStore));
        }
        Ok(Ok(self.table.push(KvStore { name: label })?))
    }

    async fn get(
        &mut self,
        store: Resource<KvStore>,
        key: String,
    ) -> Result<Result<Option<Vec<u8>>, Error>> {
        let (db, name) = self.store(&store)?;
        db.run(move |c| {
            c.prepare_cached("SELECT value FROM spin_key_value WHERE store=$1 AND key=$2")?
                .query_row([&name, &key], |row| row.get::<_, Vec<u8>>(0))
                .optional()
        })
        .await
    }

    async fn set(
        &mut self,
        store: Resource<KvStore>,
        key: String,
        value: Vec<u8>,
    ) -> Result<Result<(), Error>> {
        let (db, name) = self.store(&store)?;
        db.run(move |c| {
            c.prepare_cached(
                "INSERT INTO spin_key_value (store, key, value) VALUES ($1, $2, $3)
                 ON CONFLICT(store, key) DO UPDATE SET value=$3",
            )?
            .execute(rusqlite::params![name, key, value])
            .map(drop)
        })
        .await
    }

    async fn delete(&mut self, store: Resource<KvStore>, key: String) -> Result<Result<(), Error>> {
        let (db, name) = self.store(&store)?;
        db.run(move |c| {
            c.prepare_cached("DELETE FROM spin_key_value WHERE store=$1 AND key=$2")?
                .execute([&name, &key])
                .map(drop)
        })
        .await
    }

    async fn exists(
        &mut self,
        store: Resource<KvStore>,
        key: String,
    ) -> Result<Result<bool, Error>> {
        let (db, name) = self.store(&store)?;
        db.run(move |c| {
            c.prepare_cached("SELECT 1 FROM spin_key_value WHERE store=$1 AND key=$2 LIMIT 1")?
                .exists([&name, &key])
        })
        .await
    }

    async fn get_keys(&mut self, store: Resource<KvStore>) -> Result<Result<Vec<String>, Error>> {
        let (db, name) = self.store(&store)?;
        db.run(move |c| {
            c.prepare_cached("SELECT key FROM spin_key_value WHERE store=$1")?
                .query_map([&name], |row| row.get::<_, String>(0))?
                .collect()
        })
        .await
    }

    async fn drop(&mut self, store: Resource<KvStore>) -> Result<()> {
        self.table.delete(store)?;
        Ok(())
    }
}
