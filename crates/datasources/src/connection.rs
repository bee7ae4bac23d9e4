//! How a datasource's container is configured, and how clients connect to it: URL, environment
//! snippet and CLI command. Values with the password are built only on explicit request.

use quantum_docker::ContainerFile;
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

/// A datasource's name as part of a variable name: `shop-postgres-1` → `SHOP_POSTGRES_1`.
pub fn env_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
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
        Engine::Mysql | Engine::Mariadb => {
            let prefix = if engine == Engine::Mysql {
                "MYSQL"
            } else {
                "MARIADB"
            };
            let mut env = vec![
                format!("{prefix}_ROOT_PASSWORD={pw}"),
                format!("{prefix}_DATABASE={}", c.database),
            ];
            // The images refuse `root` as the extra user they make (an imported compose service
            // that only had a root password).
            if c.username != "root" {
                env.push(format!("{prefix}_USER={}", c.username));
                env.push(format!("{prefix}_PASSWORD={pw}"));
            }
            env
        }
        Engine::Mongodb => vec![
            format!("MONGO_INITDB_ROOT_USERNAME={}", c.username),
            format!("MONGO_INITDB_ROOT_PASSWORD={pw}"),
            format!("MONGO_INITDB_DATABASE={}", c.database),
        ],
        Engine::Redis => Vec::new(),
    }
}

/// Where the Redis container reads its settings, the password among them.
pub const REDIS_CONFIG: &str = "/etc/quantum-admin/redis.conf";

/// The `redis` user of the official image (Debian and Alpine variants) and of our test image,
/// which the server runs as once the entrypoint drops root.
const REDIS_UID: u64 = 999;

/// The container's command, where the image takes its settings as arguments (Redis: the file
/// [`container_files`] puts in, so that the password is in no command line `ps` shows).
pub fn container_cmd(engine: Engine) -> Option<Vec<String>> {
    match engine {
        Engine::Redis => Some(vec!["redis-server".to_owned(), REDIS_CONFIG.to_owned()]),
        _ => None,
    }
}

/// Files the container needs before it starts: Redis's settings, readable by its user only.
pub fn container_files(engine: Engine, c: &Credentials<'_>) -> Vec<ContainerFile> {
    match engine {
        Engine::Redis => {
            let config = format!(
                "# Written by Quantum Admin.\nrequirepass {}\n# Keeps data across restarts, as a database should.\nappendonly yes\n",
                redis_quote(c.password.expose())
            );
            vec![ContainerFile {
                path: REDIS_CONFIG.to_owned(),
                contents: config.into_bytes(),
                mode: 0o600,
                uid: REDIS_UID,
                gid: REDIS_UID,
            }]
        }
        _ => Vec::new(),
    }
}

/// A value as Redis's config parser reads it back exactly: double-quoted, with `"` and `\`
/// escaped and every byte outside printable ASCII as `\xHH` (so no newline can end the line).
fn redis_quote(value: &str) -> String {
    let mut quoted = String::from("\"");
    for byte in value.bytes() {
        match byte {
            b'"' | b'\\' => {
                quoted.push('\\');
                quoted.push(char::from(byte));
            }
            0x20..=0x7e => quoted.push(char::from(byte)),
            _ => quoted.push_str(&format!("\\x{byte:02x}")),
        }
    }
    quoted.push('"');
    quoted
}

/// The URL form: `postgres://user:password@127.0.0.1:5432/db` and the like.
pub fn url(engine: Engine, port: u16, c: &Credentials<'_>) -> String {
    url_at(engine, HOST, port, c)
}

/// [`url`] for a server reached at `host` (an environment's container, by its name on the
/// environment's network).
pub fn url_at(engine: Engine, host: &str, port: u16, c: &Credentials<'_>) -> String {
    let user = encode(c.username);
    let pw = encode(c.password.expose());
    let db = encode(c.database);
    match engine {
        Engine::Postgres => format!("postgres://{user}:{pw}@{host}:{port}/{db}"),
        Engine::Mysql | Engine::Mariadb => format!("mysql://{user}:{pw}@{host}:{port}/{db}"),
        Engine::Mongodb => format!("mongodb://{user}:{pw}@{host}:{port}/{db}?authSource=admin"),
        Engine::Redis => format!("redis://:{pw}@{host}:{port}/0"),
    }
}

