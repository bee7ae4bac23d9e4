//! Conditions in Gatus's words, so that a Gatus user reads them at once:
//! `[STATUS] == 200`, `[RESPONSE_TIME] < 500` (ms), `[BODY] == pat(*ok*)`,
//! `[BODY].status == UP`, `[BODY].items[0].id > 3`, `[CONNECTED] == true`,
//! `[CERTIFICATE_EXPIRATION] > 14d` (durations in `s`, `m`, `h` or `d`).

use std::fmt;

/// What one check observed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observation {
    pub connected: bool,
    pub status: Option<u16>,
    pub response_ms: u64,
    pub body: Option<String>,
    /// Seconds until the server's certificate expires (negative once it has), over HTTPS.
    pub certificate_expires_in: Option<i64>,
    /// Why it could not connect or read, when it could not.
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
enum Placeholder {
    Status,
    ResponseTime,
    Connected,
    /// Seconds left on the server's certificate.
    CertificateExpiration,
    /// The body, or the value at a JSON path in it (`.a.b[0]`).
    Body(Vec<Step>),
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    text: String,
    placeholder: Placeholder,
    op: Op,
    value: String,
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

const OPS: &[(&str, Op)] = &[
    ("==", Op::Eq),
    ("!=", Op::Ne),
    ("<=", Op::Le),
    (">=", Op::Ge),
    ("<", Op::Lt),
    (">", Op::Gt),
];

impl Condition {
    /// Reads one condition, or says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        let (left, op, right) = OPS
            .iter()
            .find_map(|(symbol, op)| {
                trimmed
                    .split_once(&format!(" {symbol} "))
                    .map(|(l, r)| (l.trim(), *op, r.trim()))
            })
            .ok_or_else(|| {
                format!("`{trimmed}` needs a placeholder, an operator (==, !=, <, <=, >, >=) and a value, with spaces around the operator, e.g. `[STATUS] == 200`")
            })?;
        let placeholder = match left {
            "[STATUS]" => Placeholder::Status,
            "[RESPONSE_TIME]" => Placeholder::ResponseTime,
            "[CONNECTED]" => Placeholder::Connected,
            "[CERTIFICATE_EXPIRATION]" => Placeholder::CertificateExpiration,
            body if body.starts_with("[BODY]") => Placeholder::Body(path(&body["[BODY]".len()..])?),
            other => {
                return Err(format!(
                    "`{other}` is not a placeholder: use [STATUS], [RESPONSE_TIME], [BODY] (or [BODY].a.b[0]), [CONNECTED] or [CERTIFICATE_EXPIRATION]"
                ))
            }
        };
        let numeric = matches!(placeholder, Placeholder::Status | Placeholder::ResponseTime);
        if numeric && number(right).is_none() {
            return Err(format!("`{left}` is compared with a number, not `{right}`"));
        }
        if placeholder == Placeholder::Connected && !matches!(right, "true" | "false") {
            return Err("`[CONNECTED]` is compared with true or false".to_owned());
        }
        if placeholder == Placeholder::Connected && !matches!(op, Op::Eq | Op::Ne) {
            return Err("`[CONNECTED]` takes == or !=".to_owned());
        }
        let value = if placeholder == Placeholder::CertificateExpiration {
            duration_secs(right)
                .ok_or_else(|| format!("`{left}` is compared with a duration such as 14d, 48h or 30m, not `{right}`"))?
                .to_string()
        } else {
            right.trim_matches('"').to_owned()
        };
        Ok(Self {
            text: trimmed.to_owned(),
            placeholder,
            op,
            value,
        })
    }

    /// Whether `seen` meets the condition; when not, what was seen instead.
    pub fn check(&self, seen: &Observation) -> Result<(), String> {
        let actual: Option<String> = match &self.placeholder {
            Placeholder::Status => seen.status.map(|s| s.to_string()),
            Placeholder::ResponseTime => Some(seen.response_ms.to_string()),
            Placeholder::Connected => Some(seen.connected.to_string()),
            Placeholder::CertificateExpiration => {
                seen.certificate_expires_in.map(|secs| secs.to_string())
            }
            Placeholder::Body(steps) if steps.is_empty() => seen.body.clone(),
            Placeholder::Body(steps) => seen
                .body
                .as_deref()
                .and_then(|body| serde_json::from_str::<serde_json::Value>(body).ok())
                .and_then(|json| walk(&json, steps)),
        };
        let Some(actual) = actual else {
            return Err(format!("{} (nothing to read)", self.text));
        };
        if compare(&actual, self.op, &self.value) {
            Ok(())
        } else if self.placeholder == Placeholder::CertificateExpiration {
            let hours = actual.parse::<i64>().unwrap_or(0) / 3600;
            Err(format!(
                "{} (was {}d {}h)",
                self.text,
                hours / 24,
                hours % 24
            ))
        } else {
            let shown: String = actual.chars().take(80).collect();
            Err(format!("{} (was {shown})", self.text))
        }
    }
}

