//! Memberships: a user in an organization, as admin or member (R-ORG-6), possibly pending (an
//! access request) or inactive (deactivated).

use crate::db::{int, text, Db, Row};
use crate::repo::organizations::Organization;
use crate::repo::users::User;
use tremplin_domain::organization::Role;
use tremplin_domain::page::Page;
use tremplin_domain::Error;

/// The organization and role of each of a user's active memberships, after `$head` columns and
/// before the `$tail` that says whose.
macro_rules! select_memberships {
    ($head:literal, $tail:literal) => {
        concat!(
            "SELECT ",
            $head,
            "o.id, o.category, o.kind, o.siret, o.name, o.brand, o.address_line_1, \
            o.address_line_2, o.post_code, o.city_insee, o.city_name, o.department, o.latitude, \
            o.longitude, o.phone, o.email, o.website, o.description, o.authorization_status, \
            o.authorization_valid_until, o.is_demo, m.role ",
            $tail
        )
    };
}

const SELECT_ACTIVE_FOR_USER: &str = select_memberships!(
    "",
    "FROM memberships m JOIN organizations o ON o.id = m.organization_id \
    WHERE m.user_id = ? AND m.status = 'active' ORDER BY o.name, o.id"
);
/// Authentication in one statement (every authenticated request runs it): the user of a live
/// token (not revoked, not expired, user active), one row per active membership, or one row
/// without organization when there is none.
const SELECT_SESSION_ACTOR: &str = select_memberships!(
    "u.id AS user_id, u.email AS user_email, u.first_name AS user_first_name, \
    u.last_name AS user_last_name, u.password_hash AS user_password_hash, \
    u.is_active AS user_is_active, ",
    "FROM api_sessions s JOIN users u ON u.id = s.user_id \
    LEFT JOIN memberships m ON m.user_id = u.id AND m.status = 'active' \
    LEFT JOIN organizations o ON o.id = m.organization_id \
    WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.is_active = 1 \
    ORDER BY o.name, o.id"
);
const SELECT_ONE: &str = "SELECT user_id, organization_id, role, status FROM memberships \
    WHERE organization_id = ? AND user_id = ?";
const SELECT_FOR_ORGANIZATION: &str = "SELECT u.id, u.email, u.first_name, u.last_name, m.role, \
    m.status FROM memberships m JOIN users u ON u.id = m.user_id \
    WHERE m.organization_id = ? AND (m.status = 'active' OR ?) ORDER BY m.status, u.last_name, u.id \
    LIMIT ? OFFSET ?";
const COUNT_FOR_ORGANIZATION: &str = "SELECT COUNT(*) AS n FROM memberships \
    WHERE organization_id = ? AND (status = 'active' OR ?)";
const COUNT_ACTIVE: &str =
    "SELECT COUNT(*) AS n FROM memberships WHERE organization_id = ? AND status = 'active'";
const INSERT_MEMBERSHIP: &str = "INSERT INTO memberships \
    (user_id, organization_id, role, status, created_at, updated_at, updated_by) \
    VALUES (?, ?, ?, ?, ?, ?, ?)";
const UPDATE_MEMBERSHIP: &str = "UPDATE memberships SET role = ?, status = ?, updated_at = ?, \
    updated_by = ? WHERE organization_id = ? AND user_id = ?";
const COUNT_MEMBERSHIPS: &str = "SELECT COUNT(*) AS n FROM memberships";
const HAS_ANY: &str =
    "SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = ?) AS any_membership";
