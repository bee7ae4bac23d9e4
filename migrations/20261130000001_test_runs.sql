-- Test runs: each run of a project's suites, and each test's result in it. A run's row is
-- written when it starts ('running') and completed when it ends, so a crash leaves a row the
-- next start marks as an error instead of a run that never ends.
CREATE TABLE IF NOT EXISTS test_runs (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    -- JSON array of the suites' names.
    suites      TEXT    NOT NULL,
    -- all, suite, test, rerun_failed
    trigger     TEXT    NOT NULL,
    -- running, passed, failed, error, cancelled, timed_out
    status      TEXT    NOT NULL,
    started_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    duration_ms INTEGER,
    passed      INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    git_commit  TEXT,
    git_branch  TEXT,
    git_dirty   INTEGER NOT NULL DEFAULT 0,
    -- JSON array of the command lines run, one per suite.
    commands    TEXT    NOT NULL DEFAULT '[]',
    message     TEXT
);

CREATE INDEX IF NOT EXISTS test_runs_project ON test_runs (project_id, id);

CREATE TABLE IF NOT EXISTS test_results (
    run_id      INTEGER NOT NULL REFERENCES test_runs (id) ON DELETE CASCADE,
    suite       TEXT    NOT NULL,
    -- The group inside the suite: a Rust binary or module, a file, a Go package, a class.
    "group"     TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    -- passed, failed, skipped
    status      TEXT    NOT NULL,
    duration_ms REAL,
    message     TEXT,
    output      TEXT,
    -- Passed on a retry, as the runner reported it.
    retried     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, suite, "group", name)
);

CREATE INDEX IF NOT EXISTS test_results_test ON test_results (suite, "group", name);
