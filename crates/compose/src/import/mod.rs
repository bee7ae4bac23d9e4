//! A compose project read the way `docker compose` reads it — its files merged (the override
//! file beside the first one included), `${…}` filled from the `.env` beside them, the chosen
//! profiles applied — and its services sorted: those on a database image the app runs become
//! datasources, the others are listed as what they are. Nothing is changed by reading.

mod credentials;
mod interpolate;
pub mod literal;
mod merge;
mod services;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use quantum_kernel::{dotenv, Engine};
use quantum_secrets::Secret;
use serde::Serialize;
use specta::Type;
use yaml_rust2::yaml::Hash;
use yaml_rust2::{Yaml, YamlLoader};

use crate::error::{Error, Result};
use merge::text;
use services::{Context, Sorted};

pub use services::{engine_of, version_of};

/// The names Compose looks for in a folder, in its order.
const FILE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// The compose spec's top-level keys.
const TOP_KEYS: &[&str] = &[
    "version", "name", "services", "networks", "volumes", "configs", "secrets", "include", "models",
];

/// What a compose project holds, as the import would take it.
#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ComposeImport {
    /// The files read, in order (the override file after the one it overrides).
    pub files: Vec<String>,
    /// Compose's project name, which its named volumes carry.
    pub project: String,
    /// Every profile a service names.
    pub profiles: Vec<String>,
    pub datasources: Vec<ImportedDatasource>,
    pub others: Vec<OtherService>,
    /// Keys the compose spec does not know: kept in the file, not read.
    pub unknown_keys: Vec<String>,
    /// Variables used but not set (empty, as Compose makes them), and the like.
    pub notes: Vec<String>,
    /// Each datasource's password, by service: never sent to the window.
    #[serde(skip)]
    #[specta(skip)]
    pub passwords: BTreeMap<String, Secret>,
}

/// A service that becomes a datasource.
#[derive(Clone, Debug, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportedDatasource {
    pub service: String,
    pub engine: Engine,
    pub image: String,
    /// From the image's tag.
    pub version: Option<String>,
    /// Published for the engine's port; none: the app picks a free one.
    pub host_port: Option<u16>,
    /// Empty for Redis.
    pub database_name: String,
    pub username: String,
    pub password: PasswordSource,
    pub volume: DataVolume,
    /// What the app does not carry over, and other things to know before importing.
    pub notes: Vec<String>,
}

/// Where a service's password is written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PasswordSource {
    None,
    /// In a compose file, as it is: `key` in the service's environment.
    #[serde(rename_all = "camelCase")]
    Literal {
        key: String,
    },
    /// A variable's value (`${DB_PASSWORD}`, from `.env`).
    #[serde(rename_all = "camelCase")]
    Variable {
        name: String,
    },
    /// An env file of the service.
    #[serde(rename_all = "camelCase")]
    EnvFile {
        path: String,
    },
    /// Redis's `--requirepass` in the command.
    Command,
}

/// Where a service keeps its data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum DataVolume {
    /// A named volume, by Docker's name for it (`shop_pgdata`): the datasource takes it over.
    #[serde(rename_all = "camelCase")]
    Named { name: String },
    /// A folder of the host: its files are copied into the datasource's new volume.
    #[serde(rename_all = "camelCase")]
    Bind { path: String },
    /// Nothing at the data path: a new, empty volume.
    None,
}

/// A service that stays Compose's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OtherService {
    pub name: String,
    pub image: Option<String>,
    /// Its build context, when it is built.
    pub build: Option<String>,
    /// Why it is not a datasource, in words.
    pub reason: String,
}

/// The compose file Compose would read in `folder`, with its override file after it.
pub fn files_in(folder: &Path) -> Result<Vec<PathBuf>> {
    let first = FILE_NAMES
        .iter()
        .map(|name| folder.join(name))
        .find(|path| path.is_file())
        .ok_or_else(|| Error::NotFound {
            folder: folder.display().to_string(),
        })?;
    Ok(with_override(first))
}

/// `file`, then its override file when there is one: Compose's override names beside a file of
/// its default names (`compose.yaml` → `compose.override.yaml` or `.yml`), else the same stem
/// with `.override` (`stack.yaml` → `stack.override.yaml`).
pub fn with_override(file: PathBuf) -> Vec<PathBuf> {
    let name = file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name
        .rsplit_once('.')
        .map_or(name.as_str(), |(stem, _)| stem);
    let candidates: Vec<String> = if FILE_NAMES.contains(&name.as_str()) {
        vec![
            "compose.override.yaml".to_owned(),
            "compose.override.yml".to_owned(),
            "docker-compose.override.yaml".to_owned(),
            "docker-compose.override.yml".to_owned(),
        ]
    } else {
        vec![
            format!("{stem}.override.yaml"),
            format!("{stem}.override.yml"),
        ]
    };
    let overriding = candidates
        .iter()
        .map(|candidate| file.with_file_name(candidate))
        .find(|path| path.is_file());
    let mut files = vec![file];
    files.extend(overriding);
    files
}

