//! The PASS IAE's dates and what a hire does to them (R-PASS-2..9): issuance, reuse, the waiting
//! period, the state and the remainder at a date. Pure: the `decide` and `pass` components give
//! it the candidate's PASS, the structure and the dates, and store what it decides.

use crate::error::{Error, FieldErrors, Invalid};
use crate::{Date, DateRange, PassNumber};
use serde::Serialize;

/// R-PASS-2: end = start + 729 days (730 days counting both ends, not "start + 2 years").
pub const PASS_DAYS_AFTER_START: i64 = 729;
/// R-PASS-5: the waiting period lasts this many calendar years after the last PASS's end.
pub const WAITING_PERIOD_YEARS: i32 = 2;

/// R-PASS-2: a new PASS's dates for a hire starting on `start`.
pub fn issued_dates(start: Date) -> DateRange {
    DateRange::new(start, start.add_days(PASS_DAYS_AFTER_START))
        .unwrap_or_else(|_| unreachable!("the end is 729 days after the start"))
}

/// A PASS as stored: its number and dates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pass {
    pub number: PassNumber,
    pub dates: DateRange,
}

/// R-PASS-3, in the rule's order of precedence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PassState {
    Expired,
    Suspended,
    Valid,
    Future,
}

impl PassState {
    pub fn as_str(self) -> &'static str {
        match self {
            PassState::Expired => "expired",
            PassState::Suspended => "suspended",
            PassState::Valid => "valid",
            PassState::Future => "future",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PassState::Expired => "Expiré",
            PassState::Suspended => "Suspendu",
            PassState::Valid => "Valide",
            PassState::Future => "Valide (pas encore commencé)",
        }
    }
}

impl Pass {
    /// R-PASS-3: valid while today ≤ end.
    pub fn is_valid(&self, today: Date) -> bool {
        today <= self.dates.end()
    }

    /// R-PASS-3 at `today`, given the PASS's suspensions.
    pub fn state(&self, today: Date, suspensions: &[DateRange]) -> PassState {
        if !self.is_valid(today) {
            PassState::Expired
        } else if suspensions.iter().any(|s| s.contains(today)) {
            PassState::Suspended
        } else if today >= self.dates.start() {
            PassState::Valid
        } else {
            PassState::Future
        }
    }

    /// R-PASS-6: the inclusive days left until the end, counted from today or from the start if
    /// it is later, minus the days of suspensions still to come in that span.
    pub fn remainder_days(&self, today: Date, suspensions: &[DateRange]) -> i64 {
        let from = today.max(self.dates.start());
        let end = self.dates.end();
        if from > end {
            return 0;
        }
        let suspended: i64 = suspensions
            .iter()
            .map(|s| {
                let (start, stop) = (s.start().max(from), s.end().min(end));
                if start > stop {
                    0
                } else {
                    start.days_until(stop) + 1
                }
            })
            .sum();
        (from.days_until(end) + 1 - suspended).max(0)
    }
}

/// A PASS as every answer shows it (the decision, the application, the PASS list and view).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PassSummary {
    pub number: String,
    /// R-PASS-1: `99999 00 00001`.
    pub number_display: String,
    pub start_at: Date,
    pub end_at: Date,
    pub state: &'static str,
    pub state_label: &'static str,
    /// R-PASS-6.
    pub remainder_days: i64,
}

impl Pass {
    /// The PASS at `today` (R-PASS-3, R-PASS-6), given its suspensions.
    pub fn summary(&self, today: Date, suspensions: &[DateRange]) -> PassSummary {
        let state = self.state(today, suspensions);
        PassSummary {
            number: self.number.as_str().to_owned(),
            number_display: self.number.display(),
            start_at: self.dates.start(),
            end_at: self.dates.end(),
            state: state.as_str(),
            state_label: state.label(),
            remainder_days: self.remainder_days(today, suspensions),
        }
    }
}

