//! A candidate's identity (the job seeker), parsed per R-CAND-1..5: title, names, birthdate,
//! e-mail, NIR or the reason for its absence, France Travail id or the reason for its absence,
//! contact details. The NIR itself is parsed by [`Nir`] (R-CAND-1) and never reaches a message
//! or a `Debug` output (R-CAND-6).

use std::fmt;

use serde::Deserialize;

use crate::search::normalize;
use crate::{Date, Email, Error, FieldErrors, InseeCode, Invalid, Nir};

/// Longest first name or last name, in characters, once trimmed.
pub const NAME_MAX_CHARS: usize = 150;
/// Longest postal address, in characters, once trimmed.
pub const ADDRESS_MAX_CHARS: usize = 255;
/// Longest phone number, in characters, once trimmed (room for `+33 (0)6 12 34 56 78`).
pub const PHONE_MAX_CHARS: usize = 20;

/// R-CAND-3: born strictly more than 16 years ago and at most 100 years ago.
const MIN_AGE_YEARS: i32 = 16;
const MAX_AGE_YEARS: i32 = 100;
/// A phone number has at least this many digits: anything shorter is a typing accident.
const PHONE_MIN_DIGITS: usize = 6;
/// Besides digits, the characters people write phone numbers with.
const PHONE_SYMBOLS: [char; 6] = [' ', '+', '.', '-', '(', ')'];
/// French post codes are 5 digits.
const POST_CODE_DIGITS: usize = 5;
/// R-CAND-4: 7 digits + 1 letter or digit, or 11 digits.
const FRANCE_TRAVAIL_ID_SHORT: usize = 8;
const FRANCE_TRAVAIL_ID_LONG: usize = 11;

const REQUIRED: &str = "Ce champ est obligatoire.";
const PHONE: &str = "Numéro de téléphone invalide : 20 caractères au plus, chiffres, espaces \
                     et + . - ( ) uniquement, au moins 6 chiffres.";
const POST_CODE: &str = "Le code postal doit comporter 5 chiffres.";
const TOO_YOUNG: &str = "La date de naissance doit remonter à plus de 16 ans.";
const TOO_OLD: &str = "La date de naissance ne peut pas remonter à plus de 100 ans.";
const NIR_AND_REASON: &str = "Indiquez le NIR ou la raison de son absence, pas les deux.";
const NIR_OR_REASON: &str = "Indiquez le NIR ou, à défaut, la raison de son absence.";
const FRANCE_TRAVAIL_AND_REASON: &str =
    "Indiquez l'identifiant France Travail ou la raison de son absence, pas les deux.";
const FRANCE_TRAVAIL_OR_REASON: &str =
    "Indiquez l'identifiant France Travail ou, à défaut, la raison de son absence.";
const NIR_YEAR: &str = "L'année de naissance du NIR ne correspond pas à la date de naissance.";
const NIR_MONTH: &str = "Le mois de naissance du NIR ne correspond pas à la date de naissance.";
const NIR_TITLE: &str = "Le sexe indiqué par le NIR ne correspond pas à la civilité.";

/// The candidate's title ("civilité"), which R-CAND-2 checks against the NIR's sex digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Title {
    M,
    Mme,
}

impl Title {
    pub const ALL: [Title; 2] = [Title::M, Title::Mme];

    /// Exactly `M` or `MME`, as the API writes them: no case folding, so that a typo is an error
    /// rather than a guess.
    pub fn parse(value: &str) -> Result<Title, Invalid> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == value)
            .ok_or_else(|| Invalid::new("invalid_title", "Civilité inconnue (M ou MME)."))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Title::M => "M",
            Title::Mme => "MME",
        }
    }

    /// How the title is shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Title::M => "M.",
            Title::Mme => "Mme",
        }
    }

    /// R-CAND-2: 1/3/7 = man, 2/4/8 = woman; `None` for a digit a parsed NIR never starts with.
    fn of_nir_sex_digit(digit: u8) -> Option<Title> {
        match digit {
            1 | 3 | 7 => Some(Title::M),
            2 | 4 | 8 => Some(Title::Mme),
            _ => None,
        }
    }
}

/// R-CAND-1: why a candidate has no NIR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LackOfNirReason {
    NoNir,
    NirAssociatedToOther,
}

impl LackOfNirReason {
    pub const ALL: [LackOfNirReason; 2] = [
        LackOfNirReason::NoNir,
        LackOfNirReason::NirAssociatedToOther,
    ];

    pub fn parse(value: &str) -> Result<LackOfNirReason, Invalid> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == value)
            .ok_or_else(|| {
                Invalid::new(
                    "invalid_lack_of_nir_reason",
                    "Raison inconnue (NO_NIR ou NIR_ASSOCIATED_TO_OTHER).",
                )
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LackOfNirReason::NoNir => "NO_NIR",
            LackOfNirReason::NirAssociatedToOther => "NIR_ASSOCIATED_TO_OTHER",
        }
    }
}

/// R-CAND-4: why a candidate has no France Travail id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LackOfFranceTravailIdReason {
    Forgotten,
    NotRegistered,
}

impl LackOfFranceTravailIdReason {
    pub const ALL: [LackOfFranceTravailIdReason; 2] = [
        LackOfFranceTravailIdReason::Forgotten,
        LackOfFranceTravailIdReason::NotRegistered,
    ];

    pub fn parse(value: &str) -> Result<LackOfFranceTravailIdReason, Invalid> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == value)
            .ok_or_else(|| {
                Invalid::new(
                    "invalid_lack_of_france_travail_id_reason",
                    "Raison inconnue (FORGOTTEN ou NOT_REGISTERED).",
                )
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LackOfFranceTravailIdReason::Forgotten => "FORGOTTEN",
            LackOfFranceTravailIdReason::NotRegistered => "NOT_REGISTERED",
        }
    }
}

/// A France Travail (ex-Pôle emploi) id that passed R-CAND-4: 7 ASCII digits followed by a digit
/// or an uppercase letter, or 11 ASCII digits; no spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct FranceTravailId(String);

crate::string_newtype!(FranceTravailId);

