//! R-STAT-1: the figures of a scope over a period, as they are shown.
//!
//! The counts themselves come from counters the acts keep (issue 10); this module holds the
//! rules that turn counts into figures: which scope and period a request names, the
//! transformation rate, the median time to first answer from a histogram of answer delays, and
//! the statistical secrecy of public figures (national and departmental, our reading of issue
//! 10): a count below [`SECRECY_THRESHOLD`] is shown as "< 5" and every rate or median computed
//! from a count below it is withheld, so that no small group of people can be singled out.

use serde::{Serialize, Serializer};

use crate::{Date, DateRange, FieldErrors, Invalid};

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

/// `?from=&to=` (both included): by default the twelve months up to `today`; `to` never after
/// `today`, never before `from`, at most [`MAX_PERIOD_MONTHS`] long.
pub fn period(from: Option<&str>, to: Option<&str>, today: Date) -> Result<DateRange, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut date = |value: Option<&str>, field: &str, default: Date| match value {
        None => Some(default),
        Some(value) => crate::error::collect(Date::parse(value), field, &mut errors),
    };
    let to = date(to, "to", today);
    let from = date(
        from,
        "from",
        to.unwrap_or(today).add_months(-12).add_days(1),
    );
    let (Some(from), Some(to)) = (from, to) else {
        return Err(errors);
    };
    let refuse =
        |field: &str, message: String| FieldErrors::from([(field.to_owned(), vec![message])]);
    if to > today {
        return Err(refuse(
            "to",
            format!("Au plus tard aujourd'hui, le {}.", today.french()),
        ));
    }
    if from > to {
        return Err(refuse(
            "from",
            "Au plus tard la date de fin (to).".to_owned(),
        ));
    }
    // As the 12-month default: `to` − 36 months + 1 day at the earliest.
    if from < to.add_months(-MAX_PERIOD_MONTHS).add_days(1) {
        return Err(refuse(
            "from",
            format!("Une période couvre au plus {MAX_PERIOD_MONTHS} mois."),
        ));
    }
    DateRange::new(from, to).map_err(|Invalid { message, .. }| refuse("from", message))
}

/// A count as shown: exact, or "< 5" when public and small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Exact(u64),
    FewerThanThreshold,
}

impl Shown {
    pub fn of(count: u64, public: bool) -> Shown {
        if public && count < SECRECY_THRESHOLD {
            Shown::FewerThanThreshold
        } else {
            Shown::Exact(count)
        }
    }
}

impl Serialize for Shown {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Shown::Exact(n) => serializer.serialize_u64(*n),
            Shown::FewerThanThreshold => serializer.serialize_str("< 5"),
        }
    }
}

/// `part / whole` in percent, to one decimal; `None` when `whole` is 0, or when public and
/// either count is below the threshold (a rate would reveal the small count).
pub fn rate(part: u64, whole: u64, public: bool) -> Option<f64> {
    if whole == 0 || (public && (part < SECRECY_THRESHOLD || whole < SECRECY_THRESHOLD)) {
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
    fn r_stat_1_a_period_is_twelve_months_by_default_never_future_never_reversed_at_most_36_months()
    {
        let today = d("2026-12-01");
        let default = period(None, None, today).unwrap();
        assert_eq!((default.start(), default.end()), (d("2025-12-02"), today));
        let year = period(Some("2026-01-01"), Some("2026-06-30"), today).unwrap();
        assert_eq!(year.days_inclusive(), 181);
        assert_eq!(
            field(period(None, Some("2026-12-02"), today).unwrap_err()),
            "to"
        );
        assert_eq!(
            field(period(Some("2026-07-01"), Some("2026-06-30"), today).unwrap_err()),
            "from"
        );
        assert!(
            period(Some("2023-12-02"), None, today).is_ok(),
            "36 months exactly"
        );
        assert_eq!(
            field(period(Some("2023-12-01"), None, today).unwrap_err()),
            "from"
        );
        assert_eq!(
            field(period(Some("2026-02-30"), Some("x"), today).unwrap_err()),
            "from,to"
        );
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
        assert_eq!(rate(4, 40, true), None, "the part is small");
        assert_eq!(rate(4, 40, false), Some(10.0));
        assert_eq!(rate(5, 4, true), None, "the whole is small");
        assert_eq!(rate(7, 21, true), Some(33.3));
        assert_eq!(rate(0, 0, false), None);
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
