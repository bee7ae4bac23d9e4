-- What a Kubernetes release applied: its objects as one YAML stream (its variables are not in
-- it: they live in the cluster, in the Secret `secret` names), so that a rollback applies exactly
-- that again. A table of its own so that the migration can run again over what it made.
CREATE TABLE IF NOT EXISTS deploy_release_manifests (
    release_id INTEGER PRIMARY KEY REFERENCES deploy_releases (id) ON DELETE CASCADE,
    manifests  TEXT    NOT NULL,
    secret     TEXT
);
