//! The directory's per-cell index (see `tremplin_domain::directory`): read around a point, and
//! rebuilt from the organizations and their jobs (`organizations::index_entries`) in the
//! transaction that changes them.

use crate::db::{int, text, Db};
use crate::repo::organizations;
use tremplin_domain::directory;
use tremplin_domain::geo::{Cell, CellRange, Point};
use tremplin_domain::organization::Category;
use tremplin_domain::Error;

const SELECT_CELLS: &str = "SELECT entries FROM directory_cells WHERE layer = ? \
    AND cell_row BETWEEN ? AND ? AND cell_column BETWEEN ? AND ?";
const UPSERT_CELL: &str = "INSERT INTO directory_cells (layer, cell_row, cell_column, entries) \
    VALUES (?, ?, ?, ?) ON CONFLICT (layer, cell_row, cell_column) DO UPDATE SET entries = excluded.entries";
const SELECT_CELL: &str =
    "SELECT entries FROM directory_cells WHERE layer = ? AND cell_row = ? AND cell_column = ?";
const UPDATE_CELL: &str = "UPDATE directory_cells SET entries = ?4 \
    WHERE layer = ?1 AND cell_row = ?2 AND cell_column = ?3";
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

/// Rewrites the index of `cells` from the organizations located there now; `now` (the rule
/// instant, unix seconds) dates the window of recent applications (R-DIR-1).
pub fn rebuild(
    db: &Db,
    category: Category,
    cells: impl IntoIterator<Item = Cell>,
    now: i64,
) -> Result<(), Error> {
    let recent_since = now - directory::RECENT_APPLICATIONS_DAYS * 86_400;
    let layer = layer(category)?;
    let mut cells: Vec<Cell> = cells.into_iter().collect();
    cells.sort();
    cells.dedup();
    for cell in cells {
        let key = [text(layer), int(cell.row.into()), int(cell.column.into())];
        let entries = organizations::index_entries(db, category, cell, recent_since)?;
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

/// R-DIR-1: counts one more recent application for the structure `id` in its cell's index, in
/// place (see `directory::add_recent_application`), in the transaction of the application.
pub fn add_recent_application(db: &Db, cell: Cell, id: &str, now: i64) -> Result<(), Error> {
    let key = [
        text(layer(Category::Structure)?),
        int(cell.row.into()),
        int(cell.column.into()),
    ];
    let Some(mut entries) = db
        .query(SELECT_CELL, &key)?
        .first()
        .map(|r| r.blob("entries"))
        .transpose()?
    else {
        return Ok(());
    };
    let found = match directory::add_recent_application(&mut entries, id) {
        Ok(found) => found,
        // An unreadable cell is rebuilt from the organizations, which counts this one too.
        Err(error) => {
            eprintln!("directory_cells: rebuilt an unreadable cell: {error}");
            return rebuild(db, Category::Structure, [cell], now);
        }
    };
    if found {
        let mut params = key.to_vec();
        params.push(crate::db::Value::Blob(entries));
        db.execute(UPDATE_CELL, &params)?;
    }
    Ok(())
}
