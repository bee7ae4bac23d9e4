import { useCallback, useState } from "react";
import { useParams } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FlaskConical, FolderOpen, Play, RotateCcw, Square } from "lucide-react";
import { toast } from "sonner";
import { api, errorMessage, type TestCaseResult, type TestRef, type TestRunInput } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { PageHeader } from "../../components/PageHeader";
import { ProgressBar } from "../../components/ProgressBar";
import { SkeletonRows } from "../../components/Skeleton";
import { liveRunStore, useLiveRun } from "./liveRuns";
import { formatDuration, statusLabels, testKey } from "./results";
import { ResultsTree } from "./ResultsTree";
import { RunHistory } from "./RunHistory";
import { StartDatasourcesDialog } from "./StartDatasourcesDialog";
import { forgetStartChoice, startChoice, startDecision } from "./startChoice";
import { TerminalView } from "./TerminalView";
import { TestDetail } from "./TestDetail";
import { SuitesPanel } from "./SuitesPanel";
import "./tests.css";

type Selection = Pick<TestRunInput["request"], "suites" | "tests" | "rerunFailed">;

/**
 * A project's tests: its suites, Run (all, one suite, one test, the last failures), the output
 * live in a terminal with the counts, the results as a tree with each failure's detail, and the
 * history with its trend, comparisons and flaky tests.
 */