/// What a PASS's history records: the actions of its audit rows, each with its label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PassEvent {
    /// R-PASS-2: issued by an accept.
    Issued,
    /// R-PASS-4: kept for another hire.
    Reused,
    /// R-PASS-4: not started yet, it moved to an earlier hire.
    Moved,
    /// R-PASS-7: its last hire was cancelled.
    Cancelled,
    /// R-SUSP-4: suspended (the end moves later).
    Suspended,
    /// R-SUSP-5: a suspension's end changed.
    SuspensionEdited,
    /// R-SUSP-5: back at work before the suspension's end.
    SuspensionEnded,
    /// R-SUSP-5: a suspension deleted (the end moves back).
    SuspensionDeleted,
    /// R-SUSP-6: a new hire ended the suspension in progress.
    SuspensionCutByHire,
    /// R-PROL-2: prolonged, directly or on a granted request.
    Prolonged,
    /// R-PROL-4: a prolongation asked of an authorized prescriber.
    ProlongationRequested,
    /// R-PROL-4: the request denied.
    ProlongationDenied,
    /// The request withdrawn by the structure that made it.
    ProlongationWithdrawn,
}

impl PassEvent {
    const ALL: [PassEvent; 13] = [
        PassEvent::Issued,
        PassEvent::Reused,
        PassEvent::Moved,
        PassEvent::Cancelled,
        PassEvent::Suspended,
        PassEvent::SuspensionEdited,
        PassEvent::SuspensionEnded,
        PassEvent::SuspensionDeleted,
        PassEvent::SuspensionCutByHire,
        PassEvent::Prolonged,
        PassEvent::ProlongationRequested,
        PassEvent::ProlongationDenied,
        PassEvent::ProlongationWithdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PassEvent::Issued => "issue_pass",
            PassEvent::Reused => "reuse_pass",
            PassEvent::Moved => "move_pass",
            PassEvent::Cancelled => "cancel_pass",
            PassEvent::Suspended => "suspend_pass",
            PassEvent::SuspensionEdited => "edit_suspension",
            PassEvent::SuspensionEnded => "end_suspension",
            PassEvent::SuspensionDeleted => "delete_suspension",
            PassEvent::SuspensionCutByHire => "cut_suspension",
            PassEvent::Prolonged => "prolong_pass",
            PassEvent::ProlongationRequested => "request_prolongation",
            PassEvent::ProlongationDenied => "deny_prolongation",
            PassEvent::ProlongationWithdrawn => "withdraw_prolongation_request",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PassEvent::Issued => "PASS IAE délivré",
            PassEvent::Reused => "PASS IAE repris pour une nouvelle embauche",
            PassEvent::Moved => "Dates avancées au début de l'embauche (R-PASS-4)",
            PassEvent::Cancelled => "PASS IAE annulé avec son embauche (R-PASS-7)",
            PassEvent::Suspended => "PASS IAE suspendu",
            PassEvent::SuspensionEdited => "Fin de la suspension modifiée",
            PassEvent::SuspensionEnded => "Suspension terminée par la reprise du travail",
            PassEvent::SuspensionDeleted => "Suspension supprimée",
            PassEvent::SuspensionCutByHire => {
                "Suspension terminée par une nouvelle embauche (R-SUSP-6)"
            }
            PassEvent::Prolonged => "PASS IAE prolongé",
            PassEvent::ProlongationRequested => "Prolongation demandée à un prescripteur habilité",
            PassEvent::ProlongationDenied => "Demande de prolongation refusée",
            PassEvent::ProlongationWithdrawn => "Demande de prolongation retirée par la structure",
        }
    }

    pub fn parse(action: &str) -> Result<PassEvent, Invalid> {
        PassEvent::ALL
            .into_iter()
            .find(|e| e.as_str() == action)
            .ok_or_else(|| {
                Invalid::new(
                    "invalid_pass_event",
                    format!("Événement inconnu : {action}."),
                )
            })
    }
}

/// What the hire's structure is, for R-PASS-8/9.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Employer {
    /// R-PASS-8: an IAE structure (ACI, AI, EI, ETTI, EITI…).
    pub is_iae: bool,
    /// R-PASS-9: an SIAE implanted in a penitentiary establishment.
    pub in_prison: bool,
}

/// Who vouches for the candidate's eligibility, for R-PASS-5's bypasses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vouchers {
    /// The application was sent by an authorized prescriber.
    pub sent_by_authorized_prescriber: bool,
    /// The candidate holds a valid diagnosis by an authorized prescriber (not an employer's).
    pub authorized_prescriber_diagnosis: bool,
}

