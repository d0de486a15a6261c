//! What the acts on a PASS IAE (suspend, prolong) share: the PASS by number for a professional
//! entitled to it (R-PASS-10), who made its hires (R-SUSP-2, R-PROL-4), and the preview: with
//! `?dry_run=true` an act answers what it would do and writes nothing (STYLE 8).

use serde::Serialize;
use tremplin_domain::{Date, Error, Invalid, PassNumber};

use crate::db::{unreadable, Db};
use crate::party::{self, entitlement, Entitlement, Party};
use crate::repo::organizations::Organization;
use crate::repo::passes::{self, Hire, StoredPass};
use crate::{json, Ctx, Response};

/// The caller's organization and the PASS an act is about: 404 for anyone R-PASS-10 does not
/// entitle (as reading it), 403 for a candidate.
pub fn entitled_pass(
    ctx: &Ctx,
    stored: Option<StoredPass>,
) -> Result<(&Organization, StoredPass), Error> {
    let party = party::of(ctx)?;
    let stored = stored.ok_or_else(Error::not_found)?;
    if !matches!(
        entitlement(ctx, &party, &stored.candidate_id)?,
        Entitlement::Entitled
    ) {
        return Err(Error::not_found());
    }
    match party {
        Party::Professional { organization, .. } => Ok((organization, stored)),
        Party::Candidate { .. } => Err(Error::Forbidden {
            detail: "Seuls la structure qui vous emploie et les prescripteurs habilités agissent \
                sur votre PASS IAE."
                .into(),
        }),
    }
}

/// The PASS of the route's `:number` (400 if malformed).
pub fn by_number(ctx: &Ctx) -> Result<Option<StoredPass>, Error> {
    let number = PassNumber::parse(ctx.param("number"))
        .map_err(|invalid| Error::query("number", invalid))?;
    passes::find_by_number(ctx.db()?, &number)
}

/// The hires on a PASS still in force, first hire first (by hiring start, then accept).
pub struct Hires(Vec<Hire>);

impl Hires {
    pub fn read(db: &Db, pass_id: &str) -> Result<Hires, Error> {
        Ok(Hires(passes::hires(db, pass_id)?))
    }

    /// The structure of the last hire (R-SUSP-2) at `today`: the latest hire that has started
    /// (a hire accepted for a later date takes over on its first day; until then the current
    /// employer keeps the right), or the first one while none has.
    pub fn last_structure(&self, today: Date) -> Option<&str> {
        let today = today.to_string();
        self.0
            .iter()
            .rev()
            .find(|hire| hire.hiring_start_at.as_deref() <= Some(today.as_str()))
            .or(self.0.first())
            .map(|hire| hire.structure.id.as_str())
    }

    /// Whether `structure_id` made one of them (R-PROL-4).
    pub fn include(&self, structure_id: &str) -> bool {
        self.0.iter().any(|hire| hire.structure.id == structure_id)
    }

    /// The hires' first days (R-SUSP-6).
    pub fn starts(&self) -> Result<Vec<Date>, Error> {
        self.0
            .iter()
            .map(|hire| {
                let start = hire.hiring_start_at.as_deref().unwrap_or_default();
                Date::parse(start).map_err(|e| unreadable("applications.hiring_start_at", e))
            })
            .collect()
    }
}

/// `?dry_run=true|false` (absent: false; present without a value: 400, never the real act).
/// Every act is authenticated: the caller is known (401) before any parameter is judged.
pub fn dry_run(ctx: &Ctx) -> Result<bool, Error> {
    ctx.actor()?;
    match ctx.query_param("dry_run").as_deref() {
        None if !ctx.has_query_key("dry_run") => Ok(false),
        Some("false") => Ok(false),
        Some("true") => Ok(true),
        _ => Err(Error::query(
            "dry_run",
            Invalid::new("invalid_dry_run", "Valeurs possibles : true, false."),
        )),
    }
}

/// An act's plan, made from the database as it is: under the write lock for the act itself, on
/// a plain read for its preview.
pub trait Plan: Sized {
    /// The answer's body: what the act did (or would do) and the PASS after it.
    type Answer: Serialize;

    fn answer(&self) -> Self::Answer;

    /// Writes the plan and its audit row, in the act's transaction.
    fn apply(&self, ctx: &Ctx, db: &Db) -> Result<(), Error>;
}

#[derive(Serialize)]
struct Preview<A> {
    dry_run: bool,
    #[serde(flatten)]
    answer: A,
}

/// The act: `plan` read under the write lock and applied, answered with `status`; or, with
/// `?dry_run=true`, `plan` made on a plain read and answered 200 with `"dry_run": true`,
/// nothing written (GET-like: no lock, no audit, no idempotency record).
pub fn act<P: Plan>(
    ctx: &Ctx,
    status: u16,
    plan: impl Fn(&Db) -> Result<P, Error>,
) -> Result<Response, Error> {
    if dry_run(ctx)? {
        let planned = plan(ctx.db()?)?;
        return json(
            200,
            &Preview {
                dry_run: true,
                answer: planned.answer(),
            },
        );
    }
    ctx.write(|db| {
        let planned = plan(db)?;
        planned.apply(ctx, db)?;
        json(
            status,
            &Preview {
                dry_run: false,
                answer: planned.answer(),
            },
        )
    })
}