/// `DATABASE_URL=…` plus the variables the engine's own clients read.
pub fn env_vars(engine: Engine, port: u16, c: &Credentials<'_>) -> Vec<(String, String)> {
    env_vars_at(engine, HOST, port, c)
}

/// [`env_vars`] for a server reached at `host`.
pub fn env_vars_at(
    engine: Engine,
    host: &str,
    port: u16,
    c: &Credentials<'_>,
) -> Vec<(String, String)> {
    let pw = c.password.expose().to_owned();
    let port_text = port.to_string();
    let mut vars = vec![("DATABASE_URL".to_owned(), url_at(engine, host, port, c))];
    let mut add = |k: &str, v: &str| vars.push((k.to_owned(), v.to_owned()));
    match engine {
        Engine::Postgres => {
            add("PGHOST", host);
            add("PGPORT", &port_text);
            add("PGUSER", c.username);
            add("PGPASSWORD", &pw);
            add("PGDATABASE", c.database);
        }
        Engine::Mysql | Engine::Mariadb => {
            add("MYSQL_HOST", host);
            add("MYSQL_TCP_PORT", &port_text);
            add("MYSQL_USER", c.username);
            add("MYSQL_PWD", &pw);
            add("MYSQL_DATABASE", c.database);
        }
        Engine::Mongodb => add("MONGODB_URI", &url_at(engine, host, port, c)),
        Engine::Redis => {
            add("REDIS_URL", &url_at(engine, host, port, c));
            add("REDIS_HOST", host);
            add("REDIS_PORT", &port_text);
            add("REDIS_PASSWORD", &pw);
        }
    }
    vars
}

/// A command run inside the server's container that exits 0 once the server takes clients over
/// TCP. TCP, not the socket: the images' first-run set-up serves the socket only, and a client
/// connecting then would meet a server about to restart. No password is needed to learn that.
pub fn ready_command(engine: Engine) -> Vec<String> {
    let script = match engine {
        Engine::Postgres => "pg_isready -q -h 127.0.0.1",
        Engine::Mysql => "mysqladmin ping -h 127.0.0.1 --protocol=tcp --silent",
        Engine::Mariadb => {
            "mariadb-admin ping -h 127.0.0.1 --protocol=tcp --silent 2>/dev/null || mysqladmin ping -h 127.0.0.1 --protocol=tcp --silent"
        }
        // Without the password Redis answers NOAUTH: it is up all the same.
        Engine::Redis => "redis-cli -h 127.0.0.1 ping 2>&1 | grep -qE 'PONG|NOAUTH'",
        Engine::Mongodb => {
            "mongosh --quiet --eval 'db.runCommand({ping: 1}).ok' 2>/dev/null || mongo --quiet --eval 'db.runCommand({ping: 1}).ok'"
        }
    };
    vec!["sh".to_owned(), "-c".to_owned(), script.to_owned()]
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
        let root = Credentials {
            database: "shop",
            username: "root",
            password: &pw,
        };
        let env = container_env(Engine::Mariadb, &root);
        assert!(env.contains(&"MARIADB_ROOT_PASSWORD=pw".to_owned()));
        assert!(
            !env.iter().any(|v| v.starts_with("MARIADB_USER")),
            "the images refuse root as the extra user: {env:?}"
        );
    }

    #[test]
    fn the_redis_password_is_in_a_file_for_its_user_only_never_in_the_command() {
        let pw = Secret::new("p\"w\\ $x\nrequirepass other");
        let cmd = container_cmd(Engine::Redis).expect("redis takes a config file");
        assert_eq!(cmd, ["redis-server", REDIS_CONFIG]);
        assert!(container_env(Engine::Redis, &creds(&pw)).is_empty());
        let files = container_files(Engine::Redis, &creds(&pw));
        let [file] = files.as_slice() else {
            panic!("one file")
        };
        assert_eq!(
            (file.path.as_str(), file.mode, file.uid),
            (REDIS_CONFIG, 0o600, 999)
        );
        let text = String::from_utf8(file.contents.clone()).expect("text");
        // A newline in the password cannot start a line of its own.
        assert!(
            text.contains("requirepass \"p\\\"w\\\\ $x\\x0arequirepass other\"\n"),
            "{text}"
        );
        assert_eq!(
            text.lines()
                .filter(|l| l.starts_with("requirepass"))
                .count(),
            1
        );
    }
}
