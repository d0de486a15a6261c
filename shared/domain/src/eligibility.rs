//! Eligibility to the IAE: the socio-professional diagnosis and its grid, the administrative
//! criteria, self-prescription by an IAE employer, validity periods and the diagnosis
//! "considered valid" for a hire. Rules: R-ELIG-1 (prescriber diagnosis, 6 months), R-ELIG-2
//! (the guide's grid), R-ELIG-3 (self-prescription, 92 days), R-ELIG-4 (administrative
//! criteria), R-ELIG-5 (which diagnosis counts).

use serde::ser::SerializeMap;
use serde_json::Value;

use crate::{Date, Error, FieldErrors, Invalid};

/// One axis of the guide's grid (R-ELIG-2): API key, French label, and the four level labels
/// from level 1 (the "vulnérable" end) to level 4 (the "disponible" end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Axis {
    pub key: &'static str,
    pub label: &'static str,
    pub levels: [&'static str; 4],
}

/// An integer as JSON writes it, `2` or `2.0` (JSON Schema's integer, as the API's other bodies
/// accept it: `tremplin_domain::body`).
fn whole_number(value: &serde_json::Value) -> Option<u64> {
    value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && (0.0..=4.0).contains(f))
            .map(|f| f as u64)
    })
}

/// R-ELIG-2: the guide's eight axes, in the guide's order.
///
/// Keys and axis labels are the rulebook's. Level labels: housing's are the rulebook's, as it
/// gives them; the rulebook gives none for the other axes, so theirs are ours, written after the
/// DGEFP guide's grid ("La prescription de parcours d'insertion par l'activité économique") as
/// short phrases a social worker recognises. Change them here only: forms and exports read them
/// from this table.
pub const GRID_AXES: [Axis; 8] = [
    Axis {
        key: "french_language",
        label: "Maîtrise de la langue française",
        levels: [
            "Ne parle ni ne comprend le français",
            "Comprend et parle un peu le français, ne le lit ni ne l'écrit",
            "Parle et comprend le français, difficultés à l'écrit",
            "Maîtrise le français à l'oral et à l'écrit",
        ],
    },
    Axis {
        key: "work_capacity",
        label: "Capacité à occuper un poste de travail",
        levels: [
            "Santé ou addictions empêchant pour l'instant d'occuper un poste",
            "Peut occuper un poste très adapté, avec un accompagnement soutenu",
            "Peut occuper un poste avec des aménagements ou un accompagnement",
            "Peut occuper un poste de travail sans aménagement",
        ],
    },
    Axis {
        key: "housing",
        label: "Logement",
        levels: [
            "SDF",
            "Hébergement collectif de type CHRS/CADA",
            "Hébergement hors structure sociale / logement insalubre / risque de perte",
            "Logement stable",
        ],
    },
    Axis {
        key: "rights_access",
        label: "Accès au droit",
        levels: [
            "Aucun droit ouvert, sans papiers d'identité ni titre de séjour valide",
            "Droits interrompus ou en cours d'ouverture (papiers, santé, prestations)",
            "Droits ouverts, démarches à accompagner",
            "Droits ouverts, démarches faites en autonomie",
        ],
    },
    Axis {
        key: "mobility",
        label: "Mobilité",
        levels: [
            "Aucun moyen de se déplacer hors de son quartier",
            "Dépend des transports en commun sur un périmètre restreint",
            "Se déplace en transports en commun, sans permis ni véhicule",
            "Permis et véhicule, ou mobilité autonome",
        ],
    },
    Axis {
        key: "finances",
        label: "Ressources financières",
        levels: [
            "Aucune ressource",
            "Minima sociaux ou ressources très faibles, dettes importantes",
            "Ressources faibles ou irrégulières, budget fragile",
            "Ressources suffisantes, budget maîtrisé",
        ],
    },
    Axis {
        key: "justice",
        label: "Justice",
        levels: [
            "Incarcération ou sortie de détention récente",
            "Sous main de justice (aménagement de peine, contrôle judiciaire, sursis probatoire)",
            "Procédure judiciaire en cours ou obligations ponctuelles",
            "Aucune contrainte judiciaire",
        ],
    },
    Axis {
        key: "availability",
        label: "Disponibilité",
        levels: [
            "Indisponible pour l'instant (garde d'enfants, proche aidant, soins)",
            "Disponible quelques heures par semaine",
            "Disponible à temps partiel",
            "Disponible à temps plein",
        ],
    },
];