impl FranceTravailId {
    /// Every whitespace is stripped (ids are often written in groups) and letters uppercased
    /// (ASCII: any other letter fails the shape check anyway).
    pub fn parse(input: &str) -> Result<FranceTravailId, Invalid> {
        let id: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let b = id.as_bytes();
        let valid = match b.len() {
            FRANCE_TRAVAIL_ID_SHORT => {
                b[..7].iter().all(u8::is_ascii_digit)
                    && (b[7].is_ascii_digit() || b[7].is_ascii_uppercase())
            }
            FRANCE_TRAVAIL_ID_LONG => b.iter().all(u8::is_ascii_digit),
            _ => false,
        };
        if valid {
            Ok(FranceTravailId(id))
        } else {
            Err(Invalid::new(
                "invalid_france_travail_id",
                "Identifiant France Travail invalide : 7 chiffres suivis d'un chiffre ou d'une \
                 lettre, ou 11 chiffres.",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// R-CAND-1: a candidate has a NIR or says why not, never both.
#[derive(Debug, Clone, PartialEq)]
pub enum NirOrReason {
    Nir(Nir),
    Reason(LackOfNirReason),
}

impl NirOrReason {
    pub fn nir(&self) -> Option<&Nir> {
        match self {
            NirOrReason::Nir(nir) => Some(nir),
            NirOrReason::Reason(_) => None,
        }
    }

    /// The API string of the reason (the `lack_of_nir_reason` column), if there is no NIR.
    pub fn reason(&self) -> Option<&'static str> {
        match self {
            NirOrReason::Nir(_) => None,
            NirOrReason::Reason(reason) => Some(reason.as_str()),
        }
    }
}

/// R-CAND-4: a candidate has a France Travail id or says why not, never both.
#[derive(Debug, Clone, PartialEq)]
pub enum FranceTravail {
    Id(FranceTravailId),
    Reason(LackOfFranceTravailIdReason),
}

impl FranceTravail {
    pub fn id(&self) -> Option<&FranceTravailId> {
        match self {
            FranceTravail::Id(id) => Some(id),
            FranceTravail::Reason(_) => None,
        }
    }

    /// The API string of the reason (the `lack_of_france_travail_id_reason` column), if no id.
    pub fn reason(&self) -> Option<&'static str> {
        match self {
            FranceTravail::Id(_) => None,
            FranceTravail::Reason(reason) => Some(reason.as_str()),
        }
    }
}

/// What the API receives (`POST /api/v1/candidates` body), all raw: every field is an optional
/// string so that [`Candidate::parse`] reports every error at once instead of the first one serde
/// meets.
///
/// `Debug` is written by hand so that the raw NIR never reaches a log (R-CAND-6).
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateInput {
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub birthdate: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub nir: Option<String>,
    pub lack_of_nir_reason: Option<String>,
    pub france_travail_id: Option<String>,
    pub lack_of_france_travail_id_reason: Option<String>,
    pub address: Option<String>,
    pub post_code: Option<String>,
    pub city_insee: Option<String>,
}

impl fmt::Debug for CandidateInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Destructured so that a new field cannot be forgotten here.
        let CandidateInput {
            title,
            first_name,
            last_name,
            birthdate,
            email,
            phone,
            nir,
            lack_of_nir_reason,
            france_travail_id,
            lack_of_france_travail_id_reason,
            address,
            post_code,
            city_insee,
        } = self;
        f.debug_struct("CandidateInput")
            .field("title", title)
            .field("first_name", first_name)
            .field("last_name", last_name)
            .field("birthdate", birthdate)
            .field("email", email)
            .field("phone", phone)
            .field("nir", &nir.as_ref().map(|_| "[masqué]"))
            .field("lack_of_nir_reason", lack_of_nir_reason)
            .field("france_travail_id", france_travail_id)
            .field(
                "lack_of_france_travail_id_reason",
                lack_of_france_travail_id_reason,
            )
            .field("address", address)
            .field("post_code", post_code)
            .field("city_insee", city_insee)
            .finish()
    }
}

/// A parsed candidate. `Debug` does not print the NIR in full: [`Nir`]'s `Debug` masks it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub title: Title,
    pub first_name: String,
    pub last_name: String,
    pub birthdate: Date,
    pub email: Email,
    pub phone: Option<String>,
    pub nir: NirOrReason,
    pub france_travail: FranceTravail,
    pub address: Option<String>,
    pub post_code: Option<String>,
    pub city_insee: Option<InseeCode>,
}

impl Candidate {
    /// Every check of R-CAND-1..4, every error at once, keyed by the API field name.
    ///
    /// Readings of the rules, where they leave room:
    /// - Every value is trimmed first, and an empty or blank string counts as absent, for
    ///   required fields too (a blank required field is "obligatoire").
    /// - NIR and reason both given, or neither: one error on `nir`, whatever their values. An
    ///   unknown reason alone is an error on `lack_of_nir_reason`. Same for the France Travail id.
    /// - R-CAND-2 runs only when the NIR, the title and the birthdate were each accepted, R-CAND-3
    ///   included: a birthdate already refused would only add a misleading error on the NIR.
    pub fn parse(input: CandidateInput, today: Date) -> Result<Candidate, Error> {
        let mut errors = Errors::default();
        let title = errors.required("title", &input.title, Title::parse);
        let first_name = errors.required("first_name", &input.first_name, |s| {
            at_most(s, NAME_MAX_CHARS)
        });
        let last_name = errors.required("last_name", &input.last_name, |s| {
            at_most(s, NAME_MAX_CHARS)
        });
        let birthdate = errors.required("birthdate", &input.birthdate, |s| birthdate(s, today));
        let email = errors.required("email", &input.email, Email::parse);
        let phone = errors.optional("phone", &input.phone, phone);
        let nir = match (present(&input.nir), present(&input.lack_of_nir_reason)) {
            (Some(nir), None) => errors.check("nir", Nir::parse(nir)).map(NirOrReason::Nir),
            (None, Some(reason)) => errors
                .check("lack_of_nir_reason", LackOfNirReason::parse(reason))
                .map(NirOrReason::Reason),
            (Some(_), Some(_)) => errors.add("nir", NIR_AND_REASON),
            (None, None) => errors.add("nir", NIR_OR_REASON),
        };
        let france_travail = match (
            present(&input.france_travail_id),
            present(&input.lack_of_france_travail_id_reason),
        ) {
            (Some(id), None) => errors
                .check("france_travail_id", FranceTravailId::parse(id))
                .map(FranceTravail::Id),
            (None, Some(reason)) => errors
                .check(
                    "lack_of_france_travail_id_reason",
                    LackOfFranceTravailIdReason::parse(reason),
                )
                .map(FranceTravail::Reason),
            (Some(_), Some(_)) => errors.add("france_travail_id", FRANCE_TRAVAIL_AND_REASON),
            (None, None) => errors.add("france_travail_id", FRANCE_TRAVAIL_OR_REASON),
        };
        let address = errors.optional("address", &input.address, |s| at_most(s, ADDRESS_MAX_CHARS));
        let post_code = errors.optional("post_code", &input.post_code, post_code);
        let city_insee = errors.optional("city_insee", &input.city_insee, InseeCode::parse);

        if let (Some(NirOrReason::Nir(nir)), Some(birthdate), Some(title)) =
            (&nir, birthdate, title)
        {
            for message in nir_disagreements(nir, birthdate, title) {
                errors.add::<()>("nir", message);
            }
        }

        match (
            title,
            first_name,
            last_name,
            birthdate,
            email,
            nir,
            france_travail,
        ) {
            (
                Some(title),
                Some(first_name),
                Some(last_name),
                Some(birthdate),
                Some(email),
                Some(nir),
                Some(france_travail),
            ) if errors.0.is_empty() => Ok(Candidate {
                title,
                first_name,
                last_name,
                birthdate,
                email,
                phone,
                nir,
                france_travail,
                address,
                post_code,
                city_insee,
            }),
            // Every `None` above recorded its error.
            _ => Err(Error::fields(errors.0)),
        }
    }

