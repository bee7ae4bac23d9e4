//! Compose files read as one, the way `docker compose -f a.yaml -f b.yaml` reads them: `<<`
//! merge keys resolved, each service's `environment` (list or map) as a map, and each later file
//! merged into the one before: maps key by key, `environment` by variable, `volumes` by their
//! path in the container, `command` and `entrypoint` replaced, other lists appended.

use yaml_rust2::yaml::Hash;
use yaml_rust2::Yaml;

/// `<<: *anchor` (YAML 1.1 merge keys, which Compose reads): the merged maps' keys that the map
/// does not set itself.
pub fn resolve_merge_keys(yaml: Yaml) -> Yaml {
    match yaml {
        Yaml::Hash(hash) => {
            let mut own = Hash::new();
            let mut merged = Vec::new();
            for (key, value) in hash {
                if key.as_str() == Some("<<") {
                    merged.push(resolve_merge_keys(value));
                } else {
                    own.insert(key, resolve_merge_keys(value));
                }
            }
            for sources in merged {
                let sources = match sources {
                    Yaml::Array(items) => items,
                    other => vec![other],
                };
                for source in sources {
                    if let Yaml::Hash(source) = source {
                        for (key, value) in source {
                            if !own.contains_key(&key) {
                                own.insert(key, value);
                            }
                        }
                    }
                }
            }
            Yaml::Hash(own)
        }
        Yaml::Array(items) => Yaml::Array(items.into_iter().map(resolve_merge_keys).collect()),
        other => other,
    }
}

