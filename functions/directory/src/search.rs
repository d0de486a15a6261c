//! Public searches: cities (R-DIR-4), structures near a city (R-DIR-1, R-DIR-2), one structure's
//! card, authorized prescribers near a city (R-DIR-3).

use serde_json::{json, Value};
use tremplin_domain::directory::{self, CityQuery, Filters, Hit};
use tremplin_domain::geo::Point;
use tremplin_domain::organization::{Category, Kind};
use tremplin_domain::page::Page;
use tremplin_domain::{jobs, Error, FieldErrors, Invalid};
use tremplin_platform::repo::cities::{self, Place};
use tremplin_platform::repo::jobs::{self as job_repo, Job};
use tremplin_platform::repo::organizations::{self, Listing};
use tremplin_platform::repo::{directory_index, reference};
use tremplin_platform::{json, Ctx, Response};

const MAX_CITIES: i64 = 20;

/// Collects the query's field errors and answers them all at once (400).
#[derive(Default)]
struct Query {
    errors: FieldErrors,
}

impl Query {
    const DETAIL: &str = "Certains paramètres de recherche sont invalides.";

    fn check<T>(&mut self, field: &str, result: Result<T, Invalid>) -> Option<T> {
        result
            .map_err(|invalid| self.errors.insert(field.to_owned(), vec![invalid.message]))
            .ok()
    }

    /// Keeps the field errors of a parameter parsed elsewhere (the shared `page` type).
    fn absorb(&mut self, error: Error) {
        self.errors
            .extend(error.field_errors().cloned().unwrap_or_default());
    }

    /// A 400 naming one parameter.
    fn rejecting(field: &str, invalid: Invalid) -> Error {
        Error::BadRequest {
            code: "invalid_query",
            detail: Self::DETAIL.into(),
            errors: [(field.to_owned(), vec![invalid.message])].into(),
        }
    }

    fn finish(self) -> Result<(), Error> {
        if self.errors.is_empty() {
            return Ok(());
        }
        Err(Error::BadRequest {
            code: "invalid_query",
            detail: Self::DETAIL.into(),
            errors: self.errors,
        })
    }
}

pub fn cities(ctx: &Ctx) -> Result<Response, Error> {
    let q = ctx.query_param("q").unwrap_or_default();
    let query = CityQuery::parse(&q).map_err(|invalid| Query::rejecting("q", invalid))?;
    let db = ctx.db()?;
    let places = match query {
        CityQuery::PostCode(prefix) => cities::search_by_post_code(db, &prefix, MAX_CITIES)?,
        CityQuery::Names(prefixes) => cities::search_by_name(db, &prefixes, MAX_CITIES)?,
    };
    json(200, &places)
}

/// The city named by `?city=` (an INSEE code, checked present by [`Around::parse`]): 404 when unknown.
fn city(ctx: &Ctx, code: &str) -> Result<Place, Error> {
    cities::find(ctx.db()?, code)?.ok_or_else(|| Error::NotFound {
        detail: format!("Ville inconnue : {code}. Choisissez une ville dans la liste proposée."),
    })
}

/// Parses a `kinds=` filter against a kind table of R-ORG-1 or R-ORG-3.
fn kinds(query: &mut Query, ctx: &Ctx, category: Category) -> Vec<String> {
    let parsed = directory::list(ctx.query_param("kinds").as_deref(), |k| {
        Kind::parse(category, &k.to_ascii_uppercase()).map(|kind| kind.code().to_owned())
    });
    query.check("kinds", parsed).unwrap_or_default()
}

fn search_point(place: &Place) -> Result<Point, Error> {
    Point::new(place.latitude, place.longitude).map_err(|e| Error::internal(e.message))
}

