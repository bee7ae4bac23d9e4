//! One cell on its way between engines: read as the source stores it, converted to the target
//! column's kind (or refused, with the reason), written in one canonical text per kind. The
//! target's own output is brought to the same canonical text, so that a checksum over both sides
//! says whether the target holds exactly what was sent.

use quantum_schema::models::types::Kind;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// A cell as the source stores it: SQLite's storage classes, which every source reduces to.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

/// Converts a source cell into the canonical text of `kind`; `None` is NULL.
pub fn convert(kind: Kind, value: Value) -> Result<Option<String>, String> {
    let text = match (kind, &value) {
        (_, Value::Null) => return Ok(None),
        (Kind::Bool, v) => boolean(v)?.to_owned(),
        (Kind::Int16 | Kind::Int32 | Kind::Int64, v) => integer(kind, v)?.to_string(),
        (Kind::Float32 | Kind::Float64, v) => float(v)?,
        (Kind::Decimal, v) => decimal(v)?,
        (Kind::Bytes, Value::Bytes(bytes)) => hex(bytes),
        (Kind::Bytes, Value::Text(text)) => hex(text.as_bytes()),
        (Kind::Date, v) => timestamp(v)?.date().to_string(),
        (Kind::Time, Value::Text(text)) => clock(parse_time(text.trim())?),
        (Kind::Timestamp | Kind::TimestampTz, v) => stamp(timestamp(v)?),
        (Kind::Uuid, v) => uuid(v)?,
        (Kind::Json, Value::Text(text)) => json(text)?,
        // Moved, not copied: most cells are text.
        (_, Value::Text(_)) => match value {
            Value::Text(text) => text,
            _ => unreachable!("matched as text"),
        },
        (_, Value::Int(i)) => i.to_string(),
        (_, Value::Real(r)) => r.to_string(),
        (_, Value::Bytes(bytes)) => String::from_utf8(bytes.clone())
            .map_err(|_| "binary data where text is expected".to_owned())?,
    };
    if text.contains('\0') {
        return Err("it contains a NUL character, which PostgreSQL text cannot hold".to_owned());
    }
    Ok(Some(text))
}

/// The target's own text output for a cell of `kind`, in the canonical form `convert` writes.
pub fn normalize(kind: Kind, text: &str) -> String {
    let value = match kind {
        Kind::Bool => Value::Text(text.to_owned()),
        Kind::Bytes => {
            let hex = text.trim_start_matches("\\x").to_ascii_lowercase();
            return hex;
        }
        Kind::Float32 | Kind::Float64 => match text.parse::<f64>() {
            Ok(f) => Value::Real(f),
            Err(_) => Value::Text(text.to_owned()),
        },
        _ => Value::Text(text.to_owned()),
    };
    convert(kind, value)
        .ok()
        .flatten()
        .unwrap_or_else(|| text.to_owned())
}

fn boolean(value: &Value) -> Result<&'static str, String> {
    let truth = match value {
        Value::Int(0) => false,
        Value::Int(1) => true,
        Value::Real(r) if *r == 0.0 => false,
        Value::Real(r) if *r == 1.0 => true,
        Value::Text(text) => match text.trim().to_ascii_lowercase().as_str() {
            "1" | "t" | "true" | "y" | "yes" | "on" => true,
            "0" | "f" | "false" | "n" | "no" | "off" => false,
            _ => return Err(format!("“{text}” is not a boolean")),
        },
        other => return Err(format!("{} is not a boolean", describe(other))),
    };
    Ok(if truth { "t" } else { "f" })
}

fn integer(kind: Kind, value: &Value) -> Result<i64, String> {
    let number = match value {
        Value::Int(i) => *i,
        Value::Real(r) if r.fract() == 0.0 && r.abs() < 9.2e18 => *r as i64,
        Value::Text(text) => text
            .trim()
            .parse::<i64>()
            .map_err(|_| format!("“{text}” is not an integer"))?,
        other => return Err(format!("{} is not an integer", describe(other))),
    };
    let (min, max) = match kind {
        Kind::Int16 => (i64::from(i16::MIN), i64::from(i16::MAX)),
        Kind::Int32 => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    };
    if !(min..=max).contains(&number) {
        return Err(format!(
            "{number} is out of the column's range ({min} to {max})"
        ));
    }
    Ok(number)
}

fn float(value: &Value) -> Result<String, String> {
    let number = match value {
        Value::Int(i) => *i as f64,
        Value::Real(r) => *r,
        Value::Text(text) => text
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("“{text}” is not a number"))?,
        other => return Err(format!("{} is not a number", describe(other))),
    };
    if !number.is_finite() {
        return Err(format!("{number} is not a finite number"));
    }
    // Rust writes the shortest text that reads back as the same number.
    Ok(number.to_string())
}

