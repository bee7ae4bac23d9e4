//! How variables are kept: secret rows in SQLite, keychain account names, name rules, the audit
//! entries, and the views the window receives. Shared with bundles, which store secrets too.

use sqlx::{Row, SqliteConnection};

use quantum_kernel::audit::{self, AuditAction, NewAuditEntry, ResourceType};
use quantum_kernel::projects::Project;
use ring::rand::{SecureRandom, SystemRandom};

use quantum_config as config;

use crate::{Error, Result, SecretRow, Variable, VariableKind};

pub(crate) const SECRET_COLUMNS: &str =
    "id, keychain_account, environment, name, fingerprint, updated_at";

pub(crate) fn secret_row(row: &sqlx::sqlite::SqliteRow) -> SecretRow {
    SecretRow {
        id: row.get("id"),
        account: row.get("keychain_account"),
        environment: row.get("environment"),
        name: row.get("name"),
        fingerprint: row.get("fingerprint"),
        updated_at: row.get("updated_at"),
    }
}

/// A new keychain account for a secret. It names no project: a bundle's secrets are stored before
/// their project exists. The random part keeps a development build and the installed app, which
/// share the OS keychain, apart.
pub fn new_account(environment: &str, name: &str) -> Result<String> {
    let mut random = [0u8; 9];
    SystemRandom::new()
        .fill(&mut random)
        .map_err(|_| quantum_secrets::Error::Crypto("the system's random source failed".into()))?;
    Ok(format!(
        "secret/{environment}/{name}/{}",
        quantum_kernel::hex(&random)
    ))
}

pub(crate) fn display_name(environment: Option<&str>, name: &str) -> String {
    match environment {
        Some(environment) => format!("{name} ({environment})"),
        None => name.to_owned(),
    }
}

pub(crate) fn plain(environment: Option<&str>, name: &str, value: &str) -> Variable {
    Variable {
        environment: environment.map(str::to_owned),
        name: name.to_owned(),
        kind: VariableKind::Plain,
        value: Some(value.to_owned()),
        fingerprint: None,
        updated_at: None,
        stored: true,
    }
}

pub(crate) fn secret(environment: &str, name: &str, row: Option<&SecretRow>) -> Variable {
    Variable {
        environment: Some(environment.to_owned()),
        name: name.to_owned(),
        kind: VariableKind::Secret,
        value: None,
        fingerprint: row.map(|r| r.fingerprint.clone()),
        updated_at: row.map(|r| r.updated_at.clone()),
        stored: row.is_some(),
    }
}

pub fn check_name(name: &str) -> Result<()> {
    if config::is_variable_name(name) {
        Ok(())
    } else {
        Err(Error::validation(
            "validation.invalid_variable",
            "name",
            format!(
                "“{name}” is not a valid variable name: {}.",
                config::VARIABLE_NAME_RULE
            ),
        ))
    }
}

pub fn check_environment(name: &str) -> Result<()> {
    if config::is_environment_name(name) {
        Ok(())
    } else {
        Err(Error::validation(
            "validation.invalid_environment",
            "environment",
            format!(
                "“{name}” is not a valid environment name: {}.",
                config::ENVIRONMENT_NAME_RULE
            ),
        ))
    }
}

pub async fn upsert_secret(
    conn: &mut SqliteConnection,
    project_id: i64,
    environment: &str,
    name: &str,
    account: &str,
    fingerprint: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO secrets (project_id, environment, name, keychain_account, fingerprint)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (project_id, environment, name) DO UPDATE SET
             fingerprint = excluded.fingerprint,
             keychain_account = excluded.keychain_account,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         RETURNING id",
    )
    .bind(project_id)
    .bind(environment)
    .bind(name)
    .bind(account)
    .bind(fingerprint)
    .fetch_one(conn)
    .await?)
}

pub async fn record(
    conn: &mut SqliteConnection,
    project: &Project,
    action: AuditAction,
    resource_type: ResourceType,
    resource_id: i64,
    resource_name: &str,
    details: serde_json::Value,
) -> Result<()> {
    audit::record(
        conn,
        NewAuditEntry {
            action,
            resource_type,
            resource_id,
            resource_name,
            project_id: Some(project.id),
            details,
        },
    )
    .await?;
    Ok(())
}
