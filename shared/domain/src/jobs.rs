//! Job descriptions of a structure (R-ORG-2): contract types and their limits.

use crate::Invalid;

/// Contract types a job description may offer: code and French label.
pub const CONTRACT_TYPES: &[(&str, &str)] = &[
    ("FIXED_TERM_I", "CDD d'insertion (CDDI)"),
    ("TEMPORARY_I", "Mission d'intérim d'insertion"),
    ("FIXED_TERM_USAGE", "CDD d'usage"),
    ("FIXED_TERM", "CDD"),
    ("PERMANENT", "CDI"),
    ("PERMANENT_I", "CDI inclusion"),
    ("TEMPORARY", "Mission d'intérim"),
    ("PROFESSIONAL_TRAINING", "Contrat de professionnalisation"),
    ("APPRENTICESHIP", "Contrat d'apprentissage"),
    ("FIXED_TERM_TREMPLIN", "CDD Tremplin"),
    (
        "BUSINESS_CREATION",
        "Accompagnement à la création d'entreprise",
    ),
    ("OTHER", "Autre type de contrat"),
];

pub const MAX_OPEN_POSITIONS: i64 = 999;

pub fn contract_type(code: &str) -> Result<(&'static str, &'static str), Invalid> {
    CONTRACT_TYPES
        .iter()
        .find(|(c, _)| *c == code)
        .copied()
        .ok_or_else(|| {
            Invalid::new(
                "invalid_contract_type",
                format!("Type de contrat inconnu : {code}."),
            )
        })
}

pub fn open_positions(value: i64) -> Result<u16, Invalid> {
    u16::try_from(value)
        .ok()
        .filter(|v| i64::from(*v) <= MAX_OPEN_POSITIONS)
        .ok_or_else(|| {
            Invalid::new(
                "invalid_open_positions",
                "Le nombre de postes doit être compris entre 0 et 999.",
            )
        })
}

/// R-DIR-2: "hiring now" = does not block applications, and has an active job description or
/// open spontaneous applications.
pub fn is_hiring(blocks_applications: bool, active_jobs: i64, spontaneous_open: bool) -> bool {
    !blocks_applications && (active_jobs > 0 || spontaneous_open)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_dir_2_hiring_now() {
        assert!(is_hiring(false, 1, false));
        assert!(is_hiring(false, 0, true));
        assert!(!is_hiring(false, 0, false));
        assert!(!is_hiring(true, 3, true), "blocking applications wins");
    }

    #[test]
    fn contract_types_and_positions() {
        assert_eq!(
            contract_type("FIXED_TERM_I").unwrap().1,
            "CDD d'insertion (CDDI)"
        );
        assert!(contract_type("CDDI").is_err());
        assert_eq!(open_positions(0), Ok(0));
        assert_eq!(open_positions(999), Ok(999));
        assert!(open_positions(1000).is_err());
        assert!(open_positions(-1).is_err());
    }
}
