//! Directory search rules (R-DIR-1..3) and the compact per-cell index they run on.
//!
//! The directory keeps, for each grid cell ([`crate::geo::Cell`]), one blob listing the
//! organizations located there with what a search filters and sorts on. A search reads the few
//! blobs around the city, then filters, sorts and pages in memory: a handful of rows cross the
//! database boundary instead of thousands.

use crate::geo::{BoundingBox, Point};
use crate::page::{Page, PageSizes};
use crate::{search, Date, Invalid};
use std::cmp::Ordering;

/// R-DIR-1: the distances a search may use, in km.
pub const DISTANCES_KM: [u32; 7] = [2, 5, 10, 15, 25, 50, 100];
pub const DEFAULT_STRUCTURE_DISTANCE_KM: u32 = 25;
/// R-DIR-3.
pub const DEFAULT_PRESCRIBER_DISTANCE_KM: u32 = 5;
/// R-DIR-1's "recent applications": those a structure received in the last 30 days (our
/// reading: the rulebook gives no window; a month is what a structure's staff think of).
pub const RECENT_APPLICATIONS_DAYS: i64 = 30;
/// R-DIR-1: 10 to 20 results per page.
pub const PAGE_SIZES: PageSizes = PageSizes {
    min: 10,
    max: 20,
    default: 20,
};

pub fn distance(value: Option<&str>, default: u32) -> Result<u32, Invalid> {
    let Some(value) = value else {
        return Ok(default);
    };
    value
        .trim()
        .parse()
        .ok()
        .filter(|d| DISTANCES_KM.contains(d))
        .ok_or_else(|| {
            Invalid::new(
                "invalid_distance",
                "La distance doit être 2, 5, 10, 15, 25, 50 ou 100 km.",
            )
        })
}

/// The slice of `total` results `page` shows; a page after the last one is an error (page 1 of
/// an empty result is an empty page). The offset is checked, never wrapped, on 32-bit targets.
pub fn page_range(page: Page, total: usize) -> Result<std::ops::Range<usize>, Invalid> {
    let start = usize::try_from(page.offset())
        .ok()
        .filter(|start| *start == 0 || *start < total);
    let size = page.size() as usize;
    let Some(start) = start else {
        let last = total.div_ceil(size).max(1);
        return Err(Invalid::new(
            "page_out_of_range",
            format!("Cette page n'existe pas : la dernière est la page {last}."),
        ));
    };
    Ok(start..start.saturating_add(size).min(total))
}

/// At most this many values in one list filter (`kinds=`, `rome=`, `departments=`), so a query
/// cannot multiply the work of a search.
pub const MAX_FILTER_VALUES: usize = 50;

/// A comma-separated filter (`kinds=ACI,EI`) of at most [`MAX_FILTER_VALUES`] values, each
/// checked by `parse`; repeated values count once in the search.
pub fn list<T: PartialEq>(
    value: Option<&str>,
    parse: impl Fn(&str) -> Result<T, Invalid>,
) -> Result<Vec<T>, Invalid> {
    let values: Vec<&str> = value
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if values.len() > MAX_FILTER_VALUES {
        return Err(Invalid::new(
            "too_many_values",
            format!("Au plus {MAX_FILTER_VALUES} valeurs."),
        ));
    }
    let mut parsed: Vec<T> = Vec::with_capacity(values.len());
    for value in values {
        let value = parse(value)?;
        if !parsed.contains(&value) {
            parsed.push(value);
        }
    }
    Ok(parsed)
}

/// R-DIR-4: `q` has 2 to 100 characters as sent (Unicode scalar values, spaces included), so
/// that the OpenAPI document can state exactly what is accepted.
pub const CITY_QUERY_MIN_CHARS: usize = 2;
pub const CITY_QUERY_MAX_CHARS: usize = 100;

/// What a city search looks for (R-DIR-4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CityQuery {
    /// The start of a post code: only digits.
    PostCode(String),
    /// Normalised name prefixes, any of which matches (none: nothing searchable, no result).
    Names(Vec<String>),
}

