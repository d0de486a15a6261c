//! R-STAT-1: the figures of a scope over a period, as they are shown.
//!
//! The counts themselves come from counters the acts keep (issue 10); this module holds the
//! rules that turn counts into figures: which scope and period a request names, the
//! transformation rate, the median time to first answer from a histogram of answer delays, and
//! the statistical secrecy of public figures (national and departmental, our reading of issue
//! 10): a count below [`SECRECY_THRESHOLD`] is shown as "< 5" and every rate or median computed
//! from a count below it is withheld, so that no small group of people can be singled out.

use serde::{Serialize, Serializer};

use crate::application::State;
use crate::decision::REFUSAL_REASONS;
use crate::organization::STRUCTURE_KINDS;
use crate::{Date, FieldErrors, Invalid};

/// Public counts below this are shown as "< 5".
pub const SECRECY_THRESHOLD: u64 = 5;

/// The longest period one request covers (our reading: three years, enough to compare years,
/// bounded so that a request reads a bounded number of monthly counters).
pub const MAX_PERIOD_MONTHS: i32 = 36;

/// Whose figures a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One organization's own figures: its members only.
    Organization(String),
    /// A department by its INSEE code (`01`…`95`, `2A`, `2B`, `971`…`974`, `976`): public.
    Department(String),
    /// A region by its INSEE code (two digits): the administration of that region.
    Region(String),
    /// The whole country: public.
    National,
}

impl Scope {
    /// `?scope=&code=`: `code` is required for every scope but `national`, and refused there.
    pub fn parse(scope: Option<&str>, code: Option<&str>) -> Result<Scope, FieldErrors> {
        let code = code.map(str::trim).filter(|c| !c.is_empty());
        let scope = match (scope.unwrap_or("national"), code) {
            ("national", None) => Ok(Scope::National),
            ("national", Some(_)) => Err(("code", "Pas de code pour les chiffres nationaux.")),
            ("organization", Some(id)) => Ok(Scope::Organization(id.to_owned())),
            ("department", Some(code)) if is_department_code(code) => {
                Ok(Scope::Department(code.to_ascii_uppercase()))
            }
            ("department", Some(_)) => Err((
                "code",
                "Code de département INSEE attendu (01 à 95, 2A, 2B, 971 à 974, 976).",
            )),
            ("region", Some(code))
                if code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()) =>
            {
                Ok(Scope::Region(code.to_owned()))
            }
            ("region", Some(_)) => Err(("code", "Code de région INSEE attendu (deux chiffres).")),
            ("organization" | "department" | "region", None) => Err((
                "code",
                "Indiquez le code de l'organisation ou du territoire.",
            )),
            _ => Err((
                "scope",
                "Valeurs possibles : organization, department, region, national.",
            )),
        };
        scope.map_err(|(field, message)| {
            FieldErrors::from([(field.to_owned(), vec![message.to_owned()])])
        })
    }

    /// National and departmental figures are public, and so kept secret below the threshold.
    pub fn is_public(&self) -> bool {
        matches!(self, Scope::National | Scope::Department(_))
    }
}

fn is_department_code(code: &str) -> bool {
    let upper = code.to_ascii_uppercase();
    match upper.as_str() {
        "2A" | "2B" => true,
        _ if upper.len() == 2 && upper.bytes().all(|b| b.is_ascii_digit()) => {
            matches!(upper.parse::<u8>(), Ok(n) if (1..=95).contains(&n) && n != 20)
        }
        _ if upper.len() == 3 && upper.bytes().all(|b| b.is_ascii_digit()) => {
            // The five overseas departments (975, Saint-Pierre-et-Miquelon, is a collectivity).
            matches!(upper.parse::<u16>(), Ok(n) if [971, 972, 973, 974, 976].contains(&n))
        }
        _ => false,
    }
}

/// A calendar month, `YYYY-MM`: the grain of the counters (a period is whole months).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    year: i32,
    month: u8,
}

