-- Test results read from a CI run's JUnit artifacts sit in the project's test history beside
-- local runs (trigger 'ci'); the CI run's id keeps one import per CI run.
ALTER TABLE test_runs ADD COLUMN ci_run_id INTEGER;

CREATE UNIQUE INDEX IF NOT EXISTS test_runs_ci_run ON test_runs (project_id, ci_run_id)
    WHERE ci_run_id IS NOT NULL;
