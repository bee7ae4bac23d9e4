//! Database, user and password as each engine's image reads them from the service's
//! environment (and Redis's `--requirepass` from its command).

use std::collections::BTreeMap;

use quantum_kernel::Engine;
use yaml_rust2::yaml::Hash;
use yaml_rust2::Yaml;

use super::merge::text;
use super::services::{Context, Var};
use super::PasswordSource;

type Credentials = (String, String, Option<(String, PasswordSource)>);

/// Database, user and password as the engine's image reads them from its environment.
pub(super) fn credentials(
    engine: Engine,
    env: &BTreeMap<String, Var>,
    service: &Hash,
    cx: &Context<'_>,
    notes: &mut Vec<String>,
) -> Credentials {
    let value = |keys: &[&str]| lookup(env, keys);
    let password =
        |keys: &[&str]| lookup(env, keys).map(|var| (var.value.clone(), var.source.clone()));
    for key in env.keys().filter(|key| key.ends_with("_PASSWORD_FILE")) {
        notes.push(format!(
            "{key}: a password read from a secret file is not read by the app; set the password in the datasource."
        ));
    }
    match engine {
        Engine::Postgres => {
            let user = value(&["POSTGRES_USER"]).map_or("postgres".to_owned(), |v| v.value.clone());
            let database = value(&["POSTGRES_DB"]).map_or(user.clone(), |v| v.value.clone());
            (database, user, password(&["POSTGRES_PASSWORD"]))
        }
        Engine::Mysql | Engine::Mariadb => {
            // MariaDB's image reads MARIADB_* first, then the MYSQL_* names it inherited.
            let prefixes: &[&str] = if engine == Engine::Mariadb {
                &["MARIADB", "MYSQL"]
            } else {
                &["MYSQL"]
            };
            let named = |suffix: &str| -> Vec<String> {
                prefixes.iter().map(|p| format!("{p}_{suffix}")).collect()
            };
            let (users, passwords, roots, databases) = (
                named("USER"),
                named("PASSWORD"),
                named("ROOT_PASSWORD"),
                named("DATABASE"),
            );
            let (user, pass) = match value(&as_strs(&users)) {
                Some(user) => (user.value.clone(), password(&as_strs(&passwords))),
                None => ("root".to_owned(), password(&as_strs(&roots))),
            };
            let database = match value(&as_strs(&databases)) {
                Some(database) => database.value.clone(),
                None => {
                    notes.push(
                        "No database named in the environment: the app connects to `mysql`."
                            .to_owned(),
                    );
                    "mysql".to_owned()
                }
            };
            (database, user, pass)
        }
        Engine::Mongodb => {
            if lookup(env, &["MONGO_INITDB_ROOT_USERNAME"]).is_none() {
                notes.push(
                    "No root user (MONGO_INITDB_ROOT_USERNAME): the server runs without authentication; the app's datasource gets a user of its own, which data made before does not have."
                        .to_owned(),
                );
            }
            let user =
                value(&["MONGO_INITDB_ROOT_USERNAME"]).map_or(String::new(), |v| v.value.clone());
            let database =
                value(&["MONGO_INITDB_DATABASE"]).map_or("admin".to_owned(), |v| v.value.clone());
            (database, user, password(&["MONGO_INITDB_ROOT_PASSWORD"]))
        }
        Engine::Redis => {
            let from_command = redis_password(service.get(&text("command")), cx)
                .map(|value| (value, PasswordSource::Command));
            (
                String::new(),
                String::new(),
                password(&["REDIS_PASSWORD"]).or(from_command),
            )
        }
    }
}

/// The first of `keys` set to something.
fn lookup<'e>(env: &'e BTreeMap<String, Var>, keys: &[&str]) -> Option<&'e Var> {
    keys.iter()
        .find_map(|key| env.get(*key))
        .filter(|var| !var.value.is_empty())
}

fn as_strs(names: &[String]) -> Vec<&str> {
    names.iter().map(String::as_str).collect()
}

/// `--requirepass <password>` in a Redis service's command (a list or one line).
fn redis_password(command: Option<&Yaml>, cx: &Context<'_>) -> Option<String> {
    let words: Vec<String> = match command? {
        Yaml::Array(items) => items.iter().filter_map(|item| cx.fill(item)).collect(),
        line => shell_words(&cx.fill(line)?),
    };
    let at = words.iter().position(|word| word == "--requirepass")?;
    words.get(at + 1).cloned()
}

fn shell_words(line: &str) -> Vec<String> {
    line.split_whitespace()
        .map(|word| word.trim_matches(|c| c == '"' || c == '\'').to_owned())
        .collect()
}
