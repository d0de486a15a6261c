//! Prolongations of a PASS IAE (R-PROL-1..4): the limits per reason and the cumulative caps as
//! one table, the window and preconditions, and the request's answers. Pure: the `prolong`
//! component gives it the PASS, its granted prolongations and the clock, and stores what it
//! decides.

use crate::error::{Error, FieldErrors, Invalid};
use crate::pass::Pass;
use crate::{Date, DateRange};

/// Who decides a prolongation for a reason (R-PROL-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decider {
    /// The structure declares it directly.
    Structure,
    /// The structure asks an authorized prescriber organization (R-PROL-4).
    AuthorizedPrescriber,
}

/// One row of R-PROL-1.
#[derive(Debug, PartialEq, Eq)]
pub struct ProlongationRule {
    pub reason: &'static str,
    pub label: &'static str,
    /// The longest one prolongation for this reason, in days added to the PASS.
    pub max_days: i64,
    /// The most all granted prolongations of the PASS may add, whatever their reason, for a new
    /// one with this reason to be granted (`None`: no cap).
    pub cap_days: Option<i64>,
    pub decider: Decider,
    /// The structure kinds this reason is limited to (`None`: every kind).
    pub only_kinds: Option<&'static [&'static str]>,
}

/// R-PROL-1 as one table (les-emplois' `PROLONGATION_RULES`): validation, messages and the
/// forms' choices all read it.
pub const RULES: &[ProlongationRule] = &[
    ProlongationRule {
        reason: "SENIOR_CDI",
        label: "CDI inclusion pour une personne de 57 ans et plus",
        max_days: 3650,
        cap_days: None,
        decider: Decider::Structure,
        only_kinds: None,
    },
    ProlongationRule {
        reason: "COMPLETE_TRAINING",
        label: "Fin d'une formation",
        max_days: 365,
        cap_days: None,
        decider: Decider::Structure,
        only_kinds: None,
    },
    ProlongationRule {
        reason: "RQTH",
        label: "RQTH - Reconnaissance de la qualité de travailleur handicapé",
        max_days: 365,
        cap_days: Some(1095),
        decider: Decider::AuthorizedPrescriber,
        only_kinds: None,
    },
    ProlongationRule {
        reason: "SENIOR",
        label: "50 ans et plus",
        max_days: 365,
        cap_days: Some(1825),
        decider: Decider::AuthorizedPrescriber,
        only_kinds: None,
    },
    ProlongationRule {
        reason: "PARTICULAR_DIFFICULTIES",
        label: "Difficultés particulièrement importantes dont l'absence de prise en charge ferait \
                obstacle à son insertion professionnelle",
        max_days: 365,
        cap_days: Some(1095),
        decider: Decider::AuthorizedPrescriber,
        only_kinds: Some(&["AI", "ACI", "ACIPHC"]),
    },
];

/// SENIOR_CDI (R-PROL-1): the person is at least this old on the day of the declaration…
pub const SENIOR_CDI_MIN_AGE: i32 = 57;
/// …and the PASS started at least this many months before.
pub const SENIOR_CDI_MIN_MONTHS_SINCE_START: i32 = 12;
/// R-PROL-3: the window opens this many months before the PASS end…
pub const WINDOW_MONTHS_BEFORE_END: i32 = 12;
/// …and closes this many months after it (both days included).
pub const WINDOW_MONTHS_AFTER_END: i32 = 6;

