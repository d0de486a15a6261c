//! The one error type of the domain, and the small `Invalid` a parser returns.
//!
//! Every variant has an HTTP meaning; the platform crate maps it to `application/problem+json`
//! in exactly one place. Messages are French because they are shown to users as written.

use std::collections::BTreeMap;

/// Why a single value failed to parse: a stable code and a French message for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub code: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Invalid {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Invalid {}

/// Field name → French messages, in a stable order.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// The parsed value, or `None` with its message recorded under `field`: a body's parsers run
/// one after another and report every field error at once.
pub fn collect<T>(
    parsed: std::result::Result<T, Invalid>,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<T> {
    parsed
        .map_err(|invalid| errors.insert(field.to_owned(), vec![invalid.message]))
        .ok()
}

/// Everything a request can fail with. `code`s are stable API strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// 400: the body is not JSON, or not the expected shape.
    BadRequest {
        code: &'static str,
        detail: String,
        errors: FieldErrors,
    },
    /// 401: no token, or an invalid, expired or revoked one.
    Unauthenticated,
    /// 401: a login with an unknown e-mail or a wrong password (never says which).
    InvalidCredentials,
    /// 403: authenticated but not allowed.
    Forbidden { detail: String },
    /// 404: unknown, or not visible to the caller.
    NotFound { detail: String },
    /// 405: the route exists, the method does not.
    MethodNotAllowed,
    /// 409: a conflict with the current state (or a lost race).
    Conflict {
        code: &'static str,
        detail: String,
        errors: FieldErrors,
    },
    /// 413: the body is larger than the limit.
    PayloadTooLarge { limit_bytes: usize },
    /// 422: a rule is violated; `errors` names the fields.
    Unprocessable {
        code: &'static str,
        detail: String,
        errors: FieldErrors,
    },
    /// 429: too many attempts; retry after that many seconds.
    TooManyRequests { retry_after_seconds: u64 },
    /// 503: the database stayed locked by other writers past the bounded wait; retry after that
    /// many seconds (sent as `Retry-After`). Nothing was changed.
    ServiceUnavailable { retry_after_seconds: u64 },
    /// 500: a defect or an unavailable store; the detail is logged, never shown.
    Internal { detail: String },
}

impl Error {
    /// A 422 about one field.
    pub fn field(field: &str, invalid: Invalid) -> Self {
        let mut errors = FieldErrors::new();
        errors.insert(field.to_owned(), vec![invalid.message.clone()]);
        Error::Unprocessable {
            code: invalid.code,
            detail: invalid.message,
            errors,
        }
    }

    /// A 400 about one query parameter (`?month=`, `?state=`…): the request itself is malformed.
    pub fn query(parameter: &str, invalid: Invalid) -> Self {
        let mut errors = FieldErrors::new();
        errors.insert(parameter.to_owned(), vec![invalid.message.clone()]);
        Error::BadRequest {
            code: invalid.code,
            detail: invalid.message,
            errors,
        }
    }

    /// A 422 about several fields (`code` is `validation_failed`).
    pub fn fields(errors: FieldErrors) -> Self {
        Error::Unprocessable {
            code: "validation_failed",
            detail: "Certaines données sont invalides.".into(),
            errors,
        }
    }

    pub fn forbidden() -> Self {
        Error::Forbidden {
            detail: "Vous n'avez pas les droits pour cette action.".into(),
        }
    }

    pub fn not_found() -> Self {
        Error::NotFound {
            detail: "Ressource introuvable.".into(),
        }
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Error::Conflict {
            code,
            detail: detail.into(),
            errors: FieldErrors::new(),
        }
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        Error::Internal {
            detail: detail.into(),
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            Error::BadRequest { .. } => 400,
            Error::Unauthenticated | Error::InvalidCredentials => 401,
            Error::Forbidden { .. } => 403,
            Error::NotFound { .. } => 404,
            Error::MethodNotAllowed => 405,
            Error::Conflict { .. } => 409,
            Error::PayloadTooLarge { .. } => 413,
            Error::Unprocessable { .. } => 422,
            Error::TooManyRequests { .. } => 429,
            Error::Internal { .. } => 500,
            Error::ServiceUnavailable { .. } => 503,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Error::BadRequest { code, .. }
            | Error::Conflict { code, .. }
            | Error::Unprocessable { code, .. } => code,
            Error::Unauthenticated => "unauthenticated",
            Error::InvalidCredentials => "invalid_credentials",
            Error::Forbidden { .. } => "forbidden",
            Error::NotFound { .. } => "not_found",
            Error::MethodNotAllowed => "method_not_allowed",
            Error::PayloadTooLarge { .. } => "payload_too_large",
            Error::TooManyRequests { .. } => "rate_limited",
            Error::Internal { .. } => "internal_error",
            Error::ServiceUnavailable { .. } => "database_busy",
        }
    }

    /// The French title of the problem document.
    pub fn title(&self) -> &'static str {
        match self {
            Error::BadRequest { .. } => "Requête invalide",
            Error::Unauthenticated | Error::InvalidCredentials => "Authentification requise",
            Error::Forbidden { .. } => "Accès refusé",
            Error::NotFound { .. } => "Introuvable",
            Error::MethodNotAllowed => "Méthode non autorisée",
            Error::Conflict { .. } => "Conflit",
            Error::PayloadTooLarge { .. } => "Requête trop volumineuse",
            Error::Unprocessable { .. } => "Données refusées",
            Error::TooManyRequests { .. } => "Trop de tentatives",
            Error::Internal { .. } => "Erreur interne",
            Error::ServiceUnavailable { .. } => "Service momentanément indisponible",
        }
    }

    /// The French detail shown to the caller. Internal details are never shown.
    pub fn detail(&self) -> String {
        match self {
            Error::BadRequest { detail, .. }
            | Error::Forbidden { detail }
            | Error::NotFound { detail }
            | Error::Conflict { detail, .. }
            | Error::Unprocessable { detail, .. } => detail.clone(),
            Error::Unauthenticated => "Jeton d'accès absent, invalide, expiré ou révoqué.".into(),
            Error::InvalidCredentials => "Adresse e-mail ou mot de passe incorrect.".into(),
            Error::MethodNotAllowed => "Cette méthode n'est pas acceptée sur cette adresse.".into(),
            Error::PayloadTooLarge { limit_bytes } => {
                format!("Le corps de la requête dépasse {} Ko.", limit_bytes / 1024)
            }
            Error::TooManyRequests {
                retry_after_seconds,
            } => format!(
                "Trop de tentatives. Réessayez dans {} minute(s).",
                retry_after_seconds.div_ceil(60)
            ),
            Error::Internal { .. } => {
                "Une erreur inattendue est survenue. Réessayez plus tard.".into()
            }
            Error::ServiceUnavailable {
                retry_after_seconds,
            } => format!(
                "Le service est très sollicité et n'a rien enregistré : réessayez dans {retry_after_seconds} seconde(s)."
            ),
        }
    }

    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            Error::BadRequest { errors, .. }
            | Error::Conflict { errors, .. }
            | Error::Unprocessable { errors, .. } => Some(errors),
            _ => None,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Internal { detail } => write!(f, "internal_error: {detail}"),
            other => write!(f, "{}: {}", other.code(), other.detail()),
        }
    }
}

impl std::error::Error for Error {}

impl From<Invalid> for Error {
    fn from(invalid: Invalid) -> Self {
        Error::Unprocessable {
            code: invalid.code,
            detail: invalid.message,
            errors: FieldErrors::new(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
