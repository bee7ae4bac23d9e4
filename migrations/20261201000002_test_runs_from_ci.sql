-- Test results read from a CI run's JUnit artifacts sit in the project's test history beside
-- local runs (trigger 'ci'); this table names the CI run each came from, so that a CI run is
-- read once.
CREATE TABLE IF NOT EXISTS test_runs_ci (
    run_id     INTEGER PRIMARY KEY REFERENCES test_runs (id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    ci_run_id  INTEGER NOT NULL,
    UNIQUE (project_id, ci_run_id)
);
