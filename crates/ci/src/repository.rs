//! A project's CI repository setting, one row per project; the token is never here.

use quantum_kernel::Store;
use sqlx::Row;

use crate::error::Result;
use crate::model::{CiRepository, ProviderKind, TokenSource};

pub async fn get(store: &Store, project_id: i64) -> Result<Option<CiRepository>> {
    let row = sqlx::query(
        "SELECT provider, api_url, path, token_source FROM ci_repositories WHERE project_id = ?",
    )
    .bind(project_id)
    .fetch_optional(store.pool())
    .await?;
    Ok(row.and_then(|row| {
        Some(CiRepository {
            provider: ProviderKind::parse(row.get("provider"))?,
            api_url: row.get("api_url"),
            path: row.get("path"),
            token_source: match row.get::<&str, _>("token_source") {
                "cli" => TokenSource::Cli,
                _ => TokenSource::Keychain,
            },
        })
    }))
}

/// The projects that have a CI repository.
pub async fn projects(store: &Store) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT project_id FROM ci_repositories ORDER BY project_id")
            .fetch_all(store.pool())
            .await?,
    )
}

pub async fn put(
    conn: &mut sqlx::SqliteConnection,
    project_id: i64,
    repository: &CiRepository,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO ci_repositories (project_id, provider, api_url, path, token_source)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (project_id) DO UPDATE SET provider = excluded.provider,
             api_url = excluded.api_url, path = excluded.path,
             token_source = excluded.token_source,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    )
    .bind(project_id)
    .bind(repository.provider.as_str())
    .bind(&repository.api_url)
    .bind(&repository.path)
    .bind(match repository.token_source {
        TokenSource::Keychain => "keychain",
        TokenSource::Cli => "cli",
    })
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut sqlx::SqliteConnection, project_id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM ci_repositories WHERE project_id = ?")
        .bind(project_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
