//! The structure's decisions on an application (R-APPLY-5..7): the transitions table, the
//! refusal reasons and the hiring dates. The table is the single source of truth: the `decide`
//! component applies it, and the forms ask it which buttons to show.

use crate::application::State;
use crate::error::{Error, FieldErrors, Invalid};
use crate::Date;

/// What a structure does to an application (R-APPLY-5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Process,
    Postpone,
    Accept,
    Refuse,
    Cancel,
    AddToPool,
}

/// R-APPLY-5: each action, the states it starts from, and the state it leads to.
pub const TRANSITIONS: [(Action, &[State], State); 6] = [
    (
        Action::Process,
        &[State::New, State::Pool],
        State::Processing,
    ),
    (
        Action::Postpone,
        &[State::New, State::Pool, State::Processing],
        State::Postponed,
    ),
    (
        Action::Accept,
        &[
            State::New,
            State::Pool,
            State::Processing,
            State::Postponed,
            State::Refused,
            State::Cancelled,
            State::Obsolete,
        ],
        State::Accepted,
    ),
    (
        Action::Refuse,
        &[State::New, State::Pool, State::Processing, State::Postponed],
        State::Refused,
    ),
    (Action::Cancel, &[State::Accepted], State::Cancelled),
    (
        Action::AddToPool,
        &[
            State::New,
            State::Processing,
            State::Postponed,
            State::Cancelled,
            State::Obsolete,
        ],
        State::Pool,
    ),
];

/// R-APPLY-8: the states an accept elsewhere makes `obsolete`.
pub const OBSOLETED_BY_A_HIRE: [State; 3] = [State::New, State::Processing, State::Postponed];

impl Action {
    /// The route's last segment and the API string (`add_to_pool`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Process => "process",
            Action::Postpone => "postpone",
            Action::Accept => "accept",
            Action::Refuse => "refuse",
            Action::Cancel => "cancel",
            Action::AddToPool => "add_to_pool",
        }
    }

    /// The button's French label.
    pub fn label(self) -> &'static str {
        match self {
            Action::Process => "Étudier",
            Action::Postpone => "Mettre en attente",
            Action::Accept => "Accepter",
            Action::Refuse => "Refuser",
            Action::Cancel => "Annuler l'embauche",
            Action::AddToPool => "Ajouter au vivier",
        }
    }

    /// The state this action leads to from `from`, or 409 `transition_not_allowed` naming the
    /// current state.
    pub fn apply(self, from: State) -> Result<State, Error> {
        TRANSITIONS
            .iter()
            .find(|(action, starts, _)| *action == self && starts.contains(&from))
            .map(|(_, _, to)| *to)
            .ok_or_else(|| Error::Conflict {
                code: "transition_not_allowed",
                detail: format!(
                    "Impossible de « {} » une candidature dans l'état « {} » ({}) (R-APPLY-5).",
                    self.label().to_lowercase(),
                    from.label(),
                    from.as_str()
                ),
                errors: FieldErrors::from([("state".to_owned(), vec![from.as_str().to_owned()])]),
            })
    }
}

/// The actions the forms offer for an application in `state`, in the table's order.
pub fn allowed_actions(state: State) -> Vec<Action> {
    TRANSITIONS
        .iter()
        .filter(|(_, starts, _)| starts.contains(&state))
        .map(|(action, _, _)| *action)
        .collect()
}

/// A button of the forms: the action's code and its French label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Button {
    pub action: &'static str,
    pub label: &'static str,
}

/// The buttons the forms show for an application in `state` ([`allowed_actions`]).
pub fn buttons(state: State) -> Vec<Button> {
    allowed_actions(state)
        .into_iter()
        .map(|a| Button {
            action: a.as_str(),
            label: a.label(),
        })
        .collect()
}

/// R-APPLY-6: code and the label shown to the structure, in the rulebook's order.
pub const REFUSAL_REASONS: [(&str, &str); 12] = [
    ("did_not_come", "Candidat non joignable"),
    (
        "did_not_come_to_interview",
        "Candidat ne s'étant pas présenté à l'entretien",
    ),
    ("hired_elsewhere", "Candidat indisponible : en emploi"),
    ("training", "Candidat indisponible : en formation"),
    ("non_eligible", "Candidat non éligible"),
    ("not_mobile", "Candidat non mobile"),
    ("not_interested", "Candidat non intéressé"),
    (
        "lacking_skills",
        "Le candidat n'a pas les compétences requises pour le poste",
    ),
    (
        "incompatible",
        "Un des freins à l'emploi du candidat est incompatible avec le poste proposé",
    ),
    (
        "prevent_objectives",
        "L'embauche du candidat empêche la réalisation des objectifs du dialogue de gestion",
    ),
    ("no_position", "Pas de recrutement en cours"),
    ("other", "Autre"),
];

/// The reason that needs a comment (R-APPLY-6).
const OTHER_REASON: &str = "other";

/// A refusal reason of [`REFUSAL_REASONS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefusalReason(&'static str, &'static str);

impl RefusalReason {
    pub fn parse(code: &str) -> Result<RefusalReason, Invalid> {
        REFUSAL_REASONS
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(c, label)| RefusalReason(c, label))
            .ok_or_else(|| {
                let codes: Vec<&str> = REFUSAL_REASONS.iter().map(|(c, _)| *c).collect();
                Invalid::new(
                    "invalid_refusal_reason",
                    format!(
                        "Motif de refus inconnu (valeurs possibles : {}).",
                        codes.join(", ")
                    ),
                )
            })
    }

    pub fn code(self) -> &'static str {
        self.0
    }

    pub fn label(self) -> &'static str {
        self.1
    }

    /// `other` needs the structure's comment (R-APPLY-6).
    pub fn needs_comment(self) -> bool {
        self.0 == OTHER_REASON
    }
}

