-- The digest of a run's uncommitted changes (`git diff HEAD`), for runs on a dirty tree: two
-- such runs with the same digest ran the same code, so a test that passed in one and failed in
-- the other is flaky. A table of its own: the migration stays safe to run again.
CREATE TABLE IF NOT EXISTS test_runs_changes (
    run_id INTEGER PRIMARY KEY REFERENCES test_runs (id) ON DELETE CASCADE,
    digest TEXT NOT NULL
);
