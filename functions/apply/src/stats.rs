//! `GET /api/v1/stats` (R-STAT-1, issue 10 item 2): the figures of an organization, a
//! department, a region or the country over whole months, read from 0012's counters. National
//! and departmental figures are public, and so under statistical secrecy (shared/domain's
//! stats); an organization's are its members' and its territory's administration's (404 to
//! anyone else, who may not know it exists); a region's are its administrations'.
//! `GET /api/v1/admin/stats/check`: the national administration compares every counter with
//! what the raw rows count.

use serde_json::json;
use tremplin_domain::organization::Category;
use tremplin_domain::stats::{period, Figures, Scope};
use tremplin_domain::Error;
use tremplin_platform::repo::organizations;
use tremplin_platform::repo::stats::{self as repo, Keys};
use tremplin_platform::{json, Ctx, Response};

pub fn read(ctx: &Ctx) -> Result<Response, Error> {
    let scope = Scope::parse(
        ctx.query_param("scope").as_deref(),
        ctx.query_param("code").as_deref(),
    );
    let period = period(
        ctx.query_param("from").as_deref(),
        ctx.query_param("to").as_deref(),
        ctx.clock.today(),
    );
    let (scope, period) = match (scope, period) {
        (Ok(scope), Ok(period)) => (scope, period),
        (scope, period) => {
            let mut errors = scope.err().unwrap_or_default();
            errors.extend(period.err().unwrap_or_default());
            return Err(Error::BadRequest {
                code: "invalid_query",
                detail: "Paramètres de statistiques invalides.".into(),
                errors,
            });
        }
    };
    let keys = allowed_keys(ctx, &scope)?;
    let public = scope.is_public();
    let counts = repo::counts(ctx.db()?, &keys, period)?;
    let (name, code) = match &scope {
        Scope::National => ("national", None),
        Scope::Department(code) => ("department", Some(code)),
        Scope::Region(code) => ("region", Some(code)),
        Scope::Organization(id) => ("organization", Some(id)),
    };
    let mut answer = json!({
        "scope": name, "code": code, "from": period.from, "to": period.to, "public": public,
    });
    let figures = serde_json::to_value(Figures::of(&counts, period, public))
        .map_err(|e| Error::internal(e.to_string()))?;
    if let (Some(answer), serde_json::Value::Object(figures)) = (answer.as_object_mut(), figures) {
        answer.extend(figures);
    }
    json(200, &answer)
}

/// The counter rows `scope` sums, once the caller may read them.
fn allowed_keys(ctx: &Ctx, scope: &Scope) -> Result<Keys, Error> {
    let public = |applications, pass_acts, code: &str| Keys {
        applications,
        pass_acts,
        codes: vec![code.to_owned()],
    };
    match scope {
        Scope::National => Ok(public("national", &["national"], "")),
        Scope::Department(code) => Ok(public("department", &["department"], code)),
        Scope::Region(code) => {
            let actor = ctx.actor()?;
            let departments = repo::region_departments(ctx.db()?, code)?;
            if departments.is_empty() {
                return Err(Error::not_found());
            }
            if !actor.administers(None) && !departments.iter().any(|d| actor.administers(Some(d))) {
                return Err(Error::Forbidden {
                    detail: "Les chiffres d'une région sont réservés à son administration.".into(),
                });
            }
            Ok(Keys {
                applications: "department",
                pass_acts: &["department"],
                codes: departments,
            })
        }
        Scope::Organization(id) => {
            let actor = ctx.actor()?;
            let organization = organizations::find(ctx.db()?, id)?.ok_or_else(Error::not_found)?;
            let department = organization.address.department.as_deref();
            if actor.role_in(id).is_none() && !actor.administers(department) {
                return Err(Error::not_found());
            }
            // A prescriber's figures are those of the applications it sent and its acts on
            // PASS; a structure's, those it received and its acts.
            let (applications, pass_acts): (_, &'static [&'static str]) =
                match organization.kind.category() {
                    Category::Structure => ("structure", &["organization"]),
                    _ => ("sender", &["sender", "organization"]),
                };
            Ok(public(applications, pass_acts, id))
        }
    }
}

pub fn check(ctx: &Ctx) -> Result<Response, Error> {
    let actor = ctx.actor()?;
    if !actor.administers(None) {
        return Err(Error::Forbidden {
            detail: "Réservé à l'administration nationale.".into(),
        });
    }
    let differences = repo::differences(ctx.db()?)?;
    json(
        200,
        &json!({"consistent": differences.is_empty(), "differences": differences}),
    )
}