impl CityQuery {
    pub fn parse(q: &str) -> Result<CityQuery, Invalid> {
        let length = q.chars().count();
        if length < CITY_QUERY_MIN_CHARS {
            return Err(Invalid::new(
                "query_too_short",
                "Saisissez au moins 2 caractères.",
            ));
        }
        if length > CITY_QUERY_MAX_CHARS {
            return Err(Invalid::new(
                "query_too_long",
                format!("Au plus {CITY_QUERY_MAX_CHARS} caractères."),
            ));
        }
        let trimmed = q.trim();
        if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(CityQuery::PostCode(trimmed.to_owned()));
        }
        let expanded = search::normalize(q);
        if expanded.is_empty() {
            return Ok(CityQuery::Names(Vec::new()));
        }
        // The last word may be unfinished: `st` is Saint, or the start of Strasbourg. A letter
        // glued to it keeps `normalize` from reading it as an abbreviation; it is then removed
        // (after a space or a hyphen the word is finished: nothing is glued to it).
        let literal = search::normalize(&format!("{q}x"));
        let literal = literal.strip_suffix('x').unwrap_or(&literal);
        let mut prefixes = vec![expanded.clone()];
        if literal != expanded && !literal.is_empty() && !literal.ends_with(' ') {
            prefixes.push(literal.to_owned());
        }
        Ok(CityQuery::Names(prefixes))
    }
}

/// Bounds on what a structure's members write into the public directory, so that no member can
/// bloat the search (issue 6, item 5): job description texts, and active jobs per structure.
pub const JOB_TITLE_MAX_CHARS: usize = 255;
pub const JOB_DESCRIPTION_MAX_CHARS: usize = 5000;
/// Appellation codes and contract types are short codes; longer values are refused unread.
pub const JOB_CODE_MAX_CHARS: usize = 30;
pub const MAX_ACTIVE_JOBS_PER_STRUCTURE: i64 = 100;

/// A job's title: 1 to 255 characters once trimmed.
pub fn job_title(value: &str) -> Result<String, Invalid> {
    crate::text::single_line(value)?;
    let value = value.trim();
    if value.is_empty() || value.chars().count() > JOB_TITLE_MAX_CHARS {
        return Err(Invalid::new(
            "invalid_title",
            "L'intitulé doit comporter entre 1 et 255 caractères.",
        ));
    }
    Ok(value.to_owned())
}

/// A job's description: at most 5,000 characters once trimmed; empty clears it.
pub fn job_description(value: &str) -> Result<Option<String>, Invalid> {
    crate::text::multi_line(value)?;
    let value = value.trim();
    if value.chars().count() > JOB_DESCRIPTION_MAX_CHARS {
        return Err(Invalid::new(
            "description_too_long",
            format!("Au plus {JOB_DESCRIPTION_MAX_CHARS} caractères."),
        ));
    }
    Ok((!value.is_empty()).then(|| value.to_owned()))
}

/// A code a job refers to (appellation, contract type), trimmed, before it is looked up.
pub fn job_code(value: &str) -> Result<&str, Invalid> {
    let value = value.trim();
    if value.chars().count() > JOB_CODE_MAX_CHARS {
        return Err(Invalid::new(
            "code_too_long",
            format!("Code trop long : au plus {JOB_CODE_MAX_CHARS} caractères."),
        ));
    }
    Ok(value)
}

/// Whether one more job may be active, given how many others of the structure are.
pub fn may_activate_job(other_active_jobs: i64) -> Result<(), Invalid> {
    if other_active_jobs >= MAX_ACTIVE_JOBS_PER_STRUCTURE {
        return Err(Invalid::new(
            "too_many_active_jobs",
            format!(
                "Une structure a au plus {MAX_ACTIVE_JOBS_PER_STRUCTURE} fiches de poste actives : désactivez-en une d'abord."
            ),
        ));
    }
    Ok(())
}

/// A ROME filter value: a code (`K2204`), a professional domain (`K22`) or a large domain (`K`).
pub fn rome_prefix(value: &str) -> Result<String, Invalid> {
    let value = value.trim().to_ascii_uppercase();
    let mut chars = value.chars();
    let valid = chars.next().is_some_and(|c| ('A'..='N').contains(&c))
        && chars.all(|c| c.is_ascii_digit())
        && matches!(value.len(), 1 | 3 | 5);
    if valid {
        Ok(value)
    } else {
        Err(Invalid::new(
            "invalid_rome",
            format!("Code ROME ou domaine invalide : {value}."),
        ))
    }
}

