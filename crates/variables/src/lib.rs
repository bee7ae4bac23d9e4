//! Environment variables per project and environment. Plain values live in `quantum.toml`;
//! secret values live in the secret store (keychain or vault), and SQLite keeps only their names,
//! a keyed fingerprint and timestamps. Revealing or copying a secret is an audited action.

mod dotenv_transfer;
mod error;
mod records;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use serde_json::json;
use specta::Type;

use quantum_config::{self as config, ProjectConfigs};
use quantum_kernel::audit::{AuditAction, ResourceType};
use quantum_kernel::events::Change;
use quantum_kernel::projects::{self, Project};
use quantum_kernel::Store;
use quantum_secrets::{Secret, SecretStore};

pub use dotenv_transfer::{DotenvEntry, DotenvImportRequest, ImportSummary};
pub use error::{Error, Result};
use quantum_kernel::hex;
pub use records::{check_environment, check_name, new_account, record, upsert_secret};
use records::{display_name, plain, secret, secret_row, SECRET_COLUMNS};

/// The secret store entry that holds the key of the fingerprints.
const FINGERPRINT_KEY_ACCOUNT: &str = "fingerprint-key";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum VariableKind {
    Plain,
    Secret,
}

/// A variable as the UI lists it. A secret's value is never here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Variable {
    /// `None`: shared by every environment (plain variables only).
    pub environment: Option<String>,
    pub name: String,
    pub kind: VariableKind,
    /// Plain variables only.
    pub value: Option<String>,
    /// Secrets only: 12 hex digits of a keyed hash of the value, to compare values without
    /// showing them.
    pub fingerprint: Option<String>,
    pub updated_at: Option<String>,
    /// Secrets only: `false` when quantum.toml names it but this machine does not hold it.
    pub stored: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProjectVariables {
    pub environments: Vec<String>,
    pub variables: Vec<Variable>,
}

/// What the variable form submits. `value` of a secret is wrapped in a [`Secret`] at once.
#[derive(Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VariableInput {
    pub environment: Option<String>,
    pub name: String,
    pub kind: VariableKind,
    pub value: String,
}

/// Why a secret's value leaves the store; each is audited as its own action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RevealPurpose {
    Show,
    Copy,
}

pub struct Variables {
    store: Store,
    configs: Arc<ProjectConfigs>,
    secrets: Arc<SecretStore>,
    fingerprint_key: Mutex<Option<hmac::Key>>,
}

pub struct SecretRow {
    pub id: i64,
    pub account: String,
    pub environment: String,
    pub name: String,
    pub fingerprint: String,
    pub updated_at: String,
}

