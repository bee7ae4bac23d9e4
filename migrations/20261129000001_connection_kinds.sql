-- Connections to Redis and MongoDB servers too. SQLite cannot change a CHECK in place: the table
-- is rebuilt with its rows (nothing references it).
CREATE TABLE connections_new (
    id               INTEGER PRIMARY KEY,
    project_id       INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name             TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    kind             TEXT    NOT NULL
                     CHECK (kind IN ('postgres', 'mysql', 'sqlite', 'redis', 'mongodb')),
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
INSERT INTO connections_new
    SELECT id, project_id, name, kind, host, port, database_name, username, keychain_account,
           tls_mode, path, created_at
    FROM connections;
DROP TABLE connections;
ALTER TABLE connections_new RENAME TO connections;
CREATE INDEX connections_by_project ON connections (project_id);