/// R-ELIG-2: the names of the four levels, whatever the axis. The rulebook names the two ends
/// ("vulnérable", "disponible"); the two middle names are ours.
pub const LEVEL_SCALE: [&str; 4] = ["Vulnérable", "Fragile", "Mobilisable", "Disponible"];

const GRID_NOT_OBJECT: &str =
    "La grille doit être un objet donnant un niveau de 1 à 4 pour chacun des huit axes.";
const AXIS_MISSING: &str = "Ce champ est obligatoire.";
const LEVEL_INVALID: &str = "Le niveau doit être un entier de 1 (vulnérable) à 4 (disponible).";

/// A complete grid (R-ELIG-2): one level 1..=4 per axis, in [`GRID_AXES`] order.
///
/// Serializes as `{"french_language": 2, …}`, the axes in the guide's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid([u8; 8]);

impl Grid {
    /// From the API's JSON object: every axis required, each an integer 1..=4 (`2.0` is the
    /// integer 2, as JSON Schema reads it; `"2"` and `2.5` are refused), no unknown key. Every
    /// problem is reported at once, under `grid.<axis>`; a non-object under `grid`.
    pub fn parse(value: &Value) -> Result<Grid, Error> {
        let mut errors = FieldErrors::new();
        let Some(object) = value.as_object() else {
            errors.insert("grid".into(), vec![GRID_NOT_OBJECT.into()]);
            return Err(Error::fields(errors));
        };
        let mut levels = [0; 8];
        for (level, axis) in levels.iter_mut().zip(&GRID_AXES) {
            let found = object.get(axis.key).map(|v| {
                whole_number(v)
                    .filter(|l| (1..=4).contains(l))
                    .map(|l| l as u8)
            });
            match found {
                Some(Some(l)) => *level = l,
                Some(None) => {
                    errors.insert(format!("grid.{}", axis.key), vec![LEVEL_INVALID.into()]);
                }
                None => {
                    errors.insert(format!("grid.{}", axis.key), vec![AXIS_MISSING.into()]);
                }
            }
        }
        for key in object.keys() {
            if !GRID_AXES.iter().any(|axis| axis.key == key) {
                errors.insert(
                    format!("grid.{key}"),
                    vec![format!("Axe inconnu : « {key} ».")],
                );
            }
        }
        if errors.is_empty() {
            Ok(Grid(levels))
        } else {
            Err(Error::fields(errors))
        }
    }

    /// The level (1..=4) of the axis with this key; `None` for an unknown key.
    pub fn level(&self, axis_key: &str) -> Option<u8> {
        GRID_AXES
            .iter()
            .position(|axis| axis.key == axis_key)
            .map(|i| self.0[i])
    }
}

impl serde::Serialize for Grid {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(GRID_AXES.len()))?;
        for (axis, level) in GRID_AXES.iter().zip(self.0) {
            map.serialize_entry(axis.key, &level)?;
        }
        map.end()
    }
}

/// The two levels of administrative criteria (R-ELIG-4); they matter only for self-prescription
/// (R-ELIG-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CriterionLevel {
    One,
    Two,
}

/// An administrative criterion (R-ELIG-4): API code, French label, level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Criterion {
    pub code: &'static str,
    pub label: &'static str,
    pub level: CriterionLevel,
}

const fn criterion(code: &'static str, label: &'static str, level: CriterionLevel) -> Criterion {
    Criterion { code, label, level }
}