impl Month {
    pub fn of(date: Date) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn parse(value: &str) -> Result<Month, Invalid> {
        let invalid = || Invalid::new("invalid_month", "Mois attendu au format AAAA-MM.");
        let (year, month) = value.split_once('-').ok_or_else(invalid)?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) {
            return Err(invalid());
        }
        let (year, month) = (
            year.parse().map_err(|_| invalid())?,
            month.parse().map_err(|_| invalid())?,
        );
        Date::from_ymd(year, month, 1).map_err(|_| invalid())?;
        Ok(Month { year, month })
    }

    pub fn add(self, months: i32) -> Month {
        let index = self.year * 12 + i32::from(self.month) - 1 + months;
        Month {
            year: index.div_euclid(12),
            month: (index.rem_euclid(12) + 1) as u8,
        }
    }

    fn index(self) -> i32 {
        self.year * 12 + i32::from(self.month)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Whole months, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Month,
    pub to: Month,
}

impl Period {
    pub fn months(&self) -> Vec<Month> {
        (0..=self.to.index() - self.from.index())
            .map(|i| self.from.add(i))
            .collect()
    }
}

/// `?from=&to=` (months `YYYY-MM`, both included): by default the twelve months up to
/// `today`'s; `to` never after `today`'s month, never before `from`, at most
/// [`MAX_PERIOD_MONTHS`] months.
pub fn period(from: Option<&str>, to: Option<&str>, today: Date) -> Result<Period, FieldErrors> {
    let mut errors = FieldErrors::new();
    let current = Month::of(today);
    let mut month = |value: Option<&str>, field: &str, default: Month| match value {
        None => Some(default),
        Some(value) => crate::error::collect(Month::parse(value), field, &mut errors),
    };
    let to = month(to, "to", current);
    let from = month(from, "from", to.unwrap_or(current).add(-11));
    let (Some(from), Some(to)) = (from, to) else {
        return Err(errors);
    };
    let refuse =
        |field: &str, message: String| FieldErrors::from([(field.to_owned(), vec![message])]);
    if to > current {
        return Err(refuse(
            "to",
            format!("Au plus tard le mois en cours, {current}."),
        ));
    }
    if from > to {
        return Err(refuse(
            "from",
            "Au plus tard le mois de fin (to).".to_owned(),
        ));
    }
    if to.index() - from.index() >= MAX_PERIOD_MONTHS {
        return Err(refuse(
            "from",
            format!("Une période couvre au plus {MAX_PERIOD_MONTHS} mois."),
        ));
    }
    Ok(Period { from, to })
}

/// A count as shown: exact, "< 5" when public and small (primary secrecy), or "secret" when
/// public and it would let a hidden count be found by subtraction (secondary secrecy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Exact(u64),
    FewerThanThreshold,
    Withheld,
}

impl Shown {
    pub fn of(count: u64, public: bool) -> Shown {
        if public && count < SECRECY_THRESHOLD {
            Shown::FewerThanThreshold
        } else {
            Shown::Exact(count)
        }
    }

    fn exact(self) -> Option<u64> {
        match self {
            Shown::Exact(n) => Some(n),
            _ => None,
        }
    }
}

impl Serialize for Shown {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Shown::Exact(n) => serializer.serialize_u64(*n),
            Shown::FewerThanThreshold => serializer.serialize_str("< 5"),
            Shown::Withheld => serializer.serialize_str("secret"),
        }
    }
}

/// The counts of a group that adds up to a shown total (the states of the sent applications,
/// the refusal reasons, one column of kinds or months), as shown. Where exactly one count is
/// hidden, the total minus the others would give it away: the smallest other count is hidden
/// too.
pub fn shown_group(counts: &[u64], public: bool) -> Vec<Shown> {
    let mut shown: Vec<Shown> = counts.iter().map(|n| Shown::of(*n, public)).collect();
    if shown.iter().filter(|s| s.exact().is_none()).count() == 1 {
        let smallest = (0..counts.len())
            .filter(|i| shown[*i].exact().is_some())
            .min_by_key(|i| counts[*i]);
        if let Some(i) = smallest {
            shown[i] = Shown::Withheld;
        }
    }
    shown
}

/// `part / whole` in percent, to one decimal; `None` when `whole` is 0 or either is hidden
/// (a rate would reveal the hidden count).
pub fn rate(part: Shown, whole: Shown) -> Option<f64> {
    let (part, whole) = (part.exact()?, whole.exact()?);
    if whole == 0 {
        return None;
    }
    // Counts stay far below 2^52: the conversion is exact.
    let percent = part as f64 * 100.0 / whole as f64;
    Some((percent * 10.0).round() / 10.0)
}

