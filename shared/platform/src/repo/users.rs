//! Users: people who log in. E-mails are stored lowercased (unique).

use crate::db::{opt_text, text, Db, Row};
use tremplin_domain::Error;

const SELECT_BY_EMAIL: &str =
    "SELECT id, email, first_name, last_name, password_hash, is_active FROM users WHERE email = ?";
const SELECT_BY_ID: &str =
    "SELECT id, email, first_name, last_name, password_hash, is_active FROM users WHERE id = ?";
const INSERT_USER: &str = "INSERT INTO users \
    (id, email, first_name, last_name, password_hash, is_active, created_at, created_by, updated_at) \
    VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)";
const COUNT_USERS: &str = "SELECT COUNT(*) AS n FROM users";

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub password_hash: String,
    pub is_active: bool,
}

impl User {
    fn from_row(row: &Row<'_>) -> Result<User, Error> {
        User::from_row_as(row, "")
    }

    /// From columns named with `prefix` (a join whose other table has an `id` and an `email`).
    pub(crate) fn from_row_as(row: &Row<'_>, prefix: &str) -> Result<User, Error> {
        let column = |name: &str| format!("{prefix}{name}");
        Ok(User {
            id: row.text(&column("id"))?,
            email: row.text(&column("email"))?,
            first_name: row.text(&column("first_name"))?,
            last_name: row.text(&column("last_name"))?,
            password_hash: row.text(&column("password_hash"))?,
            is_active: row.bool(&column("is_active"))?,
        })
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
        })
    }
}

pub struct NewUser<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub password_hash: &'a str,
    pub created_by: Option<&'a str>,
    pub now: &'a str,
}

pub fn find_by_email(db: &Db, email: &str) -> Result<Option<User>, Error> {
    db.query(SELECT_BY_EMAIL, &[text(email)])?
        .first()
        .map(|r| User::from_row(&r))
        .transpose()
}

pub fn find_by_id(db: &Db, id: &str) -> Result<Option<User>, Error> {
    db.query(SELECT_BY_ID, &[text(id)])?
        .first()
        .map(|r| User::from_row(&r))
        .transpose()
}

/// Inserts a user; a taken e-mail is a 409 on the `email` field.
pub fn insert(db: &Db, user: NewUser<'_>) -> Result<(), Error> {
    let params = [
        text(user.id),
        text(user.email),
        text(user.first_name),
        text(user.last_name),
        text(user.password_hash),
        text(user.now),
        opt_text(user.created_by),
        text(user.now),
    ];
    db.execute(INSERT_USER, &params)
        .map_err(|error| match error.unique_violation() {
            Some("users.email") => Error::Conflict {
                code: "email_taken",
                detail: "Un compte existe déjà avec cette adresse e-mail.".into(),
                errors: [(
                    "email".to_owned(),
                    vec!["Adresse e-mail déjà utilisée.".to_owned()],
                )]
                .into(),
            },
            _ => error.into(),
        })
}

pub fn count(db: &Db) -> Result<i64, Error> {
    db.query(COUNT_USERS, &[])?
        .first()
        .map_or(Ok(0), |row| row.int("n"))
}
