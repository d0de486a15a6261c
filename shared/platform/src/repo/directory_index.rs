//! The directory's per-cell index (see `tremplin_domain::directory`): read around a point, and
//! rebuilt from the organizations and their jobs in the transaction that changes them.

use crate::db::{int, text, Db};
use tremplin_domain::directory::{self, Entry};
use tremplin_domain::geo::{Cell, CellRange, Point};
use tremplin_domain::organization::{AuthorizationStatus, Category};
use tremplin_domain::{jobs, Date, Error};

const SELECT_CELLS: &str = "SELECT entries FROM directory_cells WHERE layer = ? \
    AND cell_row BETWEEN ? AND ? AND cell_column BETWEEN ? AND ?";
/// Everything an entry needs, per organization of one cell. `recent_applications` is 0 until the
/// applications of the apply workflow exist to be counted.
const SELECT_CELL_MEMBERS: &str = "SELECT o.id, o.latitude, o.longitude, o.kind, o.department, \
    o.blocks_applications, o.spontaneous_applications_open, o.authorization_status, \
    o.authorization_valid_until, \
    (SELECT COUNT(*) FROM job_descriptions j WHERE j.structure_id = o.id AND j.is_active = 1) AS active_jobs, \
    (SELECT COALESCE(SUM(j.open_positions), 0) FROM job_descriptions j \
        WHERE j.structure_id = o.id AND j.is_active = 1) AS open_positions, \
    (SELECT group_concat(DISTINCT j.rome_code) FROM job_descriptions j \
        WHERE j.structure_id = o.id AND j.is_active = 1) AS rome_codes \
    FROM organizations o WHERE o.category = ? AND o.cell_row = ? AND o.cell_column = ? \
    AND o.latitude IS NOT NULL ORDER BY o.id";
const UPSERT_CELL: &str = "INSERT INTO directory_cells (layer, cell_row, cell_column, entries) \
    VALUES (?, ?, ?, ?) ON CONFLICT (layer, cell_row, cell_column) DO UPDATE SET entries = excluded.entries";
const DELETE_CELL: &str =
    "DELETE FROM directory_cells WHERE layer = ? AND cell_row = ? AND cell_column = ?";

/// The index layer of a category: structures, or prescriber organizations.
fn layer(category: Category) -> Result<&'static str, Error> {
    match category {
        Category::Structure => Ok("structure"),
        Category::Prescriber => Ok("prescriber"),
        Category::Administration => Err(Error::internal(
            "the administration is not in the directory",
        )),
    }
}

/// The encoded cells of `category` that may hold a point within `radius_km` of `centre`, for
/// `tremplin_domain::directory::search` to read in place.
pub fn around(
    db: &Db,
    category: Category,
    centre: Point,
    radius_km: u32,
) -> Result<Vec<Vec<u8>>, Error> {
    let range = CellRange::around(centre, f64::from(radius_km));
    let params = [
        text(layer(category)?),
        int(range.rows.0.into()),
        int(range.rows.1.into()),
        int(range.columns.0.into()),
        int(range.columns.1.into()),
    ];
    db.query(SELECT_CELLS, &params)?
        .map(|row| row.blob("entries"))
}

/// Rewrites the index of `cells` from the organizations located there now.
pub fn rebuild(
    db: &Db,
    category: Category,
    cells: impl IntoIterator<Item = Cell>,
) -> Result<(), Error> {
    let layer = layer(category)?;
    let mut cells: Vec<Cell> = cells.into_iter().collect();
    cells.sort();
    cells.dedup();
    for cell in cells {
        let key = [text(layer), int(cell.row.into()), int(cell.column.into())];
        let entries = db
            .query(
                SELECT_CELL_MEMBERS,
                &[text(category.as_str()), key[1].clone(), key[2].clone()],
            )?
            .map(|row| {
                let point = Point::new(
                    row.opt_real("latitude")?.unwrap_or_default(),
                    row.opt_real("longitude")?.unwrap_or_default(),
                )
                .map_err(|e| Error::internal(e.message))?;
                let status = AuthorizationStatus::parse(&row.text("authorization_status")?)
                    .map_err(|e| Error::internal(e.message))?;
                let until = row
                    .opt_text("authorization_valid_until")?
                    .map(|d| Date::parse(&d))
                    .transpose()
                    .map_err(|e| Error::internal(e.message))?;
                let active_jobs = row.int("active_jobs")?;
                Ok(Entry {
                    id: row.text("id")?,
                    point,
                    kind: row.text("kind")?,
                    department: row.opt_text("department")?.unwrap_or_default(),
                    hiring: jobs::is_hiring(
                        row.bool("blocks_applications")?,
                        active_jobs,
                        row.bool("spontaneous_applications_open")?,
                    ),
                    open_positions: u16::try_from(row.int("open_positions")?).unwrap_or(u16::MAX),
                    recent_applications: 0,
                    rome_codes: row.opt_text("rome_codes")?.map_or_else(Vec::new, |codes| {
                        codes.split(',').map(str::to_owned).collect()
                    }),
                    authorized: status == AuthorizationStatus::Validated,
                    authorized_until: until,
                })
            })?;
        if entries.is_empty() {
            db.execute(DELETE_CELL, &key)?;
        } else {
            let mut params = key.to_vec();
            params.push(crate::db::Value::Blob(directory::encode(&entries)));
            db.execute(UPSERT_CELL, &params)?;
        }
    }
    Ok(())
}