/// What accepting does about the PASS: the answer's `pass_status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PassOutcome {
    /// A new PASS with these dates (the number is the database's, R-PASS-1).
    Issue(DateRange),
    /// The candidate's valid PASS, with its dates (moved when it had not started, R-PASS-4).
    Reuse {
        number: PassNumber,
        dates: DateRange,
    },
    /// R-PASS-8: a GEIQ, EA, EATT or OPCS hires without a PASS.
    NotIae,
    /// R-PASS-9: hired by an SIAE "in prison", recorded without a PASS.
    InPrison,
}

impl PassOutcome {
    /// The answer's `pass_status` code.
    pub fn code(&self) -> &'static str {
        match self {
            PassOutcome::Issue(_) => "issued",
            PassOutcome::Reuse { .. } => "reused",
            PassOutcome::NotIae => "not_iae",
            PassOutcome::InPrison => "in_prison",
        }
    }

    /// The outcome an accept recorded (`pass_status`), with the PASS as it is now: its dates
    /// may have moved since (R-PASS-4). `None` for a code no accept writes, or an issued or
    /// reused outcome whose PASS is gone (R-PASS-7).
    pub fn recorded(code: &str, pass: Option<&Pass>) -> Option<PassOutcome> {
        match (code, pass) {
            ("issued", Some(pass)) => Some(PassOutcome::Issue(pass.dates)),
            ("reused", Some(pass)) => Some(PassOutcome::Reuse {
                number: pass.number.clone(),
                dates: pass.dates,
            }),
            ("not_iae", _) => Some(PassOutcome::NotIae),
            ("in_prison", _) => Some(PassOutcome::InPrison),
            _ => None,
        }
    }

    /// The French text saying why, shown with the hire.
    pub fn text(&self) -> String {
        match self {
            PassOutcome::Issue(dates) => format!(
                "PASS IAE délivré, valable du {} au {}.",
                dates.start().french(),
                dates.end().french()
            ),
            PassOutcome::Reuse { number, dates } => format!(
                "Le candidat garde son PASS IAE n° {}, valable du {} au {}.",
                number.display(),
                dates.start().french(),
                dates.end().french()
            ),
            PassOutcome::NotIae => {
                "Embauche enregistrée sans PASS IAE : cette structure n'est pas une SIAE (R-PASS-8)."
                    .into()
            }
            PassOutcome::InPrison => "Embauche enregistrée sans PASS IAE : la structure est \
                implantée en établissement pénitentiaire (R-PASS-9)."
                .into(),
        }
    }
}

/// The waiting period's last day after a PASS ending on `end`: the last day a new PASS is still
/// refused (R-PASS-5). Our reading: "2 calendar years after the end" includes the day two
/// years after (a PASS ended 2024-03-10 blocks until 2026-03-10 included).
pub fn waiting_period_last_day(end: Date) -> Date {
    end.add_years(WAITING_PERIOD_YEARS)
}