/// One organization as the index holds it (what is encoded).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: String,
    pub point: Point,
    pub kind: String,
    pub department: String,
    /// R-DIR-2 for structures; unused for prescribers.
    pub hiring: bool,
    pub open_positions: u16,
    pub recent_applications: u16,
    /// ROME codes of the active job descriptions.
    pub rome_codes: Vec<String>,
    /// For prescriber organizations (R-DIR-3): validated, and until when if prefectoral.
    pub authorized: bool,
    pub authorized_until: Option<Date>,
}

/// An entry read in place from a cell's blob: no allocation per entry, because a search around
/// a large city reads thousands of them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntryView<'a> {
    pub id: &'a str,
    pub latitude: f64,
    pub longitude: f64,
    pub kind: &'a str,
    pub department: &'a str,
    pub hiring: bool,
    pub authorized: bool,
    pub open_positions: u16,
    pub recent_applications: u16,
    /// `YYYY-MM-DD`, or empty.
    authorized_until: &'a str,
    /// The ROME codes, still encoded (count, then length-prefixed texts).
    rome: &'a [u8],
}

impl<'a> EntryView<'a> {
    pub fn rome_codes(&self) -> impl Iterator<Item = &'a str> {
        let mut reader = Reader {
            bytes: self.rome,
            at: 1,
        };
        let count = self.rome.first().copied().unwrap_or(0);
        (0..count).map_while(move |_| reader.text())
    }

    pub fn authorized_until(&self) -> Option<Date> {
        Date::parse(self.authorized_until).ok()
    }

    pub fn to_entry(&self) -> Entry {
        Entry {
            id: self.id.to_owned(),
            point: Point::new(self.latitude, self.longitude).expect("checked when read"),
            kind: self.kind.to_owned(),
            department: self.department.to_owned(),
            hiring: self.hiring,
            open_positions: self.open_positions,
            recent_applications: self.recent_applications,
            rome_codes: self.rome_codes().map(str::to_owned).collect(),
            authorized: self.authorized,
            authorized_until: self.authorized_until(),
        }
    }
}

/// The filters of a structure search (R-DIR-1) or a prescriber search (R-DIR-3).
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub departments: Vec<String>,
    pub kinds: Vec<String>,
    pub rome_prefixes: Vec<String>,
    pub hiring_only: bool,
    /// Prescriber search: keep only organizations authorized on this day.
    pub authorized_on: Option<Date>,
}

impl Filters {
    pub fn accepts(&self, entry: &EntryView<'_>) -> bool {
        (self.departments.is_empty() || self.departments.iter().any(|d| d == entry.department))
            && (self.kinds.is_empty() || self.kinds.iter().any(|k| k == entry.kind))
            && (self.rome_prefixes.is_empty()
                || entry
                    .rome_codes()
                    .any(|c| self.rome_prefixes.iter().any(|p| c.starts_with(p.as_str()))))
            && (!self.hiring_only || entry.hiring)
            && self.authorized_on.is_none_or(|day| {
                entry.authorized && entry.authorized_until().is_none_or(|end| day <= end)
            })
    }
}

/// A search hit: the entry and its distance from the city centre.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'a> {
    pub entry: EntryView<'a>,
    pub distance_km: f64,
}

/// R-DIR-1 order: hiring first, then fewer recent applications per open position, then nearer.
pub fn structure_order(a: &Hit<'_>, b: &Hit<'_>) -> Ordering {
    let pressure = |h: &Hit<'_>| {
        (
            u64::from(h.entry.recent_applications),
            u64::from(h.entry.open_positions.max(1)),
        )
    };
    let ((ra, oa), (rb, ob)) = (pressure(a), pressure(b));
    b.entry
        .hiring
        .cmp(&a.entry.hiring)
        .then((ra * ob).cmp(&(rb * oa)))
        .then(a.distance_km.total_cmp(&b.distance_km))
        .then(a.entry.id.cmp(b.entry.id))
}

/// R-DIR-3 order: nearer first.
pub fn distance_order(a: &Hit<'_>, b: &Hit<'_>) -> Ordering {
    a.distance_km
        .total_cmp(&b.distance_km)
        .then(a.entry.id.cmp(b.entry.id))
}

