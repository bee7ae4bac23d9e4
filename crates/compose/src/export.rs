//! A project's databases as a compose file: one service per datasource, on the same image, port
//! and data volume (declared external, so that compose neither renames nor deletes it), the
//! passwords read from `.env` as `<NAME>_PASSWORD` rather than written in the file.

use quantum_datasources::connection::{self, Credentials};
use quantum_datasources::Datasource;
use quantum_kernel::Engine;
use quantum_secrets::Secret;
use yaml_rust2::yaml::Hash;
use yaml_rust2::{Yaml, YamlEmitter};

/// What an export writes: the compose file's text and the variables it reads from `.env`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComposeExport {
    pub text: String,
    /// (variable, datasource id): each datasource's password goes into `.env` under its name.
    pub variables: Vec<(String, i64)>,
}

/// The `.env` variable that holds a service's password: `shop-postgres-1` →
/// `SHOP_POSTGRES_1_PASSWORD`; one that would start with a digit gets `DB_` first.
pub fn password_variable_name(service: &str) -> String {
    let mut name = connection::env_name(service);
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "DB_");
    }
    format!("{name}_PASSWORD")
}

/// A datasource's password variable; one already taken (`a-b` beside `a_b`) gets the
/// datasource's id after its name.
fn password_variable(datasource: &Datasource, taken: &[(String, i64)]) -> String {
    let variable = password_variable_name(&datasource.name);
    if taken.iter().any(|(other, _)| *other == variable) {
        let name = variable.trim_end_matches("_PASSWORD");
        format!("{name}_{}_PASSWORD", datasource.id)
    } else {
        variable
    }
}

/// Redis reads its password from a settings file that the shell writes from the environment, as
/// the app's container reads its own file: on the command line, `ps` on the host would show it.
/// (`$$` is Compose's escape: the shell in the container expands it.)
const REDIS_START: &str = "printf 'requirepass \"%s\"\\nappendonly yes\\n' \"$$REDIS_PASSWORD\" > /tmp/redis.conf && exec redis-server /tmp/redis.conf";

pub fn export(project_name: &str, datasources: &[Datasource]) -> ComposeExport {
    let mut services = Hash::new();
    let mut volumes = Hash::new();
    let mut variables = Vec::new();
    for datasource in datasources {
        let variable = password_variable(datasource, &variables);
        // The images read `${…}` as compose substitutes it: the file holds the name only.
        let placeholder = Secret::new(format!("${{{variable}}}"));
        let credentials = Credentials {
            database: &datasource.database_name,
            username: &datasource.username,
            password: &placeholder,
        };
        let mut service = Hash::new();
        service.insert(text("image"), text(&datasource.image));
        let port = format!(
            "{}:{}:{}",
            connection::HOST,
            datasource.host_port,
            datasource.engine.default_port()
        );
        service.insert(text("ports"), Yaml::Array(vec![text(&port)]));
        let mut environment: Hash = connection::container_env(datasource.engine, &credentials)
            .into_iter()
            .filter_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                Some((text(key), text(value)))
            })
            .collect();
        if datasource.engine == Engine::Redis {
            environment.insert(text("REDIS_PASSWORD"), text(&format!("${{{variable}}}")));
            let command = ["sh", "-c", REDIS_START];
            service.insert(
                text("command"),
                Yaml::Array(command.iter().map(|part| text(part)).collect()),
            );
        }
        service.insert(text("environment"), Yaml::Hash(environment));
        let mount = format!(
            "{}:{}",
            datasource.volume_name,
            datasource.engine.data_path()
        );
        service.insert(text("volumes"), Yaml::Array(vec![text(&mount)]));
        services.insert(text(&datasource.name), Yaml::Hash(service));
        let mut volume = Hash::new();
        volume.insert(text("external"), Yaml::Boolean(true));
        volumes.insert(text(&datasource.volume_name), Yaml::Hash(volume));
        variables.push((variable, datasource.id));
    }
    let mut document = Hash::new();
    document.insert(text("services"), Yaml::Hash(services));
    if !volumes.is_empty() {
        document.insert(text("volumes"), Yaml::Hash(volumes));
    }
    let mut body = String::new();
    let mut emitter = YamlEmitter::new(&mut body);
    // Writing into a String cannot fail.
    let _ = emitter.dump(&Yaml::Hash(document));
    let body = body.strip_prefix("---\n").unwrap_or(&body);
    let header = format!(
        "# The databases of “{project_name}”, written by Quantum Admin: `docker compose up` runs them on\n\
         # their data volumes (stop them in the app first: one server per volume). Passwords come\n\
         # from .env ({}).\n",
        variables.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(", ")
    );
    ComposeExport {
        text: format!("{header}{body}\n"),
        variables,
    }
}

fn text(value: &str) -> Yaml {
    Yaml::String(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quantum_datasources::DatasourceStatus;
    use yaml_rust2::YamlLoader;

    fn datasource(id: i64, name: &str, engine: Engine, port: u16) -> Datasource {
        Datasource {
            id,
            project_id: 1,
            name: name.to_owned(),
            engine,
            image: format!("{}:latest", engine.as_str()),
            host_port: port,
            database_name: "shop".to_owned(),
            username: "shop".to_owned(),
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
    fn variables_are_unique_valid_names() {
        let exported = export(
            "shop",
            &[
                datasource(1, "a-b", Engine::Postgres, 1),
                datasource(2, "a_b", Engine::Postgres, 2),
                datasource(3, "1db", Engine::Mysql, 3),
            ],
        );
        let names: Vec<&str> = exported
            .variables
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(
            names,
            vec!["A_B_PASSWORD", "A_B_2_PASSWORD", "DB_1DB_PASSWORD"]
        );
    }

    #[test]
    fn each_database_is_a_service_on_its_volume_with_its_password_from_env() {
        let exported = export(
            "shop",
            &[
                datasource(1, "shop-postgres-1", Engine::Postgres, 54321),
                datasource(2, "shop-redis-1", Engine::Redis, 56379),
            ],
        );
        assert_eq!(
            exported.variables,
            vec![
                ("SHOP_POSTGRES_1_PASSWORD".to_owned(), 1),
                ("SHOP_REDIS_1_PASSWORD".to_owned(), 2)
            ]
        );
        let document = &YamlLoader::load_from_str(&exported.text).expect("YAML")[0];
        let postgres = &document["services"]["shop-postgres-1"];
        assert_eq!(postgres["image"].as_str(), Some("postgres:latest"));
        assert_eq!(postgres["ports"][0].as_str(), Some("127.0.0.1:54321:5432"));
        assert_eq!(
            postgres["environment"]["POSTGRES_PASSWORD"].as_str(),
            Some("${SHOP_POSTGRES_1_PASSWORD}")
        );
        assert_eq!(
            postgres["environment"]["POSTGRES_USER"].as_str(),
            Some("shop")
        );
        assert_eq!(
            postgres["volumes"][0].as_str(),
            Some("shop-postgres-1-data:/var/lib/postgresql/data")
        );
        let redis = &document["services"]["shop-redis-1"];
        assert_eq!(
            redis["environment"]["REDIS_PASSWORD"].as_str(),
            Some("${SHOP_REDIS_1_PASSWORD}")
        );
        let start = redis["command"][2].as_str().expect("the start command");
        assert!(
            start.contains("$$REDIS_PASSWORD") && !start.contains("SHOP_REDIS_1"),
            "the password is not on the command line: {start}"
        );
        assert_eq!(
            document["volumes"]["shop-postgres-1-data"]["external"].as_bool(),
            Some(true)
        );
    }
}