fn decimal(value: &Value) -> Result<String, String> {
    let text = match value {
        Value::Int(i) => i.to_string(),
        Value::Real(r) if r.is_finite() => r.to_string(),
        Value::Text(text) => text.trim().to_owned(),
        other => return Err(format!("{} is not a decimal number", describe(other))),
    };
    let digits = text.strip_prefix('-').unwrap_or(&text);
    let valid = !digits.is_empty()
        && digits.chars().filter(|c| *c == '.').count() <= 1
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits != ".";
    if !valid {
        return Err(format!("“{text}” is not a decimal number"));
    }
    // One spelling per number: no trailing zeros after the point, no lone point, no "-0".
    let mut canonical = text.clone();
    if canonical.contains('.') {
        canonical = canonical
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_owned();
    }
    if canonical.starts_with('.') || canonical.starts_with("-.") {
        canonical = canonical.replacen('.', "0.", 1);
    }
    let unsigned = canonical.strip_prefix('-').unwrap_or(&canonical);
    let unsigned = unsigned.trim_start_matches('0');
    let unsigned = if unsigned.is_empty() || unsigned.starts_with('.') {
        format!("0{unsigned}")
    } else {
        unsigned.to_owned()
    };
    Ok(if canonical.starts_with('-') && unsigned != "0" {
        format!("-{unsigned}")
    } else {
        unsigned
    })
}

/// SQLite's three ways of keeping a time: ISO-8601 text, Unix seconds (INTEGER), or a Julian
/// day number (REAL), as its date functions read them.
fn timestamp(value: &Value) -> Result<PrimitiveDateTime, String> {
    let utc = |at: OffsetDateTime| PrimitiveDateTime::new(at.date(), at.time());
    match value {
        Value::Int(seconds) => OffsetDateTime::from_unix_timestamp(*seconds)
            .map(utc)
            .map_err(|_| format!("{seconds} is out of range as Unix seconds")),
        Value::Real(day) => {
            let nanos = ((day - 2_440_587.5) * 86_400.0 * 1e9).round();
            if !nanos.is_finite() || nanos.abs() > 2.5e20 {
                return Err(format!("{day} is out of range as a Julian day"));
            }
            OffsetDateTime::from_unix_timestamp_nanos(nanos as i128)
                .map(utc)
                .map_err(|_| format!("{day} is out of range as a Julian day"))
        }
        Value::Text(text) => {
            parse_timestamp(text.trim()).ok_or_else(|| format!("“{text}” is not a date or time"))
        }
        other => Err(format!("{} is not a date or time", describe(other))),
    }
}

/// `YYYY-MM-DD`, with ` ` or `T` and `HH:MM[:SS[.fraction]]`, and `Z` or an offset (moved to
/// UTC).
fn parse_timestamp(text: &str) -> Option<PrimitiveDateTime> {
    let date_part = text.get(..10)?;
    let mut fields = date_part.split('-');
    let year: i32 = fields.next()?.parse().ok()?;
    let month: u8 = fields.next()?.parse().ok()?;
    let day: u8 = fields.next()?.parse().ok()?;
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    let rest = &text[10..];
    if rest.is_empty() {
        return Some(PrimitiveDateTime::new(date, Time::MIDNIGHT));
    }
    let rest = rest.strip_prefix([' ', 'T'])?;
    let (clock_part, offset_minutes) = split_offset(rest)?;
    let at = PrimitiveDateTime::new(date, parse_time(clock_part).ok()?);
    Some(at - time::Duration::minutes(offset_minutes))
}

/// The clock and its offset from UTC in minutes (`Z`, `+HH:MM`, `+HHMM`, `+HH`).
fn split_offset(text: &str) -> Option<(&str, i64)> {
    if let Some(clock) = text.strip_suffix('Z') {
        return Some((clock, 0));
    }
    match text.rfind(['+', '-']) {
        Some(at) if at >= 5 => {
            let sign = if text.as_bytes()[at] == b'-' { -1 } else { 1 };
            let digits: String = text[at + 1..]
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            let hours: i64 = digits.get(..2)?.parse().ok()?;
            let minutes: i64 = digits.get(2..4).map_or(Some(0), |m| m.parse().ok())?;
            Some((&text[..at], sign * (hours * 60 + minutes)))
        }
        _ => Some((text, 0)),
    }
}

fn parse_time(text: &str) -> Result<Time, String> {
    let fail = || format!("“{text}” is not a time of day");
    let (main, fraction) = text.split_once('.').unwrap_or((text, ""));
    let mut parts = main.split(':');
    let hour: u8 = parts.next().and_then(|h| h.parse().ok()).ok_or_else(fail)?;
    let minute: u8 = parts.next().and_then(|m| m.parse().ok()).ok_or_else(fail)?;
    let second: u8 = match parts.next() {
        Some(s) => s.parse().map_err(|_| fail())?,
        None => 0,
    };
    if parts.next().is_some() || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return Err(fail());
    }
    let nanos: u32 = format!("{fraction:0<9}")[..9].parse().map_err(|_| fail())?;
    Time::from_hms_nano(hour, minute, second, nanos).map_err(|_| fail())
}

