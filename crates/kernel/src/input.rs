//! Values as a form sends them, before the core checks them. IPC deserializes a command's
//! arguments before any of our code runs, and a value that does not fit the Rust type would come
//! back as serde's bare text; these types take anything of the right JSON kind, so that the core
//! refuses it with a field error that says what to give instead.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A number field: a whole number, or what was sent instead (kept for the error message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumberInput {
    Whole(i64),
    NotWhole(String),
}

impl From<i64> for NumberInput {
    fn from(value: i64) -> Self {
        Self::Whole(value)
    }
}

impl Serialize for NumberInput {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Whole(value) => serializer.serialize_i64(*value),
            Self::NotWhole(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for NumberInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumberVisitor)
    }
}

struct NumberVisitor;

impl Visitor<'_> for NumberVisitor {
    type Value = NumberInput;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<NumberInput, E> {
        Ok(NumberInput::Whole(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<NumberInput, E> {
        Ok(i64::try_from(value).map_or_else(
            |_| NumberInput::NotWhole(value.to_string()),
            NumberInput::Whole,
        ))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<NumberInput, E> {
        Ok(NumberInput::NotWhole(value.to_string()))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<NumberInput, E> {
        Ok(NumberInput::NotWhole(format!("\"{value}\"")))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<NumberInput, E> {
        Ok(NumberInput::NotWhole(value.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_pass_and_anything_else_is_kept_for_the_message() {
        let parse = |json: &str| serde_json::from_str::<NumberInput>(json).expect(json);
        assert_eq!(parse("5432"), NumberInput::Whole(5432));
        assert_eq!(parse("-1"), NumberInput::Whole(-1));
        assert_eq!(parse("5432.5"), NumberInput::NotWhole("5432.5".into()));
        assert_eq!(parse("\"5432\""), NumberInput::NotWhole("\"5432\"".into()));
        assert_eq!(parse("true"), NumberInput::NotWhole("true".into()));
        assert_eq!(
            parse("18446744073709551615"),
            NumberInput::NotWhole("18446744073709551615".into())
        );
    }
}
