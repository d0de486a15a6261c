//! Request bodies read into typed structs with typed errors (the platform crate calls it for
//! every JSON body): the body is parsed as JSON first,
//! then deserialized through [`Body`], a deserializer over `serde_json::Value` whose error type
//! records *what* went wrong (missing field, unknown field, wrong type, unknown value) as data.
//! The French messages are written from that, never from serde's English text.

use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde_json::Value;

/// The JSON type a field should have had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Boolean,
    Integer,
    Number,
    Text,
    List,
    Object,
    Nothing,
}

impl Kind {
    fn french(self) -> &'static str {
        match self {
            Kind::Boolean => "booléen",
            Kind::Integer => "nombre entier",
            Kind::Number => "nombre",
            Kind::Text => "texte",
            Kind::List => "liste",
            Kind::Object => "objet",
            Kind::Nothing => "aucune valeur",
        }
    }
}

/// Why a body did not fit its type.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyError {
    MissingField(&'static str),
    UnknownField(String),
    WrongType(Kind),
    UnknownValue {
        value: String,
        allowed: &'static [&'static str],
    },
    /// Out of range for its type (e.g. a negative or huge count).
    OutOfRange,
    /// Refused by a domain parser (`TryFrom<String>`): its French message.
    Refused(String),
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.french())
    }
}

impl std::error::Error for BodyError {}

impl BodyError {
    pub fn french(&self) -> String {
        match self {
            BodyError::MissingField(_) => "Ce champ est obligatoire.".into(),
            BodyError::UnknownField(name) => format!("Champ inconnu : « {name} »."),
            BodyError::WrongType(kind) => format!("Type incorrect (attendu : {}).", kind.french()),
            BodyError::UnknownValue { value, allowed } => format!(
                "Valeur inconnue : « {value} » (valeurs possibles : {}).",
                allowed.join(", ")
            ),
            BodyError::OutOfRange => "Valeur hors des limites acceptées.".into(),
            BodyError::Refused(message) => message.clone(),
        }
    }

    /// The field the error is about, below `path` (serde names missing and unknown fields in the
    /// error, not in the path).
    pub fn field(&self, path: &str) -> String {
        let path = path.trim_start_matches('.');
        let named = match self {
            BodyError::MissingField(name) => Some(*name),
            BodyError::UnknownField(name) => Some(name.as_str()),
            _ => None,
        };
        match (named, path) {
            (Some(name), "") => name.to_owned(),
            (Some(name), prefix) if prefix.ends_with(name) => prefix.to_owned(),
            (Some(name), prefix) => format!("{prefix}.{name}"),
            (None, "") => "body".to_owned(),
            (None, path) => path.to_owned(),
        }
    }
}

impl de::Error for BodyError {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        // Domain parsers' `Invalid` displays as `code: message`; the user reads the message.
        let message = message.to_string();
        BodyError::Refused(match message.split_once(": ") {
            Some((code, text)) if !code.contains(' ') => text.to_owned(),
            _ => message,
        })
    }

    fn invalid_type(_: de::Unexpected<'_>, _: &dyn de::Expected) -> Self {
        // Raised by a visitor refusing what `Body` handed it: a number where text was wanted
        // by a type `Body` could not see (a domain newtype's visitor, say).
        BodyError::WrongType(Kind::Text)
    }

    fn invalid_value(_: de::Unexpected<'_>, _: &dyn de::Expected) -> Self {
        BodyError::OutOfRange
    }

    fn missing_field(field: &'static str) -> Self {
        BodyError::MissingField(field)
    }

    fn unknown_field(field: &str, _: &'static [&'static str]) -> Self {
        BodyError::UnknownField(field.to_owned())
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        BodyError::UnknownValue {
            value: variant.to_owned(),
            allowed: expected,
        }
    }
}

/// Deserializes `value` as `T`, with the path of the first error.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, (String, BodyError)> {
    serde_path_to_error::deserialize(Body(value)).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        (inner.field(&path), inner)
    })
}

/// A JSON value as a deserializer that knows which type each request asked for.
struct Body(Value);

impl<'de> IntoDeserializer<'de, BodyError> for Body {
    type Deserializer = Body;

    fn into_deserializer(self) -> Body {
        self
    }
}

macro_rules! expect {
    ($($method:ident => $kind:ident if $pattern:pat),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, BodyError> {
                match self.0 {
                    $pattern => self.deserialize_any(visitor),
                    _ => Err(BodyError::WrongType(Kind::$kind)),
                }
            }
        )*
    };
}

macro_rules! integers {
    ($($method:ident),*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, BodyError> {
                self.integer(visitor)
            }
        )*
    };
}

