//! Organizations: prescriber organizations, structures and the administration (one table,
//! `category` tells them apart). R-ORG-2, R-ORG-4. This module owns every statement on
//! `organizations`, and maps its columns with one set of checked accessors: [`Organization`],
//! the wider [`Listing`] the directory and the imports read, and the index entries of a cell.

use crate::db::{int, opt_real, opt_text, text, Db, Row, Value};
use tremplin_domain::directory::Entry;
use tremplin_domain::geo::{Cell, Point};
use tremplin_domain::organization::{
    Authorization, AuthorizationStatus, Category, EditedFields, Kind,
};
pub use tremplin_domain::organization::{Profile, ProfileEdit};
use tremplin_domain::{jobs, Date, Error};

/// A `SELECT` of every column a [`Listing`] maps, with the given `WHERE` clause.
macro_rules! select_listing {
    ($where:literal) => {
        concat!(
            "SELECT id, category, kind, siret, name, brand, address_line_1, address_line_2, \
            post_code, city_insee, city_name, department, latitude, longitude, phone, email, \
            website, description, authorization_status, authorization_valid_until, is_demo, \
            blocks_applications, spontaneous_applications_open, cell_row, cell_column, \
            edited_fields FROM organizations WHERE ",
            $where
        )
    };
}

const SELECT_BY_ID: &str = "SELECT id, category, kind, siret, name, brand, address_line_1, \
    address_line_2, post_code, city_insee, city_name, department, latitude, longitude, phone, email, website, \
    description, authorization_status, authorization_valid_until, is_demo \
    FROM organizations WHERE id = ?";
const SELECT_LISTING: &str = select_listing!("id = ?");
const SELECT_LISTING_OF_CATEGORY: &str = select_listing!("id = ? AND category = ?");
const SELECT_LISTINGS: &str = select_listing!("id IN (SELECT value FROM json_each(?))");
const SELECT_LISTING_BY_SIRET: &str = select_listing!("siret = ? AND kind = ?");
const SELECT_LISTING_BY_SAFIR: &str = select_listing!("code_safir = ? AND category = 'prescriber'");
const SELECT_ID_BY_SIRET_KIND: &str = "SELECT id FROM organizations WHERE siret = ? AND kind = ?";
const SELECT_CELL: &str = "SELECT cell_row, cell_column FROM organizations WHERE id = ?";
const SELECT_IN_PRISON: &str = "SELECT in_prison FROM organizations WHERE id = ?";
/// Everything an index entry needs, per organization of one cell; `recent_applications` counts
/// those received since ?4 (unix seconds, R-DIR-1), through `applications_received`.
const SELECT_IN_CELL: &str = "SELECT o.id, o.category, o.kind, o.latitude, o.longitude, \
    o.department, o.blocks_applications, o.spontaneous_applications_open, \
    o.authorization_status, o.authorization_valid_until, \
    (SELECT COUNT(*) FROM job_descriptions j WHERE j.structure_id = o.id AND j.is_active = 1) AS active_jobs, \
    (SELECT COALESCE(SUM(j.open_positions), 0) FROM job_descriptions j \
        WHERE j.structure_id = o.id AND j.is_active = 1) AS open_positions, \
    (SELECT group_concat(DISTINCT j.rome_code) FROM job_descriptions j \
        WHERE j.structure_id = o.id AND j.is_active = 1) AS rome_codes, \
    (SELECT COUNT(*) FROM applications a WHERE a.structure_id = o.id AND a.created_unix >= ?4) \
        AS recent_applications \
    FROM organizations o WHERE o.category = ?1 AND o.cell_row = ?2 AND o.cell_column = ?3 \
    AND o.latitude IS NOT NULL ORDER BY o.id";
const INSERT_ORGANIZATION: &str = "INSERT INTO organizations (id, category, kind, siret, name, \
    brand, address_line_1, address_line_2, post_code, city_insee, city_name, department, latitude, longitude, \
    phone, email, website, description, authorization_status, authorization_valid_until, is_demo, \
    source, cell_row, cell_column, created_at, created_by, updated_at, updated_by) \
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const INSERT_LISTED: &str =
    "INSERT INTO organizations (id, category, kind, siret, code_safir, name, \
    brand, address_line_1, address_line_2, post_code, city_name, city_insee, department, latitude, \
    longitude, cell_row, cell_column, website, description, authorization_status, \
    authorization_valid_until, source, is_demo, created_at, updated_at) \
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
/// A list updates what it knows of an organization, never its authorization: once imported,
/// that is the administration's decision (R-ORG-4).
const UPDATE_LISTED: &str = "UPDATE organizations SET name = ?2, brand = ?3, address_line_1 = ?4, \
    address_line_2 = ?5, post_code = ?6, city_name = ?7, city_insee = ?8, department = ?9, \
    latitude = ?10, longitude = ?11, cell_row = ?12, cell_column = ?13, website = ?14, \
    description = ?15, source = ?16, updated_at = ?17 \
    WHERE id = ?1 AND (name, brand, address_line_1, address_line_2, post_code, city_name, \
    city_insee, department, latitude, longitude, website, description, source) \
    IS NOT (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?14, ?15, ?16) RETURNING id";
