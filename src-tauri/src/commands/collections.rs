//! The collections of a MongoDB datasource or connection: their counts, sizes, indexes and
//! validators, and the fields of one inferred from a sample of its documents.

use quantum_collections::{DocumentSample, MongoDatabase, Server};
use quantum_connections::Endpoint;
use quantum_datasources::Engine;
use quantum_kernel::{ErrorInfo, TlsPolicy};
use tauri::State;

use super::schema::SchemaSource;
use super::CommandResult;
use crate::state::AppState;

/// A datasource's port on this machine, database, user and password, or a connection's server;
/// only MongoDB.
async fn server(state: &AppState, source: SchemaSource) -> CommandResult<Server> {
    match source {
        SchemaSource::Datasource(id) => {
            let (datasource, password) = state.datasources.connection_details(id).await?;
            if datasource.engine != Engine::Mongodb {
                return Err(not_mongodb(&datasource.name));
            }
            Ok(Server {
                host: quantum_datasources::connection::HOST.to_owned(),
                port: datasource.host_port,
                database: datasource.database_name,
                username: datasource.username,
                password,
                // The app's own containers listen on this machine only, without TLS.
                tls: TlsPolicy::Off,
            })
        }
        SchemaSource::Connection(id) => match state.connections.endpoint(id).await? {
            Endpoint::Mongodb(server) => Ok(server),
            _ => Err(not_mongodb(&state.connections.get(id).await?.name)),
        },
    }
}

fn not_mongodb(name: &str) -> ErrorInfo {
    ErrorInfo::new(
        "collections.not_mongodb",
        format!("“{name}” is not a MongoDB database: its structure is in the schema browser."),
    )
}

/// The database's collections, views and time series with their indexes, validators and
/// storage figures.
#[tauri::command]
#[specta::specta]
pub async fn collections_database(
    state: State<'_, AppState>,
    source: SchemaSource,
) -> CommandResult<MongoDatabase> {
    let server = server(&state, source).await?;
    Ok(quantum_collections::database(&server).await?)
}

/// The fields of `collection`, inferred from `size` documents chosen at random (200 when not
/// given, at most 5,000).
#[tauri::command]
#[specta::specta]
pub async fn collections_sample(
    state: State<'_, AppState>,
    source: SchemaSource,
    collection: String,
    size: Option<u32>,
) -> CommandResult<DocumentSample> {
    let server = server(&state, source).await?;
    let size = size.unwrap_or(quantum_collections::DEFAULT_SAMPLE);
    Ok(quantum_collections::sample(&server, &collection, size).await?)
}
