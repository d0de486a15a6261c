//! Suspensions of a PASS IAE (R-SUSP-1..6): who may suspend with which reason, the dates a
//! suspension may take, and how each act (create, edit, end early, delete, a re-hire) moves the
//! PASS end. Pure: the `suspend` and `decide` components give it the PASS, its suspensions and
//! the clock, and store what it decides.

use crate::error::{Error, FieldErrors, Invalid};
use crate::pass::Pass;
use crate::{Date, DateRange};

/// R-SUSP-3: a suspension lasts at most 36 months (its end ≤ start + 36 months − 1 day).
pub const MAX_MONTHS: i32 = 36;
/// R-SUSP-3: its start is at most this many days in the past.
pub const MAX_DAYS_BACK: i64 = 365;

/// One row of R-SUSP-1/2: a reason, its label, whether an authorized prescriber may give it,
/// and the structure kinds it is limited to (`None`: every kind).
#[derive(Debug, PartialEq, Eq)]
pub struct SuspensionReason {
    pub code: &'static str,
    pub label: &'static str,
    pub prescriber_may: bool,
    pub only_kinds: Option<&'static [&'static str]>,
}

/// R-SUSP-1/2 as one table: validation, messages and the forms' choices all read it.
pub const REASONS: &[SuspensionReason] = &[
    SuspensionReason {
        code: "CONTRACT_SUSPENDED",
        label: "Contrat de travail suspendu depuis plus de 15 jours",
        prescriber_may: false,
        only_kinds: None,
    },
    SuspensionReason {
        code: "CONTRACT_BROKEN",
        label: "Contrat de travail rompu",
        prescriber_may: true,
        only_kinds: None,
    },
    SuspensionReason {
        code: "FINISHED_CONTRACT",
        label: "Contrat de travail terminé",
        prescriber_may: true,
        only_kinds: None,
    },
    SuspensionReason {
        code: "APPROVAL_BETWEEN_CTA_MEMBERS",
        label: "Situation faisant l'objet d'un accord entre les acteurs membres du CTA",
        prescriber_may: true,
        only_kinds: None,
    },
    SuspensionReason {
        code: "CONTRAT_PASSERELLE",
        label: "Bascule dans l'expérimentation contrat passerelle",
        prescriber_may: false,
        only_kinds: Some(&["ACI", "ACIPHC", "EI"]),
    },
];

/// Who suspends (R-SUSP-2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suspender<'a> {
    /// The structure of the candidate's last hire, of this kind.
    Structure { kind: &'a str },
    /// An authorized prescriber who finds the person no longer has a contract.
    AuthorizedPrescriber,
}

impl SuspensionReason {
    /// Whether `who` may give this reason (R-SUSP-1's kinds, R-SUSP-2's prescriber reasons).
    pub fn allowed_for(&self, who: Suspender<'_>) -> bool {
        match who {
            Suspender::AuthorizedPrescriber => self.prescriber_may,
            Suspender::Structure { kind } => self.only_kinds.is_none_or(|k| k.contains(&kind)),
        }
    }

    /// The reason `code`, if `who` may give it.
    pub fn parse(code: &str, who: Suspender<'_>) -> Result<&'static SuspensionReason, Invalid> {
        let allowed: Vec<&str> = REASONS
            .iter()
            .filter(|r| r.allowed_for(who))
            .map(|r| r.code)
            .collect();
        REASONS
            .iter()
            .find(|r| r.code == code && r.allowed_for(who))
            .ok_or_else(|| {
                Invalid::new(
                    "invalid_suspension_reason",
                    format!(
                        "Motif de suspension inconnu ou non autorisé pour vous (valeurs \
                         possibles : {}).",
                        allowed.join(", ")
                    ),
                )
            })
    }

    /// The stored code read back (any reason, whoever gave it).
    pub fn of_code(code: &str) -> Option<&'static SuspensionReason> {
        REASONS.iter().find(|r| r.code == code)
    }
}

