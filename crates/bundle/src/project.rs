//! A project in a bundle: its name, its quantum.toml and its secrets' values, sealed together.
//! Importing creates a new project from it in one transaction; a bundle that fails any check
//! leaves no project, no history, no file and no secret behind.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::json;

use quantum_config::{self as config, ConfigSource};
use quantum_kernel::audit::{AuditAction, ResourceType};
use quantum_kernel::events::Change;
use quantum_kernel::files;
use quantum_kernel::projects::{self, Project, ProjectInput};
use quantum_secrets::Secret;
use quantum_variables::{
    check_environment, check_name, new_account, record, upsert_secret, Variables,
};

use crate::crypto::{open, seal};
use crate::{Error, Result};

/// What the sealed JSON holds. Built and read only here, right at the encryption boundary.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payload {
    kind: String,
    name: String,
    description: String,
    config: String,
    secrets: Vec<PayloadSecret>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PayloadSecret {
    environment: String,
    name: String,
    value: String,
}

const KIND: &str = "quantum-admin.project";

/// Writes the project's configuration and every stored secret to `path`, sealed with the
/// passphrase. Secrets the file names but this machine lacks have no value to carry and are
/// left out; the audit entry lists the ones that went in.
pub async fn export(
    variables: &Variables,
    project_id: i64,
    path: &str,
    passphrase: &Secret,
) -> Result<()> {
    let path = files::output_path(path)?;
    let project = projects::get(variables.store(), project_id).await?;
    let (config_text, _) = variables.configs().current_text(&project).await?;
    let mut secrets = Vec::new();
    for row in variables.secret_rows(project_id).await? {
        let value = variables.stored_value(&row)?;
        secrets.push(PayloadSecret {
            environment: row.environment,
            name: row.name,
            value: value.expose().to_owned(),
        });
    }
    let names: Vec<String> = secrets
        .iter()
        .map(|s| format!("{} ({})", s.name, s.environment))
        .collect();
    let payload = Payload {
        kind: KIND.to_owned(),
        name: project.name.clone(),
        description: project.description.clone(),
        config: config_text,
        secrets,
    };
    let plaintext = Secret::new(
        serde_json::to_string(&payload)
            .map_err(|error| Error::crypto(format!("the bundle could not be encoded: {error}")))?,
    );
    let passphrase = passphrase.clone();
    let sealed = blocking(move || seal(plaintext.expose().as_bytes(), &passphrase)).await?;
    let mut tx = variables.store().begin_write().await?;
    record(
        &mut tx,
        &project,
        AuditAction::ProjectExport,
        ResourceType::Project,
        project.id,
        &project.name,
        json!({ "path": path.display().to_string(), "secrets": names }),
    )
    .await?;
    write_new(&path, &sealed)?;
    tx.commit().await?;
    variables.store().announce(Change {
        action: AuditAction::ProjectExport,
        resource_type: ResourceType::Project,
        resource_id: project_id,
    });
    Ok(())
}

/// Creates a project from a bundle, named `name` or as it was exported.
///
/// The secrets go to the secret store first, outside any transaction (a keychain may ask the
/// user to unlock it, and the database's write lock must not wait for that); the project, its
/// rows and its quantum.toml then commit in one transaction. If that fails, the stored secrets
/// are taken back, so nothing of the bundle is left.
pub async fn import(
    variables: &Variables,
    path: &str,
    passphrase: &Secret,
    name: Option<String>,
) -> Result<Project> {
    let path = Path::new(path.trim());
    let bytes = std::fs::read(path)
        .map_err(|source| Error::io(format!("Could not read {}", path.display()), source))?;
    let passphrase = passphrase.clone();
    let plaintext = blocking(move || open(&bytes, &passphrase)).await?;
    let payload = decode(&plaintext)?;
    let name = name
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| payload.name.clone());

    let mut stored: Vec<(String, String)> = Vec::new();
    let outcome = async {
        for secret in &payload.secrets {
            let value = Secret::new(secret.value.clone());
            let fingerprint = variables.fingerprint(&value)?;
            let account = new_account(&secret.environment, &secret.name)?;
            variables.secret_store().set(&account, &value)?;
            stored.push((account, fingerprint));
        }
        let _writing = variables.configs().lock().await;
        let mut tx = variables.store().begin_write().await?;
        let project = projects::insert(
            &mut tx,
            ProjectInput {
                name,
                description: payload.description.clone(),
                folder: None,
            },
            AuditAction::ProjectImport,
        )
        .await?;
        for (secret, (account, fingerprint)) in payload.secrets.iter().zip(&stored) {
            upsert_secret(
                &mut tx,
                project.id,
                &secret.environment,
                &secret.name,
                account,
                fingerprint,
            )
            .await?;
        }
        // Last, so that nothing before it leaves a file to take back; committing takes the file
        // back if the commit fails.
        let written = variables
            .configs()
            .write(
                &mut tx,
                &project,
                &payload.config,
                ConfigSource::Import,
                json!({ "source": "import", "bundle": path.display().to_string() }),
            )
            .await?;
        variables.configs().commit(tx, written, project.id).await?;
        Ok::<_, Error>(project)
    }
    .await;
    let project = match outcome {
        Ok(project) => project,
        Err(error) => {
            let accounts: Vec<String> = stored.into_iter().map(|(account, _)| account).collect();
            variables.forget(&accounts);
            return Err(error);
        }
    };
    variables.store().announce(Change {
        action: AuditAction::ProjectImport,
        resource_type: ResourceType::Project,
        resource_id: project.id,
    });
    tracing::info!(
        project_id = project.id,
        secrets = stored.len(),
        "project imported from a bundle"
    );
    Ok(project)
}