/// Reads `files` (the first one's folder holds `.env` and is where relative paths start) with
/// the services of `profiles` switched on.
pub fn read(files: &[PathBuf], profiles: &[String]) -> Result<ComposeImport> {
    let first = files.first().ok_or_else(|| Error::NotFound {
        folder: String::new(),
    })?;
    let folder = first.parent().unwrap_or(Path::new(".")).to_path_buf();
    let vars = dotenv_vars(&folder)?;
    let mut document = Hash::new();
    for file in files {
        let text = read_text(file)?;
        let yaml = YamlLoader::load_from_str(&text)
            .map_err(|error| Error::NotYaml {
                path: file.display().to_string(),
                message: error.to_string(),
            })?
            .into_iter()
            .next()
            .unwrap_or(Yaml::Null);
        let Yaml::Hash(hash) = merge::resolve_merge_keys(yaml) else {
            return Err(Error::NoServices {
                path: file.display().to_string(),
            });
        };
        merge::merge_documents(&mut document, hash);
    }
    let Some(Yaml::Hash(services)) = document.get(&text("services")) else {
        return Err(Error::NoServices {
            path: first.display().to_string(),
        });
    };

    let mut unset = Vec::new();
    check_interpolation(&Yaml::Hash(document.clone()), &vars, &mut unset)?;
    let mut notes: Vec<String> = unset
        .iter()
        .map(|name| format!("${{{name}}} is not set: Compose reads it as empty."))
        .collect();
    let project = project_name(&document, &vars, &folder);
    let empty = Hash::new();
    let volumes = match document.get(&text("volumes")) {
        Some(Yaml::Hash(volumes)) => volumes,
        _ => &empty,
    };
    let cx = Context {
        project: &project,
        folder: &folder,
        volumes,
        vars: &vars,
    };

    let mut unknown_keys: Vec<String> = document
        .keys()
        .filter_map(Yaml::as_str)
        .filter(|key| !key.starts_with("x-") && !TOP_KEYS.contains(key))
        .map(str::to_owned)
        .collect();
    let mut all_profiles = BTreeSet::new();
    let mut import = ComposeImport {
        files: files.iter().map(|f| f.display().to_string()).collect(),
        project: project.clone(),
        profiles: Vec::new(),
        datasources: Vec::new(),
        others: Vec::new(),
        unknown_keys: Vec::new(),
        notes: Vec::new(),
        passwords: BTreeMap::new(),
    };
    for (name, service) in services {
        let (Some(name), Yaml::Hash(service)) = (name.as_str(), service) else {
            continue;
        };
        unknown_keys.extend(services::unknown_keys(name, service));
        let named: Vec<String> = match service.get(&text("profiles")) {
            Some(Yaml::Array(items)) => items.iter().filter_map(merge::scalar).collect(),
            _ => Vec::new(),
        };
        all_profiles.extend(named.iter().cloned());
        if !named.is_empty() && !named.iter().any(|p| profiles.contains(p)) {
            import.others.push(OtherService {
                name: name.to_owned(),
                image: service.get(&text("image")).and_then(merge::scalar),
                build: None,
                reason: format!("In the profile {}, which is not chosen.", named.join(", ")),
            });
            continue;
        }
        match services::sort(name, service, &cx) {
            Sorted::Datasource(datasource, password) => {
                if let Some(password) = password {
                    import.passwords.insert(name.to_owned(), password);
                }
                import.datasources.push(*datasource);
            }
            Sorted::Other(other) => import.others.push(other),
        }
    }
    if let Some(Yaml::Array(_)) = document.get(&text("include")) {
        notes.push("`include` is not followed: import the included files on their own.".to_owned());
    }
    import.profiles = all_profiles.into_iter().collect();
    import.unknown_keys = unknown_keys;
    import.notes = notes;
    Ok(import)
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|error| Error::Unreadable {
        path: path.display().to_string(),
        message: error.to_string(),
    })
}

/// The `.env` beside the files, as Compose reads it for `${…}`.
fn dotenv_vars(folder: &Path) -> Result<BTreeMap<String, String>> {
    let path = folder.join(".env");
    if !path.is_file() {
        return Ok(BTreeMap::new());
    }
    let parsed = dotenv::parse(&read_text(&path)?).map_err(|error| Error::Interpolation {
        message: format!("{} could not be read: {error}", path.display()),
    })?;
    Ok(parsed.into_iter().collect())
}

/// Every value filled once: a `${NAME:?message}` unset is an error, as Compose makes it.
fn check_interpolation(
    yaml: &Yaml,
    vars: &BTreeMap<String, String>,
    unset: &mut Vec<String>,
) -> Result<()> {
    match yaml {
        Yaml::String(value) => {
            interpolate::fill(value, vars, unset).map_err(|fault| Error::Interpolation {
                message: match fault {
                    interpolate::Fault::Required { name, message } => {
                        format!("{name} is required: {message}")
                    }
                    interpolate::Fault::Syntax(message) => message,
                },
            })?;
        }
        Yaml::Array(items) => {
            for item in items {
                check_interpolation(item, vars, unset)?;
            }
        }
        Yaml::Hash(hash) => {
            for value in hash.values() {
                check_interpolation(value, vars, unset)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Compose's project name: `COMPOSE_PROJECT_NAME` (from `.env` here), else `name:`, else the
/// folder's name, lowercased, keeping letters, digits, `-` and `_`.
fn project_name(document: &Hash, vars: &BTreeMap<String, String>, folder: &Path) -> String {
    let named = vars
        .get("COMPOSE_PROJECT_NAME")
        .filter(|name| !name.is_empty())
        .cloned()
        .or_else(|| {
            document
                .get(&text("name"))
                .and_then(merge::scalar)
                .map(|name| interpolate::fill(&name, vars, &mut Vec::new()).unwrap_or(name))
        });
    let raw = named.unwrap_or_else(|| {
        folder
            .canonicalize()
            .unwrap_or_else(|_| folder.to_path_buf())
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    raw.to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect::<String>()
        .trim_start_matches(['-', '_'])
        .to_owned()
}