/// R-SUSP-3: the latest end for a suspension starting on `start`, also "end unknown".
pub fn max_end(start: Date) -> Date {
    start.add_months(MAX_MONTHS).add_days(-1)
}

/// R-SUSP-4: how many days a suspension adds to the PASS end (one less than its inclusive length).
pub fn days_added(suspension: DateRange) -> i64 {
    suspension.start().days_until(suspension.end())
}

/// A suspension of the PASS as the rules see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suspension {
    pub id: String,
    pub dates: DateRange,
}

impl Suspension {
    /// R-SUSP-5: in progress = covers today; only then may it be edited, ended or deleted.
    pub fn in_progress(&self, today: Date) -> bool {
        self.dates.contains(today)
    }
}

/// What an act does: the suspension's dates after it (`None`: deleted) and the PASS's new dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Effect {
    pub suspension: Option<DateRange>,
    pub pass: DateRange,
}

fn moved_end(pass: &Pass, days: i64) -> DateRange {
    DateRange::new(pass.dates.start(), pass.dates.end().add_days(days))
        .unwrap_or_else(|_| unreachable!("a suspension never moves the end before the start"))
}

fn field_error(code: &'static str, field: &str, message: String) -> Error {
    Error::Unprocessable {
        code,
        detail: message.clone(),
        errors: FieldErrors::from([(field.to_owned(), vec![message])]),
    }
}

fn rule_error(code: &'static str, detail: String) -> Error {
    Error::Unprocessable {
        code,
        detail,
        errors: FieldErrors::new(),
    }
}

/// R-SUSP-3's end: at least the start, at most [`max_end`].
fn check_end(start: Date, end: Date, field: &str) -> Result<(), Error> {
    if end < start {
        return Err(field_error(
            "invalid_suspension_end",
            field,
            format!("La fin doit être le {start} ou après."),
        ));
    }
    if end > max_end(start) {
        return Err(field_error(
            "invalid_suspension_end",
            field,
            format!(
                "Une suspension dure au plus 36 mois : fin le {} au plus tard (R-SUSP-3).",
                max_end(start)
            ),
        ));
    }
    Ok(())
}

/// R-SUSP-3: never two suspensions of one PASS on the same day; the message names the other.
fn check_no_overlap(
    dates: DateRange,
    others: &[Suspension],
    except: Option<&str>,
) -> Result<(), Error> {
    match others
        .iter()
        .find(|o| Some(o.id.as_str()) != except && o.dates.overlaps(&dates))
    {
        Some(other) => Err(Error::Unprocessable {
            code: "suspension_overlap",
            detail: format!(
                "Ces dates chevauchent la suspension du {} au {} (R-SUSP-3).",
                other.dates.start().french(),
                other.dates.end().french()
            ),
            errors: FieldErrors::from([(
                "start_at".to_owned(),
                vec![format!(
                    "Chevauche la suspension du {} au {}.",
                    other.dates.start(),
                    other.dates.end()
                )],
            )]),
        }),
        None => Ok(()),
    }
}

/// R-SUSP-6: a suspension never runs over the start of a later hire on the PASS, which ends it
/// the day before: the latest end a suspension from `start` may have, given the starts of the
/// PASS's hires.
pub fn latest_end_before_next_hire(start: Date, hire_starts: &[Date]) -> Option<Date> {
    hire_starts
        .iter()
        .filter(|&&hire| hire > start)
        .min()
        .map(|next| next.add_days(-1))
}

fn check_before_next_hire(
    dates: DateRange,
    hire_starts: &[Date],
    field: &str,
) -> Result<(), Error> {
    match latest_end_before_next_hire(dates.start(), hire_starts) {
        Some(latest) if dates.end() > latest => Err(field_error(
            "suspension_over_hire",
            field,
            format!(
                "Au plus tard le {} : une embauche commence le {} sur ce PASS IAE et met fin à \
                 la suspension (R-SUSP-6).",
                latest.french(),
                latest.add_days(1).french()
            ),
        )),
        _ => Ok(()),
    }
}

