//! Databases in containers: engines, readiness, set-up.

pub mod connection;
pub mod engine;
pub mod env_file;
pub mod model;
pub mod ports;
pub mod probe;
pub mod service;
pub mod streams;

pub use engine::Engine;
pub use model::{Datasource, DatasourceStatus};
pub use service::{ConnectionFormat, DatasourceEvent, DatasourceInput, Datasources, OrphanVolume};