/// Runs the key derivation (and the cipher) on a blocking thread: it takes a tenth of a second
/// by design, too long for an async worker.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| Error::crypto(format!("the key derivation stopped: {error}")))?
}

/// Reads a decrypted payload, checking everything that can be checked before anything is written.
fn decode(plaintext: &[u8]) -> Result<Payload> {
    let payload: Payload = serde_json::from_slice(plaintext)
        .ok()
        .filter(|p: &Payload| p.kind == KIND)
        .ok_or_else(|| Error::BundleCorrupt {
            reason: "it does not hold a project".into(),
        })?;
    if let Err(errors) = config::parse(&payload.config) {
        return Err(Error::BundleCorrupt {
            reason: format!("its quantum.toml has {} error(s)", errors.len()),
        });
    }
    for secret in &payload.secrets {
        check_environment(&secret.environment)
            .and_then(|()| check_name(&secret.name))
            .map_err(|error| Error::BundleCorrupt {
                reason: error.to_string(),
            })?;
    }
    Ok(payload)
}

/// Writes a new file readable by its owner only; an existing file is not overwritten.
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let io = |source| Error::io(format!("Could not write {}", path.display()), source);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            Error::validation(
                "validation.invalid_folder",
                "path",
                format!("{} already exists. Choose a new file name.", path.display()),
            )
        } else {
            io(source)
        }
    })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(io)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_payload_with_a_bad_config_or_secret_name_is_refused_before_anything_is_written() {
        let good = json!({ "kind": KIND, "name": "shop", "description": "", "config": "[project]\nname = \"shop\"\n",
            "secrets": [{ "environment": "dev", "name": "API_TOKEN", "value": "x" }] });
        assert!(decode(good.to_string().as_bytes()).is_ok());
        let mut bad_config = good.clone();
        bad_config["config"] = json!("[datasources.main]\nengnie = 1\n");
        assert!(matches!(
            decode(bad_config.to_string().as_bytes()),
            Err(Error::BundleCorrupt { .. })
        ));
        let mut bad_name = good.clone();
        bad_name["secrets"][0]["name"] = json!("not a name");
        assert!(matches!(
            decode(bad_name.to_string().as_bytes()),
            Err(Error::BundleCorrupt { .. })
        ));
        let mut other_kind = good;
        other_kind["kind"] = json!("something.else");
        assert!(matches!(
            decode(other_kind.to_string().as_bytes()),
            Err(Error::BundleCorrupt { .. })
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        /// The importer's reading of a decrypted payload never panics, whatever the bytes.
        #[test]
        fn decode_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode(&bytes);
        }

        /// Nor on well-formed JSON with arbitrary texts in every field.
        #[test]
        fn decode_never_panics_on_arbitrary_payload_fields(
            config in ".{0,200}",
            environment in ".{0,12}",
            name in ".{0,12}",
        ) {
            let payload = json!({ "kind": KIND, "name": "p", "description": "", "config": config,
                "secrets": [{ "environment": environment, "name": name, "value": "v" }] });
            let _ = decode(payload.to_string().as_bytes());
        }
    }
}