/// R-ELIG-4, in the rulebook's order. Labels are the rulebook's words: its parenthesis where it
/// describes the criterion (RSA → "Bénéficiaire du RSA"), the code with its parenthesis where
/// the parenthesis only qualifies it (DETLD (+24 mois)), the code alone where it gives nothing
/// more (ASS, AAH).
pub const CRITERIA: &[Criterion] = &[
    criterion("RSA", "Bénéficiaire du RSA", CriterionLevel::One),
    criterion("ASS", "ASS", CriterionLevel::One),
    criterion("AAH", "AAH", CriterionLevel::One),
    criterion("DETLD", "DETLD (+24 mois)", CriterionLevel::One),
    criterion(
        "CAP_BEP",
        "CAP, BEP (niveau 3 ou infra)",
        CriterionLevel::Two,
    ),
    criterion("SENIOR", "Senior (+50 ans)", CriterionLevel::Two),
    criterion("JEUNE", "Jeune (−26 ans)", CriterionLevel::Two),
    criterion("ASE", "Sortant de l'ASE", CriterionLevel::Two),
    criterion("DELD", "DELD (12–24 mois)", CriterionLevel::Two),
    criterion("TH", "Travailleur handicapé", CriterionLevel::Two),
    criterion("PI", "Parent isolé", CriterionLevel::Two),
    criterion(
        "PSH_PR",
        "Sans hébergement / parcours de rue",
        CriterionLevel::Two,
    ),
    criterion(
        "REF_DA",
        "Réfugié, protection temporaire ou subsidiaire, demandeur d'asile",
        CriterionLevel::Two,
    ),
    criterion("ZRR", "Résident ZRR/ZFRR", CriterionLevel::Two),
    criterion("QPV", "Résident QPV", CriterionLevel::Two),
    criterion(
        "DETENTION_MJ",
        "Sortant de détention ou sous main de justice",
        CriterionLevel::Two,
    ),
    criterion("FLE", "FLE (français < A1)", CriterionLevel::Two),
    criterion("PM", "Problème de mobilité", CriterionLevel::Two),
];

/// R-ELIG-4: criteria that contradict each other (one cannot be over 50 and under 26, nor
/// unemployed both over 24 months and 12 to 24 months).
pub const FORBIDDEN_PAIRS: &[(&str, &str)] = &[("SENIOR", "JEUNE"), ("DETLD", "DELD")];

const CRITERIA_CODE: &str = "invalid_criteria";

/// R-ELIG-4: the criteria with these codes, in the order given. Codes are exact (no trimming,
/// no case folding: they come from a list the form offers). The first kind of problem found is
/// reported, naming every code concerned: unknown codes, then duplicates, then forbidden pairs.
pub fn parse_criteria(codes: &[String]) -> Result<Vec<&'static Criterion>, Invalid> {
    let unknown: Vec<&str> = codes
        .iter()
        .map(String::as_str)
        .filter(|code| !CRITERIA.iter().any(|c| c.code == *code))
        .collect();
    if !unknown.is_empty() {
        return Err(Invalid::new(
            CRITERIA_CODE,
            format!("Critère administratif inconnu : {}.", quoted_list(&unknown)),
        ));
    }
    let mut duplicates: Vec<&str> = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        if codes[..i].contains(code) && !duplicates.contains(&code.as_str()) {
            duplicates.push(code);
        }
    }
    if !duplicates.is_empty() {
        return Err(Invalid::new(
            CRITERIA_CODE,
            format!(
                "Critère administratif coché deux fois : {}.",
                quoted_list(&duplicates)
            ),
        ));
    }
    let has = |code: &str| codes.iter().any(|c| c == code);
    if let Some((a, b)) = FORBIDDEN_PAIRS.iter().find(|(a, b)| has(a) && has(b)) {
        return Err(Invalid::new(
            CRITERIA_CODE,
            format!("Les critères « {a} » et « {b} » ne peuvent pas être cochés ensemble."),
        ));
    }
    Ok(codes
        .iter()
        .filter_map(|code| CRITERIA.iter().find(|c| c.code == *code))
        .collect())
}

