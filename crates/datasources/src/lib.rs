//! Databases in containers: engines, readiness, set-up, and keeping the app's record of them true
//! to what Docker says.

pub mod connection;
pub mod env_file;
mod error;
pub mod model;
pub mod ports;
pub mod probe;
pub mod service;
pub mod streams;
mod validate;

pub use error::{Error, Result};
pub use model::{Datasource, DatasourceStatus};
pub use quantum_config::DatasourceInput;
pub use quantum_kernel::Engine;
pub use service::{ConnectionFormat, DatasourceEvent, Datasources, OrphanVolume};
