//! The SQLite fixture database, made fresh for a test, and its inspected schema.

use std::path::{Path, PathBuf};

use quantum_schema::{inspect, Schema, Target};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

pub async fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("shop.sqlite3");
    let mut conn = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .connect()
        .await
        .expect("create");
    sqlx::raw_sql(include_str!("../fixtures/shop.sqlite.sql"))
        .execute(&mut conn)
        .await
        .expect("fixture");
    conn.close().await.expect("close");
    path
}

pub async fn shop() -> (tempfile::TempDir, Schema) {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path()).await;
    let schema = inspect(&Target::Sqlite(path)).await.expect("inspect");
    (dir, schema)
}

/// Compares `text` with the golden file; `UPDATE_GOLDEN=1` rewrites it (review the diff).
pub fn golden(name: &str, text: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, text).expect("write golden");
    }
    let expected = std::fs::read_to_string(&path).expect("golden file");
    assert_eq!(text, expected, "{} differs", path.display());
}