impl Variables {
    pub fn new(store: Store, configs: Arc<ProjectConfigs>, secrets: Arc<SecretStore>) -> Arc<Self> {
        Arc::new(Self {
            store,
            configs,
            secrets,
            fingerprint_key: Mutex::new(None),
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn configs(&self) -> &ProjectConfigs {
        &self.configs
    }

    pub fn secret_store(&self) -> &Arc<SecretStore> {
        &self.secrets
    }

    pub async fn list(&self, project_id: i64) -> Result<ProjectVariables> {
        let project = projects::get(&self.store, project_id).await?;
        let config = self.parsed_config(&project).await?;
        let rows = self.secret_rows(project_id).await?;
        let mut environments: Vec<String> =
            config.environments.iter().map(|e| e.name.clone()).collect();
        let mut variables: Vec<Variable> = config
            .variables
            .iter()
            .map(|(name, value)| plain(None, name, value))
            .collect();
        let mut listed: BTreeSet<(String, String)> = BTreeSet::new();
        for environment in &config.environments {
            variables.extend(
                environment
                    .variables
                    .iter()
                    .map(|(name, value)| plain(Some(&environment.name), name, value)),
            );
            for name in &environment.secrets {
                let row = rows
                    .iter()
                    .find(|r| r.environment == environment.name && &r.name == name);
                variables.push(secret(&environment.name, name, row));
                listed.insert((environment.name.clone(), name.clone()));
            }
        }
        // Stored secrets that the file no longer names (edited by hand) stay visible, so that
        // they can be removed or named again.
        for row in &rows {
            if !listed.contains(&(row.environment.clone(), row.name.clone())) {
                if !environments.contains(&row.environment) {
                    environments.push(row.environment.clone());
                }
                variables.push(secret(&row.environment, &row.name, Some(row)));
            }
        }
        Ok(ProjectVariables {
            environments,
            variables,
        })
    }

    pub async fn add_environment(&self, project_id: i64, name: &str) -> Result<()> {
        let name = name.trim();
        check_environment(name)?;
        let _writing = self.configs.lock().await;
        let project = projects::get(&self.store, project_id).await?;
        let mut tx = self.store.begin_write().await?;
        let written = self
            .configs
            .edit(&mut tx, &project, |text| {
                config::add_environment(text, name)
            })
            .await?;
        record(
            &mut tx,
            &project,
            AuditAction::EnvironmentAdd,
            ResourceType::Variable,
            project.id,
            name,
            json!({ "environment": name }),
        )
        .await?;
        self.finish(tx, written, project_id).await
    }

    pub async fn set(&self, project_id: i64, input: VariableInput) -> Result<Variable> {
        let name = input.name.trim().to_owned();
        check_name(&name)?;
        let environment = input
            .environment
            .map(|e| e.trim().to_owned())
            .filter(|e| !e.is_empty());
        if let Some(environment) = &environment {
            check_environment(environment)?;
        }
        match input.kind {
            VariableKind::Plain => {
                self.set_plain(project_id, environment.as_deref(), &name, &input.value)
                    .await
            }
            VariableKind::Secret => {
                let environment = environment.ok_or_else(|| {
                    Error::validation(
                        "validation.invalid_environment",
                        "environment",
                        "A secret belongs to an environment. Choose one, or add one first.",
                    )
                })?;
                self.set_secret(project_id, &environment, &name, Secret::new(input.value))
                    .await
            }
        }
    }

    async fn set_plain(
        &self,
        project_id: i64,
        environment: Option<&str>,
        name: &str,
        value: &str,
    ) -> Result<Variable> {
        let _writing = self.configs.lock().await;
        let project = projects::get(&self.store, project_id).await?;
        let mut tx = self.store.begin_write().await?;
        let written = self
            .configs
            .edit(&mut tx, &project, |text| {
                config::set_variable(text, environment, name, value)
            })
            .await?;
        record(
            &mut tx,
            &project,
            AuditAction::VariableSet,
            ResourceType::Variable,
            project.id,
            &display_name(environment, name),
            json!({ "environment": environment, "name": name, "value": value }),
        )
        .await?;
        self.finish(tx, written, project_id).await?;
        Ok(plain(environment, name, value))
    }

    async fn set_secret(
        &self,
        project_id: i64,
        environment: &str,
        name: &str,
        value: Secret,
    ) -> Result<Variable> {
        if value.expose().is_empty() {
            return Err(Error::validation(
                "validation.invalid_variable",
                "value",
                "Enter the secret's value.",
            ));
        }
        let fingerprint = self.fingerprint(&value)?;
        let _writing = self.configs.lock().await;
        let project = projects::get(&self.store, project_id).await?;
        let account = self.account_for(project_id, environment, name).await?;
        let previous = self.secrets.find(&account)?;
        self.secrets.set(&account, &value)?;
        let result = async {
            let mut tx = self.store.begin_write().await?;
            let id = upsert_secret(
                &mut tx,
                project_id,
                environment,
                name,
                &account,
                &fingerprint,
            )
            .await?;
            record(
                &mut tx,
                &project,
                AuditAction::SecretSet,
                ResourceType::Secret,
                id,
                &display_name(Some(environment), name),
                json!({ "environment": environment, "name": name, "fingerprint": fingerprint }),
            )
            .await?;
            let written = self
                .configs
                .edit(&mut tx, &project, |text| {
                    config::add_secret_reference(text, environment, name)
                })
                .await?;
            self.finish(tx, written, project_id).await
        }
        .await;
        if let Err(error) = result {
            self.restore(&account, previous.as_ref());
            return Err(error);
        }
        let row = self.secret_row(project_id, environment, name).await?;
        Ok(secret(environment, name, row.as_ref()))
    }

    pub async fn remove(
        &self,
        project_id: i64,
        environment: Option<&str>,
        name: &str,
    ) -> Result<()> {
        let _writing = self.configs.lock().await;
        let project = projects::get(&self.store, project_id).await?;
        let config = self.parsed_config(&project).await?;
        let row = match environment {
            Some(environment) => self.secret_row(project_id, environment, name).await?,
            None => None,
        };
        let referenced = environment.is_some_and(|environment| {
            config
                .environments
                .iter()
                .any(|e| e.name == environment && e.secrets.iter().any(|s| s == name))
        });
        let secret_in = environment.filter(|_| row.is_some() || referenced);
        let mut tx = self.store.begin_write().await?;
        if let Some(row) = &row {
            sqlx::query("DELETE FROM secrets WHERE id = ?")
                .bind(row.id)
                .execute(&mut *tx)
                .await?;
        }
        let (action, resource_type, resource_id) = match (secret_in, &row) {
            (Some(_), Some(row)) => (AuditAction::SecretRemove, ResourceType::Secret, row.id),
            (Some(_), None) => (AuditAction::SecretRemove, ResourceType::Secret, project.id),
            (None, _) => (
                AuditAction::VariableRemove,
                ResourceType::Variable,
                project.id,
            ),
        };
        record(
            &mut tx,
            &project,
            action,
            resource_type,
            resource_id,
            &display_name(environment, name),
            json!({ "environment": environment, "name": name }),
        )
        .await?;
        let written = self
            .configs
            .edit(&mut tx, &project, |text| match secret_in {
                Some(environment) => config::remove_secret_reference(text, environment, name),
                None => config::remove_variable(text, environment, name),
            })
            .await?;
        self.finish(tx, written, project_id).await?;
        if let Some(row) = row {
            if let Err(error) = self.secrets.delete(&row.account) {
                tracing::warn!(%error, "a removed secret's value could not be deleted from the store");
            }
        }
        Ok(())
    }

    /// A secret's value, for showing it or copying it; either is recorded (name only).
    pub async fn reveal(
        &self,
        project_id: i64,
        environment: &str,
        name: &str,
        purpose: RevealPurpose,
    ) -> Result<Secret> {
        let project = projects::get(&self.store, project_id).await?;
        let row = self
            .stored_secret_row(project_id, environment, name)
            .await?;
        let value = self.stored_value(&row)?;
        let action = match purpose {
            RevealPurpose::Show => AuditAction::SecretReveal,
            RevealPurpose::Copy => AuditAction::SecretCopy,
        };
        let mut tx = self.store.begin_write().await?;
        let resource_id = row.id;
        record(
            &mut tx,
            &project,
            action,
            ResourceType::Secret,
            resource_id,
            &display_name(Some(environment), name),
            json!({ "environment": environment, "name": name }),
        )
        .await?;
        tx.commit().await?;
        self.store.announce(Change {
            action,
            resource_type: ResourceType::Secret,
            resource_id,
        });
        Ok(value)
    }

    /// The accounts of a project's secrets, to delete from the store once the project is gone.
    pub async fn secret_accounts(&self, project_id: i64) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT keychain_account FROM secrets WHERE project_id = ?")
                .bind(project_id)
                .fetch_all(self.store.pool())
                .await?,
        )
    }

    /// Deletes store entries of a deleted project; failures are logged, the project is gone.
    pub fn forget(&self, accounts: &[String]) {
        for account in accounts {
            if let Err(error) = self.secrets.delete(account) {
                tracing::warn!(%error, "a deleted project's secret could not be deleted from the store");
            }
        }
    }

    pub(crate) async fn secret_value(
        &self,
        project_id: i64,
        environment: &str,
        name: &str,
    ) -> Result<Secret> {
        let row = self
            .stored_secret_row(project_id, environment, name)
            .await?;
        self.stored_value(&row)
    }

    /// The store account of a secret: its existing one, or a new one.
    pub(crate) async fn account_for(
        &self,
        project_id: i64,
        environment: &str,
        name: &str,
    ) -> Result<String> {
        match self.secret_row(project_id, environment, name).await? {
            Some(row) => Ok(row.account),
            None => new_account(environment, name),
        }
    }

    /// The row of a secret this machine holds; its absence is the error the user sees.
    async fn stored_secret_row(
        &self,
        project_id: i64,
        environment: &str,
        name: &str,
    ) -> Result<SecretRow> {
        self.secret_row(project_id, environment, name)
            .await?
            .ok_or_else(|| Error::SecretNotFound {
                environment: environment.to_owned(),
                name: name.to_owned(),
            })
    }

    pub fn stored_value(&self, row: &SecretRow) -> Result<Secret> {
        self.secrets
            .find(&row.account)?
            .ok_or_else(|| Error::SecretNotFound {
                environment: row.environment.clone(),
                name: row.name.clone(),
            })
    }

    pub(crate) async fn parsed_config(&self, project: &Project) -> Result<config::ProjectConfig> {
        let (text, _) = self.configs.current_text(project).await?;
        config::parse(&text).map_err(|errors| {
            quantum_config::Error::ConfigInvalid {
                message: format!(
                    "it has {} error{}. Fix {} in the project's Configuration page first.",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" },
                    if errors.len() == 1 { "it" } else { "them" },
                ),
            }
            .into()
        })
    }

    pub async fn secret_rows(&self, project_id: i64) -> Result<Vec<SecretRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {SECRET_COLUMNS} FROM secrets WHERE project_id = ? ORDER BY environment, name"
        ))
        .bind(project_id)
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows.iter().map(secret_row).collect())
    }

    async fn secret_row(
        &self,
        project_id: i64,
        environment: &str,
        name: &str,
    ) -> Result<Option<SecretRow>> {
        let row = sqlx::query(&format!(
            "SELECT {SECRET_COLUMNS} FROM secrets WHERE project_id = ? AND environment = ? AND name = ?"
        ))
        .bind(project_id)
        .bind(environment)
        .bind(name)
        .fetch_optional(self.store.pool())
        .await?;
        Ok(row.as_ref().map(secret_row))
    }

    pub(crate) async fn finish(
        &self,
        tx: sqlx::Transaction<'static, sqlx::Sqlite>,
        written: Option<config::PendingWrite>,
        project_id: i64,
    ) -> Result<()> {
        match written {
            Some(written) => Ok(self.configs.commit(tx, written, project_id).await?),
            None => {
                tx.commit().await?;
                self.configs.announce(project_id);
                Ok(())
            }
        }
    }

    /// Puts a store entry back as it was before a failed operation.
    pub(crate) fn restore(&self, account: &str, previous: Option<&Secret>) {
        let result = match previous {
            Some(previous) => self.secrets.set(account, previous),
            None => self.secrets.delete(account),
        };
        if let Err(error) = result {
            tracing::error!(%error, "a secret could not be put back after a failed change");
        }
    }

    /// A keyed hash of the value: equal values give equal fingerprints on this machine, and the
    /// fingerprint alone does not let anyone test guesses without the key.
    pub fn fingerprint(&self, value: &Secret) -> Result<String> {
        let mut guard = self
            .fingerprint_key
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if guard.is_none() {
            let key = match self.secrets.find(FINGERPRINT_KEY_ACCOUNT)? {
                Some(key) => key,
                None => {
                    let mut bytes = [0u8; 32];
                    SystemRandom::new().fill(&mut bytes).map_err(|_| {
                        quantum_secrets::Error::Crypto("the system's random source failed".into())
                    })?;
                    let key = Secret::new(hex(&bytes));
                    self.secrets.set(FINGERPRINT_KEY_ACCOUNT, &key)?;
                    key
                }
            };
            *guard = Some(hmac::Key::new(hmac::HMAC_SHA256, key.expose().as_bytes()));
        }
        let key = guard
            .as_ref()
            .ok_or_else(|| quantum_secrets::Error::Crypto("no fingerprint key".into()))?;
        let tag = hmac::sign(key, value.expose().as_bytes());
        Ok(hex(&tag.as_ref()[..6]))
    }
}