/// A scalar as the text Compose reads (`5432`, `true` and `"x"` alike); `None` for a map, a
/// list or nothing.
pub fn scalar(yaml: &Yaml) -> Option<String> {
    match yaml {
        Yaml::String(text) | Yaml::Real(text) => Some(text.clone()),
        Yaml::Integer(number) => Some(number.to_string()),
        Yaml::Boolean(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// `environment` as a map: `- KEY=value` and `KEY: value` alike; a `- KEY` with no value (taken
/// from the shell by Compose) maps to nothing.
pub fn environment_map(yaml: &Yaml) -> Hash {
    match yaml {
        Yaml::Hash(hash) => hash
            .iter()
            .map(|(key, value)| {
                (
                    text(&scalar(key).unwrap_or_default()),
                    scalar(value).map_or(Yaml::Null, |value| text(&value)),
                )
            })
            .collect(),
        Yaml::Array(items) => items
            .iter()
            .filter_map(scalar)
            .map(|entry| match entry.split_once('=') {
                Some((key, value)) => (text(key), text(value)),
                None => (text(&entry), Yaml::Null),
            })
            .collect(),
        _ => Hash::new(),
    }
}

/// A service as the merge wants it: its environment as a map.
pub fn normalize_service(service: Yaml) -> Yaml {
    let Yaml::Hash(mut hash) = service else {
        return service;
    };
    let key = text("environment");
    if let Some(environment) = hash.get(&key) {
        let map = environment_map(environment);
        hash.insert(key, Yaml::Hash(map));
    }
    Yaml::Hash(hash)
}

/// Merges the file `over` into `base` (both documents).
pub fn merge_documents(base: &mut Hash, mut over: Hash) {
    if let Some(Yaml::Hash(services)) = over.get_mut(&text("services")) {
        for (_, service) in services.iter_mut() {
            *service = normalize_service(std::mem::replace(service, Yaml::Null));
        }
    }
    for (key, value) in over {
        match (key.as_str(), base.get_mut(&key), value) {
            (Some("services"), Some(Yaml::Hash(services)), Yaml::Hash(more)) => {
                for (name, service) in more {
                    match (services.get_mut(&name), service) {
                        (Some(Yaml::Hash(existing)), Yaml::Hash(service)) => {
                            merge_service(existing, service);
                        }
                        (_, service) => {
                            services.insert(name, service);
                        }
                    }
                }
            }
            (_, Some(Yaml::Hash(existing)), Yaml::Hash(more)) => merge_maps(existing, more),
            (_, _, value) => {
                base.insert(key, value);
            }
        }
    }
}

fn merge_service(base: &mut Hash, over: Hash) {
    for (key, value) in over {
        let name = key.as_str().unwrap_or_default().to_owned();
        match (name.as_str(), base.get_mut(&key), value) {
            ("command" | "entrypoint", _, value) => {
                base.insert(key, value);
            }
            ("volumes" | "devices", Some(Yaml::Array(existing)), Yaml::Array(more)) => {
                for mount in more {
                    let target = mount_target(&mount);
                    match existing
                        .iter_mut()
                        .find(|old| target.is_some() && mount_target(old) == target)
                    {
                        Some(old) => *old = mount,
                        None => existing.push(mount),
                    }
                }
            }
            (_, Some(Yaml::Array(existing)), Yaml::Array(more)) => {
                for item in more {
                    if !existing.contains(&item) {
                        existing.push(item);
                    }
                }
            }
            (_, Some(Yaml::Hash(existing)), Yaml::Hash(more)) => merge_maps(existing, more),
            (_, _, value) => {
                base.insert(key, value);
            }
        }
    }
}

fn merge_maps(base: &mut Hash, over: Hash) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(Yaml::Hash(existing)), Yaml::Hash(more)) => merge_maps(existing, more),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Where a mount goes in the container: `src:/target[:mode]`, `/target`, or the long form's
/// `target`.
pub fn mount_target(mount: &Yaml) -> Option<String> {
    match mount {
        Yaml::Hash(hash) => hash.get(&text("target")).and_then(scalar),
        other => {
            let spec = scalar(other)?;
            Some(split_mount(&spec).1)
        }
    }
}

/// `source:target[:mode]` → (source, target); a bare `target` has no source. A Windows drive
/// (`C:\data:/var/lib/mysql`) is part of the source.
pub fn split_mount(spec: &str) -> (Option<String>, String) {
    let drive = spec.len() > 2
        && spec.as_bytes()[0].is_ascii_alphabetic()
        && spec.as_bytes()[1] == b':'
        && matches!(spec.as_bytes()[2], b'\\' | b'/');
    let skip = if drive { 2 } else { 0 };
    let parts: Vec<&str> = spec[skip..].split(':').collect();
    match parts.as_slice() {
        [target] => (None, (*target).to_owned()),
        [source, target, ..] => (
            Some(format!("{}{source}", &spec[..skip])),
            (*target).to_owned(),
        ),
        [] => (None, String::new()),
    }
}

pub fn text(value: &str) -> Yaml {
    Yaml::String(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use yaml_rust2::YamlLoader;

    fn document(text: &str) -> Hash {
        let yaml = YamlLoader::load_from_str(text).expect("YAML").remove(0);
        match resolve_merge_keys(yaml) {
            Yaml::Hash(hash) => hash,
            _ => panic!("a map"),
        }
    }

    fn read(files: &[&str]) -> Yaml {
        let mut base = Hash::new();
        for file in files {
            merge_documents(&mut base, document(file));
        }
        Yaml::Hash(base)
    }

    #[test]
    fn an_override_file_merges_into_the_base_as_compose_does() {
        let merged = read(&[
            "services:
  db:
    image: postgres:15
    command: [postgres, -c, fsync=off]
    environment:
      - POSTGRES_USER=shop
      - POSTGRES_PASSWORD=one
    ports: ['5432:5432']
    volumes: ['data:/var/lib/postgresql/data', './init:/docker-entrypoint-initdb.d']
volumes:
  data: {}
",
            "services:
  db:
    image: postgres:16
    command: postgres
    environment:
      POSTGRES_PASSWORD: two
    ports: ['6543:5432']
    volumes: ['other:/var/lib/postgresql/data']
  cache:
    image: redis:7
volumes:
  other: {external: true}
",
        ]);
        let db = &merged["services"]["db"];
        assert_eq!(db["image"].as_str(), Some("postgres:16"));
        assert_eq!(db["command"].as_str(), Some("postgres"), "replaced");
        assert_eq!(db["environment"]["POSTGRES_USER"].as_str(), Some("shop"));
        assert_eq!(db["environment"]["POSTGRES_PASSWORD"].as_str(), Some("two"));
        assert_eq!(db["ports"].as_vec().map(Vec::len), Some(2), "appended");
        assert_eq!(
            db["volumes"][0].as_str(),
            Some("other:/var/lib/postgresql/data"),
            "the same target: replaced"
        );
        assert_eq!(db["volumes"].as_vec().map(Vec::len), Some(2));
        assert_eq!(
            merged["services"]["cache"]["image"].as_str(),
            Some("redis:7")
        );
        assert!(merged["volumes"]["data"].as_hash().is_some());
        assert_eq!(merged["volumes"]["other"]["external"].as_bool(), Some(true));
    }

    #[test]
    fn merge_keys_fill_what_the_map_leaves_out() {
        let merged = read(&["x-db: &db
  image: postgres:16
  environment: {POSTGRES_USER: shop}
services:
  a:
    <<: *db
    image: postgres:15
  b: {<<: *db}
"]);
        assert_eq!(
            merged["services"]["a"]["image"].as_str(),
            Some("postgres:15")
        );
        assert_eq!(
            merged["services"]["b"]["image"].as_str(),
            Some("postgres:16")
        );
        assert_eq!(
            merged["services"]["b"]["environment"]["POSTGRES_USER"].as_str(),
            Some("shop")
        );
    }

    #[test]
    fn mounts_split_into_source_and_target() {
        assert_eq!(
            split_mount("data:/var/lib/mysql:rw"),
            (Some("data".to_owned()), "/var/lib/mysql".to_owned())
        );
        assert_eq!(split_mount("/data"), (None, "/data".to_owned()));
        assert_eq!(
            split_mount("C:\\db:/var/lib/mysql"),
            (Some("C:\\db".to_owned()), "/var/lib/mysql".to_owned())
        );
    }
}
