//! A MongoDB database browsed as its users think of it: collections, views and time series with
//! their counts, sizes, indexes and validators, and the fields of a collection inferred from a
//! sample of its documents. The official driver speaks to the server (SCRAM, TLS, cursors); the
//! replies are read by pure functions ([`Collection::from_listing`], [`CollectionIndex::from_spec`],
//! [`CollectionStats::from_coll_stats`], [`infer`]) that recorded replies test without a server.

mod error;
mod infer;
mod model;

use std::time::Duration;

use bson::{doc, Document};
use futures_util::{StreamExt, TryStreamExt};
use mongodb::options::{ClientOptions, Credential, ServerAddress, Tls, TlsOptions};
use mongodb::Client;
use quantum_kernel::TlsPolicy;
use quantum_secrets::Secret;
use serde::Serialize;
use specta::Type;

pub use error::{Error, Result};
pub use infer::{infer, DocumentField, DocumentFieldType, DocumentSample};
pub use model::{
    Collection, CollectionIndex, CollectionIndexKey, CollectionKind, CollectionStats,
    CollectionValidator,
};

/// How long connecting, and any one command, may take.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Collections whose indexes and storage figures are read at once.
const CONCURRENT_COLLECTIONS: usize = 8;
/// Documents read to infer a collection's fields, unless asked for another number.
pub const DEFAULT_SAMPLE: u32 = 200;
/// The largest sample the app asks for: `$sample` over more reads the collection in full.
pub const MAX_SAMPLE: u32 = 5_000;

/// Where the database is and who reads it.
#[derive(Clone, Debug)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub database: String,
    /// Empty when the server asks for no authentication.
    pub username: String,
    pub password: Secret,
    pub tls: TlsPolicy,
}

/// The database's collections, views and time series, by name.
#[derive(Clone, Debug, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MongoDatabase {
    pub name: String,
    pub collections: Vec<Collection>,
}

