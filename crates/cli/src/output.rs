//! What the command line prints: text for people (columns aligned), or JSON for scripts.

use std::io::Write;

use quantum_kernel::ErrorInfo;
use serde::Serialize;
use tabwriter::TabWriter;

pub struct Output {
    json: bool,
}

impl Output {
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    pub fn json(&self) -> bool {
        self.json
    }

    /// One JSON document on stdout (with `--json`).
    pub fn document<T: Serialize>(&self, value: &T) {
        let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_owned());
        println!("{text}");
    }

    /// One JSON line on stdout (a stream's item, with `--json`); false once stdout is closed.
    pub fn line<T: Serialize>(&self, value: &T) -> bool {
        let text = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
        let mut out = std::io::stdout().lock();
        writeln!(out, "{text}").and_then(|()| out.flush()).is_ok()
    }

    /// Rows of cells in aligned columns, the first row a header.
    pub fn table(&self, indent: &str, rows: &[Vec<String>]) {
        let mut writer = TabWriter::new(Vec::new()).padding(2);
        for row in rows {
            let _ = writeln!(writer, "{indent}{}", row.join("\t"));
        }
        if let Ok(bytes) = writer.into_inner() {
            print!("{}", String::from_utf8_lossy(&bytes));
        }
    }

    /// An error: `error[code]: message` for people, `{"error":{…}}` for scripts; on stderr.
    pub fn error(&self, error: &ErrorInfo) {
        if self.json {
            let text = serde_json::json!({ "error": error });
            eprintln!("{text}");
        } else {
            match &error.field {
                Some(field) => eprintln!("error[{}] ({field}): {}", error.code, error.message),
                None => eprintln!("error[{}]: {}", error.code, error.message),
            }
        }
    }
}
