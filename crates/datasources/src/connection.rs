//! How a datasource's container is configured, and how clients connect to it: URL, environment
//! snippet and CLI command. Values with the password are built only on explicit request.

use quantum_kernel::Engine;
use quantum_secrets::Secret;

/// Where clients reach the server: always the loopback address, as the port is published there.
pub const HOST: &str = "127.0.0.1";

/// What a server is set up with.
pub struct Credentials<'a> {
    pub database: &'a str,
    pub username: &'a str,
    pub password: &'a Secret,
}

/// The container's environment, in the official images' own variables.
pub fn container_env(engine: Engine, c: &Credentials<'_>) -> Vec<String> {
    let pw = c.password.expose();
    match engine {
        Engine::Postgres => vec![
            format!("POSTGRES_USER={}", c.username),
            format!("POSTGRES_PASSWORD={pw}"),
            format!("POSTGRES_DB={}", c.database),
        ],
        Engine::Mysql => vec![
            format!("MYSQL_ROOT_PASSWORD={pw}"),
            format!("MYSQL_DATABASE={}", c.database),
            format!("MYSQL_USER={}", c.username),
            format!("MYSQL_PASSWORD={pw}"),
        ],
        Engine::Mariadb => vec![
            format!("MARIADB_ROOT_PASSWORD={pw}"),
            format!("MARIADB_DATABASE={}", c.database),
            format!("MARIADB_USER={}", c.username),
            format!("MARIADB_PASSWORD={pw}"),
        ],
        Engine::Mongodb => vec![
            format!("MONGO_INITDB_ROOT_USERNAME={}", c.username),
            format!("MONGO_INITDB_ROOT_PASSWORD={pw}"),
            format!("MONGO_INITDB_DATABASE={}", c.database),
        ],
        Engine::Redis => Vec::new(),
    }
}

/// The container's command, where the image takes its settings as arguments (Redis).
pub fn container_cmd(engine: Engine, c: &Credentials<'_>) -> Option<Vec<String>> {
    match engine {
        Engine::Redis => Some(vec![
            "redis-server".to_owned(),
            "--requirepass".to_owned(),
            c.password.expose().to_owned(),
            // Keeps data across restarts, as a database should.
            "--appendonly".to_owned(),
            "yes".to_owned(),
        ]),
        _ => None,
    }
}

/// The URL form: `postgres://user:password@127.0.0.1:5432/db` and the like.
pub fn url(engine: Engine, port: u16, c: &Credentials<'_>) -> String {
    let user = encode(c.username);
    let pw = encode(c.password.expose());
    let db = encode(c.database);
    match engine {
        Engine::Postgres => format!("postgres://{user}:{pw}@{HOST}:{port}/{db}"),
        Engine::Mysql | Engine::Mariadb => format!("mysql://{user}:{pw}@{HOST}:{port}/{db}"),
        Engine::Mongodb => format!("mongodb://{user}:{pw}@{HOST}:{port}/{db}?authSource=admin"),
        Engine::Redis => format!("redis://:{pw}@{HOST}:{port}/0"),
    }
}

/// `DATABASE_URL=…` plus the variables the engine's own clients read.
pub fn env_vars(engine: Engine, port: u16, c: &Credentials<'_>) -> Vec<(String, String)> {
    let pw = c.password.expose().to_owned();
    let port_text = port.to_string();
    let mut vars = vec![("DATABASE_URL".to_owned(), url(engine, port, c))];
    let mut add = |k: &str, v: &str| vars.push((k.to_owned(), v.to_owned()));
    match engine {
        Engine::Postgres => {
            add("PGHOST", HOST);
            add("PGPORT", &port_text);
            add("PGUSER", c.username);
            add("PGPASSWORD", &pw);
            add("PGDATABASE", c.database);
        }
        Engine::Mysql | Engine::Mariadb => {
            add("MYSQL_HOST", HOST);
            add("MYSQL_TCP_PORT", &port_text);
            add("MYSQL_USER", c.username);
            add("MYSQL_PWD", &pw);
            add("MYSQL_DATABASE", c.database);
        }
        Engine::Mongodb => add("MONGODB_URI", &url(engine, port, c)),
        Engine::Redis => {
            add("REDIS_URL", &url(engine, port, c));
            add("REDIS_HOST", HOST);
            add("REDIS_PORT", &port_text);
            add("REDIS_PASSWORD", &pw);
        }
    }
    vars
}

/// The command that opens the engine's own shell on the database.
pub fn cli_command(engine: Engine, port: u16, c: &Credentials<'_>) -> String {
    let pw = c.password.expose();
    match engine {
        Engine::Postgres => format!("psql \"{}\"", url(engine, port, c)),
        Engine::Mysql => format!(
            "mysql -h {HOST} -P {port} -u {} -p{pw} {}",
            c.username, c.database
        ),
        Engine::Mariadb => format!(
            "mariadb -h {HOST} -P {port} -u {} -p{pw} {}",
            c.username, c.database
        ),
        Engine::Mongodb => format!("mongosh \"{}\"", url(engine, port, c)),
        Engine::Redis => format!("redis-cli -h {HOST} -p {port} -a {pw}"),
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(password: &Secret) -> Credentials<'_> {
        Credentials {
            database: "shop",
            username: "app",
            password,
        }
    }

    #[test]
    fn urls_are_what_each_engine_s_clients_expect() {
        let pw = Secret::new("p@ss word");
        assert_eq!(
            url(Engine::Postgres, 5433, &creds(&pw)),
            "postgres://app:p%40ss%20word@127.0.0.1:5433/shop"
        );
        assert_eq!(
            url(Engine::Mariadb, 3306, &creds(&pw)),
            "mysql://app:p%40ss%20word@127.0.0.1:3306/shop"
        );
        assert!(url(Engine::Mongodb, 27017, &creds(&pw)).ends_with("/shop?authSource=admin"));
        assert_eq!(
            url(Engine::Redis, 6379, &creds(&pw)),
            "redis://:p%40ss%20word@127.0.0.1:6379/0"
        );
    }

    #[test]
    fn the_env_snippet_starts_with_database_url_and_has_the_engine_s_variables() {
        let pw = Secret::new("pw");
        let vars = env_vars(Engine::Postgres, 5432, &creds(&pw));
        assert_eq!(vars[0].0, "DATABASE_URL");
        assert!(vars.contains(&("PGPASSWORD".to_owned(), "pw".to_owned())));
        assert!(vars.contains(&("PGDATABASE".to_owned(), "shop".to_owned())));
    }

    #[test]
    fn containers_get_the_official_images_variables() {
        let pw = Secret::new("pw");
        let env = container_env(Engine::Mysql, &creds(&pw));
        assert!(env.contains(&"MYSQL_ROOT_PASSWORD=pw".to_owned()));
        assert!(env.contains(&"MYSQL_USER=app".to_owned()));
        let cmd = container_cmd(Engine::Redis, &creds(&pw)).expect("redis takes arguments");
        assert_eq!(cmd[..3], ["redis-server", "--requirepass", "pw"]);
    }
}