/// The median of the delays (in days) that `histogram` counts (`(days, how many)`, any
/// order): the middle delay, or the mean of the two middle ones. `None` without any delay, or
/// when public and fewer than the threshold.
pub fn median_days(histogram: &[(u32, u64)], public: bool) -> Option<f64> {
    let mut sorted = histogram.to_vec();
    sorted.sort_unstable();
    let total: u64 = sorted.iter().map(|(_, n)| n).sum();
    if total == 0 || (public && total < SECRECY_THRESHOLD) {
        return None;
    }
    // The k-th delay (0-based) in ascending order.
    let nth = |k: u64| {
        let mut seen = 0;
        sorted
            .iter()
            .find(|(_, n)| {
                seen += n;
                seen > k
            })
            .map_or(0, |(days, _)| *days)
    };
    let (low, high) = (nth((total - 1) / 2), nth(total / 2));
    Some((f64::from(low) + f64::from(high)) / 2.0)
}

/// One counter row summed over the scope: applications sent in `month` to a structure of
/// `structure_kind`, now in `state` (with its refusal reason, or "").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationCount {
    pub month: Month,
    pub structure_kind: String,
    pub state: State,
    pub refusal_reason: String,
    pub n: u64,
}

/// What the counters of a scope hold over a period.
#[derive(Debug, Default)]
pub struct Counts {
    pub applications: Vec<ApplicationCount>,
    /// (days from sending to the first answer, how many).
    pub answer_days: Vec<(u32, u64)>,
    /// (`issued` | `suspended` | `prolonged`, how many).
    pub pass_acts: Vec<(String, u64)>,
}

/// An application's state as the figures group it: R-STAT-1's accepted, refused and pending
/// (new, being studied, postponed); cancelled, obsolete and kept in the pool are "other".
fn outcome(state: State) -> usize {
    match state {
        State::Accepted => 0,
        State::Refused => 1,
        State::New | State::Processing | State::Postponed => 2,
        State::Cancelled | State::Obsolete | State::Pool => 3,
    }
}

#[derive(Debug, Serialize)]
pub struct Outcomes {
    pub sent: Shown,
    pub accepted: Shown,
    pub refused: Shown,
    pub pending: Shown,
    pub other: Shown,
    pub transformation_rate: Option<f64>,
}