export default function TestsPage() {
  const projectId = Number(useParams().projectId);
  const queryClient = useQueryClient();
  const suites = useQuery({ queryKey: [...queryKeys.tests(projectId), "suites"], queryFn: () => api.testsSuites(projectId) });
  const environments = useQuery({ queryKey: [...queryKeys.project(projectId), "variables"], queryFn: () => api.variablesList(projectId) });
  const live = useLiveRun(projectId);
  const [environment, setEnvironment] = useState<string>("");
  const [asking, setAsking] = useState<Selection | null>(null);
  const [remembered, setRemembered] = useState(() => startChoice(projectId));
  const [shownRun, setShownRun] = useState<number | null>(null);
  const [selected, setSelected] = useState<TestCaseResult | null>(null);
  const follow = useCallback(
    (write: (text: string) => void, clear: () => void) => {
      const store = liveRunStore(projectId);
      const stop = store.follow(write, clear);
      return () => void stop();
    },
    [projectId],
  );
  const shown = useQuery({
    queryKey: queryKeys.testRun(shownRun ?? 0),
    queryFn: () => api.testsRunDetail(shownRun!),
    enabled: shownRun !== null,
  });

  const run = useMutation({
    mutationFn: ({ selection, startDatasources }: { selection: Selection; startDatasources: boolean }) =>
      liveRunStore(projectId).start({
        request: { projectId, ...selection },
        environment: environment || null,
        startDatasources,
      }),
    onMutate: () => {
      setShownRun(null);
      setSelected(null);
    },
    onSuccess: (finished) => {
      const text = `${finished.counts.passed} passed, ${finished.counts.failed} failed, ${finished.counts.skipped} skipped`;
      if (finished.status === "passed") toast.success("Tests passed", { description: text });
      else if (finished.status === "failed") toast.error("Tests failed", { description: text });
      else toast.warning(statusLabels[finished.status], { description: finished.message ?? undefined });
    },
    onError: (error) => toast.error("The tests could not run", { description: errorMessage(error), duration: Infinity }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.tests(projectId) }),
  });
  const cancel = useMutation({ mutationFn: () => api.testsCancel(projectId) });

  const start = (selection: Selection) => {
    const decision = startDecision(suites.data?.stoppedDatasources.length ?? 0, remembered);
    if (decision === "ask") setAsking(selection);
    else run.mutate({ selection, startDatasources: decision === "start" });
  };
  const stopped = suites.data?.stoppedDatasources ?? [];
  const running = live.running || run.isPending || (suites.data?.running ?? null) !== null;

  let body;
  if (suites.isPending) body = <SkeletonRows rows={4} label="Looking for the project's tests" />;
  else if (suites.isError) body = <ErrorState title="The test suites could not be read" error={suites.error} onRetry={() => void suites.refetch()} />;
  else if (!suites.data.folder)
    body = (
      <EmptyState
        icon={FolderOpen}
        title="This project has no folder"
        description="Tests run from the project's folder. Choose it in the project's settings on its overview."
        testId="tests-no-folder"
      />
    );
  else if (suites.data.suites.length === 0)
    body = (
      <EmptyState
        icon={FlaskConical}
        title="No test suite found"
        description={
          <>
            The app looks for Cargo.toml, package.json (Vitest, Jest or a test script), pytest settings and go.mod in {suites.data.folder}. For
            anything else, declare a suite in quantum.toml: <code>[tests.unit]</code> with <code>command = "make test"</code>.
          </>
        }
        testId="tests-none"
      />
    );
  else {
    const results = shownRun !== null ? (shown.data?.results ?? []) : live.results;
    const counts = shownRun !== null ? shown.data?.run.counts : live.counts;
    const finished = shownRun !== null ? shown.data?.run : live.run;
    const current = selected && results.find((r) => testKey(r) === testKey(selected));
    body = (
      <>
        {stopped.length > 0 && remembered !== null && (
          <p className="muted tests-start-note" data-testid="tests-start-note">
            {stopped.map((d) => d.name).join(", ")} {stopped.length === 1 ? "is" : "are"} stopped:{" "}
            {remembered ? "started before each run" : "left stopped when tests run"} (remembered).{" "}
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => {
                forgetStartChoice(projectId);
                setRemembered(null);
              }}
              data-testid="tests-start-ask-again"
            >
              Ask again
            </button>
          </p>
        )}
        <SuitesPanel projectId={projectId} suites={suites.data.suites} running={running} onRun={(suite) => start({ suites: [suite], tests: [], rerunFailed: false })} />
        {(live.running || live.run || live.error || shownRun !== null) && (
          <section className="panel test-live" aria-label="Run" data-testid="test-live">
            <div className="test-live-status">
              <span data-testid="test-run-status" data-status={live.running && shownRun === null ? "running" : (finished?.status ?? "")}>
                {shownRun !== null
                  ? `Run #${shownRun}: ${finished ? statusLabels[finished.status] : "…"}`
                  : live.running
                    ? `Running ${live.currentSuite ?? "…"}`
                    : finished
                      ? `${statusLabels[finished.status]} in ${formatDuration(finished.durationMs)}`
                      : live.error}
              </span>
              {counts && (
                <span className="test-counts" data-testid="test-counts">
                  <span className="test-status-passed">{counts.passed} passed</span>
                  <span className="test-status-failed">{counts.failed} failed</span>
                  <span className="muted">{counts.skipped} skipped</span>
                </span>
              )}
              {finished?.message && <span className="muted test-live-message">{finished.message}</span>}
            </div>
            {shownRun === null && (
              <ProgressBar
                fraction={live.running ? null : 1}
                label={live.running ? "Tests running" : "Tests finished"}
                testId="test-progress"
              />
            )}
            {shownRun === null && <TerminalView follow={follow} testId="test-terminal" />}
            <div className="test-results">
              <ResultsTree results={results} selected={current ? testKey(current) : null} onSelect={setSelected} />
              {current ? (
                <TestDetail
                  projectId={projectId}
                  result={current}
                  running={running}
                  onRun={() => start({ suites: [], tests: [refOf(current)], rerunFailed: false })}
                />
              ) : (
                <p className="muted test-detail-empty">Choose a test to see its message and output.</p>
              )}
            </div>
          </section>
        )}
        <RunHistory projectId={projectId} shown={shownRun} onShow={(id) => (setShownRun(id), setSelected(null))} />
      </>
    );
  }

  const hasFailures = (live.run?.counts.failed ?? 0) > 0 || (suites.data && !live.run);
  return (
    <div className="page page-wide" data-testid="tests-page">
      <PageHeader
        title="Tests"
        description="The project's own test suites, run here with its databases and variables; every run kept, compared and watched for flaky tests."
        actions={
          <div className="page-header-actions">
            {(environments.data?.environments.length ?? 0) > 0 && (
              <label>
                <span className="visually-hidden">Environment</span>
                <select className="input" value={environment} onChange={(event) => setEnvironment(event.target.value)} data-testid="tests-environment">
                  <option value="">No environment's variables</option>
                  {environments.data?.environments.map((name) => (
                    <option key={name} value={name}>
                      With {name}'s variables
                    </option>
                  ))}
                </select>
              </label>
            )}
            {running ? (
              <button type="button" className="button button-danger" onClick={() => cancel.mutate()} data-testid="tests-cancel">
                <Square size={14} aria-hidden />
                Cancel
              </button>
            ) : (
              <>
                <button
                  type="button"
                  className="button button-secondary"
                  disabled={!suites.data?.suites.length || !hasFailures}
                  onClick={() => start({ suites: [], tests: [], rerunFailed: true })}
                  data-testid="tests-rerun-failed"
                >
                  <RotateCcw size={14} aria-hidden />
                  Rerun failed
                </button>
                <button
                  type="button"
                  className="button button-primary"
                  disabled={!suites.data?.suites.length}
                  onClick={() => start({ suites: [], tests: [], rerunFailed: false })}
                  data-testid="tests-run-all"
                >
                  <Play size={14} aria-hidden />
                  Run tests
                </button>
              </>
            )}
          </div>
        }
      />
      {body}
      {asking && suites.data && (
        <StartDatasourcesDialog
          projectId={projectId}
          datasources={suites.data.stoppedDatasources}
          onChoose={(startDatasources) => {
            setRemembered(startChoice(projectId));
            run.mutate({ selection: asking, startDatasources });
            setAsking(null);
          }}
          onClose={() => setAsking(null)}
        />
      )}
    </div>
  );
}

const refOf = (result: TestCaseResult): TestRef => ({ suite: result.suite, group: result.group, name: result.name });