fn quoted_list(codes: &[&str]) -> String {
    codes
        .iter()
        .map(|code| format!("« {code} »"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// R-ELIG-3: how many level-2 criteria a self-prescription needs, by IAE structure kind.
pub const SELF_PRESCRIPTION_LEVEL_2_THRESHOLDS: &[(&str, usize)] = &[
    ("AI", 2),
    ("ETTI", 2),
    ("ACI", 3),
    ("ACIPHC", 3),
    ("EI", 3),
    ("EITI", 3),
];

/// R-ELIG-3: may an employer of a `structure_kind` structure validate eligibility itself with
/// these criteria (already checked by [`parse_criteria`])? At least one level-1 criterion, or at
/// least the kind's number of level-2 ones. A kind outside the table (non-IAE) never may.
pub fn check_self_prescription(
    structure_kind: &str,
    criteria: &[&Criterion],
) -> Result<(), Invalid> {
    let Some(&(_, needed)) = SELF_PRESCRIPTION_LEVEL_2_THRESHOLDS
        .iter()
        .find(|(kind, _)| *kind == structure_kind)
    else {
        return Err(Invalid::new(
            "self_prescription_not_allowed",
            "Seule une structure de l'IAE (ACI, ACIPHC, AI, EI, EITI, ETTI) peut valider elle-même l'éligibilité d'un candidat.",
        ));
    };
    let count = |level| criteria.iter().filter(|c| c.level == level).count();
    let level_2 = count(CriterionLevel::Two);
    if count(CriterionLevel::One) >= 1 || level_2 >= needed {
        return Ok(());
    }
    Err(Invalid::new(
        "criteria_insufficient",
        format!(
            "Pour valider l'éligibilité, une structure {structure_kind} doit cocher au moins un critère administratif de niveau 1 ou {needed} critères de niveau 2 (critères de niveau 2 cochés : {level_2})."
        ),
    ))
}

/// Who made a diagnosis: an authorized prescriber (R-ELIG-1) or an IAE employer for its own
/// structure (R-ELIG-3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorKind {
    Prescriber,
    Employer,
}

impl AuthorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorKind::Prescriber => "prescriber",
            AuthorKind::Employer => "employer",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        match value {
            "prescriber" => Ok(AuthorKind::Prescriber),
            "employer" => Ok(AuthorKind::Employer),
            _ => Err(Invalid::new(
                "invalid_author_kind",
                "Auteur de diagnostic inconnu (prescriber ou employer).",
            )),
        }
    }
}

/// R-ELIG-1: a prescriber diagnosis is valid 6 calendar months.
pub const PRESCRIBER_VALIDITY_MONTHS: i32 = 6;
/// R-ELIG-3: an employer diagnosis is valid 92 days.
pub const EMPLOYER_VALIDITY_DAYS: i64 = 92;

/// R-ELIG-1 / R-ELIG-3: the first day the diagnosis made on `made_on` is no longer valid.
/// Months are calendar months clamped to the month's end (2026-08-31 → 2027-02-28).
pub fn expires_at(kind: AuthorKind, made_on: Date) -> Date {
    match kind {
        AuthorKind::Prescriber => made_on.add_months(PRESCRIBER_VALIDITY_MONTHS),
        AuthorKind::Employer => made_on.add_days(EMPLOYER_VALIDITY_DAYS),
    }
}

/// R-ELIG-1: valid while today < expires_at (`expires_at` is the first invalid day).
pub fn is_valid(expires_at: Date, today: Date) -> bool {
    today < expires_at
}

/// R-ELIG-2: the longest free text (situation, obstacles, objectives), in characters.
pub const TEXT_MAX_CHARS: usize = 5000;

/// One diagnosis, as R-ELIG-5 needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagnosisSummary {
    pub id: String,
    pub author_kind: AuthorKind,
    pub author_organization_id: String,
    pub made_on: Date,
    pub expires_at: Date,
}

/// R-ELIG-5: the diagnosis "considered valid" for a hire by `structure_id` on `today`: the most
/// recent valid prescriber diagnosis, else the most recent valid employer diagnosis made by that
/// structure (another structure's is never seen, R-ELIG-3). A valid prescriber diagnosis wins
/// over a more recent employer one. "Most recent" is the latest `made_on`; among diagnoses made
/// the same day, the one expiring last, then the last in the slice.
pub fn considered_valid<'a>(
    diagnoses: &'a [DiagnosisSummary],
    structure_id: &str,
    today: Date,
) -> Option<&'a DiagnosisSummary> {
    let latest = |kind: AuthorKind| {
        diagnoses
            .iter()
            .filter(|d| d.author_kind == kind && is_valid(d.expires_at, today))
            .filter(|d| kind == AuthorKind::Prescriber || d.author_organization_id == structure_id)
            .max_by_key(|d| (d.made_on, d.expires_at))
    };
    latest(AuthorKind::Prescriber).or_else(|| latest(AuthorKind::Employer))
}

