import { useState } from "react";
import { Link } from "react-router";
import { GitBranch, Play, Workflow } from "lucide-react";
import type { CiOverview, CiRun, CiWorkflow } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { RelativeTime } from "../../components/RelativeTime";
import { CiStatusBadge } from "./CiStatusBadge";
import { DispatchDialog } from "./DispatchDialog";
import { runPath } from "./status";

/**
 * Each workflow with its latest run on the folder's branch and on the default branch, and "Run"
 * for each: the provider says when a workflow cannot be started by hand.
 */
export function WorkflowsPanel({ projectId, overview }: { projectId: number; overview: CiOverview }) {
  const [dispatching, setDispatching] = useState<CiWorkflow | null>(null);
  const gitlab = overview.repository.provider === "gitlab";
  const current = overview.currentBranch;
  const runLabel = gitlab ? "Run pipeline" : "Run workflow";

  return (
    <section className="panel" aria-labelledby="ci-workflows-title" data-testid="ci-workflows">
      <h2 className="panel-title" id="ci-workflows-title">
        {gitlab ? "Pipeline" : "Workflows"}
      </h2>
      {overview.workflows.length === 0 ? (
        <EmptyState
          icon={Workflow}
          title={gitlab ? "No pipeline yet" : "No workflows yet"}
          description={
            gitlab ? (
              <>
                GitLab runs the pipeline of the repository's <code>.gitlab-ci.yml</code>; there is none yet.
              </>
            ) : (
              <>
                GitHub runs the workflows of the repository's <code>.github/workflows</code>; there are none yet.
              </>
            )
          }
          testId="ci-no-workflows"
        />
      ) : (
        <table className="table ci-workflow-table">
          <colgroup>
            <col />
            <col style={{ width: "27%" }} />
            <col style={{ width: "27%" }} />
            <col style={{ width: "136px" }} />
          </colgroup>
          <thead>
            <tr>
              <th>{gitlab ? "Pipeline" : "Workflow"}</th>
              <th title="The branch checked out in the project's folder">
                <span className="ci-branch-heading">
                  <GitBranch size={12} aria-hidden />
                  <span className="cell-truncate">{current ?? "No branch checked out"}</span>
                </span>
              </th>
              <th>
                <span className="ci-branch-heading">
                  <GitBranch size={12} aria-hidden />
                  <span className="cell-truncate">{overview.defaultBranch} (default)</span>
                </span>
              </th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {overview.workflows.map(({ workflow, current: onCurrent, default: onDefault }) => (
              <tr key={workflow.id} data-testid="ci-workflow" data-workflow-name={workflow.name}>
                <td>
                  <span className="cell-truncate ci-workflow-name">{workflow.name}</span>
                  <span className="cell-truncate muted small mono">{workflow.path}</span>
                </td>
                <LatestCell projectId={projectId} run={onCurrent} testId="ci-latest-current" />
                <LatestCell projectId={projectId} run={onDefault} testId="ci-latest-default" />
                <td>
                  <button
                    type="button"
                    className="button button-small button-secondary"
                    onClick={() => setDispatching(workflow)}
                    data-testid="ci-dispatch-open"
                  >
                    <Play size={12} aria-hidden />
                    {runLabel}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {dispatching && (
        <DispatchDialog
          projectId={projectId}
          workflow={dispatching}
          provider={overview.repository.provider}
          defaultRef={current ?? overview.defaultBranch}
          onClose={() => setDispatching(null)}
        />
      )}
    </section>
  );
}

function LatestCell({ projectId, run, testId }: { projectId: number; run: CiRun | null; testId: string }) {
  if (!run) {
    return (
      <td data-testid={testId}>
        <span className="muted small">No run</span>
      </td>
    );
  }
  return (
    <td data-testid={testId} data-status={run.status} data-run-id={run.id}>
      <Link to={runPath(projectId, run.id)} className="ci-latest" title={run.title}>
        <CiStatusBadge status={run.status} />
        <span className="ci-run-number">#{run.number}</span>
        <span className="muted small">
          <RelativeTime iso={run.createdAt} />
        </span>
      </Link>
    </td>
  );
}
