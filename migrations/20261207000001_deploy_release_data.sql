-- What a release did to the project's data (JSON): the migrations a deploy applied with the
-- snapshot taken before them, and the snapshots a rollback restored.
ALTER TABLE deploy_releases ADD COLUMN data TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data));
