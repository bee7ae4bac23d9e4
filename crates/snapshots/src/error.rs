//! What can go wrong with a snapshot, said so that the user knows what to do.

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error(transparent)]
    Datasources(#[from] quantum_datasources::Error),
    #[error(transparent)]
    Docker(#[from] quantum_docker::Error),
    #[error("There is no snapshot {0}: it was deleted. Refresh the list.")]
    NotFound(i64),
    #[error("This snapshot was taken with the image {taken}, and the datasource now runs {current}: their data directories may not be compatible. Set the datasource's image back to {taken} to restore it.")]
    ImageChanged { taken: String, current: String },
    #[error("Copying the data failed: {0}. The datasource's data is untouched.")]
    CopyFailed(String),
}

impl Coded for Error {
    fn is_fault(&self) -> bool {
        match self {
            Self::Kernel(error) => error.is_fault(),
            Self::Datasources(error) => error.is_fault(),
            Self::Docker(error) => error.is_fault(),
            Self::CopyFailed(_) => true,
            _ => false,
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Kernel(error) => error.field(),
            Self::Datasources(error) => error.field(),
            _ => None,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Kernel(error) => error.code(),
            Self::Datasources(error) => error.code(),
            Self::Docker(error) => error.code(),
            Self::NotFound(_) => "snapshot.not_found",
            Self::ImageChanged { .. } => "snapshot.image_changed",
            Self::CopyFailed(_) => "snapshot.copy_failed",
        }
    }
}

domain_error!(Error);
