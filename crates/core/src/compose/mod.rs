//! The project's stack as compose files: its databases exported as `compose.yaml`, and a compose
//! project's database services imported as datasources.

mod export;
mod import;
mod rewrite;

pub use export::*;
pub use import::*;
