import { Link } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { api, type CiRun } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { SkeletonRows } from "../../components/Skeleton";
import { CiStatusBadge } from "../ci/CiStatusBadge";
import { ciPath } from "../ci/status";
import "../ci/ci.css";

/**
 * Each project's CI on its folder's branch, as the watcher last read it (no request to the
 * provider): every workflow's latest run, linking to the project's CI page. Refetched when a
 * watcher reads a change.
 */
export function CiPanel() {
  const seen = useQuery({ queryKey: queryKeys.dashboardCi, queryFn: api.dashboardCi, refetchOnMount: "always" });
  return (
    <section className="panel" data-testid="dashboard-ci">
      <div className="panel-heading">
        <h2 className="panel-title">CI</h2>
      </div>
      {!seen.data ? (
        <SkeletonRows rows={2} label="Reading the CI status" />
      ) : seen.data.length === 0 ? (
        <p className="panel-empty">No project's CI has been read yet. A project's CI section connects its repository.</p>
      ) : (
        <ul className="dashboard-runs">
          {seen.data.map(({ projectId, overview }) => {
            const branch = overview.currentBranch ?? overview.defaultBranch;
            const runs = overview.workflows
              .map((latest) => latest.current ?? (overview.currentBranch ? null : latest.default))
              .filter((run): run is CiRun => run !== null);
            return (
              <li key={projectId} data-testid="dashboard-ci-project">
                <Link to={ciPath(projectId)} className="text-link">
                  {overview.repository.path}
                </Link>
                <span className="muted mono">{branch}</span>
                {runs.length === 0 ? (
                  <span className="muted">no runs on this branch</span>
                ) : (
                  runs.map((run) => (
                    <span key={run.id} title={`${run.workflowName} #${run.number}`} className="dashboard-ci-run">
                      <CiStatusBadge status={run.status} compact testId="dashboard-ci-status" />
                      {run.workflowName}
                    </span>
                  ))
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
