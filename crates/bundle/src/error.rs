//! What can go wrong reading or writing a bundle, including what its parts report.

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error(transparent)]
    Secrets(#[from] quantum_secrets::Error),
    #[error(transparent)]
    Config(#[from] quantum_config::Error),
    #[error(transparent)]
    Variables(#[from] quantum_variables::Error),
    #[error("This file is not a Quantum Admin bundle. Choose a file exported by Quantum Admin.")]
    BundleNotABundle,
    #[error("This bundle uses format version {version}, which this version of Quantum Admin cannot read. Update the app and import it again.")]
    BundleUnsupportedVersion { version: u8 },
    #[error("The bundle is damaged: {reason}. Export it again.")]
    BundleCorrupt { reason: String },
    #[error("The passphrase is wrong, or the file was changed or cut short. Check the passphrase and the file.")]
    BundleWrongPassphrase,
}

domain_error!(Error);

impl Error {
    pub(crate) fn crypto(message: impl Into<String>) -> Self {
        Self::Secrets(quantum_secrets::Error::Crypto(message.into()))
    }

    fn part(&self) -> Option<&dyn Coded> {
        match self {
            Self::Kernel(error) => Some(error),
            Self::Secrets(error) => Some(error),
            Self::Config(error) => Some(error),
            Self::Variables(error) => Some(error),
            _ => None,
        }
    }
}

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::BundleNotABundle => "bundle.not_a_bundle",
            Self::BundleUnsupportedVersion { .. } => "bundle.unsupported_version",
            Self::BundleCorrupt { .. } => "bundle.corrupt",
            Self::BundleWrongPassphrase => "bundle.wrong_passphrase",
            _ => self.part().map_or("bundle.corrupt", Coded::code),
        }
    }

    fn field(&self) -> Option<&'static str> {
        self.part().and_then(Coded::field)
    }

    fn is_fault(&self) -> bool {
        self.part().is_some_and(Coded::is_fault)
    }
}
