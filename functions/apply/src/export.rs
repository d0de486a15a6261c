//! R-APPLY-10: the monthly synthesis of an organization's applications as a CSV a spreadsheet
//! opens as is (UTF-8 BOM, `;`, French headers, one row per application): a prescriber
//! organization's sent applications, a structure's received ones.

use tremplin_domain::application::{csv_line, Month, CSV_BOM};
use tremplin_domain::date::parse_rfc3339_utc;
use tremplin_domain::organization::{Category, Kind};
use tremplin_domain::{Date, Error, Invalid};
use tremplin_platform::repo::applications::{self as repo, Mailbox};
use tremplin_platform::{Ctx, Response};

use tremplin_platform::party;

const HEADERS: [&str; 10] = [
    "Date d'envoi",
    "Nom du candidat",
    "Prénom du candidat",
    "Structure",
    "Type de structure",
    "Organisation émettrice",
    "Type d'émetteur",
    "Émetteur",
    "État",
    "Dernière mise à jour",
];

/// The Paris date of a stored RFC 3339 timestamp.
fn paris_date(timestamp: &str) -> Result<String, Error> {
    parse_rfc3339_utc(timestamp)
        .map(|t| Date::from_unix_seconds(t).to_string())
        .map_err(|e| Error::internal(format!("applications.updated_at: {e}")))
}

/// `GET /api/v1/applications/export.csv?month=YYYY-MM`.
pub fn monthly(ctx: &Ctx) -> Result<Response, Error> {
    let party = party::of(ctx)?;
    let organization = party.professional()?;
    let month = ctx
        .query_param("month")
        .ok_or_else(|| Invalid::new("invalid_month", "Indiquez le mois (month=AAAA-MM)."))
        .and_then(|m| Month::parse(&m))
        .map_err(|invalid| Error::query("month", invalid))?;
    let of = match organization.kind.category() {
        Category::Structure => Mailbox::Received(&organization.id),
        _ => Mailbox::Sent(&organization.id),
    };
    // Calendar months and sending dates in Paris (DOMAIN.md), on the rule clock.
    let rows = repo::of_month(
        ctx.db()?,
        of,
        month.first_day().paris_midnight_unix(),
        month.next_first_day().paris_midnight_unix(),
    )?;
    let mut csv = String::from(CSV_BOM);
    csv.push_str(&csv_line(&HEADERS));
    for a in &rows {
        let sent_on = Date::from_unix_seconds(a.created_unix).to_string();
        csv.push_str(&csv_line(&[
            sent_on.as_str(),
            &a.candidate_last_name,
            &a.candidate_first_name,
            &a.structure_name,
            Kind::parse(Category::Structure, &a.structure_kind)
                .map_or(a.structure_kind.as_str(), |k| k.label()),
            a.sender_organization_name.as_deref().unwrap_or(""),
            a.sender_kind.label(),
            &format!("{} {}", a.sender_first_name, a.sender_last_name),
            a.state.label(),
            &paris_date(&a.updated_at)?,
        ]));
    }
    Ok(Response::builder()
        .status(200)
        .header("content-type", "text/csv; charset=utf-8")
        .header(
            "content-disposition",
            format!(
                "attachment; filename=\"candidatures-{}.csv\"",
                month.as_string()
            ),
        )
        .header("cache-control", "private, no-store")
        .body(csv)
        .build())
}
