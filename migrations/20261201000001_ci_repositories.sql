-- A project's CI repository: which provider, its API root, the repository's path there and where
-- its token comes from. The token itself is in the keychain (or the provider's command line),
-- never here.
CREATE TABLE IF NOT EXISTS ci_repositories (
    project_id   INTEGER PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    -- github, gitlab
    provider     TEXT    NOT NULL,
    api_url      TEXT    NOT NULL,
    path         TEXT    NOT NULL,
    -- keychain, cli
    token_source TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