    /// `last_name first_name`, normalized for accent- and case-insensitive name search.
    pub fn search_name(&self) -> String {
        normalize(&format!("{} {}", self.last_name, self.first_name))
    }

    /// R-CAND-5: the identity fields sent (`self`) that contradict the candidate found by NIR or
    /// e-mail (`existing`), as API field names in a fixed order. Empty: the same person.
    ///
    /// Names compare through [`normalize`] (case, accents, hyphens ignored). A NIR or France
    /// Travail id contradicts only another one: a reason on either side is no contradiction, we
    /// keep what we have. Nor does another e-mail for the NIR's holder: people change addresses,
    /// and a prescriber who cannot know the old one must still find the candidate (it is kept).
    pub fn contradictions(&self, existing: &Candidate) -> Vec<&'static str> {
        let same_name = |a: &str, b: &str| normalize(a) == normalize(b);
        [
            ("title", self.title != existing.title),
            (
                "first_name",
                !same_name(&self.first_name, &existing.first_name),
            ),
            (
                "last_name",
                !same_name(&self.last_name, &existing.last_name),
            ),
            ("birthdate", self.birthdate != existing.birthdate),
            ("nir", both_and_differ(self.nir.nir(), existing.nir.nir())),
            (
                "france_travail_id",
                both_and_differ(self.france_travail.id(), existing.france_travail.id()),
            ),
        ]
        .into_iter()
        .filter_map(|(field, differs)| differs.then_some(field))
        .collect()
    }
}

/// Field errors as they are found, each under its API field name.
#[derive(Default)]
struct Errors(FieldErrors);

impl Errors {
    /// Records `message` on `field`; `None` stands for the value that could not be had.
    fn add<T>(&mut self, field: &str, message: impl Into<String>) -> Option<T> {
        self.0
            .entry(field.to_owned())
            .or_default()
            .push(message.into());
        None
    }

    fn check<T>(&mut self, field: &str, result: Result<T, Invalid>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(invalid) => self.add(field, invalid.message),
        }
    }

    fn required<T>(
        &mut self,
        field: &str,
        value: &Option<String>,
        parse: impl FnOnce(&str) -> Result<T, Invalid>,
    ) -> Option<T> {
        match present(value) {
            Some(value) => self.check(field, parse(value)),
            None => self.add(field, REQUIRED),
        }
    }

    fn optional<T>(
        &mut self,
        field: &str,
        value: &Option<String>,
        parse: impl FnOnce(&str) -> Result<T, Invalid>,
    ) -> Option<T> {
        present(value).and_then(|value| self.check(field, parse(value)))
    }
}

/// The trimmed value, `None` when absent or blank.
fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Free text of at most `max` characters (not bytes: names carry accents).
fn at_most(value: &str, max: usize) -> Result<String, Invalid> {
    crate::text::single_line(value)?;
    if value.chars().count() <= max {
        Ok(value.to_owned())
    } else {
        Err(Invalid::new(
            "too_long",
            format!("Au plus {max} caractères."),
        ))
    }
}

/// Kept as written: people and prescribers read it, nobody computes with it.
fn phone(value: &str) -> Result<String, Invalid> {
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || PHONE_SYMBOLS.contains(&c));
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if allowed && digits >= PHONE_MIN_DIGITS && value.chars().count() <= PHONE_MAX_CHARS {
        Ok(value.to_owned())
    } else {
        Err(Invalid::new("invalid_phone", PHONE))
    }
}

fn post_code(value: &str) -> Result<String, Invalid> {
    if value.len() == POST_CODE_DIGITS && value.bytes().all(|c| c.is_ascii_digit()) {
        Ok(value.to_owned())
    } else {
        Err(Invalid::new("invalid_post_code", POST_CODE))
    }
}

/// R-CAND-3 with calendar years (`Date::add_years`, clamped to the month's end): on `today`, the
/// birthdate must be on or after `today − 100 years` and strictly before `today − 16 years`.
/// Someone born on 29 February therefore turns 16 (or 100) on 1 March in a common year.
fn birthdate(value: &str, today: Date) -> Result<Date, Invalid> {
    let date = Date::parse(value)?;
    if date < today.add_years(-MAX_AGE_YEARS) {
        Err(Invalid::new("birthdate_out_of_range", TOO_OLD))
    } else if date >= today.add_years(-MIN_AGE_YEARS) {
        Err(Invalid::new("birthdate_out_of_range", TOO_YOUNG))
    } else {
        Ok(date)
    }
}

/// R-CAND-2: what the NIR says that the birthdate or the title contradicts, one message each,
/// none quoting the NIR. Birth year and month are checked only for NIRs starting with 1 or 2
/// (the others are provisional or foreign-born numbers); the sex digit for every NIR.
fn nir_disagreements(nir: &Nir, birthdate: Date, title: Title) -> Vec<&'static str> {
    let mut found = Vec::new();
    if nir.starts_with_1_or_2() {
        if i32::from(nir.birth_year_2()) != birthdate.year() % 100 {
            found.push(NIR_YEAR);
        }
        if nir
            .birth_month()
            .is_some_and(|month| month != birthdate.month())
        {
            found.push(NIR_MONTH);
        }
    }
    if Title::of_nir_sex_digit(nir.sex_digit()) != Some(title) {
        found.push(NIR_TITLE);
    }
    found
}