/// R-ELIG-3: whether `structure_id` holds a valid diagnosis of its own for the candidate (what
/// lets it declare a hire without an application).
pub fn self_prescribed(diagnoses: &[DiagnosisSummary], structure_id: &str, today: Date) -> bool {
    diagnoses.iter().any(|d| {
        d.author_kind == AuthorKind::Employer
            && d.author_organization_id == structure_id
            && is_valid(d.expires_at, today)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::organization::{StructureFamily, STRUCTURE_KINDS};
    use serde_json::json;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn codes(list: &[&str]) -> Vec<String> {
        list.iter().map(|c| (*c).to_owned()).collect()
    }

    fn criteria(list: &[&str]) -> Vec<&'static Criterion> {
        parse_criteria(&codes(list)).unwrap()
    }

    fn full_grid() -> Value {
        json!({
            "french_language": 1, "work_capacity": 2, "housing": 3, "rights_access": 4,
            "mobility": 1, "finances": 2, "justice": 3, "availability": 4,
        })
    }

    /// The field errors of a refused grid.
    fn grid_errors(value: Value) -> FieldErrors {
        let err = Grid::parse(&value).unwrap_err();
        assert_eq!(err.code(), "validation_failed");
        err.field_errors().unwrap().clone()
    }

    #[test]
    fn r_elig_2_axes_in_the_guide_order() {
        let keys: Vec<&str> = GRID_AXES.iter().map(|a| a.key).collect();
        assert_eq!(
            keys,
            [
                "french_language",
                "work_capacity",
                "housing",
                "rights_access",
                "mobility",
                "finances",
                "justice",
                "availability"
            ]
        );
        let housing = &GRID_AXES[2];
        assert_eq!(housing.label, "Logement");
        assert_eq!(housing.levels[0], "SDF");
        assert_eq!(housing.levels[3], "Logement stable");
        assert!(GRID_AXES
            .iter()
            .all(|a| !a.label.is_empty() && a.levels.iter().all(|l| !l.is_empty())));
        assert_eq!(LEVEL_SCALE[0], "Vulnérable");
        assert_eq!(LEVEL_SCALE[3], "Disponible");
    }

    #[test]
    fn r_elig_2_a_complete_grid_parses_and_serializes_in_order() {
        let grid = Grid::parse(&full_grid()).unwrap();
        assert_eq!(grid.level("housing"), Some(3));
        assert_eq!(grid.level("availability"), Some(4));
        assert_eq!(grid.level("health"), None);
        assert_eq!(
            serde_json::to_string(&grid).unwrap(),
            r#"{"french_language":1,"work_capacity":2,"housing":3,"rights_access":4,"mobility":1,"finances":2,"justice":3,"availability":4}"#
        );
        // What we store, we read back.
        let stored: Value = serde_json::to_value(&grid).unwrap();
        assert_eq!(Grid::parse(&stored).unwrap(), grid);
    }

    #[test]
    fn r_elig_2_every_axis_is_required() {
        let mut value = full_grid();
        value.as_object_mut().unwrap().remove("justice");
        let errors = grid_errors(value);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors["grid.justice"], [AXIS_MISSING]);

        let errors = grid_errors(json!({}));
        assert_eq!(errors.len(), 8);
        assert!(errors.contains_key("grid.french_language"));
    }

    #[test]
    fn r_elig_2_levels_are_integers_1_to_4() {
        for bad in [
            json!(0),
            json!(5),
            json!(2.5),
            json!(4.0000001),
            json!("2"),
            json!(-1),
            json!(null),
        ] {
            let mut value = full_grid();
            value["mobility"] = bad.clone();
            let errors = grid_errors(value);
            assert_eq!(errors.len(), 1, "{bad}");
            assert_eq!(errors["grid.mobility"], [LEVEL_INVALID], "{bad}");
        }
        for level in 1..=4 {
            let mut value = full_grid();
            value["mobility"] = json!(level);
            assert_eq!(Grid::parse(&value).unwrap().level("mobility"), Some(level));
            value["mobility"] = json!(f64::from(level));
            assert_eq!(Grid::parse(&value).unwrap().level("mobility"), Some(level));
        }
    }

    #[test]
    fn r_elig_2_unknown_keys_are_refused() {
        let mut value = full_grid();
        value["health"] = json!(2);
        let errors = grid_errors(value);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors["grid.health"], ["Axe inconnu : « health »."]);
    }

    #[test]
    fn r_elig_2_all_problems_are_reported_at_once() {
        let errors = grid_errors(json!({
            "french_language": 0, "work_capacity": 2, "housing": 3, "rights_access": 4,
            "mobility": 1, "finances": 2, "justice": 3, "Housing": 2,
        }));
        let fields: Vec<&str> = errors.keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            ["grid.Housing", "grid.availability", "grid.french_language"]
        );
    }

    #[test]
    fn r_elig_2_a_grid_is_an_object() {
        for value in [json!([1, 2, 3]), json!("grille"), json!(null), json!(3)] {
            let errors = grid_errors(value.clone());
            assert_eq!(errors.len(), 1, "{value}");
            assert_eq!(errors["grid"], [GRID_NOT_OBJECT], "{value}");
        }
    }

    #[test]
    fn r_elig_4_criteria_as_the_rulebook_lists_them() {
        let level = |level| -> Vec<&str> {
            CRITERIA
                .iter()
                .filter(|c| c.level == level)
                .map(|c| c.code)
                .collect()
        };
        assert_eq!(level(CriterionLevel::One), ["RSA", "ASS", "AAH", "DETLD"]);
        assert_eq!(
            level(CriterionLevel::Two),
            [
                "CAP_BEP",
                "SENIOR",
                "JEUNE",
                "ASE",
                "DELD",
                "TH",
                "PI",
                "PSH_PR",
                "REF_DA",
                "ZRR",
                "QPV",
                "DETENTION_MJ",
                "FLE",
                "PM"
            ]
        );
        for (a, b) in FORBIDDEN_PAIRS {
            assert!(CRITERIA.iter().any(|c| c.code == *a), "{a}");
            assert!(CRITERIA.iter().any(|c| c.code == *b), "{b}");
        }
    }

    #[test]
    fn r_elig_4_known_codes_parse_in_the_order_given() {
        let parsed = criteria(&["QPV", "RSA", "TH"]);
        let parsed: Vec<&str> = parsed.iter().map(|c| c.code).collect();
        assert_eq!(parsed, ["QPV", "RSA", "TH"]);
        assert_eq!(criteria(&[]), Vec::<&Criterion>::new());
        assert_eq!(criteria(&["RSA"])[0].label, "Bénéficiaire du RSA");
    }

    #[test]
    fn r_elig_4_unknown_codes_are_named() {
        let err = parse_criteria(&codes(&["RSA", "XYZ", "rsa"])).unwrap_err();
        assert_eq!(err.code, "invalid_criteria");
        assert_eq!(
            err.message,
            "Critère administratif inconnu : « XYZ », « rsa »."
        );
    }

    #[test]
    fn r_elig_4_duplicates_are_refused() {
        let err = parse_criteria(&codes(&["TH", "PI", "TH", "TH"])).unwrap_err();
        assert_eq!(err.code, "invalid_criteria");
        assert_eq!(
            err.message,
            "Critère administratif coché deux fois : « TH »."
        );
    }

    #[test]
    fn r_elig_4_each_forbidden_pair_is_refused_in_either_order() {
        for (a, b) in [("SENIOR", "JEUNE"), ("DETLD", "DELD")] {
            for pair in [[a, b], [b, a]] {
                let err = parse_criteria(&codes(&["PM", pair[0], "QPV", pair[1]])).unwrap_err();
                assert_eq!(err.code, "invalid_criteria");
                assert!(err.message.contains(&format!("« {a} »")), "{}", err.message);
                assert!(err.message.contains(&format!("« {b} »")), "{}", err.message);
            }
        }
        // Each member of a pair is fine with anything else.
        assert!(parse_criteria(&codes(&["SENIOR", "DELD"])).is_ok());
        assert!(parse_criteria(&codes(&["JEUNE", "DETLD"])).is_ok());
    }

    #[test]
    fn r_elig_3_thresholds_cover_exactly_the_iae_kinds() {
        let iae: Vec<&str> = STRUCTURE_KINDS
            .iter()
            .filter(|k| k.2 == StructureFamily::Iae)
            .map(|k| k.0)
            .collect();
        let mut table: Vec<&str> = SELF_PRESCRIPTION_LEVEL_2_THRESHOLDS
            .iter()
            .map(|t| t.0)
            .collect();
        table.sort_unstable();
        assert_eq!(table, iae);
    }

    #[test]
    fn r_elig_3_each_kind_at_its_threshold_and_one_below() {
        // Written from R-ELIG-3, not read from the table.
        let level_2 = ["CAP_BEP", "TH", "PI", "QPV"];
        for (kind, needed) in [
            ("AI", 2),
            ("ETTI", 2),
            ("ACI", 3),
            ("ACIPHC", 3),
            ("EI", 3),
            ("EITI", 3),
        ] {
            let at = criteria(&level_2[..needed]);
            assert_eq!(check_self_prescription(kind, &at), Ok(()), "{kind}");
            let above = criteria(&level_2);
            assert_eq!(check_self_prescription(kind, &above), Ok(()), "{kind}");

            let below = criteria(&level_2[..needed - 1]);
            let err = check_self_prescription(kind, &below).unwrap_err();
            assert_eq!(err.code, "criteria_insufficient", "{kind}");
            assert!(err.message.contains(kind), "{}", err.message);
            assert!(
                err.message
                    .contains(&format!("{needed} critères de niveau 2")),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn r_elig_3_one_level_1_criterion_alone_passes_for_every_iae_kind() {
        for kind in ["AI", "ETTI", "ACI", "ACIPHC", "EI", "EITI"] {
            for code in ["RSA", "ASS", "AAH", "DETLD"] {
                assert_eq!(
                    check_self_prescription(kind, &criteria(&[code])),
                    Ok(()),
                    "{kind} {code}"
                );
            }
            let err = check_self_prescription(kind, &[]).unwrap_err();
            assert_eq!(err.code, "criteria_insufficient", "{kind}");
        }
    }

    #[test]
    fn r_elig_3_non_iae_kinds_may_not_self_prescribe() {
        for kind in ["GEIQ", "EA", "EATT", "OPCS", "ML", "", "ai"] {
            let err = check_self_prescription(kind, &criteria(&["RSA", "AAH"])).unwrap_err();
            assert_eq!(err.code, "self_prescription_not_allowed", "{kind:?}");
        }
    }

    #[test]
    fn author_kind_round_trips() {
        for kind in [AuthorKind::Prescriber, AuthorKind::Employer] {
            assert_eq!(AuthorKind::parse(kind.as_str()), Ok(kind));
        }
        assert_eq!(
            AuthorKind::parse("Prescriber").unwrap_err().code,
            "invalid_author_kind"
        );
    }

    #[test]
    fn r_elig_1_prescriber_diagnosis_lasts_six_calendar_months() {
        let cases = [
            ("2026-03-10", "2026-09-10"),
            ("2026-08-31", "2027-02-28"),
            ("2027-08-31", "2028-02-29"),
            ("2026-12-31", "2027-06-30"),
            ("2026-01-01", "2026-07-01"),
        ];
        for (made_on, expected) in cases {
            assert_eq!(
                expires_at(AuthorKind::Prescriber, d(made_on)),
                d(expected),
                "{made_on}"
            );
        }
    }

    #[test]
    fn r_elig_3_employer_diagnosis_lasts_92_days() {
        assert_eq!(
            expires_at(AuthorKind::Employer, d("2026-01-01")),
            d("2026-04-03")
        );
        assert_eq!(
            expires_at(AuthorKind::Employer, d("2026-11-15")),
            d("2027-02-15")
        );
    }

    #[test]
    fn r_elig_1_valid_until_the_day_before_expiry() {
        let expiry = expires_at(AuthorKind::Prescriber, d("2026-08-31"));
        assert!(is_valid(expiry, d("2026-08-31")));
        assert!(is_valid(expiry, d("2027-02-27")));
        assert!(!is_valid(expiry, d("2027-02-28")));
        assert!(!is_valid(expiry, d("2027-03-01")));
        // R-ELIG-1: a diagnosis expired "today" by a new one is no longer valid today.
        assert!(!is_valid(d("2026-05-05"), d("2026-05-05")));
    }

    fn diagnosis(id: &str, kind: AuthorKind, org: &str, made_on: &str) -> DiagnosisSummary {
        DiagnosisSummary {
            id: id.into(),
            author_kind: kind,
            author_organization_id: org.into(),
            made_on: d(made_on),
            expires_at: expires_at(kind, d(made_on)),
        }
    }

    fn chosen(diagnoses: &[DiagnosisSummary], structure: &str, today: &str) -> Option<String> {
        considered_valid(diagnoses, structure, d(today)).map(|d| d.id.clone())
    }

    #[test]
    fn r_elig_5_prescriber_beats_a_more_recent_employer_diagnosis() {
        let diagnoses = [
            diagnosis("p", AuthorKind::Prescriber, "ml", "2026-01-10"),
            diagnosis("e", AuthorKind::Employer, "aci", "2026-03-01"),
        ];
        assert_eq!(chosen(&diagnoses, "aci", "2026-03-02"), Some("p".into()));
    }

    #[test]
    fn r_elig_5_expired_prescriber_falls_back_to_the_structure_own_diagnosis() {
        let diagnoses = [
            diagnosis("p", AuthorKind::Prescriber, "ml", "2026-01-10"),
            diagnosis("e", AuthorKind::Employer, "aci", "2026-06-01"),
        ];
        assert_eq!(chosen(&diagnoses, "aci", "2026-07-09"), Some("p".into()));
        assert_eq!(chosen(&diagnoses, "aci", "2026-07-10"), Some("e".into()));
        // Past the employer's 92 days too: nothing.
        assert_eq!(chosen(&diagnoses, "aci", "2026-09-01"), None);
    }

    #[test]
    fn r_elig_3_only_the_structures_own_valid_diagnosis_is_a_self_prescription() {
        let prescriber = [diagnosis("p", AuthorKind::Prescriber, "ml", "2026-06-01")];
        assert!(!self_prescribed(&prescriber, "aci", d("2026-06-02")));
        let own = [diagnosis("e", AuthorKind::Employer, "aci", "2026-06-01")];
        assert!(self_prescribed(&own, "aci", d("2026-06-02")));
        assert!(!self_prescribed(&own, "ei", d("2026-06-02")));
        // 92 days (R-ELIG-3): valid through 2026-08-31, not on 2026-09-01.
        assert!(self_prescribed(&own, "aci", d("2026-08-31")));
        assert!(!self_prescribed(&own, "aci", d("2026-09-01")));
    }

    #[test]
    fn r_elig_5_another_structure_employer_diagnosis_is_ignored() {
        let diagnoses = [diagnosis("e", AuthorKind::Employer, "ei", "2026-06-01")];
        assert_eq!(chosen(&diagnoses, "aci", "2026-06-02"), None);
        assert_eq!(chosen(&diagnoses, "ei", "2026-06-02"), Some("e".into()));
        assert_eq!(chosen(&[], "aci", "2026-06-02"), None);
    }

    #[test]
    fn r_elig_5_latest_prescriber_diagnosis_wins() {
        let diagnoses = [
            diagnosis("old", AuthorKind::Prescriber, "ml", "2026-02-01"),
            diagnosis("new", AuthorKind::Prescriber, "ft", "2026-04-01"),
            diagnosis("mid", AuthorKind::Prescriber, "caf", "2026-03-01"),
        ];
        assert_eq!(chosen(&diagnoses, "aci", "2026-04-02"), Some("new".into()));
        // Same with the slice in the other order.
        let mut reversed = diagnoses.to_vec();
        reversed.reverse();
        assert_eq!(chosen(&reversed, "aci", "2026-04-02"), Some("new".into()));
    }

    #[test]
    fn r_elig_5_latest_own_employer_diagnosis_wins() {
        let diagnoses = [
            diagnosis("own_new", AuthorKind::Employer, "aci", "2026-05-01"),
            diagnosis("other", AuthorKind::Employer, "ei", "2026-05-20"),
            diagnosis("own_old", AuthorKind::Employer, "aci", "2026-04-01"),
        ];
        assert_eq!(
            chosen(&diagnoses, "aci", "2026-05-21"),
            Some("own_new".into())
        );
    }
}