/// R-SUSP-2/3/4/6: a new suspension from `start` to `end` (`None`: end unknown, the maximum, or
/// the day before a later hire on the PASS) of `pass`, given its `existing` suspensions and the
/// starts of its hires, at `today`.
pub fn create(
    pass: &Pass,
    existing: &[Suspension],
    start: Date,
    end: Option<Date>,
    today: Date,
    hire_starts: &[Date],
) -> Result<Effect, Error> {
    if !pass.dates.contains(today) {
        return Err(rule_error(
            "pass_not_in_progress",
            "Seul un PASS IAE en cours peut être suspendu (R-SUSP-2).".into(),
        ));
    }
    if existing.iter().any(|s| s.in_progress(today)) {
        return Err(rule_error(
            "pass_already_suspended",
            "Ce PASS IAE est déjà suspendu : modifiez la suspension en cours (R-SUSP-2).".into(),
        ));
    }
    if start > today {
        return Err(field_error(
            "invalid_suspension_start",
            "start_at",
            "Une suspension ne peut pas commencer dans le futur (R-SUSP-3).".into(),
        ));
    }
    let earliest = today.add_days(-MAX_DAYS_BACK).max(pass.dates.start());
    if start < earliest {
        return Err(field_error(
            "invalid_suspension_start",
            "start_at",
            format!(
                "Au plus tôt le {earliest} : dans la période du PASS et au plus 365 jours en \
                 arrière (R-SUSP-3)."
            ),
        ));
    }
    if let Some(previous) = existing.iter().map(|s| s.dates.end()).max() {
        if start <= previous {
            return Err(field_error(
                "invalid_suspension_start",
                "start_at",
                format!(
                    "Au plus tôt le {}, lendemain de la fin de la suspension précédente (R-SUSP-3).",
                    previous.add_days(1)
                ),
            ));
        }
    }
    let end = end.unwrap_or_else(|| {
        let longest = max_end(start);
        latest_end_before_next_hire(start, hire_starts).map_or(longest, |l| l.min(longest))
    });
    check_end(start, end, "end_at")?;
    let dates = DateRange::new(start, end).unwrap_or_else(|_| unreachable!("checked above"));
    check_no_overlap(dates, existing, None)?;
    check_before_next_hire(dates, hire_starts, "end_at")?;
    Ok(Effect {
        suspension: Some(dates),
        pass: moved_end(pass, days_added(dates)),
    })
}

fn in_progress(suspension: &Suspension, today: Date) -> Result<&Suspension, Error> {
    if suspension.in_progress(today) {
        Ok(suspension)
    } else {
        Err(rule_error(
            "suspension_not_in_progress",
            "Seule une suspension en cours se modifie ou se supprime (R-SUSP-5).".into(),
        ))
    }
}

/// R-SUSP-4/5/6: the end of a suspension in progress changes (never over a later hire's start);
/// the PASS end by the difference.
pub fn edit_end(
    pass: &Pass,
    suspension: &Suspension,
    others: &[Suspension],
    end: Date,
    today: Date,
    hire_starts: &[Date],
) -> Result<Effect, Error> {
    let current = in_progress(suspension, today)?.dates;
    check_end(current.start(), end, "end_at")?;
    let dates = DateRange::new(current.start(), end).unwrap_or_else(|_| unreachable!("checked"));
    check_no_overlap(dates, others, Some(&suspension.id))?;
    check_before_next_hire(dates, hire_starts, "end_at")?;
    Ok(Effect {
        suspension: Some(dates),
        pass: moved_end(pass, days_added(dates) - days_added(current)),
    })
}

