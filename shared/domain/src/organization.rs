//! Organizations, their kinds, authorization ("habilitation") and the member/admin matrix.
//! Rules: R-ORG-1 (structure kinds), R-ORG-3 (prescriber kinds), R-ORG-4 (authorization),
//! R-ORG-5 (prescripteur habilité), R-ORG-6 (roles), R-ORG-7 (invitations).

use crate::{Date, Email, Error, FieldErrors, Invalid};
use std::collections::BTreeSet;

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

    /// R-ORG-4: an "Autre organisation", whose members are orienteurs by definition.
    pub fn is_orienteur(self) -> bool {
        self.category == Category::Prescriber && self.code == ORIENTEUR_KIND
    }

    /// The status a new organization of this kind starts with (R-ORG-4).
    pub fn initial_authorization(self) -> AuthorizationStatus {
        if self.category == Category::Prescriber && !self.is_orienteur() {
            AuthorizationStatus::NotSet
        } else {
            AuthorizationStatus::NotRequired
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
        let orienteur = kind.is_orienteur();
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
            // Always NOT_REQUIRED: an orienteur has no authorization to wait for or refuse.
            AuthorizationStatus::NotSet | AuthorizationStatus::Refused if orienteur => {
                return Err((
                    "status",
                    Invalid::new(
                        "orienteur_not_required",
                        "Une « Autre organisation » (orienteur) est toujours dispensée d'habilitation (NOT_REQUIRED).",
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
    /// An orienteur is NOT_REQUIRED whatever status the list still carries for it (the national
    /// list has NOT_SET and REFUSED ones), except VALIDATED, refused as a contradiction.
    pub fn imported(
        kind: Kind,
        status: Option<AuthorizationStatus>,
        today: Date,
    ) -> Result<Authorization, (&'static str, Invalid)> {
        let initial = kind.initial_authorization();
        match (kind.category(), status) {
            (Category::Prescriber, Some(status))
                if kind.is_orienteur() && status != AuthorizationStatus::Validated =>
            {
                Ok(Authorization {
                    status: AuthorizationStatus::NotRequired,
                    valid_until: None,
                })
            }
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

/// The profile fields an organization's admins edit (R-ORG-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProfileField {
    Name,
    Brand,
    Phone,
    Email,
    Website,
    Description,
}

impl ProfileField {
    pub const ALL: [ProfileField; 6] = [
        ProfileField::Name,
        ProfileField::Brand,
        ProfileField::Phone,
        ProfileField::Email,
        ProfileField::Website,
        ProfileField::Description,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProfileField::Name => "name",
            ProfileField::Brand => "brand",
            ProfileField::Phone => "phone",
            ProfileField::Email => "email",
            ProfileField::Website => "website",
            ProfileField::Description => "description",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == value)
            .ok_or_else(|| Invalid::new("invalid_profile_field", "Champ de profil inconnu."))
    }
}

/// The profile fields an organization's admins changed. A national list never overwrites them
/// afterwards, so loading a list again after an edit changes nothing (issue 6, item 8).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditedFields(BTreeSet<ProfileField>);

impl EditedFields {
    pub fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, Invalid> {
        names
            .into_iter()
            .map(ProfileField::parse)
            .collect::<Result<_, _>>()
            .map(EditedFields)
    }

    pub fn contains(&self, field: ProfileField) -> bool {
        self.0.contains(&field)
    }

    /// The field names, in a stable order (as stored).
    pub fn names(&self) -> Vec<&'static str> {
        self.0.iter().map(|f| f.as_str()).collect()
    }

    /// These fields, and every one whose value differs between `before` and `after` an edit.
    pub fn with_changes(&self, before: &Profile, after: &Profile) -> EditedFields {
        let changed = ProfileField::ALL
            .into_iter()
            .filter(|f| before.get(*f) != after.get(*f));
        EditedFields(self.0.iter().copied().chain(changed).collect())
    }
}

/// R-ORG-2: the brand is shown instead of the name, when it holds more than blanks.
pub fn shown_name<'a>(name: &'a str, brand: Option<&'a str>) -> &'a str {
    brand.filter(|b| !b.trim().is_empty()).unwrap_or(name)
}

/// What an organization's admins edit (R-ORG-6).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Profile {
    pub name: String,
    pub brand: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
}

/// Profile fields a PATCH carries: absent leaves a field as is, an empty string clears it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileEdit {
    pub name: Option<String>,
    pub brand: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
}

impl ProfileEdit {
    pub fn is_empty(&self) -> bool {
        [
            &self.name,
            &self.brand,
            &self.phone,
            &self.email,
            &self.website,
            &self.description,
        ]
        .iter()
        .all(|f| f.is_none())
    }
}

/// Longest name and description of an organization, in characters.
pub const NAME_MAX_CHARS: usize = 255;
pub const DESCRIPTION_MAX_CHARS: usize = 5000;

impl Profile {
    /// Applies an edit; a name of 1–255 characters and a valid e-mail, or the field errors.
    pub fn apply(&mut self, edit: ProfileEdit) -> Result<(), Error> {
        let mut errors = FieldErrors::new();
        if let Some(name) = edit.name {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > NAME_MAX_CHARS {
                errors.insert(
                    "name".into(),
                    vec!["Le nom doit comporter entre 1 et 255 caractères.".into()],
                );
            }
            self.name = name.to_owned();
        }
        let email = match edit.email.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(String::new()),
            Some(email) => match Email::parse(email) {
                Ok(email) => Some(email.as_str().to_owned()),
                Err(invalid) => {
                    errors.insert("email".into(), vec![invalid.message]);
                    None
                }
            },
        };
        let limits = [
            ("brand", &edit.brand, 255),
            ("phone", &edit.phone, 30),
            ("website", &edit.website, 255),
            ("description", &edit.description, DESCRIPTION_MAX_CHARS),
        ];
        for (field, value, max) in limits {
            let Some(value) = value.as_deref() else {
                continue;
            };
            // The brand names the structure in e-mail subjects: one line, like the phone and
            // the website; the description may have paragraphs.
            let characters = match field {
                "description" => crate::text::multi_line(value),
                _ => crate::text::single_line(value),
            };
            let value = value.trim();
            if value.chars().count() > max {
                errors.insert(field.into(), vec![format!("Au plus {max} caractères.")]);
            } else if let Err(invalid) = characters {
                errors.insert(field.into(), vec![invalid.message]);
            }
        }
        if !errors.is_empty() {
            return Err(Error::fields(errors));
        }
        for (target, value) in [
            (&mut self.brand, edit.brand),
            (&mut self.phone, edit.phone),
            (&mut self.email, email),
            (&mut self.website, edit.website),
            (&mut self.description, edit.description),
        ] {
            if let Some(value) = value {
                let value = value.trim().to_owned();
                *target = (!value.is_empty()).then_some(value);
            }
        }
        Ok(())
    }

    pub fn get(&self, field: ProfileField) -> Option<&str> {
        match field {
            ProfileField::Name => Some(&self.name),
            ProfileField::Brand => self.brand.as_deref(),
            ProfileField::Phone => self.phone.as_deref(),
            ProfileField::Email => self.email.as_deref(),
            ProfileField::Website => self.website.as_deref(),
            ProfileField::Description => self.description.as_deref(),
        }
    }

    /// This profile once a list describing it as `listed` is loaded: the list's values, except
    /// for the fields the organization edited; lists carry no phone nor e-mail, so those stay.
    pub fn updated_by_list(&self, listed: Profile, edited: &EditedFields) -> Profile {
        let pick = |field, listed: Option<String>, current: &Option<String>| {
            if edited.contains(field) {
                current.clone()
            } else {
                listed
            }
        };
        Profile {
            name: if edited.contains(ProfileField::Name) {
                self.name.clone()
            } else {
                listed.name
            },
            brand: pick(ProfileField::Brand, listed.brand, &self.brand),
            phone: self.phone.clone(),
            email: self.email.clone(),
            website: pick(ProfileField::Website, listed.website, &self.website),
            description: pick(
                ProfileField::Description,
                listed.description,
                &self.description,
            ),
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
    fn r_org_2_the_brand_is_shown_instead_of_the_name_unless_blank() {
        assert_eq!(
            shown_name("Association Relais", Some("Le Relais")),
            "Le Relais"
        );
        assert_eq!(
            shown_name("Association Relais", Some("  ")),
            "Association Relais"
        );
        assert_eq!(shown_name("Association Relais", None), "Association Relais");
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
    fn r_org_4_other_is_always_not_required() {
        let today = date("2026-01-01");
        let other = prescriber("OTHER");
        for (status, code) in [
            (AuthorizationStatus::NotSet, "orienteur_not_required"),
            (AuthorizationStatus::Refused, "orienteur_not_required"),
            (
                AuthorizationStatus::Validated,
                "orienteur_cannot_be_authorized",
            ),
        ] {
            let (field, invalid) = Authorization::decide(other, status, None, today).unwrap_err();
            assert_eq!((field, invalid.code), ("status", code), "{status:?}");
        }
        assert_eq!(
            Authorization::decide(other, AuthorizationStatus::NotRequired, None, today),
            Ok(Authorization {
                status: AuthorizationStatus::NotRequired,
                valid_until: None
            })
        );
        // Lists: whatever they still carry for an orienteur, except VALIDATED.
        for status in [
            None,
            Some(AuthorizationStatus::NotSet),
            Some(AuthorizationStatus::Refused),
            Some(AuthorizationStatus::NotRequired),
        ] {
            let imported = Authorization::imported(other, status, today).unwrap();
            assert_eq!(
                imported.status,
                AuthorizationStatus::NotRequired,
                "{status:?}"
            );
        }
        // Other prescribers keep the statuses a list gives them.
        assert_eq!(
            Authorization::imported(prescriber("ML"), Some(AuthorizationStatus::Refused), today)
                .unwrap()
                .status,
            AuthorizationStatus::Refused
        );
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

    fn listed_profile() -> Profile {
        Profile {
            name: "Nom de la liste".into(),
            brand: Some("Marque de la liste".into()),
            phone: None,
            email: None,
            website: Some("https://liste.example".into()),
            description: Some("Selon la liste".into()),
        }
    }

    #[test]
    fn an_edit_records_the_fields_it_changed_and_keeps_earlier_ones() {
        let before = listed_profile();
        let mut after = before.clone();
        after
            .apply(ProfileEdit {
                brand: Some("Notre marque".into()),
                website: Some("https://liste.example".into()),
                description: Some(String::new()),
                phone: Some("0490000000".into()),
                ..ProfileEdit::default()
            })
            .unwrap();
        let earlier = EditedFields::parse(["email"]).unwrap();

        let edited = earlier.with_changes(&before, &after);

        // The website was sent unchanged: the list still owns it.
        assert_eq!(edited.names(), ["brand", "phone", "email", "description"]);
        assert_eq!(EditedFields::parse(edited.names()), Ok(edited));
        assert!(EditedFields::parse(["siret"]).is_err());
    }

    #[test]
    fn a_list_never_overwrites_edited_fields() {
        let current = Profile {
            name: "Nom édité".into(),
            brand: Some("Notre marque".into()),
            phone: Some("0490000000".into()),
            email: Some("contact@nous.example".into()),
            website: Some("https://ancienne-liste.example".into()),
            description: None,
        };
        let edited = EditedFields::parse(["name", "brand", "description", "phone"]).unwrap();

        let loaded = current.updated_by_list(listed_profile(), &edited);

        assert_eq!(
            loaded,
            Profile {
                website: Some("https://liste.example".into()),
                ..current.clone()
            }
        );
        // Nothing edited: the list's values, and still the organization's phone and e-mail.
        let loaded = current.updated_by_list(listed_profile(), &EditedFields::default());
        assert_eq!(
            loaded,
            Profile {
                phone: current.phone.clone(),
                email: current.email.clone(),
                ..listed_profile()
            }
        );
    }

    #[test]
    fn r_org_6_matrix() {
        use OrgAction::*;
        // Written from DOMAIN.md R-ORG-6, not read from ORG_PERMISSIONS: (act, member may, admin may).
        let expected = [
            (ApplyForCandidate, true, true),
            (ManageApplications, true, true),
            (ExportMonthlySynthesis, true, true),
            (InviteColleague, true, true),
            (ListMembers, true, true),
            (DecideAccessRequest, false, true),
            (EditProfile, false, true),
            (DeactivateMember, false, true),
            (ChangeAdminRole, false, true),
        ];
        for (action, member, admin) in expected {
            assert_eq!(may(Role::Member, action), member, "member {action:?}");
            assert_eq!(may(Role::Admin, action), admin, "admin {action:?}");
        }
        assert_eq!(
            expected.len(),
            ORG_PERMISSIONS.len(),
            "every act of the table is expected"
        );
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