impl Body {
    /// An integer, also when written with a decimal point (`49.0`): JSON Schema counts it as one.
    fn integer<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, BodyError> {
        const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
        let Value::Number(n) = self.0 else {
            return Err(BodyError::WrongType(Kind::Integer));
        };
        match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => visitor.visit_u64(u),
            (_, Some(i), _) => visitor.visit_i64(i),
            (_, _, Some(f)) if f.fract() != 0.0 => Err(BodyError::WrongType(Kind::Integer)),
            (_, _, Some(f)) if (0.0..LIMIT).contains(&f) => visitor.visit_u64(f as u64),
            (_, _, Some(f)) if (-LIMIT..0.0).contains(&f) => visitor.visit_i64(f as i64),
            _ => Err(BodyError::OutOfRange),
        }
    }
}

impl<'de> de::Deserializer<'de> for Body {
    type Error = BodyError;

    integers!(
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64
    );

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, BodyError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => visitor.visit_u64(u),
                (_, Some(i), _) => visitor.visit_i64(i),
                (_, _, Some(f)) => visitor.visit_f64(f),
                _ => Err(BodyError::OutOfRange),
            },
            Value::String(s) => visitor.visit_string(s),
            Value::Array(items) => {
                let mut seq = SeqDeserializer::new(items.into_iter().map(Body));
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Value::Object(map) => {
                let mut map = MapDeserializer::new(map.into_iter().map(|(k, v)| (k, Body(v))));
                let value = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(value)
            }
        }
    }

    expect! {
        deserialize_bool => Boolean if Value::Bool(_),
        deserialize_f32 => Number if Value::Number(_),
        deserialize_f64 => Number if Value::Number(_),
        deserialize_char => Text if Value::String(_),
        deserialize_str => Text if Value::String(_),
        deserialize_string => Text if Value::String(_),
        deserialize_identifier => Text if Value::String(_),
        deserialize_seq => List if Value::Array(_),
        deserialize_map => Object if Value::Object(_),
        deserialize_unit => Nothing if Value::Null,
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, BodyError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(Body(other)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, BodyError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, BodyError> {
        match self.0 {
            Value::String(variant) => visitor.visit_enum(variant.into_deserializer()),
            _ => Err(BodyError::WrongType(Kind::Text)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, BodyError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, BodyError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, BodyError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, BodyError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _: V) -> Result<V::Value, BodyError> {
        Err(BodyError::WrongType(Kind::Text))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _: V) -> Result<V::Value, BodyError> {
        Err(BodyError::WrongType(Kind::Text))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, BodyError> {
        visitor.visit_unit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Invitation {
        email: String,
        valid_days: Option<u8>,
        role: Option<Role>,
        tags: Option<Vec<String>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Role {
        Admin,
        Member,
    }

    fn error(body: Value) -> (String, String) {
        let (field, error) = from_value::<Invitation>(body).expect_err("refused");
        (field, error.french())
    }

    #[test]
    fn each_failure_names_its_field_with_a_french_message() {
        assert_eq!(
            error(json!({})),
            ("email".into(), "Ce champ est obligatoire.".into())
        );
        assert_eq!(
            error(json!({"email": "a@b.fr", "colour": 1})),
            ("colour".into(), "Champ inconnu : « colour ».".into())
        );
        assert_eq!(
            error(json!({"email": 3})),
            ("email".into(), "Type incorrect (attendu : texte).".into())
        );
        assert_eq!(
            error(json!({"email": "a@b.fr", "valid_days": "dix"})),
            (
                "valid_days".into(),
                "Type incorrect (attendu : nombre entier).".into()
            )
        );
        assert_eq!(
            error(json!({"email": "a@b.fr", "valid_days": 4.5})),
            (
                "valid_days".into(),
                "Type incorrect (attendu : nombre entier).".into()
            )
        );
        assert_eq!(
            error(json!({"email": "a@b.fr", "valid_days": 300})),
            (
                "valid_days".into(),
                "Valeur hors des limites acceptées.".into()
            )
        );
        assert_eq!(
            error(json!({"email": "a@b.fr", "role": "owner"})),
            (
                "role".into(),
                "Valeur inconnue : « owner » (valeurs possibles : admin, member).".into()
            )
        );
        assert_eq!(
            error(json!({"email": "a@b.fr", "tags": ["x", 2]})),
            ("tags[1]".into(), "Type incorrect (attendu : texte).".into())
        );
    }

    #[test]
    fn a_fitting_body_deserializes() {
        let invitation: Invitation =
            from_value(json!({"email": "a@b.fr", "valid_days": 14, "role": "admin", "tags": null}))
                .expect("fits");
        assert_eq!(invitation.valid_days, Some(14));
        let written_with_a_point: Invitation =
            from_value(json!({"email": "a@b.fr", "valid_days": 49.0})).expect("an integer");
        assert_eq!(written_with_a_point.valid_days, Some(49));
    }
}