const UPDATE_PROFILE: &str = "UPDATE organizations SET name = ?, brand = ?, phone = ?, email = ?, \
    website = ?, description = ?, edited_fields = ?, updated_at = ?, updated_by = ? WHERE id = ?";
const UPDATE_FLAGS: &str = "UPDATE organizations SET blocks_applications = ?, \
    spontaneous_applications_open = ?, updated_at = ?, updated_by = ? WHERE id = ?";
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

/// The checked accessors every projection of a row shares.
fn kind_of(row: &Row<'_>) -> Result<Kind, Error> {
    let category = Category::parse(&row.text("category")?)
        .map_err(|e| Error::internal(format!("organizations.category: {e}")))?;
    Kind::parse(category, &row.text("kind")?)
        .map_err(|e| Error::internal(format!("organizations.kind: {e}")))
}

fn authorization_of(row: &Row<'_>) -> Result<Authorization, Error> {
    let status = AuthorizationStatus::parse(&row.text("authorization_status")?)
        .map_err(|e| Error::internal(format!("organizations.authorization_status: {e}")))?;
    let valid_until = row
        .opt_text("authorization_valid_until")?
        .map(|d| Date::parse(&d))
        .transpose()
        .map_err(|e| Error::internal(format!("organizations.authorization_valid_until: {e}")))?;
    Ok(Authorization {
        status,
        valid_until,
    })
}

/// The coordinates, when the organization has both.
fn point_of(row: &Row<'_>) -> Result<Option<Point>, Error> {
    match (row.opt_real("latitude")?, row.opt_real("longitude")?) {
        (Some(lat), Some(lon)) => Point::new(lat, lon)
            .map(Some)
            .map_err(|e| Error::internal(format!("organizations.latitude: {e}"))),
        (None, None) => Ok(None),
        _ => Err(Error::internal("organizations: half of a coordinate pair")),
    }
}

fn cell_of(row: &Row<'_>) -> Result<Option<Cell>, Error> {
    let coordinate = |column: &str| {
        row.opt_int(column)?
            .map(i32::try_from)
            .transpose()
            .map_err(|_| Error::internal(format!("organizations.{column} out of range")))
    };
    match (coordinate("cell_row")?, coordinate("cell_column")?) {
        (Some(row), Some(column)) => Ok(Some(Cell { row, column })),
        _ => Ok(None),
    }
}

fn edited_of(row: &Row<'_>) -> Result<EditedFields, Error> {
    let names: Vec<String> = serde_json::from_str(&row.text("edited_fields")?)
        .map_err(|e| Error::internal(format!("organizations.edited_fields: {e}")))?;
    EditedFields::parse(names.iter().map(String::as_str))
        .map_err(|e| Error::internal(format!("organizations.edited_fields: {e}")))
}

impl Organization {
    pub(crate) fn from_row(row: &Row<'_>) -> Result<Organization, Error> {
        Ok(Organization {
            id: row.text("id")?,
            kind: kind_of(row)?,
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
            authorization: authorization_of(row)?,
            is_demo: row.bool("is_demo")?,
        })
    }

    /// R-ORG-5: are its members "prescripteurs habilités" today?
    pub fn is_authorized(&self, today: Date) -> bool {
        self.kind.category() == Category::Prescriber && self.authorization.is_effective(today)
    }

    /// R-ORG-2: the brand is shown instead of the name.
    pub fn display_name(&self) -> &str {
        tremplin_domain::organization::shown_name(&self.profile.name, self.profile.brand.as_deref())
    }

