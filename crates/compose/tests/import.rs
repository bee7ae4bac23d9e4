//! Compose projects read as the import takes them: files merged with their override, `${…}`
//! from `.env`, profiles, named and bind volumes, env files, a password written in the file, keys
//! the spec does not know; and the app's own export read back as the datasources it came from.

use std::path::Path;

use quantum_compose::import::{self, DataVolume, PasswordSource};
use quantum_datasources::{Datasource, DatasourceStatus};
use quantum_kernel::Engine;

const COMPOSE: &str = r#"name: Shop
x-postgres: &postgres
  image: postgres:${PG_VERSION:-16}-alpine
services:
  db:
    <<: *postgres
    environment:
      POSTGRES_USER: ${DB_USER}
      POSTGRES_PASSWORD: s3cret-literal
      POSTGRES_DB: shop
    ports: ["127.0.0.1:${DB_PORT:-5432}:5432"]
    volumes: [pgdata:/var/lib/postgresql/data]
  cache:
    image: redis:7
    command: redis-server --appendonly yes --requirepass ${REDIS_PASS}
    volumes: ["./cache-data:/data"]
  web:
    build: ./web
    ports: ["8080:80"]
    magic: true
  analytics:
    image: mariadb:11.4
    profiles: [analytics]
    env_file: db.env
    volumes:
      - type: volume
        source: mdata
        target: /var/lib/mysql
volumes:
  pgdata: {}
  mdata: {name: shared-maria}
wibble: 1
"#;

const OVERRIDE: &str = "services:
  db:
    environment:
      POSTGRES_DB: shop_dev
    healthcheck:
      test: [CMD, pg_isready]
";

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("folder");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("written");
    }
    dir
}

fn stack() -> tempfile::TempDir {
    project(&[
        ("compose.yaml", COMPOSE),
        ("compose.override.yaml", OVERRIDE),
        (
            ".env",
            "DB_USER=shop\nDB_PORT=5433\nREDIS_PASS=r3dis\nPG_VERSION=15\n",
        ),
        (
            "db.env",
            "MARIADB_USER=stats\nMARIADB_PASSWORD=m4ria\nMARIADB_DATABASE=stats\n",
        ),
    ])
}

fn read(dir: &Path, profiles: &[&str]) -> import::ComposeImport {
    let files = import::files_in(dir).expect("the compose file is found");
    let profiles: Vec<String> = profiles.iter().map(|p| (*p).to_owned()).collect();
    import::read(&files, &profiles).expect("read")
}

#[test]
fn database_services_become_datasources_and_the_rest_is_listed() {
    let dir = stack();
    let read = read(dir.path(), &[]);
    assert_eq!(read.files.len(), 2, "the override file is read too");
    assert_eq!(read.project, "shop");
    assert_eq!(read.profiles, ["analytics"]);

    let db = &read.datasources[0];
    assert_eq!(
        (db.service.as_str(), db.engine, db.image.as_str()),
        ("db", Engine::Postgres, "postgres:15-alpine")
    );
    assert_eq!(db.version.as_deref(), Some("15"));
    assert_eq!(db.host_port, Some(5433), "from .env");
    assert_eq!(db.database_name, "shop_dev", "the override wins");
    assert_eq!(db.username, "shop");
    assert_eq!(
        db.password,
        PasswordSource::Literal {
            key: "POSTGRES_PASSWORD".to_owned()
        }
    );
    assert_eq!(
        db.volume,
        DataVolume::Named {
            name: "shop_pgdata".to_owned()
        },
        "Compose's name for the volume: the project's name first"
    );
    assert!(
        db.notes.iter().all(|note| !note.contains("healthcheck")),
        "the app has its own readiness: {:?}",
        db.notes
    );

    let cache = &read.datasources[1];
    assert_eq!(cache.engine, Engine::Redis);
    assert_eq!(cache.password, PasswordSource::Command);
    assert_eq!(cache.host_port, None);
    assert!(cache.notes.iter().any(|n| n.contains("not published")));
    let data = dir.path().join("cache-data").display().to_string();
    assert_eq!(cache.volume, DataVolume::Bind { path: data });

    assert_eq!(read.passwords["db"].expose(), "s3cret-literal");
    assert_eq!(read.passwords["cache"].expose(), "r3dis");

    let others: Vec<(&str, &str)> = read
        .others
        .iter()
        .map(|o| (o.name.as_str(), o.reason.as_str()))
        .collect();
    assert_eq!(
        others,
        [
            ("web", "Built from ./web: left to Compose."),
            (
                "analytics",
                "In the profile analytics, which is not chosen."
            ),
        ]
    );
    assert_eq!(read.unknown_keys, ["wibble", "services.web.magic"]);
    assert!(read.notes.is_empty(), "{:?}", read.notes);
}

