//! Organizations as the directory lists them: structures (R-ORG-2) and prescriber organizations
//! (R-ORG-3), imported from national lists or generated, and the cards shown to everyone.

use crate::db::{int, opt_real, opt_text, text, Db, Row, Value};
use tremplin_domain::geo::{Cell, Point};
use tremplin_domain::organization::{Authorization, Kind};
use tremplin_domain::Error;

const SELECT_BY_SIRET: &str =
    "SELECT id, cell_row, cell_column FROM organizations WHERE siret = ? AND kind = ?";
const SELECT_BY_SAFIR: &str =
    "SELECT id, cell_row, cell_column FROM organizations WHERE code_safir = ? AND category = 'prescriber'";
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
const SELECT_CARD: &str = "SELECT id, category, siret, name, brand, kind, address_line_1, \
    address_line_2, post_code, city_name, department, latitude, longitude, phone, email, website, \
    description, blocks_applications, spontaneous_applications_open FROM organizations \
    WHERE id = ? AND category = ?";
const SELECT_CARDS: &str = "SELECT id, category, siret, name, brand, kind, address_line_1, \
    address_line_2, post_code, city_name, department, latitude, longitude, phone, email, website, \
    description, blocks_applications, spontaneous_applications_open FROM organizations \
    WHERE id IN (SELECT value FROM json_each(?))";
const UPDATE_FLAGS: &str = "UPDATE organizations SET blocks_applications = ?, \
    spontaneous_applications_open = ?, updated_at = ?, updated_by = ? WHERE id = ?";
const SELECT_CELL: &str = "SELECT cell_row, cell_column FROM organizations WHERE id = ?";

/// An organization of a national list (or generated), as imported.
pub struct Listed<'a> {
    pub kind: Kind,
    pub siret: Option<&'a str>,
    pub code_safir: Option<&'a str>,
    pub name: &'a str,
    pub brand: Option<&'a str>,
    pub address_line_1: Option<&'a str>,
    pub address_line_2: Option<&'a str>,
    pub post_code: Option<&'a str>,
    pub city_name: Option<&'a str>,
    pub city_insee: &'a str,
    pub department: &'a str,
    pub point: Point,
    pub website: Option<&'a str>,
    pub description: Option<&'a str>,
    pub authorization: Authorization,
    pub source: &'a str,
}

/// What an upsert did: whether it wrote, and the index cells to rebuild (old and new place).
pub struct Upserted {
    pub written: bool,
    pub cells: Vec<Cell>,
}

fn cell_of(row: &Row<'_>) -> Result<Option<Cell>, Error> {
    match (row.opt_int("cell_row")?, row.opt_int("cell_column")?) {
        (Some(r), Some(c)) => Ok(Some(Cell {
            row: r as i32,
            column: c as i32,
        })),
        _ => Ok(None),
    }
}

/// The columns a list describes, from `name` to `description`, in the order both
/// `INSERT_LISTED` and `UPDATE_LISTED` (?2 to ?15) take them.
fn described(org: &Listed<'_>, cell: Cell) -> [Value; 14] {
    [
        text(org.name),
        opt_text(org.brand),
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
        opt_text(org.website),
        opt_text(org.description),
    ]
}