impl ProlongationRule {
    /// The rule of `reason` for a structure of `kind` asking through `decider`: an unknown
    /// reason, one the structure's kind may not give, or one decided by the other route, each
    /// with its message.
    pub fn parse(
        reason: &str,
        kind: &str,
        decider: Decider,
    ) -> Result<&'static ProlongationRule, Invalid> {
        let rule = RULES.iter().find(|r| r.reason == reason).ok_or_else(|| {
            let codes: Vec<&str> = RULES.iter().map(|r| r.reason).collect();
            Invalid::new(
                "invalid_prolongation_reason",
                format!(
                    "Motif de prolongation inconnu (valeurs possibles : {}).",
                    codes.join(", ")
                ),
            )
        })?;
        if rule.only_kinds.is_some_and(|kinds| !kinds.contains(&kind)) {
            return Err(Invalid::new(
                "invalid_prolongation_reason",
                format!(
                    "Le motif « {} » est réservé aux {} (R-PROL-1).",
                    rule.label,
                    rule.only_kinds.unwrap_or_default().join(", ")
                ),
            ));
        }
        match (rule.decider, decider) {
            (Decider::Structure, Decider::AuthorizedPrescriber) => Err(Invalid::new(
                "prolongation_is_direct",
                format!(
                    "Le motif « {} » se déclare directement, sans demande (R-PROL-1).",
                    rule.label
                ),
            )),
            (Decider::AuthorizedPrescriber, Decider::Structure) => Err(Invalid::new(
                "prolongation_needs_request",
                format!(
                    "Le motif « {} » se demande à un prescripteur habilité (R-PROL-1).",
                    rule.label
                ),
            )),
            _ => Ok(rule),
        }
    }

    /// The stored reason read back.
    pub fn of_reason(reason: &str) -> Option<&'static ProlongationRule> {
        RULES.iter().find(|r| r.reason == reason)
    }
}

/// What the checks need about the PASS and its holder.
#[derive(Clone, Debug)]
pub struct Context<'a> {
    pub pass: &'a Pass,
    /// The PASS is the candidate's latest (R-PROL-3).
    pub is_latest: bool,
    /// A suspension covers today (R-PROL-3).
    pub suspended: bool,
    /// The prolongations already granted on the PASS (R-PROL-2).
    pub granted: &'a [DateRange],
    pub birthdate: Date,
}

/// R-PROL-2: how many days granted prolongations add.
pub fn days_added(prolongations: &[DateRange]) -> i64 {
    prolongations
        .iter()
        .map(|p| p.start().days_until(p.end()))
        .sum()
}

fn rule_error(code: &'static str, detail: String) -> Error {
    Error::Unprocessable {
        code,
        detail,
        errors: FieldErrors::new(),
    }
}

/// Age in full years on `on`; born on 29 February, one has the year on 1 March in a common year
/// (R-CAND-3's reading).
fn aged_at_least(birthdate: Date, years: i32, on: Date) -> bool {
    on.add_years(-years) >= birthdate
}

/// R-PROL-1/2: the latest end a prolongation for `rule` may take on `context`'s PASS.
pub fn max_end(rule: &ProlongationRule, context: &Context<'_>) -> Date {
    let start = context.pass.dates.end();
    let left = match rule.cap_days {
        Some(cap) => rule.max_days.min(cap - days_added(context.granted)),
        None => rule.max_days,
    };
    start.add_days(left)
}

/// R-PROL-3's preconditions at `today`, at the request and again at its grant: the candidate's
/// latest PASS, not suspended, within the window (12 months before the PASS end to 6 months
/// after).
pub fn preconditions(context: &Context<'_>, today: Date) -> Result<(), Error> {
    if !context.is_latest {
        return Err(rule_error(
            "not_latest_pass",
            "Seul le dernier PASS IAE du candidat peut être prolongé (R-PROL-3).".into(),
        ));
    }
    if context.suspended {
        return Err(rule_error(
            "pass_suspended",
            "Le PASS IAE est suspendu : il ne peut pas être prolongé pendant la suspension \
             (R-PROL-3)."
                .into(),
        ));
    }
    let pass_end = context.pass.dates.end();
    let opens = pass_end.add_months(-WINDOW_MONTHS_BEFORE_END);
    let closes = pass_end.add_months(WINDOW_MONTHS_AFTER_END);
    if today < opens || today > closes {
        return Err(rule_error(
            "outside_prolongation_window",
            format!(
                "Une prolongation se déclare du {} au {} : de 12 mois avant la fin du PASS IAE à 6 \
                 mois après (R-PROL-3).",
                opens.french(),
                closes.french()
            ),
        ));
    }
    Ok(())
}

