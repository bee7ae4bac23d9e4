//! The Redis keyspace of a datasource of the app's or of a connection: one level of prefixes at a
//! time, and a key's value by its type.

use quantum_connections::Endpoint;
use quantum_datasources::Engine;
use quantum_kernel::{ErrorInfo, TlsPolicy};
use quantum_keyspace::{KeyValue, Keyspace, Server};
use tauri::State;

use super::schema::SchemaSource;
use super::CommandResult;
use crate::state::AppState;

/// A datasource's port on this machine and password from the keychain, or a connection's
/// server; only Redis.
async fn server(state: &AppState, source: SchemaSource) -> CommandResult<Server> {
    match source {
        SchemaSource::Datasource(id) => {
            let (datasource, password) = state.datasources.connection_details(id).await?;
            if datasource.engine != Engine::Redis {
                return Err(not_redis(&datasource.name));
            }
            Ok(Server {
                host: quantum_datasources::connection::HOST.to_owned(),
                port: datasource.host_port,
                username: String::new(),
                password,
                // The app's own containers listen on this machine only, without TLS.
                tls: TlsPolicy::Off,
            })
        }
        SchemaSource::Connection(id) => match state.connections.endpoint(id).await? {
            Endpoint::Redis(server) => Ok(server),
            _ => Err(not_redis(&state.connections.get(id).await?.name)),
        },
    }
}

fn not_redis(name: &str) -> ErrorInfo {
    ErrorInfo::new(
        "keyspace.not_redis",
        format!("“{name}” is not a Redis database: its structure is in the schema browser."),
    )
}

/// The keys under `prefix` (`""` for all), grouped at the next `delimiter`, with their types,
/// TTLs and sampled memory.
#[tauri::command]
#[specta::specta]
pub async fn keyspace_level(
    state: State<'_, AppState>,
    source: SchemaSource,
    prefix: String,
    delimiter: String,
) -> CommandResult<Keyspace> {
    let server = server(&state, source).await?;
    Ok(quantum_keyspace::keyspace(&server, &prefix, &delimiter).await?)
}

/// The key's value: a string's first 64 KiB, a collection's first 200 elements.
#[tauri::command]
#[specta::specta]
pub async fn keyspace_value(
    state: State<'_, AppState>,
    source: SchemaSource,
    key: String,
) -> CommandResult<KeyValue> {
    let server = server(&state, source).await?;
    Ok(quantum_keyspace::value(&server, &key).await?)
}