/// R-PASS-2/4/5/8/9: what accepting a hire starting on `hire_start` does, given the candidate's
/// most recent PASS (`latest`), at `today`.
pub fn on_hire(
    employer: Employer,
    latest: Option<&Pass>,
    hire_start: Date,
    today: Date,
    vouchers: Vouchers,
) -> Result<PassOutcome, Error> {
    if !employer.is_iae {
        return Ok(PassOutcome::NotIae);
    }
    if employer.in_prison {
        return Ok(PassOutcome::InPrison);
    }
    let Some(pass) = latest else {
        return Ok(PassOutcome::Issue(issued_dates(hire_start)));
    };
    if pass.is_valid(today) {
        // R-PASS-4: the candidate keeps it; a hire after its end cannot use it.
        if hire_start > pass.dates.end() {
            return Err(Error::Unprocessable {
                code: "hire_after_pass_end",
                detail: format!(
                    "L'embauche commence après la fin du PASS IAE n° {} ({}) : choisissez une date \
                     de début au plus tard ce jour-là (R-PASS-4).",
                    pass.number.display(),
                    pass.dates.end()
                ),
                errors: FieldErrors::from([(
                    "hiring_start_at".to_owned(),
                    vec![format!("Au plus tard le {}.", pass.dates.end())],
                )]),
            });
        }
        let dates = if today < pass.dates.start() && hire_start < pass.dates.start() {
            issued_dates(hire_start)
        } else {
            pass.dates
        };
        return Ok(PassOutcome::Reuse {
            number: pass.number.clone(),
            dates,
        });
    }
    let in_waiting_period = today <= waiting_period_last_day(pass.dates.end());
    let bypassed =
        vouchers.sent_by_authorized_prescriber || vouchers.authorized_prescriber_diagnosis;
    if in_waiting_period && !bypassed {
        return Err(Error::Unprocessable {
            code: "waiting_period",
            detail: format!(
                "Le dernier PASS IAE du candidat (n° {}) a pris fin le {} : un nouveau PASS ne peut \
                 être délivré qu'après le {}, sauf sur prescription ou diagnostic d'un prescripteur \
                 habilité (délai de carence, R-PASS-5).",
                pass.number.display(),
                pass.dates.end(),
                waiting_period_last_day(pass.dates.end())
            ),
            errors: FieldErrors::new(),
        });
    }
    Ok(PassOutcome::Issue(issued_dates(hire_start)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{d, pass};

    const IAE: Employer = Employer {
        is_iae: true,
        in_prison: false,
    };
    const NOBODY: Vouchers = Vouchers {
        sent_by_authorized_prescriber: false,
        authorized_prescriber_diagnosis: false,
    };

    #[test]
    fn r_pass_2_a_pass_lasts_730_days_counting_both_ends_across_leap_years() {
        assert_eq!(issued_dates(d("2024-02-29")).end(), d("2026-02-27"));
        assert_eq!(issued_dates(d("2023-03-01")).end(), d("2025-02-27"));
        assert_eq!(issued_dates(d("2025-01-01")).days_inclusive(), 730);
    }

    #[test]
    fn r_pass_3_state_in_order_expired_suspended_valid_future() {
        let p = pass("2026-01-01", "2027-12-31");
        let suspension = [DateRange::new(d("2026-06-01"), d("2026-06-30")).unwrap()];
        assert_eq!(p.state(d("2025-12-31"), &[]), PassState::Future);
        assert_eq!(p.state(d("2026-01-01"), &[]), PassState::Valid);
        assert_eq!(p.state(d("2026-06-15"), &suspension), PassState::Suspended);
        assert_eq!(
            p.state(d("2027-12-31"), &[]),
            PassState::Valid,
            "the end day is valid"
        );
        assert_eq!(p.state(d("2028-01-01"), &suspension), PassState::Expired);
    }

    #[test]
    fn r_pass_6_remainder_counts_inclusive_days_from_today_or_the_start_minus_suspensions_ahead() {
        let p = pass("2026-01-01", "2026-01-31");
        assert_eq!(
            p.remainder_days(d("2025-12-01"), &[]),
            31,
            "not counting days before start"
        );
        assert_eq!(p.remainder_days(d("2026-01-31"), &[]), 1);
        assert_eq!(p.remainder_days(d("2026-02-01"), &[]), 0);
        let past_and_ahead = [
            DateRange::new(d("2026-01-02"), d("2026-01-05")).unwrap(),
            DateRange::new(d("2026-01-09"), d("2026-01-12")).unwrap(),
        ];
        // On the 10th: the first suspension is behind, 3 days (10–12) of the second are ahead.
        assert_eq!(p.remainder_days(d("2026-01-10"), &past_and_ahead), 22 - 3);
    }

    #[test]
    fn r_pass_8_9_no_pass_outside_iae_or_in_prison() {
        let geiq = Employer {
            is_iae: false,
            in_prison: false,
        };
        let prison = Employer {
            is_iae: true,
            in_prison: true,
        };
        let today = d("2026-03-01");
        assert_eq!(
            on_hire(geiq, None, today, today, NOBODY).unwrap(),
            PassOutcome::NotIae
        );
        assert_eq!(
            on_hire(prison, None, today, today, NOBODY).unwrap(),
            PassOutcome::InPrison
        );
        assert_eq!(
            on_hire(IAE, None, today, today, NOBODY).unwrap(),
            PassOutcome::Issue(issued_dates(today))
        );
    }

    #[test]
    fn r_pass_4_a_valid_pass_is_kept_its_start_moves_only_before_it_started() {
        let today = d("2026-03-01");
        let started = pass("2026-01-01", "2027-12-30");
        match on_hire(IAE, Some(&started), d("2026-03-10"), today, NOBODY).unwrap() {
            PassOutcome::Reuse { dates, .. } => assert_eq!(dates, started.dates),
            other => panic!("{other:?}"),
        }
        let future = pass("2026-05-01", "2028-04-29");
        match on_hire(IAE, Some(&future), d("2026-04-01"), today, NOBODY).unwrap() {
            PassOutcome::Reuse { dates, number } => {
                assert_eq!(number, future.number);
                assert_eq!(dates, issued_dates(d("2026-04-01")));
            }
            other => panic!("{other:?}"),
        }
        match on_hire(IAE, Some(&future), d("2026-06-01"), today, NOBODY).unwrap() {
            PassOutcome::Reuse { dates, .. } => assert_eq!(dates, future.dates, "later hire"),
            other => panic!("{other:?}"),
        }
        let ending = pass("2024-04-01", "2026-03-31");
        assert!(on_hire(IAE, Some(&ending), d("2026-03-31"), today, NOBODY).is_ok());
        match on_hire(IAE, Some(&ending), d("2026-04-01"), today, NOBODY) {
            Err(Error::Unprocessable { code, errors, .. }) => {
                assert_eq!(code, "hire_after_pass_end");
                assert!(errors.contains_key("hiring_start_at"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn r_pass_5_the_waiting_period_and_its_two_bypasses() {
        let today = d("2026-03-10");
        let refused = |end: &str, vouchers: Vouchers| {
            matches!(
                on_hire(IAE, Some(&pass("2020-01-01", end)), today, today, vouchers),
                Err(Error::Unprocessable {
                    code: "waiting_period",
                    ..
                })
            )
        };
        assert!(refused("2026-03-09", NOBODY), "ended yesterday");
        assert!(refused("2024-03-10", NOBODY), "ended exactly 2 years ago");
        assert!(
            !refused("2024-03-09", NOBODY),
            "ended 2 years and 1 day ago"
        );
        let by_sender = Vouchers {
            sent_by_authorized_prescriber: true,
            ..NOBODY
        };
        let by_diagnosis = Vouchers {
            authorized_prescriber_diagnosis: true,
            ..NOBODY
        };
        assert!(!refused("2026-03-09", by_sender));
        assert!(!refused("2026-03-09", by_diagnosis));
        assert_eq!(
            on_hire(
                IAE,
                Some(&pass("2020-01-01", "2026-03-09")),
                today,
                today,
                by_sender
            )
            .unwrap()
            .code(),
            "issued"
        );
    }

    #[test]
    fn a_summary_shows_the_number_for_people_and_the_state_and_remainder_at_the_date() {
        let summary = pass("2026-03-02", "2028-02-29").summary(d("2026-03-01"), &[]);
        assert_eq!(summary.number_display, "99999 00 00042");
        assert_eq!((summary.state, summary.remainder_days), ("future", 730));
        let suspended = [DateRange::new(d("2026-04-01"), d("2026-04-10")).unwrap()];
        let summary = pass("2026-03-02", "2028-02-29").summary(d("2026-04-05"), &suspended);
        assert_eq!(summary.state, "suspended");
        assert_eq!(
            summary.remainder_days,
            d("2026-04-05").days_until(d("2028-02-29")) + 1 - 6
        );
    }

    #[test]
    fn a_recorded_outcome_is_read_back_with_the_pass_as_it_is_now() {
        let now = pass("2026-03-02", "2028-02-29");
        assert_eq!(
            PassOutcome::recorded("issued", Some(&now)),
            Some(PassOutcome::Issue(now.dates))
        );
        assert!(matches!(
            PassOutcome::recorded("reused", Some(&now)),
            Some(PassOutcome::Reuse { .. })
        ));
        assert_eq!(PassOutcome::recorded("issued", None), None);
        assert_eq!(
            PassOutcome::recorded("in_prison", None),
            Some(PassOutcome::InPrison)
        );
        assert_eq!(PassOutcome::recorded("bogus", Some(&now)), None);
    }

    #[test]
    fn every_history_event_reads_back_from_its_audit_action() {
        for event in PassEvent::ALL {
            assert_eq!(PassEvent::parse(event.as_str()), Ok(event));
        }
        assert!(PassEvent::parse("decide_application").is_err());
    }

    #[test]
    fn the_outcome_text_writes_its_dates_the_french_way() {
        let issued = PassOutcome::Issue(issued_dates(d("2026-03-01")));
        assert_eq!(
            issued.text(),
            "PASS IAE délivré, valable du 1er mars 2026 au 28 février 2028."
        );
    }
}