impl Server {
    fn label(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// A client for this server. The driver retries a refused connection until its selection
    /// timeout; one plain TCP connect first tells a stopped server at once.
    async fn client(&self) -> Result<Client> {
        match tokio::time::timeout(
            TIMEOUT,
            tokio::net::TcpStream::connect((self.host.as_str(), self.port)),
        )
        .await
        {
            Ok(Ok(_)) => {}
            Ok(Err(error)) if error.kind() == std::io::ErrorKind::ConnectionRefused => {
                return Err(Error::Refused {
                    target: self.label(),
                })
            }
            Ok(Err(error)) => {
                return Err(Error::Unreachable {
                    target: self.label(),
                    message: error.to_string(),
                })
            }
            Err(_) => {
                return Err(Error::Timeout {
                    target: self.label(),
                    seconds: TIMEOUT.as_secs(),
                })
            }
        }
        let mut options = ClientOptions::default();
        options.hosts = vec![ServerAddress::Tcp {
            host: self.host.clone(),
            port: Some(self.port),
        }];
        // One server, as given: no discovery of a replica set's other members.
        options.direct_connection = Some(true);
        options.app_name = Some("Quantum Admin".to_owned());
        options.connect_timeout = Some(TIMEOUT);
        options.server_selection_timeout = Some(TIMEOUT);
        if !self.username.is_empty() {
            let mut credential = Credential::default();
            credential.username = Some(self.username.clone());
            credential.password = Some(self.password.expose().to_owned());
            credential.source = Some("admin".to_owned());
            options.credential = Some(credential);
        }
        options.tls = match self.tls {
            TlsPolicy::Off => None,
            policy => {
                let mut tls = TlsOptions::default();
                tls.allow_invalid_certificates = Some(policy == TlsPolicy::Unverified);
                Some(Tls::Enabled(tls))
            }
        };
        Client::with_options(options).map_err(|error| Error::from_driver(&self.label(), &error))
    }

    /// Runs one operation, its errors told in the user's terms and cut at the timeout.
    async fn run<T>(
        &self,
        operation: impl std::future::IntoFuture<Output = mongodb::error::Result<T>>,
    ) -> Result<T> {
        match tokio::time::timeout(TIMEOUT + Duration::from_secs(1), operation).await {
            Ok(result) => result.map_err(|error| Error::from_driver(&self.label(), &error)),
            Err(_) => Err(Error::Timeout {
                target: self.label(),
                seconds: TIMEOUT.as_secs(),
            }),
        }
    }
}

/// Connects and pings: what the "Add connection" form's Test button reports.
pub async fn check(server: &Server) -> Result<()> {
    let client = server.client().await?;
    server
        .run(
            client
                .database(&server.database)
                .run_command(doc! { "ping": 1 }),
        )
        .await?;
    client.shutdown().await;
    Ok(())
}

/// Lists the database's collections with their indexes and storage figures.
pub async fn database(server: &Server) -> Result<MongoDatabase> {
    let client = server.client().await?;
    let database = client.database(&server.database);
    let listing: Vec<Document> = server
        .run(async {
            database
                .run_cursor_command(doc! { "listCollections": 1 })
                .await?
                .try_collect()
                .await
        })
        .await?;
    let mut collections: Vec<Collection> = listing
        .iter()
        .filter_map(Collection::from_listing)
        .collect();
    collections.sort_by(|a, b| a.name.cmp(&b.name));

    // Owned names and handles per task: borrowed ones make the future not `Send` for every
    // lifetime, which an IPC command needs.
    let wanted: Vec<(String, CollectionKind)> = collections
        .iter()
        .map(|collection| (collection.name.clone(), collection.kind))
        .collect();
    let details = futures_util::stream::iter(wanted)
        .map(|(name, kind)| {
            let (server, database) = (server.clone(), database.clone());
            async move { details(&server, &database, &name, kind).await }
        })
        .buffered(CONCURRENT_COLLECTIONS)
        .collect::<Vec<_>>()
        .await;
    for (collection, details) in collections.iter_mut().zip(details) {
        let (indexes, stats) = details?;
        collection.indexes = indexes;
        collection.stats = stats;
    }
    client.shutdown().await;
    Ok(MongoDatabase {
        name: server.database.clone(),
        collections,
    })
}

/// A collection's indexes and storage figures; a view has neither.
async fn details(
    server: &Server,
    database: &mongodb::Database,
    name: &str,
    kind: CollectionKind,
) -> Result<(Vec<CollectionIndex>, Option<CollectionStats>)> {
    if kind == CollectionKind::View {
        return Ok((Vec::new(), None));
    }
    let specs: Vec<Document> = server
        .run(async {
            database
                .run_cursor_command(doc! { "listIndexes": name })
                .await?
                .try_collect()
                .await
        })
        .await?;
    let stats: Vec<Document> = server
        .run(async {
            database
                .collection::<Document>(name)
                .aggregate([doc! { "$collStats": { "storageStats": {} } }])
                .await?
                .try_collect()
                .await
        })
        .await?;
    Ok((
        specs
            .iter()
            .filter_map(CollectionIndex::from_spec)
            .collect(),
        stats.first().and_then(CollectionStats::from_coll_stats),
    ))
}

/// Reads `size` documents chosen at random and infers the collection's fields from them.
pub async fn sample(server: &Server, collection: &str, size: u32) -> Result<DocumentSample> {
    let client = server.client().await?;
    let database = client.database(&server.database);
    let names: Vec<String> = server
        .run(async {
            database
                .list_collection_names()
                .filter(doc! { "name": collection })
                .await
        })
        .await?;
    if names.is_empty() {
        return Err(Error::NoSuchCollection(collection.to_owned()));
    }
    let size = size.clamp(1, MAX_SAMPLE);
    let documents: Vec<Document> = server
        .run(async {
            database
                .collection::<Document>(collection)
                .aggregate([doc! { "$sample": { "size": i64::from(size) } }])
                .await?
                .try_collect()
                .await
        })
        .await?;
    client.shutdown().await;
    Ok(infer(collection, &documents))
}
