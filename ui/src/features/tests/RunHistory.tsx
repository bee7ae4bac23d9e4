import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { GitCompare } from "lucide-react";
import clsx from "clsx";
import { api, type TestRef, type TestRun } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { ErrorState } from "../../components/ErrorState";
import { RelativeTime } from "../../components/RelativeTime";
import { SkeletonRows } from "../../components/Skeleton";
import { formatDuration, statusLabels } from "./results";
import { TrendChart } from "./TrendChart";

const triggerLabels: Record<TestRun["trigger"], string> = { all: "all", suite: "suites", test: "one test", rerun_failed: "rerun failed", ci: "CI" };

/**
 * The project's kept runs (newest first): pick one to see its results, tick two to compare them;
 * the trend of pass rate and duration; the flaky tests.
 */
export function RunHistory({ projectId, shown, onShow }: { projectId: number; shown: number | null; onShow: (runId: number) => void }) {
  const runs = useQuery({ queryKey: [...queryKeys.tests(projectId), "runs"], queryFn: () => api.testsRuns(projectId) });
  const trend = useQuery({ queryKey: [...queryKeys.tests(projectId), "trend"], queryFn: () => api.testsTrend(projectId) });
  const flaky = useQuery({ queryKey: [...queryKeys.tests(projectId), "flaky"], queryFn: () => api.testsFlaky(projectId) });
  const [ticked, setTicked] = useState<number[]>([]);
  const [comparing, setComparing] = useState<[number, number] | null>(null);

  if (runs.isPending) return <SkeletonRows rows={4} label="Reading the test history" />;
  if (runs.isError) return <ErrorState title="The test history could not be read" error={runs.error} onRetry={() => void runs.refetch()} />;
  if (runs.data.length === 0) return null;
  const tick = (id: number, on: boolean) => setTicked((previous) => (on ? [...previous.filter((x) => x !== id), id].slice(-2) : previous.filter((x) => x !== id)));

  return (
    <section className="panel" aria-labelledby="test-history-title" data-testid="test-history">
      <header className="test-history-header">
        <h2 className="panel-title" id="test-history-title">
          History
        </h2>
        <button
          type="button"
          className="button button-secondary button-small"
          disabled={ticked.length !== 2}
          onClick={() => setComparing([Math.min(...ticked), Math.max(...ticked)] as [number, number])}
          title="Tick two runs to compare them"
          data-testid="test-compare"
        >
          <GitCompare size={13} aria-hidden />
          Compare
        </button>
      </header>
      {trend.data && trend.data.length > 1 && <TrendChart points={trend.data} />}
      <table className="table test-runs">
        <thead>
          <tr>
            <th aria-label="Compare" />
            <th>Run</th>
            <th>Result</th>
            <th>Tests</th>
            <th>Commit</th>
            <th>Took</th>
            <th>Started</th>
          </tr>
        </thead>
        <tbody>
          {runs.data.map((run) => (
            <tr key={run.id} className={clsx(run.id === shown && "selected")} data-testid="test-run-row" data-run-id={run.id} data-status={run.status}>
              <td>
                <input type="checkbox" aria-label={`Compare run ${run.id}`} checked={ticked.includes(run.id)} onChange={(event) => tick(run.id, event.target.checked)} />
              </td>
              <td>
                <button type="button" className="text-link test-run-show" onClick={() => onShow(run.id)} data-testid="test-run-show">
                  #{run.id} · {run.trigger === "ci" && run.message ? `from ${run.message}` : triggerLabels[run.trigger]}
                </button>
              </td>
              <td>
                <span className={`test-run-badge test-run-${run.status}`} title={run.message ?? undefined}>
                  {statusLabels[run.status]}
                </span>
              </td>
              <td>
                {run.counts.passed} passed{run.counts.failed > 0 && `, ${run.counts.failed} failed`}
                {run.counts.skipped > 0 && `, ${run.counts.skipped} skipped`}
              </td>
              <td className="mono">
                {run.git.commit ? `${run.git.branch ?? "detached"}@${run.git.commit.slice(0, 8)}${run.git.dirty ? " +changes" : ""}` : "—"}
              </td>
              <td>{formatDuration(run.durationMs)}</td>
              <td>
                <RelativeTime iso={run.startedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {flaky.data && flaky.data.length > 0 && (
        <div className="test-flaky" data-testid="test-flaky">
          <h3>Flaky tests</h3>
          <ul>
            {flaky.data.map((f) => (
              <li key={`${f.test.suite}/${f.test.group}/${f.test.name}`} data-testid="test-flaky-item">
                <span className="mono">{f.test.name}</span> <span className="muted">({f.test.suite})</span> — {f.reason} Passed {f.passed}, failed {f.failed}{" "}
                in the kept runs.
              </li>
            ))}
          </ul>
        </div>
      )}
      {comparing && <CompareDialog older={comparing[0]} newer={comparing[1]} onClose={() => setComparing(null)} />}
    </section>
  );
}

function CompareDialog({ older, newer, onClose }: { older: number; newer: number; onClose: () => void }) {
  const comparison = useQuery({ queryKey: [...queryKeys.testRun(newer), "against", older], queryFn: () => api.testsCompare(older, newer) });
  const list = (title: string, tests: TestRef[], testId: string) =>
    tests.length > 0 && (
      <div data-testid={testId}>
        <h3>
          {title} ({tests.length})
        </h3>
        <ul className="test-compare-list">
          {tests.map((t) => (
            <li key={`${t.suite}/${t.group}/${t.name}`} className="mono">
              {t.name} <span className="muted">{t.suite}</span>
            </li>
          ))}
        </ul>
      </div>
    );
  return (
    <Dialog open title={`Run #${newer} against run #${older}`} onClose={onClose} testId="test-compare-dialog">
      {comparison.isPending && <SkeletonRows rows={3} label="Comparing" />}
      {comparison.isError && <ErrorState title="The runs could not be compared" error={comparison.error} onRetry={() => void comparison.refetch()} />}
      {comparison.data && (
        <div className="test-compare">
          {list("New failures", comparison.data.newFailures, "compare-new-failures")}
          {list("Fixed", comparison.data.fixed, "compare-fixed")}
          {list("Still failing", comparison.data.stillFailing, "compare-still-failing")}
          {comparison.data.slower.length > 0 && (
            <div data-testid="compare-slower">
              <h3>Slower by half again or more ({comparison.data.slower.length})</h3>
              <ul className="test-compare-list">
                {comparison.data.slower.map((s) => (
                  <li key={`${s.test.suite}/${s.test.group}/${s.test.name}`} className="mono">
                    {s.test.name}: {formatDuration(s.beforeMs)} → {formatDuration(s.afterMs)}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {comparison.data.newFailures.length + comparison.data.fixed.length + comparison.data.stillFailing.length + comparison.data.slower.length === 0 && (
            <p className="muted">No test changed outcome, and none got slower.</p>
          )}
        </div>
      )}
    </Dialog>
  );
}
