//! What can go wrong listing, rendering or writing a template.

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error("There is no template “{id}”. Choose one of the list.")]
    NotFound { id: String },
    #[error("{path} is not a template: it has no template.toml (its metadata) and files/ folder.")]
    NotATemplate { path: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("{message}")]
    Option { key: String, message: String },
    #[error("{template}: {path} could not be rendered: {message}")]
    Render {
        template: String,
        path: String,
        message: String,
    },
    #[error("{folder} already holds {entries} file{} or folder{}. Choose an empty or new folder, or write into this one (files of the same name are replaced).", if *entries == 1 { "" } else { "s" }, if *entries == 1 { "" } else { "s" })]
    FolderNotEmpty { folder: String, entries: usize },
    #[error("This template folder is already in the list.")]
    FolderListed,
}

domain_error!(Error);

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::Kernel(error) => error.code(),
            Self::NotFound { .. } => "template.not_found",
            Self::NotATemplate { .. } => "template.not_a_template",
            Self::Invalid { .. } => "template.invalid",
            Self::Option { .. } => "template.invalid_option",
            Self::Render { .. } => "template.render_failed",
            Self::FolderNotEmpty { .. } => "template.folder_not_empty",
            Self::FolderListed => "template.folder_listed",
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Kernel(error) => error.field(),
            Self::Option { .. } => Some("options"),
            Self::FolderNotEmpty { .. } => Some("folder"),
            Self::NotATemplate { .. } | Self::Invalid { .. } | Self::FolderListed => Some("path"),
            _ => None,
        }
    }

    fn is_fault(&self) -> bool {
        matches!(self, Self::Kernel(error) if error.is_fault())
    }
}