/// Every entry of the cells' `blobs` within `radius_km` of `centre` that `filters` accepts, in
/// no particular order (see [`sort_leading`]). Entries outside the bounding box are skipped
/// unread; a malformed blob is an error, never a silently shorter list.
pub fn search<'a>(
    blobs: &'a [Vec<u8>],
    centre: Point,
    radius_km: u32,
    filters: &Filters,
) -> Result<Vec<Hit<'a>>, Invalid> {
    let radius = f64::from(radius_km);
    let bounds = BoundingBox::around(centre, radius);
    let mut hits = Vec::new();
    for blob in blobs {
        let mut reader = Reader::of(blob)?;
        while let Some(entry) = reader.next_within(&bounds)? {
            let Some(entry) = entry else { continue };
            if !filters.accepts(&entry) {
                continue;
            }
            let point = Point::new(entry.latitude, entry.longitude).map_err(|_| corrupt())?;
            let distance_km = centre.distance_km(point);
            if distance_km <= radius {
                hits.push(Hit { entry, distance_km });
            }
        }
    }
    Ok(hits)
}

/// Puts the first `count` hits in `order` (the pages up to the one shown), leaving the rest
/// unsorted: a page of a search around Paris sorts 20 hits, not 3,000.
pub fn sort_leading(hits: &mut [Hit<'_>], count: usize, order: fn(&Hit<'_>, &Hit<'_>) -> Ordering) {
    if count < hits.len() {
        hits.select_nth_unstable_by(count, order);
    }
    let count = count.min(hits.len());
    hits[..count].sort_by(order);
}

const FORMAT_VERSION: u8 = 2;

/// Encodes the entries of one cell: a version byte, then per entry its length (u16) and its
/// fields, coordinates first so a reader can skip entries outside its box.
pub fn encode(entries: &[Entry]) -> Vec<u8> {
    let mut out = vec![FORMAT_VERSION];
    let text = |out: &mut Vec<u8>, s: &str| {
        let bytes = &s.as_bytes()[..s.len().min(255)];
        out.push(bytes.len() as u8);
        out.extend_from_slice(bytes);
    };
    for e in entries {
        let mut body = Vec::with_capacity(64);
        body.extend_from_slice(&e.point.latitude().to_le_bytes());
        body.extend_from_slice(&e.point.longitude().to_le_bytes());
        body.push(u8::from(e.hiring) | (u8::from(e.authorized) << 1));
        body.extend_from_slice(&e.open_positions.to_le_bytes());
        body.extend_from_slice(&e.recent_applications.to_le_bytes());
        text(&mut body, &e.id);
        text(&mut body, &e.kind);
        text(&mut body, &e.department);
        text(
            &mut body,
            &e.authorized_until
                .map(|d| d.to_string())
                .unwrap_or_default(),
        );
        body.push(e.rome_codes.len().min(255) as u8);
        for code in e.rome_codes.iter().take(255) {
            text(&mut body, code);
        }
        out.extend_from_slice(&(body.len().min(usize::from(u16::MAX)) as u16).to_le_bytes());
        out.extend_from_slice(&body);
    }
    out
}

/// Where, in an entry's body, `recent_applications` sits and its id starts (see [`encode`]).
const RECENT_OFFSET: usize = 8 + 8 + 1 + 2;
const ID_OFFSET: usize = RECENT_OFFSET + 2;

/// R-DIR-1: one more recent application for the organization `id`, written into the encoded
/// cell in place. Sending an application thus touches two bytes instead of rebuilding the cell
/// (a dense one holds hundreds of structures). `Ok(false)`: `id` is not in this cell.
pub fn add_recent_application(blob: &mut [u8], id: &str) -> Result<bool, Invalid> {
    if blob.first() != Some(&FORMAT_VERSION) {
        return Err(corrupt());
    }
    let mut at = 1;
    while at < blob.len() {
        let length = blob
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
            .ok_or_else(corrupt)?;
        let body = blob.get_mut(at + 2..at + 2 + length).ok_or_else(corrupt)?;
        let id_length = usize::from(*body.get(ID_OFFSET).ok_or_else(corrupt)?);
        let entry_id = body
            .get(ID_OFFSET + 1..ID_OFFSET + 1 + id_length)
            .ok_or_else(corrupt)?;
        if entry_id == id.as_bytes() {
            let recent = u16::from_le_bytes([body[RECENT_OFFSET], body[RECENT_OFFSET + 1]]);
            body[RECENT_OFFSET..RECENT_OFFSET + 2]
                .copy_from_slice(&recent.saturating_add(1).to_le_bytes());
            return Ok(true);
        }
        at += 2 + length;
    }
    Ok(false)
}

/// Reads every entry of one cell.
pub fn decode(blob: &[u8]) -> Result<Vec<EntryView<'_>>, Invalid> {
    let everywhere = BoundingBox {
        south: -90.0,
        north: 90.0,
        west: -180.0,
        east: 180.0,
    };
    let mut reader = Reader::of(blob)?;
    let mut entries = Vec::new();
    while let Some(entry) = reader.next_within(&everywhere)? {
        entries.extend(entry);
    }
    Ok(entries)
}

