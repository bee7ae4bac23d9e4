-- Every saved text of a project's quantum.toml: saved in the app, noticed on disk, restored or
-- imported. The file on disk stays the source of truth; this is its history.
CREATE TABLE config_versions (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    saved_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    source       TEXT    NOT NULL CHECK (source IN ('app', 'disk', 'restore', 'import')),
    content_hash TEXT    NOT NULL,
    content      TEXT    NOT NULL
);

CREATE INDEX config_versions_project ON config_versions (project_id, id);

-- Secret variables. The value is in the secret store (OS keychain or encrypted vault) under
-- keychain_account; here only what identifies it, and a keyed hash to compare values by.
CREATE TABLE secrets (
    id               INTEGER PRIMARY KEY,
    project_id       INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    environment      TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    keychain_account TEXT    NOT NULL,
    fingerprint      TEXT    NOT NULL,
    created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE UNIQUE INDEX secrets_name_unique ON secrets (project_id, environment, name);