const SELECT_ACTIVE_EMAILS: &str =
    "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id \
    WHERE m.organization_id = ? AND m.status = 'active' AND u.is_active = 1 ORDER BY u.email";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Active,
    Inactive,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Active => "active",
            Status::Inactive => "inactive",
        }
    }

    fn parse(value: &str) -> Result<Status, Error> {
        match value {
            "pending" => Ok(Status::Pending),
            "active" => Ok(Status::Active),
            "inactive" => Ok(Status::Inactive),
            other => Err(Error::internal(format!("memberships.status: {other}"))),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Membership {
    pub user_id: String,
    pub organization_id: String,
    pub role: Role,
    pub status: Status,
}

/// A member as listed to colleagues.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Member {
    pub user_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: &'static str,
    pub status: &'static str,
}

fn role(row: &Row<'_>) -> Result<Role, Error> {
    Role::parse(&row.text("role")?).map_err(|e| Error::internal(format!("memberships.role: {e}")))
}

/// The user of a live session token and the organizations they act for, with their role in each.
pub fn session_actor(
    db: &Db,
    token_hash: &str,
    now_unix: i64,
) -> Result<Option<(User, Vec<(Organization, Role)>)>, Error> {
    let rows = db.query(SELECT_SESSION_ACTOR, &[text(token_hash), int(now_unix)])?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let user = User::from_row_as(&first, "user_")?;
    let mut memberships = Vec::new();
    for row in rows.iter() {
        if row.opt_text("role")?.is_some() {
            memberships.push((Organization::from_row(&row)?, role(&row)?));
        }
    }
    Ok(Some((user, memberships)))
}

/// The organizations a user acts for, with their role in each.
pub fn active_for_user(db: &Db, user_id: &str) -> Result<Vec<(Organization, Role)>, Error> {
    db.query(SELECT_ACTIVE_FOR_USER, &[text(user_id)])?
        .map(|row| Ok((Organization::from_row(row)?, role(row)?)))
}

pub fn find(db: &Db, organization_id: &str, user_id: &str) -> Result<Option<Membership>, Error> {
    db.query(SELECT_ONE, &[text(organization_id), text(user_id)])?
        .first()
        .map(|row| {
            Ok(Membership {
                user_id: row.text("user_id")?,
                organization_id: row.text("organization_id")?,
                role: role(&row)?,
                status: Status::parse(&row.text("status")?)?,
            })
        })
        .transpose()
}

/// One page of an organization's members (the order is stable: pages never overlap); pending
/// requests and deactivated members only when asked.
pub fn list(
    db: &Db,
    organization_id: &str,
    with_inactive: bool,
    page: Page,
) -> Result<Vec<Member>, Error> {
    let params = [
        text(organization_id),
        int(with_inactive.into()),
        int(page.size().into()),
        int(page.offset()),
    ];
    db.query(SELECT_FOR_ORGANIZATION, &params)?.map(|row| {
        Ok(Member {
            user_id: row.text("id")?,
            email: row.text("email")?,
            first_name: row.text("first_name")?,
            last_name: row.text("last_name")?,
            role: role(row)?.as_str(),
            status: Status::parse(&row.text("status")?)?.as_str(),
        })
    })
}

/// How many members [`list`] pages through.
pub fn count_listed(db: &Db, organization_id: &str, with_inactive: bool) -> Result<i64, Error> {
    db.query(
        COUNT_FOR_ORGANIZATION,
        &[text(organization_id), int(with_inactive.into())],
    )?
    .first()
    .map_or(Ok(0), |row| row.int("n"))
}

pub fn count_active(db: &Db, organization_id: &str) -> Result<i64, Error> {
    db.query(COUNT_ACTIVE, &[text(organization_id)])?
        .first()
        .map_or(Ok(0), |row| row.int("n"))
}

pub fn insert(db: &Db, membership: &Membership, by: Option<&str>, now: &str) -> Result<(), Error> {
    let params = [
        text(membership.user_id.as_str()),
        text(membership.organization_id.as_str()),
        text(membership.role.as_str()),
        text(membership.status.as_str()),
        text(now),
        text(now),
        crate::db::opt_text(by),
    ];
    Ok(db.execute(INSERT_MEMBERSHIP, &params)?)
}

pub fn update(db: &Db, membership: &Membership, by: &str, now: &str) -> Result<(), Error> {
    let params = [
        text(membership.role.as_str()),
        text(membership.status.as_str()),
        text(now),
        text(by),
        text(membership.organization_id.as_str()),
        text(membership.user_id.as_str()),
    ];
    Ok(db.execute(UPDATE_MEMBERSHIP, &params)?)
}

/// Adds the membership, or brings an existing one back to `role`/`status`.
pub fn upsert(db: &Db, membership: &Membership, by: Option<&str>, now: &str) -> Result<(), Error> {
    match find(db, &membership.organization_id, &membership.user_id)? {
        Some(_) => update(db, membership, by.unwrap_or(&membership.user_id), now),
        None => insert(db, membership, by, now),
    }
}

pub fn count(db: &Db) -> Result<i64, Error> {
    db.query(COUNT_MEMBERSHIPS, &[])?
        .first()
        .map_or(Ok(0), |row| row.int("n"))
}

/// The e-mail addresses of an organization's active members (its notifications go there).
pub fn active_emails(db: &Db, organization_id: &str) -> Result<Vec<String>, Error> {
    db.query(SELECT_ACTIVE_EMAILS, &[text(organization_id)])?
        .map(|row| row.text("email"))
}

/// Whether the user ever belonged to an organization, whatever the membership's state now.
pub fn has_any(db: &Db, user_id: &str) -> Result<bool, Error> {
    db.query(HAS_ANY, &[text(user_id)])?
        .first()
        .map_or(Ok(false), |row| row.bool("any_membership"))
}
