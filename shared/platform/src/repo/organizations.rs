//! Organizations: prescriber organizations, structures and the administration (one table,
//! `category` tells them apart). R-ORG-2, R-ORG-4.

use crate::db::{int, opt_real, opt_text, text, Db, Row, Value};
use tremplin_domain::geo::{Cell, Point};
use tremplin_domain::organization::{Authorization, AuthorizationStatus, Category, Kind};
use tremplin_domain::{Date, Email, Error, FieldErrors};

const SELECT_BY_ID: &str = "SELECT id, category, kind, siret, name, brand, address_line_1, \
    address_line_2, post_code, city_insee, city_name, department, latitude, longitude, phone, email, website, \
    description, authorization_status, authorization_valid_until, is_demo \
    FROM organizations WHERE id = ?";
const SELECT_ID_BY_SIRET_KIND: &str = "SELECT id FROM organizations WHERE siret = ? AND kind = ?";
const INSERT_ORGANIZATION: &str = "INSERT INTO organizations (id, category, kind, siret, name, \
    brand, address_line_1, address_line_2, post_code, city_insee, city_name, department, latitude, longitude, \
    phone, email, website, description, authorization_status, authorization_valid_until, is_demo, \
    source, cell_row, cell_column, created_at, created_by, updated_at, updated_by) \
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const UPDATE_PROFILE: &str = "UPDATE organizations SET name = ?, brand = ?, phone = ?, email = ?, \
    website = ?, description = ?, updated_at = ?, updated_by = ? WHERE id = ?";
const UPDATE_AUTHORIZATION: &str = "UPDATE organizations SET authorization_status = ?, \
    authorization_valid_until = ?, updated_at = ?, updated_by = ? WHERE id = ?";
const COUNT_ORGANIZATIONS: &str = "SELECT COUNT(*) AS n FROM organizations";

#[derive(Debug, Clone)]
pub struct Organization {
    pub id: String,
    pub kind: Kind,
    pub siret: Option<String>,
    pub profile: Profile,
    pub address: Address,
    pub authorization: Authorization,
    pub is_demo: bool,
}

/// What an organization's admins edit (R-ORG-6).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Profile {
    pub name: String,
    pub brand: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
}

/// Profile fields a PATCH carries: absent leaves a field as is, an empty string clears it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileEdit {
    pub name: Option<String>,
    pub brand: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
}

impl ProfileEdit {
    pub fn is_empty(&self) -> bool {
        [
            &self.name,
            &self.brand,
            &self.phone,
            &self.email,
            &self.website,
            &self.description,
        ]
        .iter()
        .all(|f| f.is_none())
    }
}

impl Profile {
    /// Applies an edit; a name of 1–255 characters and a valid e-mail, or the field errors.
    pub fn apply(&mut self, edit: ProfileEdit) -> Result<(), Error> {
        let mut errors = FieldErrors::new();
        if let Some(name) = edit.name {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 255 {
                errors.insert(
                    "name".into(),
                    vec!["Le nom doit comporter entre 1 et 255 caractères.".into()],
                );
            }
            self.name = name.to_owned();
        }
        let email = match edit.email.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(String::new()),
            Some(email) => match Email::parse(email) {
                Ok(email) => Some(email.as_str().to_owned()),
                Err(invalid) => {
                    errors.insert("email".into(), vec![invalid.message]);
                    None
                }
            },
        };
        let limits = [
            ("brand", &edit.brand, 255),
            ("phone", &edit.phone, 30),
            ("website", &edit.website, 255),
            ("description", &edit.description, 5000),
        ];
        for (field, value, max) in limits {
            if value
                .as_deref()
                .is_some_and(|v| v.trim().chars().count() > max)
            {
                errors.insert(field.into(), vec![format!("Au plus {max} caractères.")]);
            }
        }
        if !errors.is_empty() {
            return Err(Error::fields(errors));
        }
        for (target, value) in [
            (&mut self.brand, edit.brand),
            (&mut self.phone, edit.phone),
            (&mut self.email, email),
            (&mut self.website, edit.website),
            (&mut self.description, edit.description),
        ] {
            if let Some(value) = value {
                let value = value.trim().to_owned();
                *target = (!value.is_empty()).then_some(value);
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Address {
    pub address_line_1: Option<String>,
    pub address_line_2: Option<String>,
    pub post_code: Option<String>,
    pub city_insee: Option<String>,
    pub city_name: Option<String>,
    pub department: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

impl Organization {
    pub(crate) fn from_row(row: &Row<'_>) -> Result<Organization, Error> {
        let category = Category::parse(&row.text("category")?)
            .map_err(|e| Error::internal(format!("organizations.category: {e}")))?;
        let kind = Kind::parse(category, &row.text("kind")?)
            .map_err(|e| Error::internal(format!("organizations.kind: {e}")))?;
        let status = AuthorizationStatus::parse(&row.text("authorization_status")?)
            .map_err(|e| Error::internal(format!("organizations.authorization_status: {e}")))?;
        let valid_until = row
            .opt_text("authorization_valid_until")?
            .map(|d| Date::parse(&d))
            .transpose()
            .map_err(|e| {
                Error::internal(format!("organizations.authorization_valid_until: {e}"))
            })?;
        Ok(Organization {
            id: row.text("id")?,
            kind,
            siret: row.opt_text("siret")?,
            profile: Profile {
                name: row.text("name")?,
                brand: row.opt_text("brand")?,
                phone: row.opt_text("phone")?,
                email: row.opt_text("email")?,
                website: row.opt_text("website")?,
                description: row.opt_text("description")?,
            },
            address: Address {
                address_line_1: row.opt_text("address_line_1")?,
                address_line_2: row.opt_text("address_line_2")?,
                post_code: row.opt_text("post_code")?,
                city_insee: row.opt_text("city_insee")?,
                city_name: row.opt_text("city_name")?,
                department: row.opt_text("department")?,
                latitude: row.opt_real("latitude")?,
                longitude: row.opt_real("longitude")?,
            },
            authorization: Authorization {
                status,
                valid_until,
            },
            is_demo: row.bool("is_demo")?,
        })
    }

    /// R-ORG-5: are its members "prescripteurs habilités" today?
    pub fn is_authorized(&self, today: Date) -> bool {
        self.kind.category() == Category::Prescriber && self.authorization.is_effective(today)
    }

    /// The short form used in `/me` and member lists (API.md).
    pub fn summary_json(&self, today: Date) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "name": self.profile.name,
            "kind": self.kind.code(),
            "category": self.kind.category().as_str(),
            "authorized": self.is_authorized(today),
        })
    }

    pub fn to_json(&self, today: Date) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "category": self.kind.category().as_str(),
            "kind": self.kind.code(),
            "kind_label": self.kind.label(),
            "siret": self.siret,
            "profile": self.profile,
            "address": self.address,
            "authorization": {
                "status": self.authorization.status.as_str(),
                "valid_until": self.authorization.valid_until.map(|d| d.to_string()),
            },
            "authorized": self.is_authorized(today),
            "is_demo": self.is_demo,
        })
    }
}