fn corrupt() -> Invalid {
    Invalid::new("corrupt_directory_index", "Index de l'annuaire illisible.")
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn of(blob: &'a [u8]) -> Result<Reader<'a>, Invalid> {
        match blob.first() {
            Some(&FORMAT_VERSION) => Ok(Reader { bytes: blob, at: 1 }),
            _ => Err(corrupt()),
        }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let slice = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(slice)
    }

    fn text(&mut self) -> Option<&'a str> {
        let length = self.take(1)?[0] as usize;
        std::str::from_utf8(self.take(length)?).ok()
    }

    fn f64(&mut self) -> Option<f64> {
        Some(f64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }

    /// The next entry: `None` at the end, `Some(None)` for one outside `bounds` (skipped unread).
    #[allow(clippy::option_option)]
    fn next_within(
        &mut self,
        bounds: &BoundingBox,
    ) -> Result<Option<Option<EntryView<'a>>>, Invalid> {
        if self.at == self.bytes.len() {
            return Ok(None);
        }
        let length = usize::from(self.u16().ok_or_else(corrupt)?);
        let body = self.take(length).ok_or_else(corrupt)?;
        let mut entry = Reader { bytes: body, at: 0 };
        let (latitude, longitude) = (
            entry.f64().ok_or_else(corrupt)?,
            entry.f64().ok_or_else(corrupt)?,
        );
        if !bounds.contains(latitude, longitude) {
            return Ok(Some(None));
        }
        entry
            .view(latitude, longitude)
            .map(|view| Some(Some(view)))
            .ok_or_else(corrupt)
    }

    fn view(&mut self, latitude: f64, longitude: f64) -> Option<EntryView<'a>> {
        let flags = self.take(1)?[0];
        let open_positions = self.u16()?;
        let recent_applications = self.u16()?;
        let id = self.text()?;
        let kind = self.text()?;
        let department = self.text()?;
        let authorized_until = self.text()?;
        let rome_start = self.at;
        let count = self.take(1)?[0];
        for _ in 0..count {
            self.text()?;
        }
        if self.at != self.bytes.len() || Point::new(latitude, longitude).is_err() {
            return None;
        }
        Some(EntryView {
            id,
            latitude,
            longitude,
            kind,
            department,
            hiring: flags & 1 != 0,
            authorized: flags & 2 != 0,
            open_positions,
            recent_applications,
            authorized_until,
            rome: &self.bytes[rome_start..],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn r_dir_1_a_recent_application_is_counted_in_place_for_its_structure_only() {
        let entries = vec![entry("org_a", 43.9, 4.8), entry("org_b", 43.91, 4.81)];
        let mut blob = encode(&entries);
        assert_eq!(add_recent_application(&mut blob, "org_b"), Ok(true));
        assert_eq!(add_recent_application(&mut blob, "org_b"), Ok(true));
        assert_eq!(add_recent_application(&mut blob, "org_c"), Ok(false));
        let read = decode(&blob).unwrap();
        assert_eq!(read[0].recent_applications, 0);
        assert_eq!(read[1].recent_applications, 2);
        assert_eq!(read[1].id, "org_b");
        let mut corrupt_blob = blob[..blob.len() - 3].to_vec();
        assert!(add_recent_application(&mut corrupt_blob, "org_x").is_err());
    }

    fn entry(id: &str, lat: f64, lon: f64) -> Entry {
        Entry {
            id: id.into(),
            point: Point::new(lat, lon).unwrap(),
            kind: "ACI".into(),
            department: "75".into(),
            hiring: false,
            open_positions: 0,
            recent_applications: 0,
            rome_codes: vec![],
            authorized: false,
            authorized_until: None,
        }
    }

    /// Entries as a search reads them, from one encoded cell (leaked: it lives for the test).
    fn views(entries: &[Entry]) -> Vec<EntryView<'static>> {
        decode(Box::leak(encode(entries).into_boxed_slice())).unwrap()
    }

    #[test]
    fn r_dir_1_distances_are_those_of_the_list() {
        assert_eq!(distance(None, 25), Ok(25));
        assert_eq!(distance(Some("100"), 25), Ok(100));
        for bad in ["3", "0", "-5", "25.0", "loin", ""] {
            assert_eq!(
                distance(Some(bad), 25).unwrap_err().code,
                "invalid_distance",
                "{bad}"
            );
        }
    }

    fn page(number: &str, size: &str) -> Page {
        Page::parse(Some(number), Some(size), PAGE_SIZES).unwrap()
    }

    #[test]
    fn r_dir_1_pages_of_10_to_20_and_none_past_the_end() {
        let default = Page::parse(None, None, PAGE_SIZES).unwrap();
        assert_eq!((default.number(), default.size()), (1, 20));
        assert!(Page::parse(Some("0"), None, PAGE_SIZES).is_err());
        assert!(Page::parse(None, Some("9"), PAGE_SIZES).is_err());
        assert!(Page::parse(None, Some("21"), PAGE_SIZES).is_err());
        assert_eq!(page_range(page("2", "10"), 15), Ok(10..15));
        assert_eq!(
            page_range(page("2", "10"), 10).unwrap_err().code,
            "page_out_of_range"
        );
        assert_eq!(page_range(page("1", "10"), 0), Ok(0..0));
    }

    #[test]
    fn r_dir_1_a_huge_page_is_past_the_end_never_a_wrapped_offset() {
        // 268435456 × 16 = 2^32 wraps to 0 in 32-bit arithmetic; 2^62 × 20 overflows i64.
        assert_eq!(
            page_range(page("268435457", "16"), 40).unwrap_err().code,
            "page_out_of_range"
        );
        assert!(Page::parse(Some("4611686018427387905"), Some("20"), PAGE_SIZES).is_err());
        // The largest page whose offset fits is simply past the end of any result.
        let last = (i64::MAX / 20 + 1).to_string();
        assert_eq!(
            page_range(page(&last, "20"), 3_000).unwrap_err().code,
            "page_out_of_range"
        );
    }

    #[test]
    fn list_filters_are_bounded_and_count_each_value_once() {
        let upper = |v: &str| Ok(v.to_ascii_uppercase());
        assert_eq!(
            list(Some("aci, ei,,ACI"), upper),
            Ok(vec!["ACI".to_owned(), "EI".to_owned()])
        );
        assert_eq!(list(None, upper), Ok(vec![]));
        let fifty = vec!["ACI"; MAX_FILTER_VALUES].join(",");
        assert!(list(Some(&fifty), upper).is_ok());
        let too_many = format!("{fifty},EI");
        assert_eq!(
            list(Some(&too_many), upper).unwrap_err().code,
            "too_many_values"
        );
    }

    #[test]
    fn r_dir_4_st_reads_as_saint_and_as_a_prefix() {
        let names = |q: &str| match CityQuery::parse(q).unwrap() {
            CityQuery::Names(prefixes) => prefixes,
            other => panic!("{other:?}"),
        };
        assert_eq!(names("st"), ["saint", "st"]);
        assert_eq!(names("STE"), ["sainte", "ste"]);
        assert_eq!(
            names("Saint-Denis st"),
            ["saint denis saint", "saint denis st"]
        );
        // A finished abbreviation is Saint only; a longer word is itself.
        assert_eq!(names("st-etienne"), ["saint etienne"]);
        assert_eq!(names("st "), ["saint"]);
        assert_eq!(names("st-"), ["saint"]);
        assert_eq!(names("str"), ["str"]);
        assert_eq!(names("Évry"), ["evry"]);
    }

    #[test]
    fn r_dir_4_city_queries_of_2_to_100_characters() {
        assert_eq!(
            CityQuery::parse("13001"),
            Ok(CityQuery::PostCode("13001".into()))
        );
        assert_eq!(
            CityQuery::parse(" 13"),
            Ok(CityQuery::PostCode("13".into()))
        );
        // Nothing searchable: control characters, punctuation, letters outside the Latin ones.
        for q in ["Ð\r", "\u{1}\u{2}", "--", "  ", "ЖЖ"] {
            assert_eq!(CityQuery::parse(q), Ok(CityQuery::Names(vec![])), "{q:?}");
        }
        for (q, code) in [
            ("", "query_too_short"),
            ("É", "query_too_short"),
            ("a", "query_too_short"),
        ] {
            assert_eq!(CityQuery::parse(q).unwrap_err().code, code, "{q:?}");
        }
        assert!(CityQuery::parse(&"a".repeat(CITY_QUERY_MAX_CHARS)).is_ok());
        assert_eq!(
            CityQuery::parse(&"é".repeat(CITY_QUERY_MAX_CHARS + 1))
                .unwrap_err()
                .code,
            "query_too_long"
        );
    }

    proptest! {
        /// Every value the schema allows (2 to 100 characters) is a query, never an error.
        #[test]
        fn r_dir_4_any_schema_valid_query_is_accepted(q in "\\PC{2,100}|[\\s\\S]{2,100}") {
            prop_assert!(CityQuery::parse(&q).is_ok());
        }
    }

    #[test]
    fn job_texts_are_bounded() {
        assert_eq!(job_title("  Cariste "), Ok("Cariste".to_owned()));
        assert!(job_title(" ").is_err());
        assert!(job_title(&"t".repeat(JOB_TITLE_MAX_CHARS)).is_ok());
        assert!(job_title(&"t".repeat(JOB_TITLE_MAX_CHARS + 1)).is_err());
        assert_eq!(job_description("  "), Ok(None));
        assert!(job_description(&"é".repeat(JOB_DESCRIPTION_MAX_CHARS)).is_ok());
        assert!(job_description(&"é".repeat(JOB_DESCRIPTION_MAX_CHARS + 1)).is_err());
        assert_eq!(job_code(" 11573 "), Ok("11573"));
        assert!(job_code(&"1".repeat(JOB_CODE_MAX_CHARS + 1)).is_err());
        assert!(may_activate_job(MAX_ACTIVE_JOBS_PER_STRUCTURE - 1).is_ok());
        assert_eq!(
            may_activate_job(MAX_ACTIVE_JOBS_PER_STRUCTURE)
                .unwrap_err()
                .code,
            "too_many_active_jobs"
        );
    }

    #[test]
    fn r_dir_1_order_hiring_then_pressure_then_distance() {
        let busy = Entry {
            hiring: true,
            open_positions: 1,
            recent_applications: 5,
            ..entry("busy", 45.0, 5.0)
        };
        let calm = Entry {
            hiring: true,
            open_positions: 4,
            recent_applications: 4,
            ..entry("calm", 45.0, 5.0)
        };
        let calm_near = Entry {
            id: "calm-near".into(),
            ..calm.clone()
        };
        let closed = entry("closed", 45.0, 5.0);
        let views = views(&[closed, busy, calm, calm_near]);
        let mut hits: Vec<Hit<'_>> = views
            .iter()
            .zip([1.0, 2.0, 9.0, 3.0])
            .map(|(v, d)| Hit {
                entry: *v,
                distance_km: d,
            })
            .collect();
        hits.sort_by(structure_order);
        let ids: Vec<_> = hits.iter().map(|h| h.entry.id).collect();
        assert_eq!(ids, ["calm-near", "calm", "busy", "closed"]);
    }

    #[test]
    fn filters_combine() {
        let e = Entry {
            rome_codes: vec!["K2204".into()],
            hiring: true,
            ..entry("a", 45.0, 5.0)
        };
        let e = views(&[e])[0];
        let f = |departments: &[&str], kinds: &[&str], rome: &[&str], hiring_only| Filters {
            departments: departments.iter().map(|s| s.to_string()).collect(),
            kinds: kinds.iter().map(|s| s.to_string()).collect(),
            rome_prefixes: rome.iter().map(|s| s.to_string()).collect(),
            hiring_only,
            authorized_on: None,
        };
        assert!(f(&[], &[], &[], false).accepts(&e));
        assert!(f(&["13", "75"], &["ACI"], &["K22"], true).accepts(&e));
        assert!(!f(&["13"], &[], &[], false).accepts(&e));
        assert!(!f(&[], &["EI"], &[], false).accepts(&e));
        assert!(!f(&[], &[], &["K2205"], false).accepts(&e));
        assert!(f(&[], &[], &["K"], false).accepts(&e));
    }

    #[test]
    fn r_dir_3_only_authorized_prescribers_on_the_day() {
        let day = Date::parse("2026-07-01").unwrap();
        let filters = Filters {
            authorized_on: Some(day),
            ..Filters::default()
        };
        let until = Some(Date::parse("2026-06-30").unwrap());
        let entries = [
            entry("ml", 45.0, 5.0),
            Entry {
                authorized: true,
                ..entry("ft", 45.0, 5.0)
            },
            Entry {
                authorized: true,
                authorized_until: until,
                ..entry("ohpd", 45.0, 5.0)
            },
        ];
        let accepted: Vec<_> = views(&entries)
            .into_iter()
            .filter(|e| filters.accepts(e))
            .map(|e| e.id)
            .collect();
        assert_eq!(accepted, ["ft"]);
    }

    #[test]
    fn search_keeps_the_disc_and_skips_the_rest_of_the_box() {
        let centre = Point::new(45.0, 5.0).unwrap();
        // 0.1° of latitude ≈ 11.1 km: inside at 15 km; the corner of the box is outside the disc.
        let entries = [
            entry("near", 45.1, 5.0),
            entry("corner", 45.12, 5.17),
            entry("far", 46.0, 5.0),
        ];
        let blobs = vec![encode(&entries)];
        let hits = search(&blobs, centre, 15, &Filters::default()).unwrap();
        assert_eq!(
            hits.iter().map(|h| h.entry.id).collect::<Vec<_>>(),
            ["near"]
        );
        assert!((hits[0].distance_km - 11.12).abs() < 0.01);
    }

    proptest! {
        /// Sorting the leading hits gives exactly the head of a full sort.
        #[test]
        fn sorting_the_leading_hits_matches_a_full_sort(distances in proptest::collection::vec(0.0f64..100.0, 0..80), count in 0usize..90) {
            let entries: Vec<Entry> = distances.iter().enumerate().map(|(i, _)| Entry { hiring: i % 3 == 0, ..entry(&format!("e{i}"), 45.0, 5.0) }).collect();
            let views = views(&entries);
            let hits: Vec<Hit<'_>> = views.iter().zip(&distances).map(|(v, d)| Hit { entry: *v, distance_km: *d }).collect();
            let mut full = hits.clone();
            full.sort_by(structure_order);
            let mut leading = hits;
            sort_leading(&mut leading, count, structure_order);
            let head = count.min(full.len());
            prop_assert_eq!(
                leading[..head].iter().map(|h| h.entry.id).collect::<Vec<_>>(),
                full[..head].iter().map(|h| h.entry.id).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn rome_filter_values() {
        assert_eq!(rome_prefix("k2204"), Ok("K2204".into()));
        assert_eq!(rome_prefix("K22"), Ok("K22".into()));
        assert!(rome_prefix("K2").is_err());
        assert!(rome_prefix("Z1234").is_err());
        assert!(rome_prefix("K22044").is_err());
    }

    #[test]
    fn a_truncated_blob_is_an_error() {
        let blob = encode(&[entry("a", 45.0, 5.0)]);
        assert!(decode(&blob[..blob.len() - 1]).is_err());
        assert!(decode(&[]).is_err());
        assert_eq!(decode(&[FORMAT_VERSION]), Ok(vec![]));
        let blobs = vec![blob[..blob.len() - 1].to_vec()];
        let centre = Point::new(45.0, 5.0).unwrap();
        assert!(search(&blobs, centre, 2, &Filters::default()).is_err());
    }

    proptest! {
        #[test]
        fn encoding_round_trips(
            ids in proptest::collection::vec("[a-z0-9_]{1,40}", 0..20),
            lat in -90.0f64..90.0, lon in -180.0f64..180.0, open in 0u16..500, recent in 0u16..500,
            hiring: bool, authorized: bool,
        ) {
            let entries: Vec<Entry> = ids.iter().map(|id| Entry {
                open_positions: open, recent_applications: recent, hiring, authorized,
                rome_codes: vec!["K2204".into(), "N1101".into()],
                authorized_until: Some(Date::parse("2030-01-31").unwrap()),
                ..entry(id, lat, lon)
            }).collect();
            let blob = encode(&entries);
            let decoded: Vec<Entry> = decode(&blob).unwrap().iter().map(EntryView::to_entry).collect();
            prop_assert_eq!(decoded, entries);
        }

        #[test]
        fn decoding_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode(&bytes);
        }
    }
}
