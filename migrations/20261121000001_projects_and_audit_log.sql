-- Projects: the unit a user organises their local stack by.
CREATE TABLE projects (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    folder      TEXT,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- "Shop" and "shop" are the same project to a person reading a list.
CREATE UNIQUE INDEX projects_name_unique ON projects (name COLLATE NOCASE);

-- The audit log: one row per mutation, written in the mutation's own transaction.
-- project_id has no foreign key on purpose: history outlives the project it describes.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    action        TEXT    NOT NULL,
    resource_type TEXT    NOT NULL,
    resource_id   INTEGER,
    resource_name TEXT    NOT NULL,
    project_id    INTEGER,
    details       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(details))
);

-- Keyset paging newest-first, alone or under one filter, stays an index walk at any size.
CREATE INDEX audit_log_project       ON audit_log (project_id, id);
CREATE INDEX audit_log_action        ON audit_log (action, id);
CREATE INDEX audit_log_resource_type ON audit_log (resource_type, id);
CREATE INDEX audit_log_occurred_at   ON audit_log (occurred_at);