fn path(rest: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                let mut key = String::new();
                while let Some(&c) = chars.peek().filter(|c| !matches!(c, '.' | '[')) {
                    key.push(c);
                    chars.next();
                }
                if key.is_empty() {
                    return Err(format!("`[BODY]{rest}` has an empty key"));
                }
                steps.push(Step::Key(key));
            }
            '[' => {
                let digits: String = chars.by_ref().take_while(|c| *c != ']').collect();
                let index = digits
                    .parse()
                    .map_err(|_| format!("`[{digits}]` in `[BODY]{rest}` is not an index"))?;
                steps.push(Step::Index(index));
            }
            _ => {
                return Err(format!(
                    "`[BODY]{rest}`: a JSON path goes on with `.key` or `[0]`"
                ))
            }
        }
    }
    Ok(steps)
}

fn walk(json: &serde_json::Value, steps: &[Step]) -> Option<String> {
    let mut at = json;
    for step in steps {
        at = match step {
            Step::Key(key) => at.get(key)?,
            Step::Index(index) => at.get(*index)?,
        };
    }
    Some(match at {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    })
}

/// `14d`, `48h`, `30m`, `90s` in seconds.
fn duration_secs(text: &str) -> Option<i64> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit())?);
    let number: i64 = number.parse().ok()?;
    let unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    number.checked_mul(unit)
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse().ok()
}

fn compare(actual: &str, op: Op, expected: &str) -> bool {
    if let (Some(a), Some(b)) = (number(actual), number(expected)) {
        return match op {
            Op::Eq => a == b,
            Op::Ne => a != b,
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
        };
    }
    let equal = match expected
        .strip_prefix("pat(")
        .and_then(|p| p.strip_suffix(')'))
    {
        Some(pattern) => glob(pattern, actual),
        None => actual == expected,
    };
    match op {
        Op::Eq => equal,
        Op::Ne => !equal,
        // Text has no order worth checking health by.
        _ => false,
    }
}

/// `*` matches any run of characters (Gatus's `pat()`).
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen() -> Observation {
        Observation {
            connected: true,
            status: Some(200),
            response_ms: 120,
            body: Some(r#"{"status":"UP","items":[{"id":7}],"note":"all healthy"}"#.to_owned()),
            certificate_expires_in: Some(10 * 86_400 + 3 * 3600),
            error: None,
        }
    }

    fn check(text: &str) -> Result<(), String> {
        Condition::parse(text).expect("parses").check(&seen())
    }

    #[test]
    fn conditions_read_status_time_body_paths_and_patterns() {
        assert_eq!(check("[STATUS] == 200"), Ok(()));
        assert_eq!(check("[STATUS] < 300"), Ok(()));
        assert_eq!(
            check("[RESPONSE_TIME] < 100"),
            Err("[RESPONSE_TIME] < 100 (was 120)".into())
        );
        assert_eq!(check("[BODY].status == UP"), Ok(()));
        assert_eq!(
            check("[BODY].status == \"DOWN\""),
            Err("[BODY].status == \"DOWN\" (was UP)".into())
        );
        assert_eq!(check("[BODY].items[0].id > 3"), Ok(()));
        assert_eq!(check("[BODY] == pat(*healthy*)"), Ok(()));
        assert!(check("[BODY] == pat(*broken*)").is_err());
        assert_eq!(
            check("[BODY].missing == x"),
            Err("[BODY].missing == x (nothing to read)".into())
        );
        assert_eq!(check("[CONNECTED] == true"), Ok(()));
        assert_eq!(check("[CERTIFICATE_EXPIRATION] > 7d"), Ok(()));
        assert_eq!(
            check("[CERTIFICATE_EXPIRATION] > 14d"),
            Err("[CERTIFICATE_EXPIRATION] > 14d (was 10d 3h)".into())
        );
    }

    #[test]
    fn a_wrong_condition_says_how_to_write_it() {
        assert!(Condition::parse("[STATUS]==200")
            .expect_err("refused")
            .contains("spaces around"));
        assert!(Condition::parse("[CODE] == 200")
            .expect_err("refused")
            .contains("not a placeholder"));
        assert!(Condition::parse("[STATUS] == ok")
            .expect_err("refused")
            .contains("number"));
        assert!(Condition::parse("[CONNECTED] > true")
            .expect_err("refused")
            .contains("=="));
        assert!(Condition::parse("[CERTIFICATE_EXPIRATION] > soon")
            .expect_err("refused")
            .contains("duration"));
        assert!(Condition::parse("[BODY].a[x] == 1")
            .expect_err("refused")
            .contains("not an index"));
    }
}
