//! The resource manager: every listening port on the machine and who holds it, the machine's
//! processes, and everything the Docker daemon holds (not only the app's), with a prune that
//! previews exactly what it deletes and never includes a datasource's data by default.
//!
//! Reading sockets and processes blocks (it reads the OS's tables): the shell and the core call
//! [`ports`] and [`Processes`] from a blocking thread.

mod docker;
mod error;
pub mod ports;
mod processes;

pub use docker::{
    prune, remove_container, remove_image, remove_network, remove_volume, ContainerRow,
    DockerInventory, KeptItem, Owners, Protection, PruneItem, PruneKind, PruneOptions,
    PruneOutcome, PrunePlan, VolumeRow,
};
pub use error::{Error, Result};
pub use ports::{Holder, ListeningPort, Protocol};
pub use processes::{EndOutcome, ProcessEntry, ProcessRef, Processes};
