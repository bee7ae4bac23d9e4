//! Moving the passwords written in compose files to `.env`: each chosen service's written
//! password becomes `${<SERVICE>_PASSWORD}` in the files (in place, the rest kept) and a line of
//! `.env`. A service whose password cannot be moved (written in a form the app does not rewrite,
//! or set where the app does not look, as through a `<<` anchor) is told, not half done.

use std::path::{Path, PathBuf};

use quantum_compose::import::{literal, ComposeImport, PasswordSource};
use quantum_kernel::dotenv::{self, EnvFilePreview};
use quantum_kernel::files;
use quantum_kernel::ErrorInfo;

/// A file's text before and after.
pub(super) struct Rewrite {
    pub path: PathBuf,
    pub current: Option<String>,
    pub proposed: String,
    /// `.env`: written for its owner only.
    pub secret: bool,
}

/// What moving the passwords would change, and what it cannot do.
pub(super) struct Rewrites {
    /// `.env` first, then each compose file that changes; empty when nothing moves.
    pub files: Vec<Rewrite>,
    /// The services whose passwords move.
    pub moved: Vec<String>,
    /// Why a service's password cannot move, in words.
    pub refused: Vec<String>,
    /// The variables `.env` gets: their values are masked in a preview.
    variables: Vec<String>,
}

impl Rewrites {
    /// Both files' texts with every password masked: by key in `.env` (however it is quoted
    /// there), as it is in the compose files.
    pub fn previews(&self, import: &ComposeImport) -> Vec<EnvFilePreview> {
        let names: Vec<&str> = self.variables.iter().map(String::as_str).collect();
        let mask = |text: &str, secret: bool| {
            let mut text = if secret {
                dotenv::mask(text, &names, dotenv::MASK)
            } else {
                text.to_owned()
            };
            for password in import.passwords.values().filter(|p| !p.expose().is_empty()) {
                for written in written_forms(password.expose()) {
                    text = text.replace(&written, dotenv::MASK);
                }
            }
            text
        };
        self.files
            .iter()
            .map(|file| EnvFilePreview {
                path: file.path.display().to_string(),
                current: file.current.as_deref().map(|text| mask(text, file.secret)),
                proposed: mask(&file.proposed, file.secret),
            })
            .collect()
    }
}

/// The ways a compose file may hold `password`: as it is, with Compose's `$$` for a dollar, in
/// YAML's single quotes (`''` for a quote) and double quotes (backslash escapes).
fn written_forms(password: &str) -> Vec<String> {
    let double = password
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r");
    let mut forms = vec![
        password.to_owned(),
        password.replace('$', "$$"),
        password.replace('\'', "''"),
        password.replace('\'', "''").replace('$', "$$"),
        double.replace('$', "$$"),
        double,
    ];
    forms.sort();
    forms.dedup();
    // Longest first: a form that holds another is masked whole.
    forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
    forms
}

/// The rewrites for the `chosen` services (every service whose password is written in the
/// files, when `None`).
pub(super) fn plan(
    import: &ComposeImport,
    files: &[PathBuf],
    chosen: Option<&[String]>,
) -> Result<Rewrites, ErrorInfo> {
    let written: Vec<(&str, &str)> = import
        .datasources
        .iter()
        .filter(|d| chosen.is_none_or(|chosen| chosen.contains(&d.service)))
        .filter_map(|d| match &d.password {
            PasswordSource::Literal { key } => Some((d.service.as_str(), key.as_str())),
            _ => None,
        })
        .collect();
    let mut plan = Rewrites {
        files: Vec::new(),
        moved: Vec::new(),
        refused: Vec::new(),
        variables: Vec::new(),
    };
    if written.is_empty() {
        return Ok(plan);
    }
    let folder = files
        .first()
        .and_then(|first| first.parent())
        .unwrap_or(Path::new("."));
    let env_path = folder.join(".env");
    let env_current = files::read_optional(&env_path)?;
    let env_keys: Vec<(String, String)> = env_current
        .as_deref()
        .map(dotenv::parse)
        .transpose()?
        .unwrap_or_default();
    let mut texts = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|error| {
            ErrorInfo::from(quantum_compose::Error::Unreadable {
                path: file.display().to_string(),
                message: error.to_string(),
            })
        })?;
        texts.push(text);
    }
    let originals = texts.clone();
    let mut vars: Vec<(String, String)> = Vec::new();
    for (service, key) in written {
        let Some(password) = import.passwords.get(service) else {
            continue;
        };
        let variable = free_variable(service, password.expose(), &vars, &env_keys);
        // Every file of this service, or none: a refusal leaves the texts as they were.
        let mut changed = texts.clone();
        let mut outcome = Ok(false);
        for (file, text) in files.iter().zip(changed.iter_mut()) {
            match literal::replace(text, &file.display().to_string(), service, key, &variable) {
                Ok(Some(replaced)) => {
                    *text = replaced;
                    outcome = outcome.map(|_| true);
                }
                Ok(None) => {}
                Err(error) => {
                    outcome = Err(error.to_string());
                    break;
                }
            }
        }
        match outcome {
            Ok(true) => {
                texts = changed;
                vars.push((variable.clone(), password.expose().to_owned()));
                plan.variables.push(variable);
                plan.moved.push(service.to_owned());
            }
            Ok(false) => plan.refused.push(format!(
                "The password of {service} is not written where the app rewrites it (under the service's environment, not through a `<<` anchor): replace it with ${{{variable}}} by hand."
            )),
            Err(message) => plan.refused.push(message),
        }
    }
    if vars.is_empty() {
        return Ok(plan);
    }
    plan.files.push(Rewrite {
        proposed: dotenv::merge(
            env_current.as_deref().unwrap_or_default(),
            &vars,
            "compose passwords (moved out of the compose files by Quantum Admin)",
        ),
        current: env_current,
        path: env_path,
        secret: true,
    });
    for ((file, text), original) in files.iter().zip(texts).zip(originals) {
        if text != original {
            plan.files.push(Rewrite {
                path: file.clone(),
                current: Some(original),
                proposed: text,
                secret: false,
            });
        }
    }
    Ok(plan)
}

