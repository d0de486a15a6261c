//! Organizations, their kinds, authorization ("habilitation") and the member/admin matrix.
//! Rules: R-ORG-1 (structure kinds), R-ORG-3 (prescriber kinds), R-ORG-4 (authorization),
//! R-ORG-5 (prescripteur habilité), R-ORG-6 (roles), R-ORG-7 (invitations).

use crate::{Date, Invalid};

/// What an organization is to Tremplin.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Prescriber,
    Structure,
    /// DDETS / DREETS staff: they change authorization statuses (R-ORG-4) and load reference data.
    Administration,
}

impl Category {
    pub const ALL: [Category; 3] = [
        Category::Prescriber,
        Category::Structure,
        Category::Administration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Prescriber => "prescriber",
            Category::Structure => "structure",
            Category::Administration => "administration",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == value)
            .ok_or_else(|| Invalid::new("invalid_category", "Catégorie d'organisation inconnue."))
    }
}

/// Whether a structure kind hires under a PASS IAE (R-ORG-1, R-PASS-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructureFamily {
    Iae,
    NonIae,
}

/// Structure kinds of R-ORG-1: code, French label, family.
pub const STRUCTURE_KINDS: &[(&str, &str, StructureFamily)] = &[
    ("ACI", "Atelier chantier d'insertion", StructureFamily::Iae),
    (
        "ACIPHC",
        "Atelier chantier d'insertion premières heures en chantier",
        StructureFamily::Iae,
    ),
    ("AI", "Association intermédiaire", StructureFamily::Iae),
    ("EI", "Entreprise d'insertion", StructureFamily::Iae),
    (
        "EITI",
        "Entreprise d'insertion par le travail indépendant",
        StructureFamily::Iae,
    ),
    (
        "ETTI",
        "Entreprise de travail temporaire d'insertion",
        StructureFamily::Iae,
    ),
    (
        "GEIQ",
        "Groupement d'employeurs pour l'insertion et la qualification",
        StructureFamily::NonIae,
    ),
    ("EA", "Entreprise adaptée", StructureFamily::NonIae),
    (
        "EATT",
        "Entreprise adaptée de travail temporaire",
        StructureFamily::NonIae,
    ),
    (
        "OPCS",
        "Organisation porteuse de la clause sociale",
        StructureFamily::NonIae,
    ),
];

/// Prescriber organization kinds of R-ORG-3: code and French label.
pub const PRESCRIBER_KINDS: &[(&str, &str)] = &[
    ("AFPA", "AFPA"),
    ("ASE", "Aide sociale à l'enfance"),
    ("CAARUD", "CAARUD"),
    ("CADA", "CADA"),
    ("CAF", "CAF"),
    ("CAP_EMPLOI", "Cap emploi"),
    ("CAVA", "CAVA"),
    ("CCAS", "CCAS ou CIAS"),
    ("CHRS", "CHRS"),
    ("CHU", "CHU"),
    ("CIDFF", "CIDFF"),
    ("CPH", "CPH"),
    ("CSAPA", "CSAPA"),
    ("DEPT", "Service social du conseil départemental"),
    ("E2C", "E2C"),
    ("EPIDE", "EPIDE"),
    ("FT", "France Travail"),
    ("HUDA", "HUDA"),
    ("ML", "Mission locale"),
    ("MSA", "MSA"),
    ("OACAS", "OACAS"),
    ("OCASF", "Organisme L.312-1 8° CASF"),
    ("ODC", "Délégataire du conseil départemental"),
    ("OHPD", "Organisation habilitée par le préfet"),
    ("OIL", "Organisme de logement ou d'hébergement agréé"),
    ("PIJ_BIJ", "PIJ / BIJ"),
    ("PJJ", "PJJ"),
    ("PLIE", "PLIE"),
    ("PREVENTION", "Prévention spécialisée"),
    ("SPIP", "SPIP"),
    ("OTHER", "Autre organisation (orienteur)"),
];

/// The one kind of the administration category.
pub const ADMINISTRATION_KINDS: &[(&str, &str)] = &[("DDETS", "DDETS / DREETS")];

/// The kind whose members are orienteurs by definition (R-ORG-4).
pub const ORIENTEUR_KIND: &str = "OTHER";
/// The kind whose authorization is prefectoral and carries an end date (R-ORG-4).
pub const PREFECTORAL_KIND: &str = "OHPD";
/// Maximum length of a prefectoral authorization (R-ORG-4).
pub const PREFECTORAL_AUTHORIZATION_MAX_YEARS: i32 = 5;

/// A validated organization kind together with its category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    category: Category,
    code: &'static str,
    label: &'static str,
}