/// The hits of a search, paged, with the JSON of each result made by `show`.
fn page_of(
    hits: &mut [Hit<'_>],
    found: &Found,
    order: fn(&Hit<'_>, &Hit<'_>) -> std::cmp::Ordering,
    show: impl Fn(&[&Hit<'_>]) -> Result<Vec<Value>, Error>,
) -> Result<Response, Error> {
    let (page, place) = (found.page, &found.place);
    let range = directory::page_range(page, hits.len())
        .map_err(|invalid| Query::rejecting("page", invalid))?;
    directory::sort_leading(hits, range.end, order);
    let shown: Vec<&Hit<'_>> = hits[range].iter().collect();
    json(
        200,
        &json!({
            "results": show(&shown)?,
            "count": hits.len(),
            "page": page.number(),
            "page_size": page.size(),
                        "city": {"insee_code": place.insee_code, "name": place.name, "department": place.department},
            "distance_km": found.distance,
        }),
    )
}

/// The cards of the hits shown, in the hits' order.
fn cards_in_order(ctx: &Ctx, shown: &[&Hit<'_>]) -> Result<Vec<(Listing, f64)>, Error> {
    let ids: Vec<&str> = shown.iter().map(|h| h.entry.id).collect();
    let mut cards = organizations::listings(ctx.db()?, &ids)?;
    shown
        .iter()
        .map(|hit| {
            let at = cards
                .iter()
                .position(|c| c.organization.id == hit.entry.id)
                .ok_or_else(|| {
                    Error::internal(format!(
                        "index lists {} which is not an organization",
                        hit.entry.id
                    ))
                })?;
            Ok((cards.swap_remove(at), hit.distance_km))
        })
        .collect()
}

fn card_json(card: &Listing) -> Value {
    let (organization, address) = (&card.organization, &card.organization.address);
    json!({
        "id": organization.id,
        "siret": organization.siret,
        "name": organization.display_name(),
        "kind": organization.kind.code(),
        "kind_label": organization.kind.label(),
        "address": organization.address_line(),
        "post_code": address.post_code,
        "city": address.city_name,
        "department": address.department,
        "latitude": address.latitude,
        "longitude": address.longitude,
    })
}

fn job_json(job: &Job) -> Value {
    let label = jobs::contract_type(&job.contract_type).map_or("", |(_, label)| label);
    json!({
        "id": job.id,
        "rome": job.rome_code,
        "title": job.title,
        "appellation_code": job.appellation_code,
        "contract_type": job.contract_type,
        "contract_type_label": label,
        "open_positions": job.open_positions,
        "is_active": job.is_active,
        "location_insee": job.location_insee,
        "description": job.description,
    })
}

/// Rounded to 100 m: the centre of a city is no more precise than that.
fn rounded_km(distance_km: f64) -> f64 {
    (distance_km * 10.0).round() / 10.0
}

/// The parameters every search around a city shares: distance, page, kinds.
struct Around {
    category: Category,
    city: Option<String>,
    distance: Option<u32>,
    page: Option<Page>,
    kinds: Vec<String>,
}

impl Around {
    fn parse(query: &mut Query, ctx: &Ctx, default_distance: u32, category: Category) -> Around {
        let distance = query.check(
            "distance",
            directory::distance(ctx.query_param("distance").as_deref(), default_distance),
        );
        let page = Page::parse(
            ctx.query_param("page").as_deref(),
            ctx.query_param("page_size").as_deref(),
            directory::PAGE_SIZES,
        )
        .map_err(|error| query.absorb(error))
        .ok();
        let city = ctx
            .query_param("city")
            .map(|c| c.trim().to_ascii_uppercase());
        let city = query.check(
            "city",
            city.ok_or_else(|| Invalid::new("city_required", "Choisissez une ville.")),
        );
        Around {
            category,
            city,
            distance,
            page,
            kinds: kinds(query, ctx, category),
        }
    }

    /// Once the query is checked: the city, and the index cells around it.
    fn run(self, ctx: &Ctx) -> Result<Found, Error> {
        let (Some(code), Some(distance), Some(page)) = (self.city, self.distance, self.page) else {
            return Err(Error::internal(
                "search parameters used before being checked",
            ));
        };
        let place = city(ctx, &code)?;
        let centre = search_point(&place)?;
        let cells = directory_index::around(ctx.db()?, self.category, centre, distance)?;
        Ok(Found {
            kinds: self.kinds,
            place,
            centre,
            distance,
            page,
            cells,
        })
    }
}

/// A checked search: its city and the encoded index cells around it.
struct Found {
    kinds: Vec<String>,
    place: Place,
    centre: Point,
    distance: u32,
    page: Page,
    cells: Vec<Vec<u8>>,
}

impl Found {
    /// The sorted hits, read in place from the cells.
    fn hits(&self, filters: Filters) -> Result<Vec<Hit<'_>>, Error> {
        let filters = Filters {
            kinds: self.kinds.clone(),
            ..filters
        };
        directory::search(&self.cells, self.centre, self.distance, &filters)
            .map_err(|e| Error::internal(e.message))
    }
}

pub fn structures(ctx: &Ctx) -> Result<Response, Error> {
    let mut query = Query::default();
    let around = Around::parse(
        &mut query,
        ctx,
        directory::DEFAULT_STRUCTURE_DISTANCE_KM,
        Category::Structure,
    );
    let rome_prefixes = query
        .check(
            "rome",
            directory::list(ctx.query_param("rome").as_deref(), directory::rome_prefix),
        )
        .unwrap_or_default();
    let departments = departments(&mut query, ctx)?;
    let hiring_only = match ctx.query_param("hiring").as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => query
            .check(
                "hiring",
                Err(Invalid::new(
                    "invalid_hiring",
                    "« hiring » vaut true ou false.",
                )),
            )
            .unwrap_or(false),
    };
    query.finish()?;
    let filters = Filters {
        departments,
        rome_prefixes,
        hiring_only,
        ..Filters::default()
    };
    let found = around.run(ctx)?;
    let mut hits = found.hits(filters)?;
    page_of(&mut hits, &found, directory::structure_order, |shown| {
        let cards = cards_in_order(ctx, shown)?;
        let ids: Vec<&str> = cards
            .iter()
            .map(|(c, _)| c.organization.id.as_str())
            .collect();
        let jobs = job_repo::of_structures(ctx.db()?, &ids, false)?;
        Ok(shown
            .iter()
            .zip(&cards)
            .map(|(hit, (card, distance_km))| {
                let mut result = card_json(card);
                result["distance_km"] = json!(rounded_km(*distance_km));
                result["hiring"] = json!(hit.entry.hiring);
                result["open_jobs"] = jobs
                    .iter()
                    .filter(|j| j.structure_id == card.organization.id)
                    .map(job_json)
                    .collect();
                result
            })
            .collect())
    })
}

/// `departments=13,84`: each must be a known department.
fn departments(query: &mut Query, ctx: &Ctx) -> Result<Vec<String>, Error> {
    let codes = directory::list(ctx.query_param("departments").as_deref(), |code| {
        Ok(code.to_ascii_uppercase())
    });
    let codes = query.check("departments", codes).unwrap_or_default();
    if codes.is_empty() {
        return Ok(codes);
    }
    let known = reference::known_departments(ctx.db()?, &codes)?;
    let unknown: Vec<&String> = codes.iter().filter(|c| !known.contains(c)).collect();
    if !unknown.is_empty() {
        let list = unknown
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        query.check::<()>(
            "departments",
            Err(Invalid::new(
                "unknown_department",
                format!("Département inconnu : {list}."),
            )),
        );
    }
    Ok(codes)
}

pub fn structure(ctx: &Ctx) -> Result<Response, Error> {
    let db = ctx.db()?;
    let card = organizations::listing(db, ctx.param("id"), Category::Structure)?
        .ok_or_else(Error::not_found)?;
    let jobs = job_repo::of_structures(db, &[card.organization.id.as_str()], false)?;
    json(200, &card_page(&card, &jobs))
}

/// The whole card of a structure (R-ORG-2) with its job descriptions.
pub fn card_page(card: &Listing, jobs: &[Job]) -> Value {
    let active = jobs.iter().filter(|j| j.is_active).count() as i64;
    let profile = &card.organization.profile;
    let mut page = card_json(card);
    page["legal_name"] = json!(profile.name);
    page["brand"] = json!(profile.brand);
    page["phone"] = json!(profile.phone);
    page["email"] = json!(profile.email);
    page["website"] = json!(profile.website);
    page["description"] = json!(profile.description);
    page["blocks_applications"] = json!(card.blocks_applications);
    page["spontaneous_applications_open"] = json!(card.spontaneous_applications_open);
    page["hiring"] = json!(jobs::is_hiring(
        card.blocks_applications,
        active,
        card.spontaneous_applications_open
    ));
    page["jobs"] = jobs.iter().map(job_json).collect();
    page
}

pub fn prescribers(ctx: &Ctx) -> Result<Response, Error> {
    let mut query = Query::default();
    let around = Around::parse(
        &mut query,
        ctx,
        directory::DEFAULT_PRESCRIBER_DISTANCE_KM,
        Category::Prescriber,
    );
    query.finish()?;
    let filters = Filters {
        authorized_on: Some(ctx.clock.today()),
        ..Filters::default()
    };
    let found = around.run(ctx)?;
    let mut hits = found.hits(filters)?;
    page_of(&mut hits, &found, directory::distance_order, |shown| {
        Ok(cards_in_order(ctx, shown)?
            .iter()
            .map(|(card, distance_km)| {
                let (mut result, profile) = (card_json(card), &card.organization.profile);
                result["distance_km"] = json!(rounded_km(*distance_km));
                result["phone"] = json!(profile.phone);
                result["email"] = json!(profile.email);
                result["website"] = json!(profile.website);
                result
            })
            .collect())
    })
}