/// R-CAND-5: two values contradict only when both are known.
fn both_and_differ<T: PartialEq>(a: Option<&T>, b: Option<&T>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a != b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    /// R-CAND-1's key over the 13 first characters, with 2A → 19 and 2B → 18, computed here
    /// rather than trusted to [`Nir::parse`].
    fn with_key(thirteen: &str) -> String {
        let numeric = thirteen.replacen("2A", "19", 1).replacen("2B", "18", 1);
        let n: u64 = numeric.parse().unwrap();
        format!("{thirteen}{:02}", 97 - n % 97)
    }

    const TODAY: &str = "2026-03-15";

    /// A woman born in May 1990 in Paris, with every field given and valid.
    fn full_input() -> CandidateInput {
        CandidateInput {
            title: Some("MME".into()),
            first_name: Some(" Léa ".into()),
            last_name: Some("Dupont-Martin".into()),
            birthdate: Some("1990-05-17".into()),
            email: Some("Lea.Dupont@Example.fr".into()),
            phone: Some(" 06 12 34 56 78 ".into()),
            nir: Some(with_key("2900575056123")),
            lack_of_nir_reason: None,
            france_travail_id: Some("1234567a".into()),
            lack_of_france_travail_id_reason: None,
            address: Some("3 rue de la Paix".into()),
            post_code: Some("75002".into()),
            city_insee: Some("75056".into()),
        }
    }

    /// The same person without a NIR, to test other fields without R-CAND-2 in the way.
    fn without_nir() -> CandidateInput {
        CandidateInput {
            nir: None,
            lack_of_nir_reason: Some("NO_NIR".into()),
            ..full_input()
        }
    }

    fn parse(input: CandidateInput) -> Result<Candidate, Error> {
        Candidate::parse(input, d(TODAY))
    }

    fn errors(input: CandidateInput) -> FieldErrors {
        errors_on(input, TODAY)
    }

    fn errors_on(input: CandidateInput, today: &str) -> FieldErrors {
        let err = Candidate::parse(input, d(today)).unwrap_err();
        assert_eq!(err.code(), "validation_failed");
        assert_eq!(err.status(), 422);
        err.field_errors().unwrap().clone()
    }

    /// The messages on one field, the only field in error.
    fn only_error(input: CandidateInput, field: &str) -> Vec<String> {
        let errors = errors(input);
        assert_eq!(errors.keys().collect::<Vec<_>>(), [field], "{errors:?}");
        errors[field].clone()
    }

    /// A candidate born on `birthdate` with a NIR starting with `sex`, year and month as given.
    fn with_nir(
        title: &str,
        birthdate: &str,
        sex: char,
        year: &str,
        month: &str,
    ) -> CandidateInput {
        CandidateInput {
            title: Some(title.into()),
            birthdate: Some(birthdate.into()),
            nir: Some(with_key(&format!("{sex}{year}{month}75056123"))),
            ..full_input()
        }
    }

    #[test]
    fn a_full_candidate_is_parsed_and_normalized() {
        let nir = with_key("2900575056123");
        let candidate = parse(full_input()).unwrap();
        assert_eq!(candidate.title, Title::Mme);
        assert_eq!(candidate.first_name, "Léa");
        assert_eq!(candidate.last_name, "Dupont-Martin");
        assert_eq!(candidate.birthdate, d("1990-05-17"));
        assert_eq!(candidate.email.as_str(), "lea.dupont@example.fr");
        assert_eq!(candidate.phone.as_deref(), Some("06 12 34 56 78"));
        assert_eq!(candidate.nir.nir().unwrap().as_str(), nir);
        assert_eq!(candidate.nir.reason(), None);
        assert_eq!(candidate.france_travail.id().unwrap().as_str(), "1234567A");
        assert_eq!(candidate.france_travail.reason(), None);
        assert_eq!(candidate.address.as_deref(), Some("3 rue de la Paix"));
        assert_eq!(candidate.post_code.as_deref(), Some("75002"));
        assert_eq!(candidate.city_insee.unwrap().as_str(), "75056");
    }

    #[test]
    fn r_cand_1_r_cand_4_reasons_instead_of_nir_and_france_travail_id() {
        let candidate = parse(CandidateInput {
            nir: Some("   ".into()),
            lack_of_nir_reason: Some("NIR_ASSOCIATED_TO_OTHER".into()),
            france_travail_id: None,
            lack_of_france_travail_id_reason: Some(" NOT_REGISTERED ".into()),
            ..full_input()
        })
        .unwrap();
        assert_eq!(
            candidate.nir,
            NirOrReason::Reason(LackOfNirReason::NirAssociatedToOther)
        );
        assert_eq!(candidate.nir.nir(), None);
        assert_eq!(candidate.nir.reason(), Some("NIR_ASSOCIATED_TO_OTHER"));
        assert_eq!(
            candidate.france_travail,
            FranceTravail::Reason(LackOfFranceTravailIdReason::NotRegistered)
        );
        assert_eq!(candidate.france_travail.id(), None);
        assert_eq!(candidate.france_travail.reason(), Some("NOT_REGISTERED"));
    }

    #[test]
    fn blank_optional_fields_are_absent() {
        let candidate = parse(CandidateInput {
            phone: Some("  ".into()),
            address: Some(String::new()),
            post_code: Some("\t".into()),
            city_insee: None,
            ..full_input()
        })
        .unwrap();
        assert_eq!(
            (
                candidate.phone,
                candidate.address,
                candidate.post_code,
                candidate.city_insee
            ),
            (None, None, None, None)
        );
    }

    #[test]
    fn required_fields_missing_or_blank() {
        let errors = errors(CandidateInput {
            title: None,
            first_name: Some("  ".into()),
            last_name: Some(String::new()),
            birthdate: None,
            email: Some(" ".into()),
            ..full_input()
        });
        let expected = ["birthdate", "email", "first_name", "last_name", "title"];
        assert_eq!(errors.keys().collect::<Vec<_>>(), expected);
        for field in expected {
            assert_eq!(errors[field], [REQUIRED], "{field}");
        }
    }

    #[test]
    fn an_empty_body_names_every_required_field() {
        let errors = errors(CandidateInput::default());
        assert_eq!(
            errors.keys().collect::<Vec<_>>(),
            [
                "birthdate",
                "email",
                "first_name",
                "france_travail_id",
                "last_name",
                "nir",
                "title"
            ]
        );
        assert_eq!(errors["nir"], [NIR_OR_REASON]);
        assert_eq!(errors["france_travail_id"], [FRANCE_TRAVAIL_OR_REASON]);
    }

    #[test]
    fn all_errors_are_reported_at_once() {
        let errors = errors(CandidateInput {
            title: Some("Mme".into()),
            first_name: Some("x".repeat(NAME_MAX_CHARS + 1)),
            last_name: Some("y".repeat(NAME_MAX_CHARS + 1)),
            birthdate: Some("17/05/1990".into()),
            email: Some("lea@".into()),
            phone: Some("06 12 ab".into()),
            nir: Some("184127645108900".into()),
            lack_of_nir_reason: None,
            france_travail_id: Some("1234567890".into()),
            lack_of_france_travail_id_reason: None,
            address: Some("a".repeat(ADDRESS_MAX_CHARS + 1)),
            post_code: Some("7500".into()),
            city_insee: Some("7505".into()),
        });
        assert_eq!(
            errors.keys().collect::<Vec<_>>(),
            [
                "address",
                "birthdate",
                "city_insee",
                "email",
                "first_name",
                "france_travail_id",
                "last_name",
                "nir",
                "phone",
                "post_code",
                "title"
            ]
        );
        assert_eq!(errors["nir"], ["La clé du NIR est incorrecte."]);
        assert_eq!(errors["birthdate"], [Date::parse("x").unwrap_err().message]);
        assert_eq!(errors["email"], ["Adresse e-mail invalide."]);
        assert_eq!(
            errors["city_insee"],
            [InseeCode::parse("7505").unwrap_err().message]
        );
        assert_eq!(errors["first_name"], ["Au plus 150 caractères."]);
        assert_eq!(errors["address"], ["Au plus 255 caractères."]);
        for messages in errors.values() {
            assert!(!messages.iter().any(|m| m.contains("184127645108900")));
        }
    }

    #[test]
    fn names_are_trimmed_and_at_most_150_characters() {
        let accented = "é".repeat(NAME_MAX_CHARS);
        let candidate = parse(CandidateInput {
            first_name: Some(format!("  {accented}  ")),
            last_name: Some("Ndiaye".into()),
            ..without_nir()
        })
        .unwrap();
        assert_eq!(candidate.first_name, accented);
        assert_eq!(
            only_error(
                CandidateInput {
                    last_name: Some("é".repeat(NAME_MAX_CHARS + 1)),
                    ..without_nir()
                },
                "last_name"
            ),
            ["Au plus 150 caractères."]
        );
    }

    #[test]
    fn phone_numbers() {
        for ok in [
            "0612345678",
            "+33 (0)6 12.34-56-78",
            "12 34 56",
            "+262 262 12 34 56",
        ] {
            let candidate = parse(CandidateInput {
                phone: Some(ok.into()),
                ..without_nir()
            })
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert_eq!(candidate.phone.as_deref(), Some(ok));
        }
        assert_eq!("+33 (0)6 12.34-56-78".chars().count(), PHONE_MAX_CHARS);
        for bad in [
            "+33 (0)6 12.34-56-789",
            "12 34 5",
            "06 12 34 56 7a",
            "06/12/34/56/78",
            "06\t12\t34\t56",
            "06\u{a0}12\u{a0}34\u{a0}56",
            "+-.() ",
        ] {
            let input = CandidateInput {
                phone: Some(bad.into()),
                ..without_nir()
            };
            assert_eq!(only_error(input, "phone"), [PHONE], "{bad:?}");
        }
    }

    #[test]
    fn address_is_at_most_255_characters() {
        let longest = "à".repeat(ADDRESS_MAX_CHARS);
        let candidate = parse(CandidateInput {
            address: Some(longest.clone()),
            ..without_nir()
        })
        .unwrap();
        assert_eq!(candidate.address, Some(longest));
        let input = CandidateInput {
            address: Some("à".repeat(ADDRESS_MAX_CHARS + 1)),
            ..without_nir()
        };
        assert_eq!(only_error(input, "address"), ["Au plus 255 caractères."]);
    }

    #[test]
    fn post_code_is_5_digits() {
        let candidate = parse(CandidateInput {
            post_code: Some(" 20000 ".into()),
            ..without_nir()
        })
        .unwrap();
        assert_eq!(candidate.post_code.as_deref(), Some("20000"));
        for bad in ["7500", "750022", "7500A", "2A004", "75 002", "７５００２"] {
            let input = CandidateInput {
                post_code: Some(bad.into()),
                ..without_nir()
            };
            assert_eq!(only_error(input, "post_code"), [POST_CODE], "{bad:?}");
        }
    }

    #[test]
    fn city_insee_is_an_insee_code() {
        let candidate = parse(CandidateInput {
            city_insee: Some("2a004".into()),
            ..without_nir()
        })
        .unwrap();
        assert_eq!(candidate.city_insee.unwrap().as_str(), "2A004");
        let input = CandidateInput {
            city_insee: Some("2C004".into()),
            ..without_nir()
        };
        assert_eq!(
            only_error(input, "city_insee"),
            [InseeCode::parse("2C004").unwrap_err().message]
        );
    }

    #[test]
    fn title_parses_exact_uppercase_codes() {
        assert_eq!(Title::parse("M"), Ok(Title::M));
        assert_eq!(Title::parse("MME"), Ok(Title::Mme));
        for title in Title::ALL {
            assert_eq!(Title::parse(title.as_str()), Ok(title));
        }
        assert_eq!((Title::M.label(), Title::Mme.label()), ("M.", "Mme"));
        for bad in ["", "m", "Mme", "mme", "M.", "MR", "MLLE", " M"] {
            assert_eq!(
                Title::parse(bad).unwrap_err().code,
                "invalid_title",
                "{bad:?}"
            );
        }
        // Through the candidate, surrounding spaces are trimmed like every other field.
        let candidate = parse(CandidateInput {
            title: Some(" M ".into()),
            ..without_nir()
        })
        .unwrap();
        assert_eq!(candidate.title, Title::M);
        let input = CandidateInput {
            title: Some("Mme".into()),
            ..without_nir()
        };
        assert_eq!(
            only_error(input, "title"),
            ["Civilité inconnue (M ou MME)."]
        );
    }

    #[test]
    fn reasons_parse_their_api_strings() {
        assert_eq!(LackOfNirReason::parse("NO_NIR"), Ok(LackOfNirReason::NoNir));
        assert_eq!(
            LackOfNirReason::parse("NIR_ASSOCIATED_TO_OTHER"),
            Ok(LackOfNirReason::NirAssociatedToOther)
        );
        for reason in LackOfNirReason::ALL {
            assert_eq!(LackOfNirReason::parse(reason.as_str()), Ok(reason));
        }
        assert_eq!(
            LackOfFranceTravailIdReason::parse("FORGOTTEN"),
            Ok(LackOfFranceTravailIdReason::Forgotten)
        );
        assert_eq!(
            LackOfFranceTravailIdReason::parse("NOT_REGISTERED"),
            Ok(LackOfFranceTravailIdReason::NotRegistered)
        );
        for reason in LackOfFranceTravailIdReason::ALL {
            assert_eq!(
                LackOfFranceTravailIdReason::parse(reason.as_str()),
                Ok(reason)
            );
        }
        for bad in ["", "no_nir", "NO NIR", "FORGOTTEN"] {
            assert_eq!(
                LackOfNirReason::parse(bad).unwrap_err().code,
                "invalid_lack_of_nir_reason"
            );
        }
        for bad in ["", "forgotten", "NO_NIR"] {
            assert_eq!(
                LackOfFranceTravailIdReason::parse(bad).unwrap_err().code,
                "invalid_lack_of_france_travail_id_reason"
            );
        }
    }

    #[test]
    fn an_unknown_reason_is_an_error_on_its_own_field() {
        let input = CandidateInput {
            lack_of_nir_reason: Some("PERDU".into()),
            ..without_nir()
        };
        assert_eq!(
            only_error(input, "lack_of_nir_reason"),
            [LackOfNirReason::parse("PERDU").unwrap_err().message]
        );
        let input = CandidateInput {
            france_travail_id: None,
            lack_of_france_travail_id_reason: Some("LOST".into()),
            ..without_nir()
        };
        assert_eq!(
            only_error(input, "lack_of_france_travail_id_reason"),
            [LackOfFranceTravailIdReason::parse("LOST")
                .unwrap_err()
                .message]
        );
    }

    #[test]
    fn r_cand_4_france_travail_ids() {
        for (input, stored) in [
            ("1234567A", "1234567A"),
            ("1234567Z", "1234567Z"),
            ("12345678", "12345678"),
            ("12345678901", "12345678901"),
            ("1234567a", "1234567A"),
            (" 1234 567a ", "1234567A"),
            ("123 456 789 01", "12345678901"),
        ] {
            let id = FranceTravailId::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.as_str(), stored);
            assert_eq!(id.to_string(), stored);
        }
        for bad in [
            "",
            "1234567",
            "1234567890",
            "123456789012",
            "123456789",
            "123456AB",
            "A2345678",
            "1234567-",
            "1234567é",
            "123456é",
            "1234567890A",
            "１２３４５６７８",
        ] {
            let err = FranceTravailId::parse(bad).unwrap_err();
            assert_eq!(err.code, "invalid_france_travail_id", "{bad:?}");
        }
    }

    #[test]
    fn france_travail_id_serde_uses_the_canonical_string() {
        let id = FranceTravailId::parse("1234567a").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"1234567A\"");
        assert_eq!(
            serde_json::from_str::<FranceTravailId>("\"1234 567a\"").unwrap(),
            id
        );
        assert_eq!(
            "12345678901".parse::<FranceTravailId>().unwrap().as_str(),
            "12345678901"
        );
        assert!(serde_json::from_str::<FranceTravailId>("\"1234567890\"").is_err());
    }

    #[test]
    fn r_cand_4_an_invalid_id_is_an_error_on_france_travail_id() {
        let input = CandidateInput {
            france_travail_id: Some("1234567890".into()),
            ..without_nir()
        };
        assert_eq!(
            only_error(input, "france_travail_id"),
            [FranceTravailId::parse("1234567890").unwrap_err().message]
        );
    }

    #[test]
    fn r_cand_1_nir_and_reason_both_given() {
        let input = CandidateInput {
            lack_of_nir_reason: Some("NO_NIR".into()),
            ..full_input()
        };
        assert_eq!(only_error(input, "nir"), [NIR_AND_REASON]);
        // Whatever the values: the choice is what is wrong.
        let input = CandidateInput {
            nir: Some("pas un NIR".into()),
            lack_of_nir_reason: Some("PERDU".into()),
            ..full_input()
        };
        assert_eq!(only_error(input, "nir"), [NIR_AND_REASON]);
    }

    #[test]
    fn r_cand_1_neither_nir_nor_reason() {
        let input = CandidateInput {
            nir: None,
            lack_of_nir_reason: Some(" ".into()),
            ..full_input()
        };
        assert_eq!(only_error(input, "nir"), [NIR_OR_REASON]);
    }

    #[test]
    fn r_cand_4_id_and_reason_both_given_or_neither() {
        let input = CandidateInput {
            lack_of_france_travail_id_reason: Some("FORGOTTEN".into()),
            ..full_input()
        };
        assert_eq!(
            only_error(input, "france_travail_id"),
            [FRANCE_TRAVAIL_AND_REASON]
        );
        let input = CandidateInput {
            france_travail_id: Some(String::new()),
            lack_of_france_travail_id_reason: None,
            ..full_input()
        };
        assert_eq!(
            only_error(input, "france_travail_id"),
            [FRANCE_TRAVAIL_OR_REASON]
        );
    }

    #[test]
    fn r_cand_1_an_invalid_nir_gives_nir_s_own_message() {
        let mut nir = with_key("2900575056123");
        nir.replace_range(13.., "00");
        let input = CandidateInput {
            nir: Some(nir),
            ..full_input()
        };
        assert_eq!(only_error(input, "nir"), ["La clé du NIR est incorrecte."]);
    }

    #[test]
    fn r_cand_2_birth_year_mismatch() {
        let input = with_nir("MME", "1991-05-17", '2', "90", "05");
        assert_eq!(only_error(input, "nir"), [NIR_YEAR]);
        // Two digits: 2005 is "05", 2000 is "00".
        assert!(parse(with_nir("MME", "2005-05-17", '2', "05", "05")).is_ok());
        assert!(parse(with_nir("M", "2000-01-01", '1', "00", "01")).is_ok());
        let input = with_nir("M", "2000-01-01", '1', "20", "01");
        assert_eq!(only_error(input, "nir"), [NIR_YEAR]);
        // A century apart: the same two digits, accepted (the NIR does not say the century).
        assert!(parse(with_nir("M", "1927-01-01", '1', "27", "01")).is_ok());
    }

    #[test]
    fn r_cand_2_birth_month_mismatch() {
        let input = with_nir("MME", "1990-06-17", '2', "90", "05");
        assert_eq!(only_error(input, "nir"), [NIR_MONTH]);
        let input = with_nir("M", "1990-01-17", '1', "90", "12");
        assert_eq!(only_error(input, "nir"), [NIR_MONTH]);
        assert!(parse(with_nir("M", "1990-12-17", '1', "90", "12")).is_ok());
    }

    #[test]
    fn r_cand_2_month_00_and_fictitious_months_match_any_birth_month() {
        let months = std::iter::once(0).chain(20..=42).chain([50, 62, 99]);
        for month in months {
            for birthdate in ["1990-01-31", "1990-07-14", "1990-12-01"] {
                let input = with_nir("MME", birthdate, '2', "90", &format!("{month:02}"));
                assert!(parse(input).is_ok(), "month {month:02}, born {birthdate}");
            }
        }
        // The year is still checked with a fictitious month.
        let input = with_nir("MME", "1991-07-14", '2', "90", "30");
        assert_eq!(only_error(input, "nir"), [NIR_YEAR]);
    }

    #[test]
    fn r_cand_2_corsican_nirs() {
        for department in ["2A", "2B"] {
            let nir = with_key(&format!("19005{department}004123"));
            let candidate = parse(CandidateInput {
                title: Some("M".into()),
                nir: Some(nir.to_lowercase()),
                ..full_input()
            })
            .unwrap_or_else(|e| panic!("{department}: {e}"));
            assert_eq!(candidate.nir.nir().unwrap().as_str(), nir);
            assert_eq!(&candidate.nir.nir().unwrap().as_str()[5..7], department);
            // And the Corsican NIR is still checked against the birthdate.
            let input = CandidateInput {
                title: Some("M".into()),
                birthdate: Some("1990-06-17".into()),
                nir: Some(nir),
                ..full_input()
            };
            assert_eq!(only_error(input, "nir"), [NIR_MONTH]);
        }
    }

    #[test]
    fn r_cand_2_sex_digit_must_match_the_title() {
        for (sex, matching, other) in [
            ('1', "M", "MME"),
            ('3', "M", "MME"),
            ('7', "M", "MME"),
            ('2', "MME", "M"),
            ('4', "MME", "M"),
            ('8', "MME", "M"),
        ] {
            let candidate = parse(with_nir(matching, "1990-05-17", sex, "90", "05"))
                .unwrap_or_else(|e| panic!("{sex} {matching}: {e}"));
            assert_eq!(candidate.title.as_str(), matching);
            let input = with_nir(other, "1990-05-17", sex, "90", "05");
            assert_eq!(only_error(input, "nir"), [NIR_TITLE], "{sex} {other}");
        }
    }

    #[test]
    fn r_cand_2_year_and_month_are_not_checked_for_3_4_7_8() {
        for (sex, title) in [('3', "M"), ('4', "MME"), ('7', "M"), ('8', "MME")] {
            let input = with_nir(title, "1990-05-17", sex, "63", "11");
            assert!(parse(input).is_ok(), "{sex}");
        }
    }

    #[test]
    fn r_cand_2_every_disagreement_is_named_and_the_nir_never_quoted() {
        let input = with_nir("M", "1991-06-17", '2', "90", "05");
        let nir = input.nir.clone().unwrap();
        let messages = only_error(input, "nir");
        assert_eq!(messages, [NIR_YEAR, NIR_MONTH, NIR_TITLE]);
        assert!(messages[0].contains("année"));
        assert!(messages[1].contains("mois"));
        assert!(messages[2].contains("civilité"));
        for message in &messages {
            assert!(!message.contains(&nir) && !message.contains(&nir[5..13]));
        }
    }

    #[test]
    fn r_cand_2_not_checked_unless_nir_title_and_birthdate_were_accepted() {
        // Title unknown: only the title is in error, though the NIR says a woman born in 1990-05.
        let input = CandidateInput {
            title: Some("X".into()),
            birthdate: Some("1991-06-17".into()),
            ..full_input()
        };
        assert_eq!(errors(input).keys().collect::<Vec<_>>(), ["title"]);
        // Birthdate unreadable.
        let input = CandidateInput {
            title: Some("M".into()),
            birthdate: Some("1990-5-17".into()),
            ..full_input()
        };
        assert_eq!(errors(input).keys().collect::<Vec<_>>(), ["birthdate"]);
        // Birthdate refused by R-CAND-3: the NIR is not blamed for it.
        let input = with_nir("MME", "2015-05-17", '2', "90", "05");
        assert_eq!(only_error(input, "birthdate"), [TOO_YOUNG]);
    }

    fn born(birthdate: &str) -> CandidateInput {
        CandidateInput {
            birthdate: Some(birthdate.into()),
            ..without_nir()
        }
    }

    fn accepted_on(birthdate: &str, today: &str) -> bool {
        Candidate::parse(born(birthdate), d(today)).is_ok()
    }

    #[test]
    fn r_cand_3_sixteen_years_exactly_is_rejected() {
        assert_eq!(
            errors_on(born("2010-03-15"), "2026-03-15")["birthdate"],
            [TOO_YOUNG]
        );
        assert!(accepted_on("2010-03-14", "2026-03-15"));
        assert!(!accepted_on("2010-03-16", "2026-03-15"));
        assert!(!accepted_on("2026-03-15", "2026-03-15"));
        assert!(!accepted_on("2030-01-01", "2026-03-15"));
    }

    #[test]
    fn r_cand_3_a_hundred_years_exactly_is_accepted() {
        assert!(accepted_on("1926-03-15", "2026-03-15"));
        assert_eq!(
            errors_on(born("1926-03-14"), "2026-03-15")["birthdate"],
            [TOO_OLD]
        );
        assert!(!accepted_on("1900-01-01", "2026-03-15"));
    }

    #[test]
    fn r_cand_3_born_on_29_february() {
        // Sixteen on a leap day: 2008-02-29 → 2024-02-29.
        assert!(!accepted_on("2008-02-29", "2024-02-28"));
        assert!(!accepted_on("2008-02-29", "2024-02-29"));
        assert!(accepted_on("2008-02-29", "2024-03-01"));
        // A hundred on a leap day: 1924-02-29 → 2024-02-29.
        assert!(accepted_on("1924-02-29", "2024-02-29"));
        assert!(!accepted_on("1924-02-29", "2024-03-01"));
        // The anniversary falls in a common year (2100): 28 February is still before it.
        assert!(!accepted_on("2084-02-29", "2100-02-28"));
        assert!(accepted_on("2084-02-29", "2100-03-01"));
        assert!(accepted_on("2000-02-29", "2100-02-28"));
        assert!(!accepted_on("2000-02-29", "2100-03-01"));
        // Today is 29 February, a hundred years back is a common year: clamped to 28 February.
        assert!(accepted_on("1900-02-28", "2000-02-29"));
        assert!(!accepted_on("1900-02-27", "2000-02-29"));
        // Today 28 February of a common year, born on 28 February.
        assert!(!accepted_on("2009-02-28", "2025-02-28"));
        assert!(accepted_on("2009-02-27", "2025-02-28"));
    }

    #[test]
    fn search_name_is_last_then_first_name_normalized() {
        let candidate = parse(full_input()).unwrap();
        assert_eq!(candidate.search_name(), "dupont martin lea");
    }

    fn candidate() -> Candidate {
        parse(full_input()).unwrap()
    }

    #[test]
    fn r_cand_5_the_same_person_has_no_contradiction() {
        assert_eq!(candidate().contradictions(&candidate()), Vec::<&str>::new());
        let sent = parse(CandidateInput {
            first_name: Some("LEA".into()),
            last_name: Some("dupont martin".into()),
            email: Some("LEA.DUPONT@EXAMPLE.FR".into()),
            phone: None,
            address: Some("Ailleurs".into()),
            post_code: None,
            city_insee: Some("13055".into()),
            ..full_input()
        })
        .unwrap();
        // Contact details are not identity: they never contradict.
        assert!(sent.contradictions(&candidate()).is_empty());
        assert!(candidate().contradictions(&sent).is_empty());
    }

    #[test]
    fn r_cand_5_a_reason_on_either_side_is_no_contradiction() {
        let with_reasons = parse(CandidateInput {
            lack_of_france_travail_id_reason: Some("FORGOTTEN".into()),
            france_travail_id: None,
            ..without_nir()
        })
        .unwrap();
        assert!(with_reasons.contradictions(&candidate()).is_empty());
        assert!(candidate().contradictions(&with_reasons).is_empty());
        assert!(with_reasons.contradictions(&with_reasons).is_empty());
    }

    #[test]
    fn r_cand_5_each_identity_field_contradicts() {
        let existing = candidate();
        let other_nir = with_key("2900575056124");
        let cases: [(&str, CandidateInput); 6] = [
            (
                "title",
                CandidateInput {
                    title: Some("M".into()),
                    ..without_nir()
                },
            ),
            (
                "first_name",
                CandidateInput {
                    first_name: Some("Léo".into()),
                    ..full_input()
                },
            ),
            (
                "last_name",
                CandidateInput {
                    last_name: Some("Dupond-Martin".into()),
                    ..full_input()
                },
            ),
            (
                "birthdate",
                CandidateInput {
                    birthdate: Some("1990-05-18".into()),
                    ..full_input()
                },
            ),
            (
                "nir",
                CandidateInput {
                    nir: Some(other_nir),
                    ..full_input()
                },
            ),
            (
                "france_travail_id",
                CandidateInput {
                    france_travail_id: Some("1234567B".into()),
                    ..full_input()
                },
            ),
        ];
        for (field, input) in cases {
            let sent = parse(input).unwrap_or_else(|e| panic!("{field}: {e}"));
            assert_eq!(sent.contradictions(&existing), [field]);
            assert_eq!(existing.contradictions(&sent), [field]);
        }
    }

    #[test]
    fn r_cand_5_contradictions_come_in_a_fixed_order() {
        let sent = parse(CandidateInput {
            title: Some("M".into()),
            first_name: Some("Paul".into()),
            last_name: Some("Durand".into()),
            birthdate: Some("1985-01-02".into()),
            email: Some("paul@example.fr".into()),
            nir: Some(with_key("1850175056123")),
            france_travail_id: Some("12345678901".into()),
            ..full_input()
        })
        .unwrap();
        assert_eq!(
            sent.contradictions(&candidate()),
            [
                "title",
                "first_name",
                "last_name",
                "birthdate",
                "nir",
                "france_travail_id"
            ]
        );
    }

    #[test]
    fn r_cand_5_another_email_for_the_same_person_is_no_contradiction() {
        let sent = parse(CandidateInput {
            email: Some("nouvelle.adresse@example.com".into()),
            ..full_input()
        })
        .unwrap();
        assert_eq!(sent.contradictions(&candidate()), Vec::<&str>::new());
    }

    #[test]
    fn r_cand_6_debug_never_prints_the_nir() {
        let nir = with_key("2900575056123");
        let input = full_input();
        let debug = format!("{input:?}");
        assert!(
            !debug.contains(&nir) && !debug.contains(&nir[5..13]),
            "{debug}"
        );
        assert!(debug.contains("[masqué]") && debug.contains("Dupont-Martin"));
        let candidate = parse(input).unwrap();
        let debug = format!("{candidate:?}");
        assert!(
            !debug.contains(&nir) && !debug.contains(&nir[5..13]),
            "{debug}"
        );
    }

    #[test]
    fn input_deserializes_with_missing_fields_and_refuses_unknown_ones() {
        let input: CandidateInput = serde_json::from_str(r#"{"title": "M", "nir": null}"#).unwrap();
        assert_eq!(input.title.as_deref(), Some("M"));
        assert!(input.nir.is_none() && input.email.is_none());
        assert!(serde_json::from_str::<CandidateInput>(r#"{"sex": "M"}"#).is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics(
            fields in prop::collection::vec(prop::option::of(any::<String>()), 13),
            days in -40_000i64..40_000,
        ) {
            let mut f = fields.into_iter();
            let mut next = || f.next().flatten();
            let input = CandidateInput {
                title: next(),
                first_name: next(),
                last_name: next(),
                birthdate: next(),
                email: next(),
                phone: next(),
                nir: next(),
                lack_of_nir_reason: next(),
                france_travail_id: next(),
                lack_of_france_travail_id_reason: next(),
                address: next(),
                post_code: next(),
                city_insee: next(),
            };
            let _ = Candidate::parse(input, d(TODAY).add_days(days));
        }

        #[test]
        fn france_travail_id_parse_never_panics(s in any::<String>()) {
            let _ = FranceTravailId::parse(&s);
        }

        #[test]
        fn valid_france_travail_ids_round_trip(
            id in prop_oneof!["[0-9]{7}[A-Za-z0-9]", "[0-9]{11}"],
        ) {
            let parsed = FranceTravailId::parse(&id).unwrap();
            prop_assert_eq!(parsed.as_str(), id.to_ascii_uppercase());
            prop_assert_eq!(FranceTravailId::parse(parsed.as_str()).unwrap(), parsed);
        }

        #[test]
        fn r_cand_2_a_consistent_nir_is_accepted(
            days_old in 16 * 366i64..99 * 365,
            woman in any::<bool>(),
            department in 1u8..=95,
        ) {
            let birthdate = d(TODAY).add_days(-days_old);
            let (sex, title) = if woman { ('2', "MME") } else { ('1', "M") };
            let thirteen = format!(
                "{sex}{:02}{:02}{department:02}056123",
                birthdate.year() % 100,
                birthdate.month()
            );
            let input = CandidateInput {
                title: Some(title.into()),
                birthdate: Some(birthdate.to_string()),
                nir: Some(with_key(&thirteen)),
                ..full_input()
            };
            prop_assert!(parse(input).is_ok());
        }
    }
}