/// R-PROL-1..3: the prolongation's dates for an asked `end`, at `today`. Its start is the PASS's
/// current end; granting it sets the PASS end to `end`.
pub fn check(
    rule: &ProlongationRule,
    context: &Context<'_>,
    end: Date,
    today: Date,
) -> Result<DateRange, Error> {
    let pass_end = context.pass.dates.end();
    preconditions(context, today)?;
    if rule.reason == "SENIOR_CDI" {
        let mut errors = FieldErrors::new();
        if !aged_at_least(context.birthdate, SENIOR_CDI_MIN_AGE, today) {
            errors.insert(
                "reason".into(),
                vec![
                    "Le CDI inclusion concerne les personnes de 57 ans et plus (R-PROL-1).".into(),
                ],
            );
        } else if context
            .pass
            .dates
            .start()
            .add_months(SENIOR_CDI_MIN_MONTHS_SINCE_START)
            > today
        {
            errors.insert(
                "reason".into(),
                vec![format!(
                    "Le PASS IAE doit avoir commencé depuis 12 mois au moins (le {} au plus tard, \
                     R-PROL-1).",
                    today.add_months(-SENIOR_CDI_MIN_MONTHS_SINCE_START)
                )],
            );
        }
        if !errors.is_empty() {
            return Err(Error::fields(errors));
        }
    }
    let latest = max_end(rule, context);
    if latest <= pass_end {
        return Err(rule_error(
            "prolongation_cap_reached",
            format!(
                "Les prolongations accordées sur ce PASS IAE atteignent déjà le plafond du motif \
                 « {} » (R-PROL-2).",
                rule.label
            ),
        ));
    }
    if end <= pass_end || end > latest {
        let message = format!(
            "Entre le {} et le {} (R-PROL-1/2).",
            pass_end.add_days(1),
            latest
        );
        return Err(Error::Unprocessable {
            code: "invalid_prolongation_end",
            detail: message.clone(),
            errors: FieldErrors::from([("end_at".to_owned(), vec![message])]),
        });
    }
    let dates = DateRange::new(pass_end, end).unwrap_or_else(|_| unreachable!("end > start"));
    check_no_overlap(dates, context.granted)?;
    Ok(dates)
}

/// R-PROL-2: prolongations chain (one starts on the day the previous one ends) but never overlap.
pub fn check_no_overlap(dates: DateRange, granted: &[DateRange]) -> Result<(), Error> {
    match granted
        .iter()
        .find(|g| dates.start() < g.end() && g.start() < dates.end())
    {
        Some(other) => Err(Error::Conflict {
            code: "prolongation_overlap",
            detail: format!(
                "Chevauche la prolongation du {} au {} (R-PROL-2).",
                other.start().french(),
                other.end().french()
            ),
            errors: FieldErrors::new(),
        }),
        None => Ok(()),
    }
}

/// R-PROL-4: a request's states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestState {
    Pending,
    Granted,
    Denied,
    /// Withdrawn by the structure that asked, before any answer (our reading: DOMAIN.md is
    /// silent; without it a request to the wrong organization, or to one that lost its
    /// authorization, would block the PASS's next request for good, R-PROL-3).
    Withdrawn,
}

impl RequestState {
    pub const ALL: [RequestState; 4] = [
        RequestState::Pending,
        RequestState::Granted,
        RequestState::Denied,
        RequestState::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Pending => "pending",
            RequestState::Granted => "granted",
            RequestState::Denied => "denied",
            RequestState::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RequestState::Pending => "En attente",
            RequestState::Granted => "Accordée",
            RequestState::Denied => "Refusée",
            RequestState::Withdrawn => "Retirée",
        }
    }

    pub fn parse(value: &str) -> Result<RequestState, Invalid> {
        RequestState::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
            .ok_or_else(|| {
                Invalid::new(
                    "invalid_state",
                    "État inconnu (valeurs possibles : pending, granted, denied, withdrawn).",
                )
            })
    }
}

