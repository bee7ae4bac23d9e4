//! Databases in containers: engines, readiness, set-up.

pub mod connection;
pub mod engine;
pub mod ports;

pub use engine::Engine;
