//! The Redis keyspace of a datasource of the app's: one level of prefixes at a time, and a key's
//! value by its type.

use quantum_datasources::Engine;
use quantum_kernel::ErrorInfo;
use quantum_keyspace::{KeyValue, Keyspace, Server};
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

/// Its port on this machine and its password from the keychain; only Redis datasources.
async fn server(state: &AppState, datasource_id: i64) -> CommandResult<Server> {
    let (datasource, password) = state.datasources.connection_details(datasource_id).await?;
    if datasource.engine != Engine::Redis {
        return Err(ErrorInfo::new(
            "keyspace.not_redis",
            format!(
                "“{}” is not a Redis database: its tables are in the schema browser.",
                datasource.name
            ),
        ));
    }
    Ok(Server {
        host: quantum_datasources::connection::HOST.to_owned(),
        port: datasource.host_port,
        password,
    })
}

/// The keys under `prefix` (`""` for all), grouped at the next `delimiter`, with their types,
/// TTLs and sampled memory.
#[tauri::command]
#[specta::specta]
pub async fn keyspace_level(
    state: State<'_, AppState>,
    datasource_id: i64,
    prefix: String,
    delimiter: String,
) -> CommandResult<Keyspace> {
    let server = server(&state, datasource_id).await?;
    Ok(quantum_keyspace::keyspace(&server, &prefix, &delimiter).await?)
}

/// The key's value: a string's first 64 KiB, a collection's first 200 elements.
#[tauri::command]
#[specta::specta]
pub async fn keyspace_value(
    state: State<'_, AppState>,
    datasource_id: i64,
    key: String,
) -> CommandResult<KeyValue> {
    let server = server(&state, datasource_id).await?;
    Ok(quantum_keyspace::value(&server, &key).await?)
}