#[test]
fn a_chosen_profile_brings_its_services_in_with_their_env_files() {
    let dir = stack();
    let read = read(dir.path(), &["analytics"]);
    let analytics = read
        .datasources
        .iter()
        .find(|d| d.service == "analytics")
        .expect("the profile's service");
    assert_eq!(analytics.engine, Engine::Mariadb);
    assert_eq!(
        (
            analytics.database_name.as_str(),
            analytics.username.as_str()
        ),
        ("stats", "stats")
    );
    assert_eq!(
        analytics.password,
        PasswordSource::EnvFile {
            path: "db.env".to_owned()
        }
    );
    assert_eq!(read.passwords["analytics"].expose(), "m4ria");
    assert_eq!(
        analytics.volume,
        DataVolume::Named {
            name: "shared-maria".to_owned()
        }
    );
}

#[test]
fn unset_and_required_variables_are_told() {
    let dir = project(&[(
        "docker-compose.yml",
        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${NOPE}\n",
    )]);
    let read = read(dir.path(), &[]);
    assert_eq!(
        read.notes,
        ["${NOPE} is not set: Compose reads it as empty."]
    );
    assert_eq!(read.datasources[0].password, PasswordSource::None);

    let dir = project(&[(
        "compose.yml",
        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD:?set it in .env}\n",
    )]);
    let files = import::files_in(dir.path()).expect("found");
    let error = import::read(&files, &[]).expect_err("a required variable is missing");
    assert_eq!(
        error.to_string(),
        "DB_PASSWORD is required: set it in .env (a ${…} in the compose files). Set it in .env beside them, or change the file."
    );

    let empty = tempfile::tempdir().expect("folder");
    assert!(matches!(
        import::files_in(empty.path()),
        Err(quantum_compose::Error::NotFound { .. })
    ));
}

fn datasource(id: i64, name: &str, engine: Engine, port: u16) -> Datasource {
    let sql = engine.has_database_and_user();
    Datasource {
        id,
        project_id: 1,
        name: name.to_owned(),
        engine,
        image: engine.default_image().to_owned(),
        host_port: port,
        database_name: if sql {
            "shop".to_owned()
        } else {
            String::new()
        },
        username: if sql {
            "shop_user".to_owned()
        } else {
            String::new()
        },
        volume_name: format!("{name}-data"),
        auto_start: true,
        ready_timeout_secs: 60,
        status: DatasourceStatus::Ready,
        status_reason: None,
        created_at: String::new(),
        updated_at: String::new(),
        keychain_account: String::new(),
        container_id: None,
    }
}

#[test]
fn an_export_reads_back_as_the_datasources_it_came_from() {
    let datasources = [
        datasource(1, "shop-postgres-1", Engine::Postgres, 54321),
        datasource(2, "shop-mysql-1", Engine::Mysql, 53306),
        datasource(3, "shop-redis-1", Engine::Redis, 56379),
    ];
    let exported = quantum_compose::export("shop", &datasources);
    let env: String = exported
        .variables
        .iter()
        .map(|(variable, id)| format!("{variable}=password-{id}\n"))
        .collect();
    let dir = project(&[("compose.yaml", &exported.text), (".env", &env)]);
    let read = read(dir.path(), &[]);
    assert!(read.others.is_empty() && read.unknown_keys.is_empty());
    assert_eq!(read.datasources.len(), datasources.len());
    for (original, back) in datasources.iter().zip(&read.datasources) {
        assert_eq!(back.service, original.name);
        assert_eq!(back.engine, original.engine);
        assert_eq!(back.image, original.image);
        assert_eq!(back.host_port, Some(original.host_port));
        assert_eq!(back.database_name, original.database_name);
        assert_eq!(back.username, original.username);
        assert_eq!(
            back.volume,
            DataVolume::Named {
                name: original.volume_name.clone()
            }
        );
        assert_eq!(
            back.password,
            PasswordSource::Variable {
                name: quantum_compose::password_variable_name(&original.name)
            }
        );
        assert_eq!(
            read.passwords[&original.name].expose(),
            format!("password-{}", original.id)
        );
    }
}

#[test]
fn compose_s_own_names_rules_are_followed() {
    // COMPOSE_PROJECT_NAME wins over `name:`; an override file of the other extension is read;
    // the old `external: {name: …}` names the volume.
    let dir = project(&[
        (
            "docker-compose.yml",
            "name: fromfile\nservices:\n  db:\n    image: postgres:16\n    volumes: [data:/var/lib/postgresql/data, old:/backup]\n  cache:\n    image: redis:7\n    volumes: [old:/data]\nvolumes:\n  data: {}\n  old:\n    external:\n      name: legacy-volume\n",
        ),
        (
            "docker-compose.override.yaml",
            "services:\n  db:\n    environment:\n      POSTGRES_DB: from_override\n",
        ),
        (".env", "COMPOSE_PROJECT_NAME=fromenv\n"),
    ]);
    let read = read(dir.path(), &[]);
    assert_eq!(read.files.len(), 2, "{:?}", read.files);
    assert_eq!(read.project, "fromenv");
    assert_eq!(read.datasources[0].database_name, "from_override");
    assert_eq!(
        read.datasources[0].volume,
        DataVolume::Named {
            name: "fromenv_data".to_owned()
        }
    );
    assert_eq!(
        read.datasources[1].volume,
        DataVolume::Named {
            name: "legacy-volume".to_owned()
        }
    );
}