/// R-PROL-4: why a request is denied.
pub const DENY_REASONS: &[(&str, &str)] = &[
    (
        "IAE",
        "L'IAE ne correspond plus aux besoins ou à la situation de la personne",
    ),
    (
        "SIAE",
        "Le type de structure ne correspond plus aux besoins ou à la situation de la personne",
    ),
    (
        "DURATION",
        "La durée de prolongation demandée n'est pas adaptée à la situation de la personne",
    ),
    (
        "REASON",
        "Le motif de prolongation demandé n'est pas adapté à la situation de la personne",
    ),
];

/// R-PROL-4: what the prescriber proposes instead (at least one with the reason `IAE`).
pub const PROPOSED_ACTIONS: &[(&str, &str)] = &[
    ("EXIT_IAE", "Proposer une sortie de l'IAE"),
    (
        "SOCIAL_PARTNER",
        "Orienter vers un partenaire de l'accompagnement social ou professionnel",
    ),
    ("OTHER", "Autre"),
];

/// A denial, parsed: its reason and the proposed actions (each once, in the table's order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denial {
    pub reason: &'static str,
    pub proposed_actions: Vec<&'static str>,
}

/// R-PROL-4's denial: a known reason, known actions, at least one with `IAE`. Every field error
/// at once.
pub fn denial(reason: &str, proposed_actions: &[String]) -> Result<Denial, FieldErrors> {
    let mut errors = FieldErrors::new();
    let reason = DENY_REASONS
        .iter()
        .find(|(c, _)| *c == reason)
        .map(|(c, _)| *c);
    if reason.is_none() {
        errors.insert(
            "reason".into(),
            vec![
                "Motif de refus inconnu (valeurs possibles : IAE, SIAE, DURATION, REASON).".into(),
            ],
        );
    }
    let mut actions = Vec::new();
    for asked in proposed_actions {
        match PROPOSED_ACTIONS.iter().find(|(c, _)| c == asked) {
            Some((code, _)) if !actions.contains(code) => actions.push(*code),
            Some(_) => {}
            None => {
                errors.insert(
                    "proposed_actions".into(),
                    vec![
                        "Action inconnue (valeurs possibles : EXIT_IAE, SOCIAL_PARTNER, OTHER)."
                            .into(),
                    ],
                );
            }
        }
    }
    actions.sort_by_key(|a| PROPOSED_ACTIONS.iter().position(|(c, _)| c == a));
    if reason == Some("IAE") && actions.is_empty() && !errors.contains_key("proposed_actions") {
        errors.insert(
            "proposed_actions".into(),
            vec!["Proposez au moins une action quand l'IAE ne correspond plus (R-PROL-4).".into()],
        );
    }
    match (reason, errors.is_empty()) {
        (Some(reason), true) => Ok(Denial {
            reason,
            proposed_actions: actions,
        }),
        _ => Err(errors),
    }
}

/// R-PROL-4: reminders to the organization this many days after the request while pending.
pub const REMINDER_DAYS: [i64; 3] = [10, 20, 30];