impl Kind {
    pub fn parse(category: Category, code: &str) -> Result<Self, Invalid> {
        let found = match category {
            Category::Structure => STRUCTURE_KINDS
                .iter()
                .find(|k| k.0 == code)
                .map(|k| (k.0, k.1)),
            Category::Prescriber => PRESCRIBER_KINDS.iter().find(|k| k.0 == code).copied(),
            Category::Administration => ADMINISTRATION_KINDS.iter().find(|k| k.0 == code).copied(),
        };
        found
            .map(|(code, label)| Kind {
                category,
                code,
                label,
            })
            .ok_or_else(|| {
                Invalid::new(
                    "invalid_kind",
                    format!("Type d'organisation inconnu : {code}."),
                )
            })
    }

    pub fn category(self) -> Category {
        self.category
    }
    pub fn code(self) -> &'static str {
        self.code
    }
    pub fn label(self) -> &'static str {
        self.label
    }

    /// R-ORG-1 / R-PASS-8: only IAE structures hire under a PASS IAE.
    pub fn is_iae(self) -> bool {
        self.category == Category::Structure
            && STRUCTURE_KINDS
                .iter()
                .any(|k| k.0 == self.code && k.2 == StructureFamily::Iae)
    }

    /// The status a new organization of this kind starts with (R-ORG-4).
    pub fn initial_authorization(self) -> AuthorizationStatus {
        match (self.category, self.code) {
            (Category::Prescriber, ORIENTEUR_KIND) => AuthorizationStatus::NotRequired,
            (Category::Prescriber, _) => AuthorizationStatus::NotSet,
            _ => AuthorizationStatus::NotRequired,
        }
    }
}

/// R-ORG-4 authorization status of an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuthorizationStatus {
    NotSet,
    Validated,
    Refused,
    NotRequired,
}

impl AuthorizationStatus {
    pub const ALL: [AuthorizationStatus; 4] = [
        AuthorizationStatus::NotSet,
        AuthorizationStatus::Validated,
        AuthorizationStatus::Refused,
        AuthorizationStatus::NotRequired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuthorizationStatus::NotSet => "NOT_SET",
            AuthorizationStatus::Validated => "VALIDATED",
            AuthorizationStatus::Refused => "REFUSED",
            AuthorizationStatus::NotRequired => "NOT_REQUIRED",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
            .ok_or_else(|| {
                Invalid::new(
                    "invalid_authorization_status",
                    "Statut d'habilitation inconnu (NOT_SET, VALIDATED, REFUSED ou NOT_REQUIRED).",
                )
            })
    }
}

/// An organization's authorization as stored: status and, for OHPD, its end date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authorization {
    pub status: AuthorizationStatus,
    pub valid_until: Option<Date>,
}

impl Authorization {
    /// R-ORG-5: members are "prescripteurs habilités" while this holds on `today`.
    /// A prefectoral authorization ends after its end date (inclusive).
    pub fn is_effective(&self, today: Date) -> bool {
        self.status == AuthorizationStatus::Validated
            && self.valid_until.is_none_or(|end| today <= end)
    }

    /// R-ORG-4: checks a change of status asked by an administrator for an organization of `kind`.
    /// Returns the authorization to store, or the field errors.
    pub fn decide(
        kind: Kind,
        status: AuthorizationStatus,
        valid_until: Option<Date>,
        today: Date,
    ) -> Result<Authorization, (&'static str, Invalid)> {
        if kind.category() != Category::Prescriber {
            return Err((
                "status",
                Invalid::new(
                    "authorization_not_applicable",
                    "Seules les organisations prescriptrices ont une habilitation.",
                ),
            ));
        }
        let orienteur = kind.code() == ORIENTEUR_KIND;
        match status {
            AuthorizationStatus::Validated if orienteur => {
                return Err((
                    "status",
                    Invalid::new(
                        "orienteur_cannot_be_authorized",
                        "Une « Autre organisation » (orienteur) ne peut pas être habilitée.",
                    ),
                ))
            }
            AuthorizationStatus::NotRequired if !orienteur => {
                return Err((
                    "status",
                    Invalid::new(
                        "authorization_required",
                        "Seule une « Autre organisation » (orienteur) peut être dispensée d'habilitation.",
                    ),
                ))
            }
            _ => {}
        }
        let prefectoral =
            kind.code() == PREFECTORAL_KIND && status == AuthorizationStatus::Validated;
        match (prefectoral, valid_until) {
            (true, None) => Err((
                "valid_until",
                Invalid::new(
                    "valid_until_required",
                    "Une habilitation préfectorale doit avoir une date de fin.",
                ),
            )),
            (true, Some(end)) if end <= today => Err((
                "valid_until",
                Invalid::new(
                    "valid_until_in_past",
                    "La date de fin doit être postérieure à aujourd'hui.",
                ),
            )),
            (true, Some(end)) if end > today.add_years(PREFECTORAL_AUTHORIZATION_MAX_YEARS) => {
                Err((
                    "valid_until",
                    Invalid::new(
                        "valid_until_too_far",
                        "Une habilitation préfectorale dure au plus 5 ans.",
                    ),
                ))
            }
            (false, Some(_)) => Err((
                "valid_until",
                Invalid::new(
                    "valid_until_not_applicable",
                    "Seule une habilitation préfectorale (OHPD) validée a une date de fin.",
                ),
            )),
            _ => Ok(Authorization {
                status,
                valid_until,
            }),
        }
    }
}

