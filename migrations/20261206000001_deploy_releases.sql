-- Releases of a project's deploy environments, newest last: each deploy and each rollback is one
-- row, whatever its outcome. Kept releases (images, stopped containers) are what rollback picks.
CREATE TABLE IF NOT EXISTS deploy_releases (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    environment    TEXT    NOT NULL,
    -- 'deploy' (built and released) or 'rollback' (a kept release's image released again).
    kind           TEXT    NOT NULL CHECK (kind IN ('deploy', 'rollback')),
    -- The release a rollback released again.
    rollback_of    INTEGER REFERENCES deploy_releases (id) ON DELETE SET NULL,
    version        TEXT    NOT NULL DEFAULT '',
    git_commit     TEXT,
    -- The tag (`shop:v1.2`) and the image ID the container runs (tags move, IDs do not).
    image          TEXT    NOT NULL DEFAULT '',
    image_id       TEXT,
    container_name TEXT,
    -- building, starting (health check), live, replaced (stopped, kept), removed (pruned),
    -- failed, interrupted (the app stopped mid-way).
    status         TEXT    NOT NULL CHECK (status IN
                       ('building', 'starting', 'live', 'replaced', 'removed', 'failed', 'interrupted')),
    error          TEXT,
    -- Who asked: the OS user.
    actor          TEXT    NOT NULL,
    -- The environment's settings and variable names it ran with (JSON), for the diff.
    settings       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
    -- Unix milliseconds.
    started_at     INTEGER NOT NULL,
    finished_at    INTEGER,
    -- The build and release log (at most 1 MiB, its end kept).
    log            TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS deploy_releases_by_environment
    ON deploy_releases (project_id, environment, id);
