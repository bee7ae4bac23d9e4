//! The user's preferences. The shell persists them (tauri-plugin-store); the core owns their shape
//! and defaults so that every layer agrees on them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::datasources::Engine;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    Light,
    Dark,
    /// Follows the operating system's light or dark mode.
    #[default]
    System,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    Error,
    Warn,
    #[default]
    Info,
    Debug,
    Trace,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub theme: Theme,
    /// Closing the window hides it to the tray instead of quitting.
    pub close_to_tray: bool,
    pub log_level: LogLevel,
    /// Images that replace the official default per engine, e.g. a company mirror or a pinned tag.
    pub engine_images: BTreeMap<Engine, String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            theme: Theme::System,
            close_to_tray: true,
            log_level: LogLevel::Info,
            engine_images: BTreeMap::new(),
        }
    }
}

impl Settings {
    /// Reads saved settings. Missing fields take their defaults, so a file written by an older
    /// version still loads; unknown fields are ignored.
    pub fn from_saved(saved: serde_json::Value) -> Result<Self, serde_json::Error> {
        let mut merged = serde_json::to_value(Self::default())?;
        if let (Some(merged), serde_json::Value::Object(saved)) = (merged.as_object_mut(), saved) {
            merged.extend(saved);
        }
        serde_json::from_value(merged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_settings_file_keeps_the_defaults_for_what_it_lacks() {
        let settings = Settings::from_saved(serde_json::json!({ "theme": "dark", "removed": 1 }))
            .expect("partial settings parse");
        assert_eq!(settings.theme, Theme::Dark);
        assert!(settings.close_to_tray);
        assert_eq!(settings.log_level, LogLevel::Info);
    }

    #[test]
    fn a_wrong_value_is_an_error_not_a_silent_default() {
        assert!(Settings::from_saved(serde_json::json!({ "theme": "neon" })).is_err());
    }
}