/// `<SERVICE>_PASSWORD`, unless another service took it or `.env` holds it with another value:
/// then with `_2`, `_3`, … after the service's name.
fn free_variable(
    service: &str,
    password: &str,
    taken: &[(String, String)],
    env: &[(String, String)],
) -> String {
    let base = quantum_compose::password_variable_name(service);
    let stem = base.trim_end_matches("_PASSWORD").to_owned();
    let clash = |name: &str| {
        taken.iter().any(|(other, _)| other == name)
            || env
                .iter()
                .any(|(key, value)| key == name && value != password)
    };
    let mut candidate = base;
    let mut n = 2;
    while clash(&candidate) {
        candidate = format!("{stem}_{n}_PASSWORD");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variable_taken_by_another_service_or_another_value_gets_a_number() {
        let taken = vec![("DB_MAIN_PASSWORD".to_owned(), "x".to_owned())];
        assert_eq!(
            free_variable("db-main", "y", &taken, &[]),
            "DB_MAIN_2_PASSWORD"
        );
        let env = vec![("CACHE_PASSWORD".to_owned(), "other".to_owned())];
        assert_eq!(
            free_variable("cache", "mine", &[], &env),
            "CACHE_2_PASSWORD"
        );
        let env = vec![("CACHE_PASSWORD".to_owned(), "mine".to_owned())];
        assert_eq!(
            free_variable("cache", "mine", &[], &env),
            "CACHE_PASSWORD",
            "the same value: kept"
        );
    }

    #[test]
    fn a_password_that_cannot_move_is_told_and_the_others_move_masked() {
        let dir = tempfile::tempdir().expect("folder");
        let compose = dir.path().join("compose.yaml");
        let text = "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: it's$$x\n  other:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: \"tab\\there\"\n";
        std::fs::write(&compose, text).expect("compose.yaml");
        std::fs::write(dir.path().join(".env"), "KEEP=1\n").expect(".env");
        let files = vec![compose];
        let import = quantum_compose::import::read(&files, &[]).expect("read");
        let plan = plan(&import, &files, None).expect("planned");
        assert_eq!(plan.moved, ["db"]);
        assert_eq!(plan.refused.len(), 1, "{:?}", plan.refused);
        assert!(plan.refused[0].contains("other"), "{}", plan.refused[0]);
        let previews = plan.previews(&import);
        assert_eq!(previews.len(), 2, ".env and compose.yaml");
        for preview in &previews {
            // .env quotes it ("it's$x" has a quote and a dollar): masked by its key all the same.
            assert!(
                !preview.proposed.contains("it's") && !preview.proposed.contains("tab"),
                "{}",
                preview.proposed
            );
        }
        assert!(previews[1]
            .proposed
            .contains("POSTGRES_PASSWORD: ${DB_PASSWORD}"));
        assert!(
            previews[1]
                .proposed
                .contains("POSTGRES_PASSWORD: \"••••••\""),
            "the refused one is left as it was, masked in its quoted form: {}",
            previews[1].proposed
        );
    }
}
