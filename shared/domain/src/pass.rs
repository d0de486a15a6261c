//! The PASS IAE's dates and what a hire does to them (R-PASS-2..9): issuance, reuse, the waiting
//! period, the state and the remainder at a date. Pure: the `decide` and `pass` components give
//! it the candidate's PASS, the structure and the dates, and store what it decides.

use crate::error::{Error, FieldErrors};
use crate::{Date, DateRange, PassNumber};

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

    /// The French text saying why, shown with the hire.
    pub fn text(&self) -> String {
        match self {
            PassOutcome::Issue(dates) => format!(
                "PASS IAE délivré, valable du {} au {}.",
                dates.start(),
                dates.end()
            ),
            PassOutcome::Reuse { number, dates } => format!(
                "Le candidat garde son PASS IAE n° {}, valable du {} au {}.",
                number.display(),
                dates.start(),
                dates.end()
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

/// The day the waiting period after a PASS ending on `end` is over: the last day a new PASS is
/// still refused (R-PASS-5). Our reading: "2 calendar years after the end" includes the day two
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

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn pass(start: &str, end: &str) -> Pass {
        Pass {
            number: PassNumber::parse("999990000042").unwrap(),
            dates: DateRange::new(d(start), d(end)).unwrap(),
        }
    }

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
}
