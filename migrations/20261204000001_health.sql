-- Health checks: each run's result (kept 30 days), the incidents that N failures in a row open
-- and a success closes, and pauses (a check, or all of a project's with check_name '').
CREATE TABLE IF NOT EXISTS health_results (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    check_name  TEXT    NOT NULL,
    at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ok          INTEGER NOT NULL,
    response_ms INTEGER,
    message     TEXT
);
CREATE INDEX IF NOT EXISTS health_results_by_check ON health_results (project_id, check_name, at);

CREATE TABLE IF NOT EXISTS health_incidents (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    check_name    TEXT    NOT NULL,
    started_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ended_at      TEXT,
    failing       TEXT    NOT NULL,
    last_response TEXT
);
CREATE INDEX IF NOT EXISTS health_incidents_by_project ON health_incidents (project_id, started_at);

CREATE TABLE IF NOT EXISTS health_pauses (
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    check_name TEXT    NOT NULL DEFAULT '',
    until      TEXT    NOT NULL,
    PRIMARY KEY (project_id, check_name)
);