pub struct NewOrganization<'a> {
    pub id: &'a str,
    pub kind: Kind,
    pub siret: Option<&'a str>,
    pub profile: &'a Profile,
    pub address: &'a Address,
    pub authorization: Authorization,
    pub is_demo: bool,
    pub created_by: Option<&'a str>,
    pub now: &'a str,
}

pub fn find(db: &Db, id: &str) -> Result<Option<Organization>, Error> {
    db.query(SELECT_BY_ID, &[text(id)])?
        .first()
        .map(|r| Organization::from_row(&r))
        .transpose()
}

pub fn find_id_by_siret_kind(db: &Db, siret: &str, kind: &str) -> Result<Option<String>, Error> {
    db.query(SELECT_ID_BY_SIRET_KIND, &[text(siret), text(kind)])?
        .first()
        .map(|r| r.text("id"))
        .transpose()
}

/// Inserts the organization; returns its directory cell when it has coordinates, for the caller
/// to rebuild the index there.
pub fn insert(db: &Db, org: NewOrganization<'_>) -> Result<Option<Cell>, Error> {
    let cell = match (org.address.latitude, org.address.longitude) {
        (Some(lat), Some(lon)) => Some(
            Point::new(lat, lon)
                .map_err(|e| Error::field("latitude", e))?
                .cell(),
        ),
        _ => None,
    };
    let params = [
        text(org.id),
        text(org.kind.category().as_str()),
        text(org.kind.code()),
        opt_text(org.siret),
        text(org.profile.name.as_str()),
        opt_text(org.profile.brand.as_deref()),
        opt_text(org.address.address_line_1.as_deref()),
        opt_text(org.address.address_line_2.as_deref()),
        opt_text(org.address.post_code.as_deref()),
        opt_text(org.address.city_insee.as_deref()),
        opt_text(org.address.city_name.as_deref()),
        opt_text(org.address.department.as_deref()),
        opt_real(org.address.latitude),
        opt_real(org.address.longitude),
        opt_text(org.profile.phone.as_deref()),
        opt_text(org.profile.email.as_deref()),
        opt_text(org.profile.website.as_deref()),
        opt_text(org.profile.description.as_deref()),
        text(org.authorization.status.as_str()),
        opt_text(org.authorization.valid_until.map(|d| d.to_string())),
        int(org.is_demo.into()),
        opt_text(org.is_demo.then_some("demo")),
        cell.map_or(Value::Null, |c| int(c.row.into())),
        cell.map_or(Value::Null, |c| int(c.column.into())),
        text(org.now),
        opt_text(org.created_by),
        text(org.now),
        opt_text(org.created_by),
    ];
    db.execute(INSERT_ORGANIZATION, &params)
        .map_err(|error| match error.unique_violation() {
            Some(columns) if columns.contains("organizations.siret") => Error::Conflict {
                code: "siret_taken",
                detail: "Une organisation de ce type existe déjà avec ce SIRET.".into(),
                errors: [(
                    "siret".to_owned(),
                    vec!["SIRET déjà utilisé pour ce type.".to_owned()],
                )]
                .into(),
            },
            _ => error.into(),
        })?;
    Ok(cell)
}

pub fn update_profile(
    db: &Db,
    id: &str,
    profile: &Profile,
    by: &str,
    now: &str,
) -> Result<(), Error> {
    let params = [
        text(profile.name.as_str()),
        opt_text(profile.brand.as_deref()),
        opt_text(profile.phone.as_deref()),
        opt_text(profile.email.as_deref()),
        opt_text(profile.website.as_deref()),
        opt_text(profile.description.as_deref()),
        text(now),
        text(by),
        text(id),
    ];
    Ok(db.execute(UPDATE_PROFILE, &params)?)
}

pub fn update_authorization(
    db: &Db,
    id: &str,
    authorization: Authorization,
    by: &str,
    now: &str,
) -> Result<(), Error> {
    let params = [
        text(authorization.status.as_str()),
        opt_text(authorization.valid_until.map(|d| d.to_string())),
        text(now),
        text(by),
        text(id),
    ];
    Ok(db.execute(UPDATE_AUTHORIZATION, &params)?)
}

pub fn count(db: &Db) -> Result<i64, Error> {
    db.query(COUNT_ORGANIZATIONS, &[])?
        .first()
        .map_or(Ok(0), |row| row.int("n"))
}