impl Outcomes {
    /// `counts`: accepted, refused, pending, other.
    fn of(counts: [u64; 4], public: bool) -> Outcomes {
        let sent = Shown::of(counts.iter().sum(), public);
        let parts = shown_group(&counts, public);
        Outcomes {
            sent,
            accepted: parts[0],
            refused: parts[1],
            pending: parts[2],
            other: parts[3],
            transformation_rate: rate(parts[0], sent),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ReasonFigure {
    pub reason: &'static str,
    pub label: &'static str,
    pub count: Shown,
}

#[derive(Debug, Serialize)]
pub struct KindFigures {
    pub kind: &'static str,
    pub label: &'static str,
    #[serde(flatten)]
    pub outcomes: Outcomes,
}

#[derive(Debug, Serialize)]
pub struct MonthFigures {
    pub month: Month,
    pub sent: Shown,
    pub accepted: Shown,
}

#[derive(Debug, Serialize)]
pub struct FirstAnswer {
    pub answered: Shown,
    pub median_days: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct PassFigures {
    pub issued: Shown,
    pub suspended: Shown,
    pub prolonged: Shown,
}

/// R-STAT-1's figures, every hidden count hidden everywhere it could be recomputed from.
#[derive(Debug, Serialize)]
pub struct Figures {
    pub applications: Outcomes,
    pub refusal_reasons: Vec<ReasonFigure>,
    pub by_structure_kind: Vec<KindFigures>,
    pub by_month: Vec<MonthFigures>,
    pub first_answer: FirstAnswer,
    pub passes: PassFigures,
}

impl Figures {
    pub fn of(counts: &Counts, period: Period, public: bool) -> Figures {
        let sum = |keep: &dyn Fn(&ApplicationCount) -> bool| -> [u64; 4] {
            let mut outcomes = [0; 4];
            for row in counts.applications.iter().filter(|r| keep(r)) {
                outcomes[outcome(row.state)] += row.n;
            }
            outcomes
        };
        let reasons: Vec<u64> = REFUSAL_REASONS
            .iter()
            .map(|(code, _)| {
                let rows = counts.applications.iter();
                rows.filter(|r| r.state == State::Refused && r.refusal_reason == *code)
                    .map(|r| r.n)
                    .sum()
            })
            .collect();
        let kinds: Vec<[u64; 4]> = STRUCTURE_KINDS
            .iter()
            .map(|(kind, ..)| sum(&|r| r.structure_kind == *kind))
            .collect();
        let kinds_sent: Vec<u64> = kinds.iter().map(|k| k.iter().sum()).collect();
        let kinds_sent = shown_group(&kinds_sent, public);
        let months = period.months();
        let month_sums: Vec<[u64; 4]> = months.iter().map(|m| sum(&|r| r.month == *m)).collect();
        let column = |pick: &dyn Fn(&[u64; 4]) -> u64| {
            shown_group(&month_sums.iter().map(pick).collect::<Vec<_>>(), public)
        };
        let (months_sent, months_accepted) = (column(&|m| m.iter().sum()), column(&|m| m[0]));
        let pass = |event: &str| {
            let n = counts
                .pass_acts
                .iter()
                .filter(|(e, _)| e == event)
                .map(|(_, n)| n)
                .sum();
            Shown::of(n, public)
        };
        Figures {
            applications: Outcomes::of(sum(&|_| true), public),
            refusal_reasons: REFUSAL_REASONS
                .iter()
                .zip(shown_group(&reasons, public))
                .map(|((reason, label), count)| ReasonFigure {
                    reason,
                    label,
                    count,
                })
                .collect(),
            by_structure_kind: STRUCTURE_KINDS
                .iter()
                .zip(kinds)
                .zip(kinds_sent)
                .map(|(((kind, label, _), counts), sent)| {
                    let mut outcomes = Outcomes::of(counts, public);
                    outcomes.sent = sent;
                    outcomes.transformation_rate = rate(outcomes.accepted, sent);
                    KindFigures {
                        kind,
                        label,
                        outcomes,
                    }
                })
                .collect(),
            by_month: months
                .into_iter()
                .zip(months_sent.into_iter().zip(months_accepted))
                .map(|(month, (sent, accepted))| MonthFigures {
                    month,
                    sent,
                    accepted,
                })
                .collect(),
            first_answer: FirstAnswer {
                answered: Shown::of(counts.answer_days.iter().map(|(_, n)| n).sum(), public),
                median_days: median_days(&counts.answer_days, public),
            },
            passes: PassFigures {
                issued: pass("issued"),
                suspended: pass("suspended"),
                prolonged: pass("prolonged"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::d;

    fn field(errors: FieldErrors) -> String {
        errors.into_keys().collect::<Vec<_>>().join(",")
    }

    #[test]
    fn r_stat_1_scopes_and_their_codes() {
        assert_eq!(Scope::parse(None, None), Ok(Scope::National));
        assert_eq!(
            Scope::parse(Some("department"), Some("2a")),
            Ok(Scope::Department("2A".into()))
        );
        assert_eq!(
            Scope::parse(Some("department"), Some("974")),
            Ok(Scope::Department("974".into()))
        );
        for wrong in ["20", "00", "96", "975", "977", "2C", "1"] {
            assert_eq!(
                field(Scope::parse(Some("department"), Some(wrong)).unwrap_err()),
                "code",
                "{wrong}"
            );
        }
        assert_eq!(
            Scope::parse(Some("region"), Some("84")),
            Ok(Scope::Region("84".into()))
        );
        assert_eq!(
            field(Scope::parse(Some("region"), None).unwrap_err()),
            "code"
        );
        assert_eq!(
            field(Scope::parse(Some("national"), Some("75")).unwrap_err()),
            "code"
        );
        assert_eq!(
            field(Scope::parse(Some("city"), Some("75")).unwrap_err()),
            "scope"
        );
        assert!(Scope::National.is_public() && Scope::Department("75".into()).is_public());
        assert!(!Scope::Region("11".into()).is_public());
        assert!(!Scope::Organization("org_1".into()).is_public());
    }

    #[test]
    fn r_stat_1_a_period_is_the_twelve_months_to_this_one_by_default_never_future_never_reversed_at_most_36(
    ) {
        let today = d("2026-12-01");
        let default = period(None, None, today).unwrap();
        assert_eq!(
            (default.from.to_string(), default.to.to_string()),
            ("2026-01".into(), "2026-12".into())
        );
        assert_eq!(default.months().len(), 12);
        let across = period(Some("2025-11"), Some("2026-02"), today).unwrap();
        let months: Vec<String> = across.months().iter().map(|m| m.to_string()).collect();
        assert_eq!(months, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(
            field(period(None, Some("2027-01"), today).unwrap_err()),
            "to"
        );
        assert_eq!(
            field(period(Some("2026-07"), Some("2026-06"), today).unwrap_err()),
            "from"
        );
        assert!(
            period(Some("2024-01"), None, today).is_ok(),
            "36 months exactly"
        );
        assert_eq!(
            field(period(Some("2023-12"), None, today).unwrap_err()),
            "from"
        );
        assert_eq!(
            field(period(Some("2026-13"), Some("2026-1"), today).unwrap_err()),
            "from,to"
        );
        assert_eq!(Month::of(d("2026-03-31")).add(-3).to_string(), "2025-12");
    }

    #[test]
    fn r_stat_1_public_counts_below_5_are_shown_as_fewer_and_their_rates_withheld() {
        assert_eq!(Shown::of(4, true), Shown::FewerThanThreshold);
        assert_eq!(Shown::of(5, true), Shown::Exact(5));
        assert_eq!(
            Shown::of(0, false),
            Shown::Exact(0),
            "an organization sees its own"
        );
        assert_eq!(serde_json::to_value(Shown::of(3, true)).unwrap(), "< 5");
        assert_eq!(serde_json::to_value(Shown::of(12, true)).unwrap(), 12);
        assert_eq!(serde_json::to_value(Shown::Withheld).unwrap(), "secret");
        let exact = Shown::Exact;
        assert_eq!(
            rate(Shown::FewerThanThreshold, exact(40)),
            None,
            "the part is small"
        );
        assert_eq!(rate(exact(4), exact(40)), Some(10.0));
        assert_eq!(rate(exact(5), Shown::Withheld), None, "the whole is hidden");
        assert_eq!(rate(exact(7), exact(21)), Some(33.3));
        assert_eq!(rate(exact(0), exact(0)), None);
    }

    #[test]
    fn r_stat_1_a_single_hidden_count_of_a_group_hides_the_smallest_other_so_no_subtraction_finds_it(
    ) {
        use Shown::{Exact, FewerThanThreshold as Few, Withheld};
        // 30 sent = 12 + 9 + 3 + 6: the 3 would be 30 - 12 - 9 - 6.
        assert_eq!(
            shown_group(&[12, 9, 3, 6], true),
            [Exact(12), Exact(9), Few, Withheld]
        );
        // Two hidden already: their sum is known, neither is.
        assert_eq!(
            shown_group(&[12, 2, 3, 6], true),
            [Exact(12), Few, Few, Exact(6)]
        );
        assert_eq!(
            shown_group(&[12, 9, 3, 6], false),
            [Exact(12), Exact(9), Exact(3), Exact(6)]
        );
        assert_eq!(shown_group(&[3], true), [Few], "nothing else to hide");
    }

    #[test]
    fn r_stat_1_figures_from_counters_hand_computed() {
        let row = |month: &str, kind: &str, state: &str, reason: &str, n| ApplicationCount {
            month: Month::parse(month).unwrap(),
            structure_kind: kind.into(),
            state: State::parse(state).unwrap(),
            refusal_reason: reason.into(),
            n,
        };
        let counts = Counts {
            applications: vec![
                row("2026-01", "ACI", "accepted", "", 10),
                row("2026-01", "ACI", "refused", "no_position", 6),
                row("2026-02", "ACI", "refused", "other", 2),
                row("2026-02", "EI", "new", "", 20),
                row("2026-02", "EI", "processing", "", 2),
                row("2026-02", "EI", "obsolete", "", 10),
            ],
            answer_days: vec![(1, 3), (4, 2), (10, 1)],
            pass_acts: vec![("issued".into(), 10), ("suspended".into(), 1)],
        };
        let period = Period {
            from: Month::parse("2026-01").unwrap(),
            to: Month::parse("2026-03").unwrap(),
        };
        let private = serde_json::to_value(Figures::of(&counts, period, false)).unwrap();
        // 50 sent: 10 accepted, 8 refused, 22 pending, 10 other; 10 / 50 = 20 %.
        assert_eq!(
            private["applications"],
            serde_json::json!({"sent": 50, "accepted": 10, "refused": 8, "pending": 22,
                "other": 10, "transformation_rate": 20.0})
        );
        let reasons = &private["refusal_reasons"];
        assert_eq!(reasons.as_array().unwrap().len(), 12);
        let count = |code: &str| {
            reasons
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["reason"] == code)
                .unwrap()["count"]
                .clone()
        };
        assert_eq!(
            (
                count("no_position"),
                count("other"),
                count("not_interested")
            ),
            (6.into(), 2.into(), 0.into())
        );
        let kind = |code: &str| {
            private["by_structure_kind"]
                .as_array()
                .unwrap()
                .iter()
                .find(|k| k["kind"] == code)
                .unwrap()
                .clone()
        };
        assert_eq!(
            (
                kind("ACI")["sent"].clone(),
                kind("ACI")["transformation_rate"].clone()
            ),
            (18.into(), 55.6.into())
        );
        assert_eq!(kind("EI")["pending"], 22);
        assert_eq!(
            private["by_month"],
            serde_json::json!([{"month": "2026-01", "sent": 16, "accepted": 10},
                {"month": "2026-02", "sent": 34, "accepted": 0},
                {"month": "2026-03", "sent": 0, "accepted": 0}])
        );
        // 1, 1, 1, 4, 4, 10 days: (1 + 4) / 2.
        assert_eq!(
            private["first_answer"],
            serde_json::json!({"answered": 6, "median_days": 2.5})
        );
        assert_eq!(
            private["passes"],
            serde_json::json!({"issued": 10, "suspended": 1, "prolonged": 0})
        );

        let public = serde_json::to_value(Figures::of(&counts, period, true)).unwrap();
        assert_eq!(
            public["applications"],
            serde_json::json!({"sent": 50, "accepted": 10, "refused": 8, "pending": 22,
                "other": 10, "transformation_rate": 20.0})
        );
        let count = |code: &str| {
            public["refusal_reasons"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["reason"] == code)
                .unwrap()["count"]
                .clone()
        };
        assert_eq!(
            (count("no_position"), count("other")),
            (6.into(), "< 5".into())
        );
        assert_eq!(public["passes"]["suspended"], "< 5");
        assert_eq!(public["first_answer"]["answered"], 6);
        let months = &public["by_month"];
        // 16, 34, 0: the 0 alone hidden, 50 - 34 would give it; the 16 goes too.
        assert_eq!(
            (
                months[0]["sent"].clone(),
                months[1]["sent"].clone(),
                months[2]["sent"].clone()
            ),
            ("secret".into(), 34.into(), "< 5".into())
        );
        assert_eq!(months[1]["accepted"], "< 5");
        // ACI's 2 refused "other" alone under 5 among its outcomes: the next smallest goes too.
        let aci = public["by_structure_kind"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kind"] == "ACI")
            .unwrap()
            .clone();
        assert_eq!(
            (aci["accepted"].clone(), aci["refused"].clone()),
            (10.into(), 8.into())
        );
        assert_eq!(
            (aci["pending"].clone(), aci["other"].clone()),
            ("< 5".into(), "< 5".into())
        );
    }

    #[test]
    fn r_stat_1_the_median_time_to_first_answer_from_a_histogram() {
        // 1, 2, 2, 9 days: the mean of the two middle ones.
        assert_eq!(median_days(&[(9, 1), (2, 2), (1, 1)], false), Some(2.0));
        // 0, 3, 10: the middle one.
        assert_eq!(median_days(&[(0, 1), (3, 1), (10, 1)], false), Some(3.0));
        assert_eq!(median_days(&[(1, 1), (4, 1)], false), Some(2.5));
        assert_eq!(median_days(&[], false), None);
        assert_eq!(median_days(&[(3, 4)], true), None, "4 answers: withheld");
        assert_eq!(median_days(&[(3, 4), (8, 1)], true), Some(3.0));
    }
}