    /// The address on one line.
    pub fn address_line(&self) -> String {
        [&self.address.address_line_1, &self.address.address_line_2]
            .into_iter()
            .flatten()
            .filter(|line| !line.trim().is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
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

/// An organization with what the directory and the national lists read too: a structure's
/// flags (R-ORG-2, R-DIR-2), its index cell, and the profile fields its admins edited.
#[derive(Debug, Clone)]
pub struct Listing {
    pub organization: Organization,
    pub blocks_applications: bool,
    pub spontaneous_applications_open: bool,
    pub cell: Option<Cell>,
    pub edited: EditedFields,
}

impl Listing {
    fn from_row(row: &Row<'_>) -> Result<Listing, Error> {
        Ok(Listing {
            organization: Organization::from_row(row)?,
            blocks_applications: row.bool("blocks_applications")?,
            spontaneous_applications_open: row.bool("spontaneous_applications_open")?,
            cell: cell_of(row)?,
            edited: edited_of(row)?,
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

/// The organization `id` of `category`, as the directory shows it.
pub fn listing(db: &Db, id: &str, category: Category) -> Result<Option<Listing>, Error> {
    db.query(
        SELECT_LISTING_OF_CATEGORY,
        &[text(id), text(category.as_str())],
    )?
    .first()
    .map(|r| Listing::from_row(&r))
    .transpose()
}

/// The organizations `ids`, in no particular order.
pub fn listings(db: &Db, ids: &[&str]) -> Result<Vec<Listing>, Error> {
    let list = serde_json::to_string(ids).map_err(|e| Error::internal(e.to_string()))?;
    db.query(SELECT_LISTINGS, &[text(list)])?
        .map(Listing::from_row)
}

pub fn find_id_by_siret_kind(db: &Db, siret: &str, kind: &str) -> Result<Option<String>, Error> {
    db.query(SELECT_ID_BY_SIRET_KIND, &[text(siret), text(kind)])?
        .first()
        .map(|r| r.text("id"))
        .transpose()
}

/// R-PASS-9: the structure is an SIAE implanted in a penitentiary establishment; `None` for an
/// unknown id.
pub fn in_prison(db: &Db, id: &str) -> Result<Option<bool>, Error> {
    db.query(SELECT_IN_PRISON, &[text(id)])?
        .first()
        .map(|r| r.bool("in_prison"))
        .transpose()
}

/// The index cell of an organization, if it has coordinates.
pub fn cell(db: &Db, id: &str) -> Result<Option<Cell>, Error> {
    db.query(SELECT_CELL, &[text(id)])?
        .first()
        .map(|row| cell_of(&row))
        .transpose()
        .map(Option::flatten)
}

/// The directory index entries of the organizations of `category` located in `cell`, with
/// what searches filter and sort on (`tremplin_domain::directory`).
pub fn index_entries(
    db: &Db,
    category: Category,
    cell: Cell,
    recent_since: i64,
) -> Result<Vec<Entry>, Error> {
    let params = [
        text(category.as_str()),
        int(cell.row.into()),
        int(cell.column.into()),
        int(recent_since),
    ];
    db.query(SELECT_IN_CELL, &params)?.map(|row| {
        let point = point_of(row)?
            .ok_or_else(|| Error::internal("organizations: indexed without coordinates"))?;
        let authorization = authorization_of(row)?;
        Ok(Entry {
            id: row.text("id")?,
            point,
            kind: kind_of(row)?.code().to_owned(),
            // Without a department (some demo accounts), no department filter keeps it.
            department: row.opt_text("department")?.unwrap_or_default(),
            hiring: jobs::is_hiring(
                row.bool("blocks_applications")?,
                row.int("active_jobs")?,
                row.bool("spontaneous_applications_open")?,
            ),
            open_positions: u16::try_from(row.int("open_positions")?).unwrap_or(u16::MAX),
            recent_applications: u16::try_from(row.int("recent_applications")?).unwrap_or(u16::MAX),
            rome_codes: row.opt_text("rome_codes")?.map_or_else(Vec::new, |codes| {
                codes.split(',').map(str::to_owned).collect()
            }),
            authorized: authorization.status == AuthorizationStatus::Validated,
            authorized_until: authorization.valid_until,
        })
    })
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

/// An organization as a national list (or the synthetic directory) describes it. Its profile
/// has no phone nor e-mail: lists do not carry them.
pub struct FromList<'a> {
    pub kind: Kind,
    pub siret: Option<&'a str>,
    pub code_safir: Option<&'a str>,
    pub profile: Profile,
    pub address_line_1: Option<&'a str>,
    pub address_line_2: Option<&'a str>,
    pub post_code: Option<&'a str>,
    pub city_name: Option<&'a str>,
    pub city_insee: &'a str,
    pub department: &'a str,
    pub point: Point,
    pub authorization: Authorization,
    pub source: &'a str,
}

/// What an upsert did: whether it wrote, and the index cells to rebuild (old and new place).
pub struct Upserted {
    pub written: bool,
    pub cells: Vec<Cell>,
}

/// The columns a list describes, from `name` to `description`, in the order both
/// `INSERT_LISTED` and `UPDATE_LISTED` (?2 to ?15) take them.
fn described(org: &FromList<'_>, profile: &Profile, cell: Cell) -> [Value; 14] {
    [
        text(profile.name.as_str()),
        opt_text(profile.brand.as_deref()),
        opt_text(org.address_line_1),
        opt_text(org.address_line_2),
        opt_text(org.post_code),
        opt_text(org.city_name),
        text(org.city_insee),
        text(org.department),
        opt_real(Some(org.point.latitude())),
        opt_real(Some(org.point.longitude())),
        int(cell.row.into()),
        int(cell.column.into()),
        opt_text(profile.website.as_deref()),
        opt_text(profile.description.as_deref()),
    ]
}

/// Inserts the organization, or updates it when it differs; known by SIRET and kind, or by
/// SAFIR code for France Travail agencies. The fields its admins edited stay theirs.
pub fn upsert_listed(
    db: &Db,
    org: &FromList<'_>,
    new_id: &str,
    now: &str,
) -> Result<Upserted, Error> {
    let existing = match (org.siret, org.code_safir) {
        (Some(siret), _) => db.query(
            SELECT_LISTING_BY_SIRET,
            &[text(siret), text(org.kind.code())],
        )?,
        (None, Some(safir)) => db.query(SELECT_LISTING_BY_SAFIR, &[text(safir)])?,
        (None, None) => {
            return Err(Error::internal(
                "a listed organization needs a SIRET or a SAFIR code",
            ))
        }
    };
    let cell = org.point.cell();
    let Some(current) = existing
        .first()
        .map(|r| Listing::from_row(&r))
        .transpose()?
    else {
        let params: Vec<Value> = [
            text(new_id),
            text(org.kind.category().as_str()),
            text(org.kind.code()),
            opt_text(org.siret),
            opt_text(org.code_safir),
        ]
        .into_iter()
        .chain(described(org, &org.profile, cell))
        .chain([
            text(org.authorization.status.as_str()),
            opt_text(org.authorization.valid_until.map(|d| d.to_string())),
            text(org.source),
            int((org.source == "demo").into()),
            text(now),
            text(now),
        ])
        .collect();
        db.execute(INSERT_LISTED, &params)?;
        return Ok(Upserted {
            written: true,
            cells: vec![cell],
        });
    };
    let profile = current
        .organization
        .profile
        .updated_by_list(org.profile.clone(), &current.edited);
    let params: Vec<Value> = [text(current.organization.id.as_str())]
        .into_iter()
        .chain(described(org, &profile, cell))
        .chain([text(org.source), text(now)])
        .collect();
    let written = !db.query(UPDATE_LISTED, &params)?.is_empty();
    let cells = if written {
        current.cell.into_iter().chain([cell]).collect()
    } else {
        Vec::new()
    };
    Ok(Upserted { written, cells })
}

/// Writes the profile its admins edited, and records which fields changed, so that no list
/// overwrites them afterwards (issue 6, item 8). Call it inside the write transaction: the
/// change is measured against the row as it is there.
pub fn update_profile(
    db: &Db,
    id: &str,
    profile: &Profile,
    by: &str,
    now: &str,
) -> Result<(), Error> {
    let current = db
        .query(SELECT_LISTING, &[text(id)])?
        .first()
        .map(|r| Listing::from_row(&r))
        .transpose()?
        .ok_or_else(Error::not_found)?;
    let edited = current
        .edited
        .with_changes(&current.organization.profile, profile);
    let edited =
        serde_json::to_string(&edited.names()).map_err(|e| Error::internal(e.to_string()))?;
    let params = [
        text(profile.name.as_str()),
        opt_text(profile.brand.as_deref()),
        opt_text(profile.phone.as_deref()),
        opt_text(profile.email.as_deref()),
        opt_text(profile.website.as_deref()),
        opt_text(profile.description.as_deref()),
        text(edited),
        text(now),
        text(by),
        text(id),
    ];
    Ok(db.execute(UPDATE_PROFILE, &params)?)
}

pub fn update_flags(
    db: &Db,
    id: &str,
    blocks: bool,
    spontaneous_open: bool,
    by: &str,
    now: &str,
) -> Result<(), Error> {
    let params = [
        int(blocks.into()),
        int(spontaneous_open.into()),
        text(now),
        text(by),
        text(id),
    ];
    Ok(db.execute(UPDATE_FLAGS, &params)?)
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
