//! Names and identifiers: what the user typed, checked; what the app generates, safe everywhere.

use crate::{Error, Result};
use quantum_docker::Error as DockerError;
use quantum_secrets::Secret;

pub(super) fn non_empty(value: &Option<String>) -> Option<String> {
    value
        .as_ref()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

pub(super) fn invalid(field: &'static str, message: impl Into<String>) -> Error {
    Error::validation("validation.invalid_datasource", field, message)
}

/// A name Docker accepts for a container and a volume: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, 2–63 long.
pub(super) fn validate_container_name(name: &str) -> Result<()> {
    let valid_start = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let valid_rest = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !(2..=63).contains(&name.len()) || !valid_start || !valid_rest {
        return Err(Error::validation(
            "validation.invalid_name",
            "name",
            "Use 2 to 63 letters, digits, “_”, “.” or “-”, starting with a letter or digit.",
        ));
    }
    Ok(())
}

/// Database and user names: plain identifiers every engine takes without quoting surprises.
pub(super) fn validate_identifier(field: &'static str, what: &str, value: &str) -> Result<()> {
    let valid_start = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let valid_rest = value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if value.len() > 32 || !valid_start || !valid_rest {
        return Err(invalid(
            field,
            format!("Give the {what} name as up to 32 letters, digits or “_”, starting with a letter or “_”."),
        ));
    }
    Ok(())
}

/// A lowercase slug of a project name, with `separator` between words.
pub(super) fn slug(name: &str, separator: char) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with(separator) && !slug.is_empty() {
            slug.push(separator);
        }
    }
    let slug = slug
        .trim_end_matches(separator)
        .chars()
        .take(24)
        .collect::<String>();
    match slug.chars().next() {
        None => "project".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("p{separator}{slug}"),
        Some(_) => slug,
    }
}

/// The name a compose service's datasource gets in a project: the service's name after the
/// project's slug (`shop` + `db` → `shop-db`), unless it starts with it already (an exported
/// file's `shop-postgres-1`). Container names are global: a bare `db` would clash.
pub fn name_for_service(project: &str, service: &str) -> String {
    let prefix = slug(project, '-');
    if service == prefix || service.starts_with(&format!("{prefix}-")) {
        service.to_owned()
    } else {
        format!("{prefix}-{service}")
    }
}

/// A refused insert, in the user's terms: the port or the name is taken.
pub(super) fn insert_error(error: sqlx::Error, host_port: u16, name: &str) -> Error {
    match &error {
        sqlx::Error::Database(db)
            if db.is_unique_violation() && db.message().contains("host_port") =>
        {
            DockerError::PortTaken {
                port: host_port,
                holder: Some("another datasource".to_owned()),
            }
            .into()
        }
        sqlx::Error::Database(db) if db.is_unique_violation() => DockerError::ContainerNameTaken {
            name: name.to_owned(),
        }
        .into(),
        _ => error.into(),
    }
}

pub(super) fn random_suffix() -> Result<String> {
    Ok(Secret::generate_password(6)?.expose().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_as_container_and_database_names() {
        assert_eq!(slug("Shop API", '-'), "shop-api");
        assert_eq!(slug("Shop API", '_'), "shop_api");
        assert_eq!(slug("  --  ", '_'), "project");
        assert_eq!(slug("2048 game", '-'), "p-2048-game");
    }

    #[test]
    fn bad_names_and_identifiers_are_refused() {
        assert!(validate_container_name("shop-postgres-1").is_ok());
        assert!(validate_container_name("-shop").is_err());
        assert!(validate_container_name("shop api").is_err());
        assert!(validate_identifier("databaseName", "database", "shop_db").is_ok());
        assert!(validate_identifier("databaseName", "database", "shop-db").is_err());
        assert!(validate_identifier("username", "user", "1user").is_err());
    }
}
