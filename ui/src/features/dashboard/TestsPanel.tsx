import { Link } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { api } from "../../api";
import { RelativeTime } from "../../components/RelativeTime";
import { SkeletonRows } from "../../components/Skeleton";
import { statusLabels } from "../tests/results";
import "../tests/tests.css";

/** Each project's last test run, linking to its Tests page. */
export function TestsPanel() {
  const runs = useQuery({ queryKey: ["dashboardTestRuns"], queryFn: api.dashboardTestRuns, refetchOnMount: "always" });
  return (
    <section className="panel" data-testid="dashboard-tests">
      <div className="panel-heading">
        <h2 className="panel-title">Last test runs</h2>
      </div>
      {!runs.data ? (
        <SkeletonRows rows={2} label="Reading the test runs" />
      ) : runs.data.length === 0 ? (
        <p className="panel-empty">No tests have run yet. A project's Tests section runs them.</p>
      ) : (
        <ul className="dashboard-runs">
          {runs.data.map(({ projectId, projectName, run }) => (
            <li key={projectId} data-testid="dashboard-test-run">
              <Link to={`/projects/${projectId}/tests`} className="text-link">
                {projectName}
              </Link>
              <span className={`test-run-badge test-run-${run.status}`} data-testid="dashboard-test-status">
                {statusLabels[run.status]}
              </span>
              <span className="muted">
                {run.counts.passed} passed · {run.counts.failed} failed
              </span>
              <RelativeTime iso={run.startedAt} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
