-- Datasources: database servers in containers, one per row. The password is not here: the OS
-- keychain holds it under the account named by keychain_account.
CREATE TABLE datasources (
    id                 INTEGER PRIMARY KEY,
    -- RESTRICT: a project with datasources cannot be deleted from under them.
    project_id         INTEGER NOT NULL REFERENCES projects (id) ON DELETE RESTRICT,
    name               TEXT    NOT NULL,
    engine             TEXT    NOT NULL,
    image              TEXT    NOT NULL,
    host_port          INTEGER NOT NULL CHECK (host_port BETWEEN 1 AND 65535),
    database_name      TEXT    NOT NULL,
    username           TEXT    NOT NULL,
    keychain_account   TEXT    NOT NULL,
    volume_name        TEXT    NOT NULL,
    auto_start         INTEGER NOT NULL DEFAULT 1,
    ready_timeout_secs INTEGER NOT NULL DEFAULT 120,
    container_id       TEXT,
    status             TEXT    NOT NULL DEFAULT 'creating',
    status_reason      TEXT,
    created_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- The name is also the container's name: unique like Docker's, regardless of case.
CREATE UNIQUE INDEX datasources_name_unique ON datasources (name COLLATE NOCASE);
-- Two datasources never claim the same host port.
CREATE UNIQUE INDEX datasources_host_port_unique ON datasources (host_port);
CREATE INDEX datasources_project ON datasources (project_id);
