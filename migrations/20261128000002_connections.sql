-- Databases a project reaches that the app did not start: a server over the network (its password
-- in the keychain, like the containers'), or a SQLite file.
CREATE TABLE connections (
    id               INTEGER PRIMARY KEY,
    project_id       INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name             TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    kind             TEXT    NOT NULL CHECK (kind IN ('postgres', 'mysql', 'sqlite')),
    host             TEXT,
    port             INTEGER CHECK (port BETWEEN 1 AND 65535),
    database_name    TEXT,
    username         TEXT,
    keychain_account TEXT,
    tls_mode         TEXT    NOT NULL DEFAULT 'prefer'
                     CHECK (tls_mode IN ('disable', 'prefer', 'require', 'verifyFull')),
    path             TEXT,
    created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (project_id, name),
    CHECK ((kind = 'sqlite') = (path IS NOT NULL))
);
CREATE INDEX connections_by_project ON connections (project_id);