/// How many reminders are due for a request created on `created_on`, at `today` (0..=3). The
/// delivery sends one when this exceeds those already sent, and records this count: a sweep
/// missed for a while sends one reminder, not a burst.
pub fn reminders_due(created_on: Date, today: Date) -> i64 {
    let age = created_on.days_until(today);
    REMINDER_DAYS.iter().filter(|days| age >= **days).count() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{d, pass};

    fn range(start: &str, end: &str) -> DateRange {
        DateRange::new(d(start), d(end)).unwrap()
    }

    fn rule(reason: &str) -> &'static ProlongationRule {
        ProlongationRule::of_reason(reason).unwrap()
    }

    fn context<'a>(pass: &'a Pass, granted: &'a [DateRange]) -> Context<'a> {
        Context {
            pass,
            is_latest: true,
            suspended: false,
            granted,
            birthdate: d("1960-01-01"),
        }
    }

    fn code(result: Result<DateRange, Error>) -> &'static str {
        match result {
            Err(Error::Unprocessable { code, .. } | Error::Conflict { code, .. }) => code,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn r_prol_1_the_maximum_from_a_given_start_for_each_reason() {
        let p = pass("2025-01-01", "2026-12-31");
        let today = d("2026-06-01");
        let expected = [
            ("SENIOR_CDI", "2036-12-28"),
            ("COMPLETE_TRAINING", "2027-12-31"),
            ("RQTH", "2027-12-31"),
            ("SENIOR", "2027-12-31"),
            ("PARTICULAR_DIFFICULTIES", "2027-12-31"),
        ];
        for (reason, end) in expected {
            assert_eq!(max_end(rule(reason), &context(&p, &[])), d(end), "{reason}");
            let ctx = context(&p, &[]);
            assert_eq!(
                check(rule(reason), &ctx, d(end), today).unwrap(),
                range("2026-12-31", end)
            );
            assert_eq!(
                code(check(rule(reason), &ctx, d(end).add_days(1), today)),
                "invalid_prolongation_end"
            );
        }
        assert_eq!(
            code(check(
                rule("RQTH"),
                &context(&p, &[]),
                d("2026-12-31"),
                today
            )),
            "invalid_prolongation_end",
            "end strictly later"
        );
    }

    #[test]
    fn r_prol_1_reasons_by_route_and_by_kind() {
        assert!(ProlongationRule::parse("SENIOR_CDI", "EI", Decider::Structure).is_ok());
        assert_eq!(
            ProlongationRule::parse("RQTH", "EI", Decider::Structure)
                .unwrap_err()
                .code,
            "prolongation_needs_request"
        );
        assert_eq!(
            ProlongationRule::parse("COMPLETE_TRAINING", "EI", Decider::AuthorizedPrescriber)
                .unwrap_err()
                .code,
            "prolongation_is_direct"
        );
        assert!(ProlongationRule::parse(
            "PARTICULAR_DIFFICULTIES",
            "ACIPHC",
            Decider::AuthorizedPrescriber
        )
        .is_ok());
        assert!(ProlongationRule::parse(
            "PARTICULAR_DIFFICULTIES",
            "EI",
            Decider::AuthorizedPrescriber
        )
        .is_err());
        assert_eq!(
            ProlongationRule::parse("senior", "AI", Decider::AuthorizedPrescriber)
                .unwrap_err()
                .code,
            "invalid_prolongation_reason"
        );
    }

    #[test]
    fn r_prol_2_the_cumulative_cap_counts_every_granted_prolongation_whatever_its_reason() {
        // Granted: a training (365), a CDI senior chain (400), RQTH (300): 1065 days added.
        let granted = [
            range("2026-12-31", "2027-12-31"),
            range("2027-12-31", "2029-02-03"),
            range("2029-02-03", "2029-11-30"),
        ];
        assert_eq!(days_added(&granted), 365 + 400 + 300);
        let p = pass("2025-01-01", "2029-11-30");
        let today = d("2029-06-01");
        let ctx = context(&p, &granted);
        assert_eq!(
            max_end(rule("RQTH"), &ctx),
            d("2029-12-30"),
            "30 days left under 1095"
        );
        assert!(check(rule("RQTH"), &ctx, d("2029-12-30"), today).is_ok());
        assert_eq!(
            code(check(rule("RQTH"), &ctx, d("2029-12-31"), today)),
            "invalid_prolongation_end"
        );
        assert_eq!(
            max_end(rule("SENIOR"), &ctx),
            d("2030-11-30"),
            "1825 leaves a full year"
        );
        assert!(
            check(rule("COMPLETE_TRAINING"), &ctx, d("2030-11-30"), today).is_ok(),
            "no cap"
        );
        let full = [range("2026-12-31", "2029-12-31")];
        let p = pass("2025-01-01", "2029-12-31");
        assert_eq!(days_added(&full), 1096);
        assert_eq!(
            code(check(
                rule("RQTH"),
                &context(&p, &full),
                d("2030-01-10"),
                d("2029-06-01")
            )),
            "prolongation_cap_reached"
        );
    }

    #[test]
    fn r_prol_2_prolongations_chain_but_never_overlap() {
        assert!(check_no_overlap(
            range("2027-01-01", "2027-06-01"),
            &[range("2026-06-01", "2027-01-01")]
        )
        .is_ok());
        assert!(check_no_overlap(
            range("2026-12-31", "2027-06-01"),
            &[range("2026-06-01", "2027-01-01")]
        )
        .is_err());
    }

    #[test]
    fn r_prol_3_the_window_edges_one_day_inside_and_outside() {
        let p = pass("2025-01-01", "2026-12-31");
        let ctx = context(&p, &[]);
        let end = d("2027-06-30");
        assert!(
            check(rule("COMPLETE_TRAINING"), &ctx, end, d("2025-12-31")).is_ok(),
            "12 months before"
        );
        assert_eq!(
            code(check(rule("COMPLETE_TRAINING"), &ctx, end, d("2025-12-30"))),
            "outside_prolongation_window"
        );
        assert!(
            check(rule("COMPLETE_TRAINING"), &ctx, end, d("2027-06-30")).is_ok(),
            "6 months after"
        );
        assert_eq!(
            code(check(
                rule("COMPLETE_TRAINING"),
                &ctx,
                d("2027-07-10"),
                d("2027-07-01")
            )),
            "outside_prolongation_window"
        );
    }

    #[test]
    fn r_prol_3_only_the_latest_pass_and_never_while_suspended() {
        let p = pass("2025-01-01", "2026-12-31");
        let today = d("2026-06-01");
        let older = Context {
            is_latest: false,
            ..context(&p, &[])
        };
        assert_eq!(
            code(check(rule("RQTH"), &older, d("2027-06-01"), today)),
            "not_latest_pass"
        );
        let suspended = Context {
            suspended: true,
            ..context(&p, &[])
        };
        assert_eq!(
            code(check(rule("RQTH"), &suspended, d("2027-06-01"), today)),
            "pass_suspended"
        );
    }

    #[test]
    fn r_prol_1_senior_cdi_needs_57_years_and_a_pass_started_12_months_ago() {
        let p = pass("2025-06-01", "2027-05-31");
        let end = d("2030-01-01");
        let born = |birthdate: &str| Context {
            birthdate: d(birthdate),
            ..context(&p, &[])
        };
        assert!(
            check(
                rule("SENIOR_CDI"),
                &born("1969-06-01"),
                end,
                d("2026-06-01")
            )
            .is_ok(),
            "57 today, 12 months"
        );
        // The refusal names the rule that failed, on the reason field.
        let refusal = |birthdate: &str, today: &str| match check(
            rule("SENIOR_CDI"),
            &born(birthdate),
            end,
            d(today),
        ) {
            Err(Error::Unprocessable { errors, .. }) => errors["reason"][0].clone(),
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert!(
            refusal("1969-06-02", "2026-06-01").contains("57 ans"),
            "57 tomorrow"
        );
        assert!(
            refusal("1960-01-01", "2026-05-31").contains("12 mois"),
            "11 months"
        );
    }

    #[test]
    fn r_prol_4_a_denial_needs_a_known_reason_and_with_iae_an_action() {
        assert_eq!(denial("SIAE", &[]).unwrap().reason, "SIAE");
        assert!(denial("IAE", &[])
            .unwrap_err()
            .contains_key("proposed_actions"));
        let both = denial("IAE", &["OTHER".into(), "EXIT_IAE".into(), "OTHER".into()]).unwrap();
        assert_eq!(both.proposed_actions, ["EXIT_IAE", "OTHER"]);
        let errors = denial("nope", &["NOPE".into()]).unwrap_err();
        assert!(errors.contains_key("reason") && errors.contains_key("proposed_actions"));
    }

    #[test]
    fn r_prol_4_reminders_10_20_and_30_days_after_the_request() {
        let created = d("2026-03-01");
        assert_eq!(reminders_due(created, d("2026-03-10")), 0);
        assert_eq!(reminders_due(created, d("2026-03-11")), 1);
        assert_eq!(reminders_due(created, d("2026-03-21")), 2);
        assert_eq!(reminders_due(created, d("2026-03-31")), 3);
        assert_eq!(reminders_due(created, d("2027-01-01")), 3);
    }
}
