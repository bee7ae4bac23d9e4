//! An environment's own datasources (part of the `deploy` test binary): listed in
//! `[deploy.<name>] datasources`, a PostgreSQL and a Redis are created on the environment's engine
//! by the first deploy, the release reaches each by its name with the password the keychain keeps
//! (never SQLite), a stopped one is started again by the next deploy, and a deploy and a rollback
//! keep their containers and data.

use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use quantum_datasources::Engine;
use quantum_deploy::{DeployEvent, Names, ReleaseStatus};
use quantum_integration_tests::deploy::{
    core_with_project, free_port, project_folder, release_version, remove_environment, FollowedLog,
};
use quantum_integration_tests::test_image;

fn docker(args: &[&str]) -> String {
    let output = Command::new("docker")
        .args(args)
        .output()
        .expect("docker runs");
    assert!(
        output.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// The release container's variable `name`.
fn variable(container: &str, name: &str) -> String {
    let env = docker(&["inspect", "--format", "{{json .Config.Env}}", container]);
    let env: Vec<String> = serde_json::from_str(&env).expect("env");
    env.iter()
        .find_map(|entry| entry.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("{container} has no {name}: {env:?}"))
        .to_owned()
}

/// Runs `args` in a new container of `image` on the environment's network, as a release would.
fn on_network(network: &str, image: &str, args: &[&str]) -> String {
    let mut all = vec!["run", "--rm", "--network", network, image];
    all.extend_from_slice(args);
    docker(&all)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_environments_own_datasources_are_created_kept_and_reached_by_name() {
    let mut settings = quantum_kernel::settings::Settings::default();
    for engine in [Engine::Postgres, Engine::Redis] {
        settings.engine_images.insert(engine, test_image(engine));
    }
    let folder = project_folder();
    let image = format!("qa-deploy-ds-{}", std::process::id());
    let toml = format!(
        "[datasources.main]\nengine = \"postgres\"\ndatabase = \"shop\"\n\n[datasources.cache]\nengine = \"redis\"\n\n[deploy.test]\nimage = \"{image}\"\nport = 8080\npublish = {}\nproxy_image = \"testdb/haproxy:2.6\"\nhealth_path = \"/health\"\nhealth_timeout = 10\ndrain = 1\ndatasources = [\"cache\", \"main\"]\n",
        free_port()
    );
    let (data_dir, core, project_id) =
        core_with_project(folder.path(), &toml, "env-datasources", &settings).await;
    let names = Names::new(core.store.identity(), project_id, "test");
    let lines = Mutex::new(Vec::<String>::new());
    let on_event = |event: DeployEvent| {
        if let DeployEvent::Log { line } = event {
            lines.lock().expect("lines").push(line);
        }
    };

    let v1 = quantum_core::deploy::deploy(&core, project_id, "test", 10, &on_event)
        .await
        .expect("v1 deployed");
    assert_eq!(v1.status, ReleaseStatus::Live);
    let log = lines.lock().expect("lines").join("\n");
    assert!(log.contains("Created datasource cache (Redis"), "{log}");
    assert!(log.contains("Created datasource main (PostgreSQL"), "{log}");
    assert!(
        log.contains("Datasource main takes clients at main:5432"),
        "{log}"
    );

    // The release has each by its name; PostgreSQL's variables come first.
    let release = v1.container_name.clone().expect("container");
    let url = variable(&release, "DATABASE_URL");
    assert!(
        url.starts_with("postgres://app:") && url.ends_with("@main:5432/shop"),
        "{url}"
    );
    assert_eq!(variable(&release, "MAIN_URL"), url);
    let redis_url = variable(&release, "REDIS_URL");
    assert!(redis_url.ends_with("@cache:6379/0"), "{redis_url}");
    assert_eq!(variable(&release, "CACHE_URL"), redis_url);

    // Reached over the environment's network with the kept password, as the release would.
    let network = names.network();
    let postgres = test_image(Engine::Postgres);
    on_network(
        &network,
        &postgres,
        &[
            "psql",
            &url,
            "-qc",
            "CREATE TABLE notes (body text); INSERT INTO notes VALUES ('kept')",
        ],
    );
    let redis = test_image(Engine::Redis);
    // (redis-cli 7.0 reads the URL's empty user as a user named "": the password goes alone.)
    let redis_password = variable(&release, "REDIS_PASSWORD");
    assert!(redis_url.contains(&redis_password));
    let ping = [
        "redis-cli",
        "-h",
        "cache",
        "--no-auth-warning",
        "-a",
        &redis_password,
        "ping",
    ];
    assert_eq!(on_network(&network, &redis, &ping), "PONG");
    // Without the password Redis takes no command.
    let refused = on_network(&network, &redis, &["redis-cli", "-h", "cache", "get", "x"]);
    assert!(refused.contains("NOAUTH"), "{refused}");

    // The password is the keychain's, not the app's database's.
    let account = format!("environment-datasource:{project_id}:test:main");
    let password = core
        .secrets
        .find(&account)
        .expect("keychain")
        .expect("kept");
    assert!(url.contains(password.expose()));
    let sqlite = std::fs::read(data_dir.path().join("quantum-admin.sqlite3")).expect("sqlite");
    assert!(!sqlite
        .windows(password.expose().len())
        .any(|window| window == password.expose().as_bytes()));

    let notes = || {
        on_network(
            &network,
            &postgres,
            &["psql", &url, "-tAc", "SELECT body FROM notes"],
        )
    };

    // Nothing is published on the host.
    let main = names.datasource("main");
    assert_eq!(docker(&["port", &main]), "");
    let created = docker(&["inspect", "--format", "{{.Id}}", &main]);

    // The project's log has each beside the release.
    FollowedLog::start(&core, project_id, data_dir.path(), "main of test")
        .await
        .lines_holding("ready to accept connections", 1, Duration::from_secs(30))
        .await;

    // The Deploy page's dialog: the project's datasources, which the environment runs, and
    // what its engine has of them; Start now starts one that stopped.
    let choices = quantum_core::deploy_datasources::choices(&core, project_id, "test")
        .await
        .expect("choices");
    let listed: Vec<(&str, bool)> = choices
        .iter()
        .map(|choice| (choice.name.as_str(), choice.listed))
        .collect();
    assert_eq!(listed, [("main", true), ("cache", true)]);
    let states = |core| quantum_core::deploy_datasources::states(core, project_id, "test");
    // In the order `datasources` lists them.
    let running = |states: &[quantum_deploy::DatasourceState]| -> Vec<(String, Option<bool>)> {
        states
            .iter()
            .map(|state| (state.name.clone(), state.running))
            .collect()
    };
    let both = |cache, main| {
        vec![
            ("cache".to_owned(), Some(cache)),
            ("main".to_owned(), Some(main)),
        ]
    };
    assert_eq!(
        running(&states(&core).await.expect("states")),
        both(true, true)
    );
    docker(&["stop", &main]);
    let stopped = states(&core).await.expect("states");
    assert_eq!(running(&stopped), both(true, false));
    assert_eq!(stopped[1].reason.as_deref(), Some("Exited with code 0."));
    let said = Mutex::new(Vec::<String>::new());
    let tell = |line: &str| said.lock().expect("said").push(line.to_owned());
    let started = quantum_core::deploy_datasources::start(&core, project_id, "test", &tell)
        .await
        .expect("started");
    let said = said.lock().expect("said").join("\n");
    assert!(
        said.contains("Starting datasource main, which was stopped"),
        "{said}"
    );
    assert_eq!(running(&started), both(true, true));

    // A datasource that stopped is started again by the next deploy, with its data.
    docker(&["stop", &main]);
    release_version(folder.path(), "v2", true);
    lines.lock().expect("lines").clear();
    let v2 = quantum_core::deploy::deploy(&core, project_id, "test", 10, &on_event)
        .await
        .expect("v2 deployed");
    assert_eq!(v2.status, ReleaseStatus::Live);
    let log = lines.lock().expect("lines").join("\n");
    assert!(
        log.contains("Starting datasource main, which was stopped"),
        "{log}"
    );
    assert!(log.contains("Datasource cache (Redis) is running"), "{log}");
    assert_eq!(docker(&["inspect", "--format", "{{.Id}}", &main]), created);
    assert_eq!(notes(), "kept");

    // A rollback keeps them too; one whose image the file changed since is kept as it is.
    let toml = std::fs::read_to_string(folder.path().join("quantum.toml")).expect("toml");
    let toml = toml.replace(
        "engine = \"redis\"\n",
        "engine = \"redis\"\nimage = \"redis:7.2\"\n",
    );
    std::fs::write(folder.path().join("quantum.toml"), toml).expect("toml");
    lines.lock().expect("lines").clear();
    let back = quantum_core::deploy::rollback(
        &core,
        project_id,
        v1.id,
        quantum_core::deploy::DataChoice::Keep,
        &on_event,
    )
    .await
    .expect("rolled back");
    assert_eq!(back.status, ReleaseStatus::Live);
    let log = lines.lock().expect("lines").join("\n");
    let redis = test_image(Engine::Redis);
    assert!(
        log.contains(&format!("Datasource cache runs {redis}, not redis:7.2")),
        "{log}"
    );
    assert_eq!(docker(&["inspect", "--format", "{{.Id}}", &main]), created);
    assert_eq!(notes(), "kept");

    // Taken out of the list, one stays on the engine, shown apart, until removed; removed, its
    // data stays unless asked for, and then its password goes too.
    let toml = std::fs::read_to_string(folder.path().join("quantum.toml")).expect("toml");
    let toml = toml.replace("[\"cache\", \"main\"]", "[\"main\"]");
    std::fs::write(folder.path().join("quantum.toml"), toml).expect("toml");
    let listed = |states: &[quantum_deploy::DatasourceState]| -> Vec<(String, bool, Option<bool>)> {
        states
            .iter()
            .map(|state| (state.name.clone(), state.listed, state.running))
            .collect()
    };
    let left = states(&core).await.expect("states");
    assert_eq!(
        listed(&left),
        [
            ("main".to_owned(), true, Some(true)),
            ("cache".to_owned(), false, Some(true))
        ]
    );
    let remove = |name, with_data| {
        quantum_core::deploy_datasources::remove(&core, project_id, "test", name, with_data)
    };
    let after = remove("cache", false).await.expect("cache removed");
    assert_eq!(listed(&after), [("main".to_owned(), true, Some(true))]);
    let cache_volume = format!("{}-data", names.datasource("cache"));
    docker(&["volume", "inspect", &cache_volume]);
    let after = remove("main", true)
        .await
        .expect("main removed with its data");
    assert_eq!(listed(&after), [("main".to_owned(), true, None)]);
    let volumes = docker(&["volume", "ls", "-q"]);
    assert!(!volumes.contains(&format!("{main}-data")), "{volumes}");
    assert!(core.secrets.find(&account).expect("keychain").is_none());
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'datasource.remove'")
            .fetch_one(core.store.pool())
            .await
            .expect("audit");
    assert_eq!(audited, 2);

    // Data set up with a password the keychain no longer holds is refused, not served.
    let cache_account = format!("environment-datasource:{project_id}:test:cache");
    core.secrets.delete(&cache_account).expect("forgotten");
    let toml = std::fs::read_to_string(folder.path().join("quantum.toml")).expect("toml");
    let toml = toml
        .replace("[\"main\"]", "[\"main\", \"cache\"]")
        .replace("image = \"redis:7.2\"\n", "");
    std::fs::write(folder.path().join("quantum.toml"), toml).expect("toml");
    let start = || quantum_core::deploy_datasources::start(&core, project_id, "test", &|_| {});
    let refused = start().await.expect_err("another password");
    assert_eq!(
        refused.code, "deploy.datasource_password",
        "{}",
        refused.message
    );
    assert!(
        refused.message.contains(&cache_volume),
        "{}",
        refused.message
    );
    remove("cache", true).await.expect("removed with its data");
    let started = start().await.expect("made anew");
    assert_eq!(
        listed(&started),
        [
            ("main".to_owned(), true, Some(true)),
            ("cache".to_owned(), true, Some(true))
        ]
    );

    remove_environment(core.store.identity(), project_id, "test", &image).await;
    docker(&["volume", "rm", &cache_volume, &format!("{main}-data")]);
}
