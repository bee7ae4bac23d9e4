-- What a release did to the project's data (JSON): the migrations a deploy applied with the
-- snapshot taken before them, and the snapshots a rollback restored. A table of its own (not a
-- column of deploy_releases) so that the migration can run again over what it made.
CREATE TABLE IF NOT EXISTS deploy_release_data (
    release_id INTEGER PRIMARY KEY REFERENCES deploy_releases (id) ON DELETE CASCADE,
    data       TEXT    NOT NULL CHECK (json_valid(data))
);