/// `HH:MM:SS` and the fraction without trailing zeros, as PostgreSQL writes it.
fn clock(at: Time) -> String {
    let mut text = format!("{:02}:{:02}:{:02}", at.hour(), at.minute(), at.second());
    if at.nanosecond() > 0 {
        let fraction = format!("{:09}", at.nanosecond());
        text.push('.');
        text.push_str(fraction.trim_end_matches('0'));
    }
    text
}

fn stamp(at: PrimitiveDateTime) -> String {
    format!("{} {}", at.date(), clock(at.time()))
}

fn uuid(value: &Value) -> Result<String, String> {
    let hex_digits = match value {
        Value::Bytes(bytes) if bytes.len() == 16 => hex(bytes),
        Value::Text(text) => text
            .trim()
            .trim_matches(['{', '}'])
            .replace('-', "")
            .to_ascii_lowercase(),
        other => return Err(format!("{} is not a UUID", describe(other))),
    };
    if hex_digits.len() != 32 || !hex_digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("“{hex_digits}” is not a UUID"));
    }
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex_digits[..8],
        &hex_digits[8..12],
        &hex_digits[12..16],
        &hex_digits[16..20],
        &hex_digits[20..]
    ))
}

/// JSON in one spelling (keys sorted, no spaces): PostgreSQL's jsonb keeps its own order.
fn json(text: &str) -> Result<String, String> {
    serde_json::from_str::<serde_json::Value>(text)
        .map(|value| value.to_string())
        .map_err(|error| format!("not valid JSON ({error})"))
}

pub fn hex(bytes: &[u8]) -> String {
    quantum_kernel::hex(bytes)
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "NULL".to_owned(),
        Value::Int(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Text(t) => format!("“{t}”"),
        Value::Bytes(b) => format!("{} bytes of binary data", b.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(kind: Kind, value: Value) -> String {
        convert(kind, value).expect("converts").expect("not null")
    }

    #[test]
    fn sqlite_booleans_times_and_numbers_become_one_spelling() {
        assert_eq!(ok(Kind::Bool, Value::Int(1)), "t");
        assert_eq!(ok(Kind::Bool, Value::Text("False".into())), "f");
        assert!(convert(Kind::Bool, Value::Int(2)).is_err());
        assert_eq!(
            ok(
                Kind::Timestamp,
                Value::Text("2024-02-29T10:15:00.250Z".into())
            ),
            "2024-02-29 10:15:00.25"
        );
        assert_eq!(
            ok(
                Kind::Timestamp,
                Value::Text("2024-02-29 12:15+02:00".into())
            ),
            "2024-02-29 10:15:00"
        );
        assert_eq!(ok(Kind::Timestamp, Value::Int(0)), "1970-01-01 00:00:00");
        assert_eq!(
            ok(Kind::Timestamp, Value::Real(2_440_588.0)),
            "1970-01-01 12:00:00"
        );
        assert_eq!(
            ok(Kind::Date, Value::Text("2024-02-29".into())),
            "2024-02-29"
        );
        assert!(convert(Kind::Date, Value::Text("2023-02-29".into())).is_err());
        assert_eq!(ok(Kind::Decimal, Value::Text("0012.500".into())), "12.5");
        assert_eq!(ok(Kind::Decimal, Value::Text("-0.0".into())), "0");
        assert_eq!(ok(Kind::Float64, Value::Text("1e3".into())), "1000");
        assert!(convert(Kind::Int16, Value::Int(40_000)).is_err());
        assert!(convert(Kind::Int64, Value::Text("12a".into())).is_err());
    }

    #[test]
    fn the_targets_output_reads_back_to_what_was_sent() {
        assert_eq!(normalize(Kind::Bool, "1"), "t");
        assert_eq!(normalize(Kind::Decimal, "12.50"), "12.5");
        assert_eq!(normalize(Kind::Bytes, "\\x00ff"), "00ff");
        assert_eq!(normalize(Kind::Bytes, "00FF"), "00ff");
        assert_eq!(
            normalize(Kind::TimestampTz, "2024-02-29 10:15:00.25+00"),
            "2024-02-29 10:15:00.25"
        );
        assert_eq!(
            normalize(Kind::Timestamp, "2024-02-29 10:15:00.250000"),
            "2024-02-29 10:15:00.25"
        );
        assert_eq!(
            normalize(Kind::Json, r#"{"b": 1, "a": [1, 2]}"#),
            r#"{"a":[1,2],"b":1}"#
        );
        assert_eq!(normalize(Kind::Float64, "0.1"), "0.1");
    }
}
