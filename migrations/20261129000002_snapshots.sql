-- Snapshots: whole copies of a datasource's data volume, each in a Docker volume of its own.
-- A row is written before its volume is made and marked ready after the copy is on disk, so that
-- a crash at any moment leaves a row that says what to clean up ('copying', 'restore_target'),
-- never a volume nobody knows.
CREATE TABLE IF NOT EXISTS snapshots (
    id            INTEGER PRIMARY KEY,
    -- RESTRICT: the shell deletes a datasource's snapshots (their volumes) before the datasource.
    datasource_id INTEGER NOT NULL REFERENCES datasources (id) ON DELETE RESTRICT,
    volume_name   TEXT    NOT NULL UNIQUE,
    -- The datasource's image when taken: its data directory's format.
    image         TEXT    NOT NULL,
    -- What took it: manual, before_apply, before_rollback, before_restore, before_copy.
    trigger       TEXT    NOT NULL,
    -- The migrations an apply or rollback ran, the snapshot a restore brought back, a user's note.
    detail        TEXT    NOT NULL DEFAULT '',
    -- copying, ready; restore_target is a restore's new data volume while it is filled.
    state         TEXT    NOT NULL,
    size_bytes    INTEGER,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX IF NOT EXISTS snapshots_datasource ON snapshots (datasource_id, created_at);
