import { useParams, useSearchParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { Settings2 } from "lucide-react";
import { api } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { ErrorState } from "../../components/ErrorState";
import { PageHeader } from "../../components/PageHeader";
import { SkeletonRows } from "../../components/Skeleton";
import { CiProblem } from "./CiProblem";
import { CiSetupForm } from "./CiSetupForm";
import { RunList } from "./RunList";
import { providerLabels } from "./status";
import { useCiWatch } from "./useCiWatch";
import { WatchStatusStrip } from "./WatchStatusStrip";
import { WorkflowsPanel } from "./WorkflowsPanel";
import "./ci.css";

/**
 * A project's CI: the set-up until a repository is chosen; then each workflow's latest run on
 * the checked-out and the default branch, and the runs. The core's watcher keeps it current
 * while the page is open (`useCiWatch`); the page itself never polls. `?setup` opens the set-up.
 */
export default function CiPage() {
  const projectId = Number(useParams().projectId);
  const [params, setParams] = useSearchParams();
  const setup = useQuery({ queryKey: queryKeys.ciSetup(projectId), queryFn: () => api.ciSetup(projectId) });
  const repository = setup.data?.repository ?? null;
  useCiWatch(projectId, null, repository !== null);

  const editing = params.has("setup") || (setup.data !== undefined && repository === null);
  const openSetup = () => setParams({ setup: "" }, { replace: true });
  const closeSetup = () => setParams({}, { replace: true });

  let body;
  if (setup.isPending) body = <SkeletonRows rows={4} label="Reading the project's repository" />;
  else if (setup.isError) body = <ErrorState title="The CI set-up could not be read" error={setup.error} onRetry={() => void setup.refetch()} />;
  else if (editing)
    body = <CiSetupForm key={repository?.path ?? ""} projectId={projectId} setup={setup.data} onSaved={closeSetup} onCancel={repository ? closeSetup : null} />;
  else body = <Overview projectId={projectId} onSetup={openSetup} />;

  return (
    <div className="page page-wide" data-testid="ci-page">
      <PageHeader
        title="CI"
        description={
          repository ? (
            <span data-testid="ci-repository">
              {providerLabels[repository.provider]} · <span className="mono">{repository.path}</span>
            </span>
          ) : (
            "The GitHub Actions or GitLab CI of the project's repository: runs, jobs and their logs, watched live."
          )
        }
        actions={
          repository &&
          !editing && (
            <button type="button" className="button button-secondary" onClick={openSetup} data-testid="ci-settings">
              <Settings2 size={14} aria-hidden />
              Repository settings
            </button>
          )
        }
      />
      {body}
    </div>
  );
}

function Overview({ projectId, onSetup }: { projectId: number; onSetup: () => void }) {
  const overview = useQuery({ queryKey: queryKeys.ciOverview(projectId), queryFn: () => api.ciOverview(projectId) });
  let content;
  if (overview.data) {
    // Shown even when a later read failed: the status strip says why it may be out of date.
    content = (
      <>
        <WorkflowsPanel projectId={projectId} overview={overview.data} />
        <RunList projectId={projectId} overview={overview.data} onSetup={onSetup} />
      </>
    );
  } else if (overview.isError) {
    content = <CiProblem error={overview.error} title="The CI overview could not be read" onSetup={onSetup} onRetry={() => void overview.refetch()} />;
  } else {
    content = <SkeletonRows rows={5} label="Reading the workflows" />;
  }
  return (
    <>
      <WatchStatusStrip projectId={projectId} onSetup={onSetup} />
      {content}
    </>
  );
}
