//! Directory search rules (R-DIR-1..3) and the compact per-cell index they run on.
//!
//! The directory keeps, for each grid cell ([`crate::geo::Cell`]), one blob listing the
//! organizations located there with what a search filters and sorts on. A search reads the few
//! blobs around the city, then filters, sorts and pages in memory: a handful of rows cross the
//! database boundary instead of thousands.

use crate::geo::{BoundingBox, Point};
use crate::{Date, Invalid};
use std::cmp::Ordering;

/// R-DIR-1: the distances a search may use, in km.
pub const DISTANCES_KM: [u32; 7] = [2, 5, 10, 15, 25, 50, 100];
pub const DEFAULT_STRUCTURE_DISTANCE_KM: u32 = 25;
/// R-DIR-3.
pub const DEFAULT_PRESCRIBER_DISTANCE_KM: u32 = 5;
/// R-DIR-1: 10 to 20 results per page.
pub const MIN_PAGE_SIZE: u32 = 10;
pub const MAX_PAGE_SIZE: u32 = 20;
pub const DEFAULT_PAGE_SIZE: u32 = 20;

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

/// Page number (from 1) and size (R-DIR-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: u32,
    pub size: u32,
}

impl Page {
    pub fn parse(
        number: Option<&str>,
        size: Option<&str>,
    ) -> Result<Page, (&'static str, Invalid)> {
        let number = match number {
            None => 1,
            Some(n) => n.trim().parse().ok().filter(|n| *n >= 1).ok_or((
                "page",
                Invalid::new(
                    "invalid_page",
                    "Le numéro de page doit être un entier à partir de 1.",
                ),
            ))?,
        };
        let size = match size {
            None => DEFAULT_PAGE_SIZE,
            Some(s) => s
                .trim()
                .parse()
                .ok()
                .filter(|s| (MIN_PAGE_SIZE..=MAX_PAGE_SIZE).contains(s))
                .ok_or((
                    "page_size",
                    Invalid::new(
                        "invalid_page_size",
                        "La taille de page doit être comprise entre 10 et 20.",
                    ),
                ))?,
        };
        Ok(Page { number, size })
    }

    /// The slice of `total` results this page shows; a page after the last one is an error
    /// (page 1 of an empty result is an empty page).
    pub fn range(self, total: usize) -> Result<std::ops::Range<usize>, Invalid> {
        let start = (self.number as usize - 1) * self.size as usize;
        if start > 0 && start >= total {
            let last = total.div_ceil(self.size as usize).max(1);
            return Err(Invalid::new(
                "page_out_of_range",
                format!("Cette page n'existe pas : la dernière est la page {last}."),
            ));
        }
        Ok(start..(start + self.size as usize).min(total))
    }
}

/// A comma-separated filter (`kinds=ACI,EI`), each value checked by `parse`.
pub fn list<T>(
    value: Option<&str>,
    parse: impl Fn(&str) -> Result<T, Invalid>,
) -> Result<Vec<T>, Invalid> {
    value
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(&parse)
                .collect()
        })
        .unwrap_or(Ok(Vec::new()))
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

    #[test]
    fn r_dir_1_pages_of_10_to_20_and_none_past_the_end() {
        assert_eq!(
            Page::parse(None, None),
            Ok(Page {
                number: 1,
                size: 20
            })
        );
        assert!(Page::parse(Some("0"), None).is_err());
        assert!(Page::parse(None, Some("9")).is_err());
        assert!(Page::parse(None, Some("21")).is_err());
        let page = Page {
            number: 2,
            size: 10,
        };
        assert_eq!(page.range(15), Ok(10..15));
        assert_eq!(page.range(10).unwrap_err().code, "page_out_of_range");
        assert_eq!(
            Page {
                number: 1,
                size: 10
            }
            .range(0),
            Ok(0..0)
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