/// Inserts the organization, or updates it when it differs; known by SIRET and kind, or by
/// SAFIR code for France Travail agencies.
pub fn upsert(db: &Db, org: &Listed<'_>, new_id: &str, now: &str) -> Result<Upserted, Error> {
    let existing = match (org.siret, org.code_safir) {
        (Some(siret), _) => db.query(SELECT_BY_SIRET, &[text(siret), text(org.kind.code())])?,
        (None, Some(safir)) => db.query(SELECT_BY_SAFIR, &[text(safir)])?,
        (None, None) => {
            return Err(Error::internal(
                "a listed organization needs a SIRET or a SAFIR code",
            ))
        }
    };
    let cell = org.point.cell();
    let existing = existing
        .first()
        .map(|row| Ok::<_, Error>((row.text("id")?, cell_of(&row)?)))
        .transpose()?;
    let Some((id, old_cell)) = existing else {
        let params: Vec<Value> = [
            text(new_id),
            text(org.kind.category().as_str()),
            text(org.kind.code()),
            opt_text(org.siret),
            opt_text(org.code_safir),
        ]
        .into_iter()
        .chain(described(org, cell))
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
    let params: Vec<Value> = [text(id)]
        .into_iter()
        .chain(described(org, cell))
        .chain([text(org.source), text(now)])
        .collect();
    let written = !db.query(UPDATE_LISTED, &params)?.is_empty();
    let cells = if written {
        old_cell.into_iter().chain([cell]).collect()
    } else {
        Vec::new()
    };
    Ok(Upserted { written, cells })
}

/// A structure's or prescriber's card (R-ORG-2), as shown to everyone.
#[derive(Debug, Clone)]
pub struct Card {
    pub id: String,
    pub siret: Option<String>,
    pub name: String,
    pub brand: Option<String>,
    pub kind: Kind,
    pub address_line_1: Option<String>,
    pub address_line_2: Option<String>,
    pub post_code: Option<String>,
    pub city_name: Option<String>,
    pub department: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub blocks_applications: bool,
    pub spontaneous_applications_open: bool,
}

impl Card {
    fn from_row(row: &Row<'_>) -> Result<Card, Error> {
        let category = tremplin_domain::organization::Category::parse(&row.text("category")?)
            .map_err(|e| Error::internal(format!("organizations.category: {e}")))?;
        Ok(Card {
            id: row.text("id")?,
            siret: row.opt_text("siret")?,
            name: row.text("name")?,
            brand: row.opt_text("brand")?,
            kind: Kind::parse(category, &row.text("kind")?)
                .map_err(|e| Error::internal(format!("organizations.kind: {e}")))?,
            address_line_1: row.opt_text("address_line_1")?,
            address_line_2: row.opt_text("address_line_2")?,
            post_code: row.opt_text("post_code")?,
            city_name: row.opt_text("city_name")?,
            department: row.opt_text("department")?,
            latitude: row.opt_real("latitude")?,
            longitude: row.opt_real("longitude")?,
            phone: row.opt_text("phone")?,
            email: row.opt_text("email")?,
            website: row.opt_text("website")?,
            description: row.opt_text("description")?,
            blocks_applications: row.bool("blocks_applications")?,
            spontaneous_applications_open: row.bool("spontaneous_applications_open")?,
        })
    }

    /// R-ORG-2: the brand is shown instead of the name.
    pub fn display_name(&self) -> &str {
        self.brand
            .as_deref()
            .filter(|b| !b.trim().is_empty())
            .unwrap_or(&self.name)
    }

    /// The address on one line.
    pub fn address(&self) -> String {
        [&self.address_line_1, &self.address_line_2]
            .into_iter()
            .flatten()
            .filter(|line| !line.trim().is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub fn card(
    db: &Db,
    id: &str,
    category: tremplin_domain::organization::Category,
) -> Result<Option<Card>, Error> {
    db.query(SELECT_CARD, &[text(id), text(category.as_str())])?
        .first()
        .map(|r| Card::from_row(&r))
        .transpose()
}

/// The cards of `ids`, in no particular order.
pub fn cards(db: &Db, ids: &[&str]) -> Result<Vec<Card>, Error> {
    let list = serde_json::to_string(ids).map_err(|e| Error::internal(e.to_string()))?;
    db.query(SELECT_CARDS, &[text(list)])?.map(Card::from_row)
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

/// The index cell of an organization, if it has coordinates.
pub fn cell(db: &Db, id: &str) -> Result<Option<Cell>, Error> {
    db.query(SELECT_CELL, &[text(id)])?
        .first()
        .map(|row| cell_of(&row))
        .transpose()
        .map(Option::flatten)
}