impl Authorization {
    /// The authorization of an organization loaded from a list (national list, demo data): a
    /// prescriber's status is checked as an administrator's decision would be (R-ORG-4), with no
    /// end date, so a list cannot carry a prefectoral authorization; other categories have none.
    pub fn imported(
        kind: Kind,
        status: Option<AuthorizationStatus>,
        today: Date,
    ) -> Result<Authorization, (&'static str, Invalid)> {
        let initial = kind.initial_authorization();
        match (kind.category(), status) {
            (Category::Prescriber, Some(status)) => {
                Authorization::decide(kind, status, None, today)
            }
            (_, None) => Ok(Authorization {
                status: initial,
                valid_until: None,
            }),
            (_, Some(status)) if status == initial => Ok(Authorization {
                status,
                valid_until: None,
            }),
            (_, Some(_)) => Err((
                "authorization_status",
                Invalid::new(
                    "authorization_not_applicable",
                    "Seules les organisations prescriptrices ont une habilitation.",
                ),
            )),
        }
    }
}

/// R-ORG-6 roles within an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        match value {
            "admin" => Ok(Role::Admin),
            "member" => Ok(Role::Member),
            _ => Err(Invalid::new(
                "invalid_role",
                "Rôle inconnu (admin ou member).",
            )),
        }
    }
}

/// What a member of an organization may do there (R-ORG-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgAction {
    ApplyForCandidate,
    ManageApplications,
    ExportMonthlySynthesis,
    InviteColleague,
    ListMembers,
    DecideAccessRequest,
    EditProfile,
    DeactivateMember,
    ChangeAdminRole,
}

/// R-ORG-6 as a table: the least role each action needs. Self-targeting limits (an admin may not
/// deactivate themselves or change their own role) are checked by [`may_target`].
pub const ORG_PERMISSIONS: &[(OrgAction, Role)] = &[
    (OrgAction::ApplyForCandidate, Role::Member),
    (OrgAction::ManageApplications, Role::Member),
    (OrgAction::ExportMonthlySynthesis, Role::Member),
    (OrgAction::InviteColleague, Role::Member),
    (OrgAction::ListMembers, Role::Member),
    (OrgAction::DecideAccessRequest, Role::Admin),
    (OrgAction::EditProfile, Role::Admin),
    (OrgAction::DeactivateMember, Role::Admin),
    (OrgAction::ChangeAdminRole, Role::Admin),
];

/// R-ORG-6: may someone with `role` do `action`?
pub fn may(role: Role, action: OrgAction) -> bool {
    ORG_PERMISSIONS
        .iter()
        .find(|(a, _)| *a == action)
        .is_some_and(|(_, needed)| *needed == Role::Member || role == Role::Admin)
}

/// R-ORG-6: deactivating a member and granting or removing admin never target oneself.
pub fn may_target(action: OrgAction, actor_user_id: &str, target_user_id: &str) -> bool {
    !(matches!(
        action,
        OrgAction::DeactivateMember | OrgAction::ChangeAdminRole
    ) && actor_user_id == target_user_id)
}

/// R-ORG-7 invitation limits.
pub const INVITATION_DEFAULT_DAYS: i64 = 14;
pub const INVITATION_MIN_DAYS: i64 = 1;
pub const INVITATION_MAX_DAYS: i64 = 90;
pub const INVITATION_MAX_PENDING: i64 = 50;