/// R-APPLY-7: the hire may start from today up to this many months ahead.
pub const HIRING_START_MAX_MONTHS_AHEAD: i32 = 6;

/// R-APPLY-7's hiring dates, checked against `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HiringDates {
    pub start: Date,
    pub end: Option<Date>,
}

impl HiringDates {
    /// Start from today (no back-dating) to today + 6 months; an end, when given, after the
    /// start. Every field error at once, named `hiring_start_at` / `hiring_end_at` as in the accept body.
    pub fn parse(start: Date, end: Option<Date>, today: Date) -> Result<HiringDates, FieldErrors> {
        let mut errors = FieldErrors::new();
        let latest = today.add_months(HIRING_START_MAX_MONTHS_AHEAD);
        if start < today {
            errors.insert(
                "hiring_start_at".into(),
                vec![format!(
                    "L'embauche ne peut pas commencer avant aujourd'hui ({today})."
                )],
            );
        } else if start > latest {
            errors.insert(
                "hiring_start_at".into(),
                vec![format!(
                    "L'embauche commence au plus tard le {latest} (6 mois après aujourd'hui)."
                )],
            );
        }
        if let Some(end) = end {
            if end <= start {
                errors.insert(
                    "hiring_end_at".into(),
                    vec!["La fin de contrat doit être après son début.".into()],
                );
            }
        }
        if errors.is_empty() {
            Ok(HiringDates { start, end })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::ALL_STATES;
    use State::*;

    const ALL_ACTIONS: [Action; 6] = [
        Action::Process,
        Action::Postpone,
        Action::Accept,
        Action::Refuse,
        Action::Cancel,
        Action::AddToPool,
    ];

    /// R-APPLY-5 written out again, independently of [`TRANSITIONS`]: every allowed pair.
    fn allowed_by_the_rulebook(action: Action, from: State) -> Option<State> {
        let (starts, to): (&[State], State) = match action {
            Action::Process => (&[New, Pool], Processing),
            Action::Postpone => (&[New, Pool, Processing], Postponed),
            Action::Accept => (
                &[
                    New, Pool, Processing, Postponed, Refused, Cancelled, Obsolete,
                ],
                Accepted,
            ),
            Action::Refuse => (&[New, Pool, Processing, Postponed], Refused),
            Action::Cancel => (&[Accepted], Cancelled),
            Action::AddToPool => (&[New, Processing, Postponed, Cancelled, Obsolete], Pool),
        };
        starts.contains(&from).then_some(to)
    }

    #[test]
    fn r_apply_5_every_state_and_action_follows_the_rulebook_and_the_rest_is_a_409() {
        let mut allowed = 0;
        for action in ALL_ACTIONS {
            for from in ALL_STATES {
                match (action.apply(from), allowed_by_the_rulebook(action, from)) {
                    (Ok(to), Some(expected)) => {
                        assert_eq!(to, expected, "{action:?} from {from:?}");
                        allowed += 1;
                    }
                    (
                        Err(Error::Conflict {
                            code,
                            detail,
                            errors,
                        }),
                        None,
                    ) => {
                        assert_eq!(code, "transition_not_allowed");
                        assert!(detail.contains(from.label()), "{detail}");
                        assert_eq!(errors["state"], vec![from.as_str().to_owned()]);
                    }
                    (got, expected) => panic!("{action:?} from {from:?}: {got:?}, {expected:?}"),
                }
            }
        }
        assert_eq!(allowed, 2 + 3 + 7 + 4 + 1 + 5);
    }

    #[test]
    fn the_forms_buttons_are_the_tables_actions_for_the_state() {
        assert_eq!(
            allowed_actions(New),
            vec![
                Action::Process,
                Action::Postpone,
                Action::Accept,
                Action::Refuse,
                Action::AddToPool
            ]
        );
        assert_eq!(allowed_actions(Accepted), vec![Action::Cancel]);
        assert_eq!(
            allowed_actions(Refused),
            vec![Action::Accept],
            "a refusal can be reconsidered"
        );
        for state in ALL_STATES {
            for action in allowed_actions(state) {
                assert!(action.apply(state).is_ok());
            }
        }
    }

    #[test]
    fn r_apply_6_the_twelve_reasons_with_their_labels_and_other_needs_a_comment() {
        assert_eq!(
            RefusalReason::parse("did_not_come").unwrap().label(),
            "Candidat non joignable"
        );
        assert!(RefusalReason::parse("other").unwrap().needs_comment());
        assert!(!RefusalReason::parse("no_position").unwrap().needs_comment());
        let unknown = RefusalReason::parse("Other").unwrap_err();
        assert_eq!(unknown.code, "invalid_refusal_reason");
        assert!(unknown.message.contains("prevent_objectives"));
    }

    #[test]
    fn r_apply_7_the_hire_starts_from_today_to_six_months_ahead_and_ends_after_it_starts() {
        let today = Date::parse("2026-08-31").unwrap();
        let d = |s: &str| Date::parse(s).unwrap();
        assert!(HiringDates::parse(today, None, today).is_ok());
        assert!(
            HiringDates::parse(d("2027-02-28"), None, today).is_ok(),
            "month end clamped"
        );
        let late = HiringDates::parse(d("2027-03-01"), None, today).unwrap_err();
        assert!(late["hiring_start_at"][0].contains("2027-02-28"));
        let back_dated = HiringDates::parse(d("2026-08-30"), Some(d("2026-08-30")), today);
        let errors = back_dated.unwrap_err();
        assert!(errors.contains_key("hiring_start_at") && errors.contains_key("hiring_end_at"));
        assert!(HiringDates::parse(today, Some(today.add_days(1)), today).is_ok());
    }
}