/// R-SUSP-5: back at work on `first_day_back` (strictly between start and end): it ends the
/// day before.
pub fn end_early(
    pass: &Pass,
    suspension: &Suspension,
    first_day_back: Date,
    today: Date,
) -> Result<Effect, Error> {
    let current = in_progress(suspension, today)?.dates;
    if first_day_back <= current.start() || first_day_back >= current.end() {
        return Err(field_error(
            "invalid_first_day_back",
            "first_day_back",
            format!(
                "Le premier jour de reprise est entre le {} et le {}, exclus (R-SUSP-5).",
                current.start(),
                current.end()
            ),
        ));
    }
    let dates = DateRange::new(current.start(), first_day_back.add_days(-1))
        .unwrap_or_else(|_| unreachable!("after the start"));
    Ok(Effect {
        suspension: Some(dates),
        pass: moved_end(pass, days_added(dates) - days_added(current)),
    })
}

/// R-SUSP-4/5: a suspension in progress is deleted; the PASS end moves back.
pub fn delete(pass: &Pass, suspension: &Suspension, today: Date) -> Result<Effect, Error> {
    let current = in_progress(suspension, today)?.dates;
    Ok(Effect {
        suspension: None,
        pass: moved_end(pass, -days_added(current)),
    })
}

/// R-SUSP-6: a new hire on the PASS starting `hire_start` ends the suspension in progress the day
/// before (deletes it if it started that very day). `None`: no suspension is in progress, or it
/// ends before the hire anyway.
pub fn cut_by_hire(
    pass: &Pass,
    existing: &[Suspension],
    hire_start: Date,
    today: Date,
) -> Option<(String, Effect)> {
    let running = existing.iter().find(|s| s.in_progress(today))?;
    let current = running.dates;
    if current.end() < hire_start {
        return None;
    }
    let kept = DateRange::new(current.start(), hire_start.add_days(-1)).ok();
    let added = kept.map_or(0, days_added);
    Some((
        running.id.clone(),
        Effect {
            suspension: kept,
            pass: moved_end(pass, added - days_added(current)),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{d, pass};

    fn suspension(id: &str, start: &str, end: &str) -> Suspension {
        Suspension {
            id: id.into(),
            dates: DateRange::new(d(start), d(end)).unwrap(),
        }
    }

    fn code(result: Result<Effect, Error>) -> &'static str {
        match result {
            Err(Error::Unprocessable { code, .. }) => code,
            other => panic!("expected a 422, got {other:?}"),
        }
    }

    const ACI: Suspender<'static> = Suspender::Structure { kind: "ACI" };

    #[test]
    fn r_susp_3_the_maximum_end_is_36_months_less_a_day_clamped_at_month_ends() {
        assert_eq!(max_end(d("2024-01-15")), d("2027-01-14"));
        assert_eq!(max_end(d("2024-02-29")), d("2027-02-27"));
    }

    #[test]
    fn r_susp_1_2_reasons_per_suspender() {
        assert!(SuspensionReason::parse("CONTRAT_PASSERELLE", ACI).is_ok());
        assert!(
            SuspensionReason::parse("CONTRAT_PASSERELLE", Suspender::Structure { kind: "EI" })
                .is_ok()
        );
        let ai = SuspensionReason::parse("CONTRAT_PASSERELLE", Suspender::Structure { kind: "AI" });
        assert!(!ai.unwrap_err().message.contains("CONTRAT_PASSERELLE"));
        assert!(
            SuspensionReason::parse("CONTRACT_SUSPENDED", Suspender::AuthorizedPrescriber).is_err()
        );
        for code in [
            "CONTRACT_BROKEN",
            "FINISHED_CONTRACT",
            "APPROVAL_BETWEEN_CTA_MEMBERS",
        ] {
            assert!(SuspensionReason::parse(code, Suspender::AuthorizedPrescriber).is_ok());
        }
        assert!(
            SuspensionReason::parse("contract_broken", ACI).is_err(),
            "codes are exact"
        );
    }

    #[test]
    fn r_susp_3_4_a_new_suspension_moves_the_end_by_end_minus_start() {
        let p = pass("2025-01-01", "2026-12-31");
        let today = d("2026-03-02");
        let effect = create(&p, &[], d("2026-03-01"), Some(d("2026-03-10")), today, &[]).unwrap();
        assert_eq!(effect.pass.end(), d("2027-01-09"), "9 days");
        let same_day = create(&p, &[], today, Some(today), today, &[]).unwrap();
        assert_eq!(
            same_day.pass, p.dates,
            "an end equal to its start adds 0 days"
        );
        let unknown = create(&p, &[], today, None, today, &[]).unwrap();
        assert_eq!(unknown.suspension.unwrap().end(), max_end(today));
        assert_eq!(
            unknown.pass.end(),
            d("2026-12-31").add_days(today.days_until(max_end(today)))
        );
    }

    #[test]
    fn r_susp_3_start_365_days_back_accepted_366_refused_future_refused() {
        let p = pass("2024-01-01", "2026-12-31");
        let today = d("2026-03-02");
        assert!(create(&p, &[], today.add_days(-365), Some(today), today, &[]).is_ok());
        assert_eq!(
            code(create(
                &p,
                &[],
                today.add_days(-366),
                Some(today),
                today,
                &[]
            )),
            "invalid_suspension_start"
        );
        assert_eq!(
            code(create(&p, &[], today.add_days(1), None, today, &[])),
            "invalid_suspension_start"
        );
        let late_pass = pass("2026-01-01", "2027-12-31");
        assert_eq!(
            code(create(&late_pass, &[], d("2025-12-31"), None, today, &[])),
            "invalid_suspension_start",
            "before the PASS start"
        );
    }

    #[test]
    fn r_susp_2_only_a_pass_in_progress_and_not_already_suspended() {
        let today = d("2026-03-02");
        assert_eq!(
            code(create(
                &pass("2026-04-01", "2028-03-30"),
                &[],
                today,
                None,
                today,
                &[]
            )),
            "pass_not_in_progress"
        );
        assert_eq!(
            code(create(
                &pass("2024-01-01", "2026-03-01"),
                &[],
                today,
                None,
                today,
                &[]
            )),
            "pass_not_in_progress"
        );
        let running = [suspension("s1", "2026-03-01", "2026-03-20")];
        assert_eq!(
            code(create(
                &pass("2025-01-01", "2026-12-31"),
                &running,
                today,
                None,
                today,
                &[]
            )),
            "pass_already_suspended"
        );
    }

    #[test]
    fn r_susp_6_never_over_a_later_hire_and_end_unknown_stops_the_day_before() {
        let p = pass("2026-01-01", "2027-12-31");
        let today = d("2026-06-01");
        let hires = [d("2026-01-01"), d("2026-06-10")];
        let unknown = create(&p, &[], today, None, today, &hires).unwrap();
        assert_eq!(
            unknown.suspension,
            Some(DateRange::new(d("2026-06-01"), d("2026-06-09")).unwrap())
        );
        assert_eq!(
            code(create(&p, &[], today, Some(d("2026-06-10")), today, &hires)),
            "suspension_over_hire"
        );
        // A hire that started on the suspension's start is the contract it suspends.
        let same_day = [d("2026-06-01")];
        assert!(create(&p, &[], today, Some(d("2026-06-30")), today, &same_day).is_ok());
        let s = suspension("s", "2026-06-01", "2026-06-09");
        assert_eq!(
            code(edit_end(
                &p,
                &s,
                std::slice::from_ref(&s),
                d("2029-05-31"),
                today,
                &hires
            )),
            "suspension_over_hire"
        );
        assert!(edit_end(
            &p,
            &s,
            std::slice::from_ref(&s),
            d("2026-06-05"),
            today,
            &hires
        )
        .is_ok());
    }

    #[test]
    fn r_susp_3_never_before_the_day_after_the_previous_one_and_no_overlap() {
        let p = pass("2025-01-01", "2026-12-31");
        let today = d("2026-03-02");
        let past = [suspension("s1", "2026-01-10", "2026-02-10")];
        assert!(create(&p, &past, d("2026-02-11"), None, today, &[]).is_ok());
        assert_eq!(
            code(create(&p, &past, d("2026-02-10"), None, today, &[])),
            "invalid_suspension_start"
        );
        // An edit of a suspension in progress that would reach a later one names it.
        let both = [
            suspension("s1", "2026-03-01", "2026-03-05"),
            suspension("s2", "2026-03-06", "2026-03-09"),
        ];
        match edit_end(&p, &both[0], &both, d("2026-03-07"), today, &[]) {
            Err(Error::Unprocessable { code, detail, .. }) => {
                assert_eq!(code, "suspension_overlap");
                assert!(detail.contains("6 mars 2026"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn r_susp_4_5_edit_end_early_and_delete_adjust_the_end_exactly() {
        let today = d("2026-03-05");
        let s = suspension("s1", "2026-03-01", "2026-03-31");
        // The PASS end already carries the suspension's 30 days.
        let p = pass("2025-01-01", "2027-01-30");
        let longer = edit_end(
            &p,
            &s,
            std::slice::from_ref(&s),
            d("2026-04-10"),
            today,
            &[],
        )
        .unwrap();
        assert_eq!(longer.pass.end(), d("2027-02-09"));
        let early = end_early(&p, &s, d("2026-03-11"), today).unwrap();
        assert_eq!(early.suspension.unwrap().end(), d("2026-03-10"));
        assert_eq!(
            early.pass.end(),
            d("2027-01-09"),
            "21 days fewer (30 added, now 9)"
        );
        let gone = delete(&p, &s, today).unwrap();
        assert_eq!((gone.suspension, gone.pass.end()), (None, d("2026-12-31")));
        assert_eq!(
            code(end_early(&p, &s, d("2026-03-01"), today)),
            "invalid_first_day_back"
        );
        assert_eq!(
            code(end_early(&p, &s, d("2026-03-31"), today)),
            "invalid_first_day_back"
        );
        assert_eq!(
            code(edit_end(&p, &s, &[], d("2026-02-28"), today, &[])),
            "invalid_suspension_end"
        );
        let finished = suspension("s0", "2026-01-01", "2026-01-31");
        assert_eq!(
            code(delete(&p, &finished, today)),
            "suspension_not_in_progress"
        );
        assert_eq!(
            code(edit_end(&p, &finished, &[], d("2026-02-10"), today, &[])),
            "suspension_not_in_progress"
        );
    }

    #[test]
    fn r_susp_6_a_rehire_cuts_the_running_suspension_or_deletes_it_if_it_started_that_day() {
        let p = pass("2025-01-01", "2027-01-30");
        let running = [suspension("s1", "2026-03-01", "2026-03-31")];
        let (id, cut) = cut_by_hire(&p, &running, d("2026-03-10"), d("2026-03-05")).unwrap();
        assert_eq!(id, "s1");
        assert_eq!(cut.suspension.unwrap().end(), d("2026-03-09"));
        assert_eq!(cut.pass.end(), d("2027-01-30").add_days(8 - 30));
        let (_, deleted) = cut_by_hire(&p, &running, d("2026-03-01"), d("2026-03-01")).unwrap();
        assert_eq!(
            (deleted.suspension, deleted.pass.end()),
            (None, d("2026-12-31"))
        );
        assert_eq!(
            cut_by_hire(&p, &running, d("2026-04-01"), d("2026-03-05")),
            None,
            "ends before"
        );
        assert_eq!(
            cut_by_hire(&p, &running, d("2026-04-10"), d("2026-04-02")),
            None,
            "not running"
        );
    }
}