/// R-ORG-7: the validity of an invitation, in days, default 14.
pub fn invitation_validity_days(requested: Option<i64>) -> Result<i64, Invalid> {
    let days = requested.unwrap_or(INVITATION_DEFAULT_DAYS);
    if (INVITATION_MIN_DAYS..=INVITATION_MAX_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(Invalid::new(
            "invalid_validity",
            "La durée de validité doit être comprise entre 1 et 90 jours.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn prescriber(code: &str) -> Kind {
        Kind::parse(Category::Prescriber, code).unwrap()
    }

    #[test]
    fn r_org_1_kinds_and_families() {
        assert!(Kind::parse(Category::Structure, "ACIPHC").unwrap().is_iae());
        assert!(!Kind::parse(Category::Structure, "GEIQ").unwrap().is_iae());
        assert!(Kind::parse(Category::Structure, "ML").is_err());
        assert!(Kind::parse(Category::Prescriber, "ACI").is_err());
        assert_eq!(STRUCTURE_KINDS.len(), 10);
        assert_eq!(PRESCRIBER_KINDS.len(), 31);
    }

    #[test]
    fn r_org_4_initial_status_depends_on_kind() {
        assert_eq!(
            prescriber("ML").initial_authorization(),
            AuthorizationStatus::NotSet
        );
        assert_eq!(
            prescriber("OTHER").initial_authorization(),
            AuthorizationStatus::NotRequired
        );
    }

    #[test]
    fn r_org_4_other_can_never_be_validated() {
        let err = Authorization::decide(
            prescriber("OTHER"),
            AuthorizationStatus::Validated,
            None,
            date("2026-01-01"),
        );
        assert_eq!(err.unwrap_err().1.code, "orienteur_cannot_be_authorized");
    }

    #[test]
    fn r_org_4_prefectoral_needs_an_end_within_five_years() {
        let today = date("2026-03-01");
        let ohpd = prescriber("OHPD");
        let decide = |end: Option<&str>| {
            Authorization::decide(ohpd, AuthorizationStatus::Validated, end.map(date), today)
        };
        assert_eq!(decide(None).unwrap_err().1.code, "valid_until_required");
        assert!(decide(Some("2031-03-01")).is_ok());
        assert_eq!(
            decide(Some("2031-03-02")).unwrap_err().1.code,
            "valid_until_too_far"
        );
        assert_eq!(
            decide(Some("2026-03-01")).unwrap_err().1.code,
            "valid_until_in_past"
        );
    }

    #[test]
    fn r_org_4_only_ohpd_carries_an_end_date() {
        let err = Authorization::decide(
            prescriber("ML"),
            AuthorizationStatus::Validated,
            Some(date("2027-01-01")),
            date("2026-01-01"),
        );
        assert_eq!(err.unwrap_err().0, "valid_until");
    }

    #[test]
    fn r_org_5_expired_prefectoral_authorization_is_not_effective() {
        let auth = Authorization {
            status: AuthorizationStatus::Validated,
            valid_until: Some(date("2026-06-30")),
        };
        assert!(auth.is_effective(date("2026-06-30")));
        assert!(!auth.is_effective(date("2026-07-01")));
        let refused = Authorization {
            status: AuthorizationStatus::Refused,
            valid_until: None,
        };
        assert!(!refused.is_effective(date("2026-01-01")));
    }

    #[test]
    fn r_org_4_imported_statuses_follow_the_same_rules() {
        let today = date("2026-01-01");
        let structure = Kind::parse(Category::Structure, "ACI").unwrap();
        assert_eq!(
            Authorization::imported(prescriber("ML"), None, today)
                .unwrap()
                .status,
            AuthorizationStatus::NotSet
        );
        assert!(Authorization::imported(
            prescriber("FT"),
            Some(AuthorizationStatus::Validated),
            today
        )
        .is_ok());
        assert!(Authorization::imported(
            prescriber("OTHER"),
            Some(AuthorizationStatus::Validated),
            today
        )
        .is_err());
        assert!(Authorization::imported(
            prescriber("OHPD"),
            Some(AuthorizationStatus::Validated),
            today
        )
        .is_err());
        assert!(
            Authorization::imported(structure, Some(AuthorizationStatus::Validated), today)
                .is_err()
        );
    }

    #[test]
    fn r_org_6_matrix() {
        for (action, needed) in ORG_PERMISSIONS {
            assert!(may(Role::Admin, *action));
            assert_eq!(
                may(Role::Member, *action),
                *needed == Role::Member,
                "{action:?}"
            );
        }
        assert!(!may_target(OrgAction::DeactivateMember, "u1", "u1"));
        assert!(!may_target(OrgAction::ChangeAdminRole, "u1", "u1"));
        assert!(may_target(OrgAction::DeactivateMember, "u1", "u2"));
    }

    #[test]
    fn r_org_7_invitation_validity() {
        assert_eq!(invitation_validity_days(None), Ok(14));
        assert_eq!(invitation_validity_days(Some(90)), Ok(90));
        assert!(invitation_validity_days(Some(0)).is_err());
        assert!(invitation_validity_days(Some(91)).is_err());
    }
}
