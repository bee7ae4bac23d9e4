import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, Download, FlaskConical, RotateCcw, Square } from "lucide-react";
import { toast } from "sonner";
import { api, errorMessage, type CiJob, type CiRun, type ProviderKind } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { PageHeader } from "../../components/PageHeader";
import { RelativeTime } from "../../components/RelativeTime";
import { SkeletonRows } from "../../components/Skeleton";
import { ArtifactsPanel } from "./ArtifactsPanel";
import { CiProblem } from "./CiProblem";
import { CiStatusBadge } from "./CiStatusBadge";
import { downloadZip } from "./download";
import { JobsPanel } from "./JobsPanel";
import { ciPath, formatSeconds, isActive, runDuration } from "./status";
import { useCiWatch } from "./useCiWatch";
import { WatchStatusStrip } from "./WatchStatusStrip";
import "./ci.css";

/**
 * One run: what started it, its jobs as a graph or a list with each job's steps and log, its
 * artifacts; re-run, cancel, and the logs as a zip. The watcher reads this run while it is shown
 * and pushes its changes.
 */
export default function CiRunPage() {
  const params = useParams();
  const projectId = Number(params.projectId);
  const runId = Number(params.runId);
  const navigate = useNavigate();
  const setup = useQuery({ queryKey: queryKeys.ciSetup(projectId), queryFn: () => api.ciSetup(projectId) });
  const provider = setup.data?.repository?.provider ?? null;
  useCiWatch(projectId, runId, provider !== null);
  const detail = useQuery({ queryKey: queryKeys.ciRun(projectId, runId), queryFn: () => api.ciRun(projectId, runId) });
  const openSetup = () => void navigate(`${ciPath(projectId)}?setup`);

  const backLink = (
    <Link to={ciPath(projectId)} className="back-link" data-testid="ci-run-back">
      <ArrowLeft size={14} aria-hidden />
      CI
    </Link>
  );
  if (!detail.data) {
    return (
      <div className="page page-wide" data-testid="ci-run-page">
        {backLink}
        {detail.isError ? (
          <CiProblem error={detail.error} title="The run could not be read" onSetup={openSetup} onRetry={() => void detail.refetch()} />
        ) : (
          <SkeletonRows rows={6} label="Reading the run" />
        )}
      </div>
    );
  }

  const { run, jobs } = detail.data;
  return (
    <div className="page page-wide" data-testid="ci-run-page">
      {backLink}
      <PageHeader
        title={run.title}
        description={<RunFacts run={run} />}
        actions={<RunActions projectId={projectId} run={run} jobs={jobs} provider={provider} />}
      />
      <WatchStatusStrip projectId={projectId} onSetup={openSetup} />
      <JobsPanel projectId={projectId} jobs={jobs} />
      <ArtifactsPanel projectId={projectId} runId={run.id} provider={provider} />
    </div>
  );
}

function RunFacts({ run }: { run: CiRun }) {
  const seconds = runDuration(run);
  return (
    <span className="ci-run-facts">
      <CiStatusBadge status={run.status} testId="ci-run-status" />
      <span>
        #{run.number}
        {run.attempt > 1 && ` (attempt ${run.attempt})`}
      </span>
      <span>{run.workflowName}</span>
      <span className="mono">{run.branch}</span>
      <span className="mono" title={run.sha}>
        {run.sha.slice(0, 7)}
      </span>
      <span>
        {run.event} by {run.actor}
      </span>
      <span>
        {run.startedAt ? "started " : "created "}
        <RelativeTime iso={run.startedAt ?? run.createdAt} />
      </span>
      {seconds !== null && <span>took {formatSeconds(seconds)}</span>}
    </span>
  );
}

function RunActions({ projectId, run, jobs, provider }: { projectId: number; run: CiRun; jobs: CiJob[]; provider: ProviderKind | null }) {
  const queryClient = useQueryClient();
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const active = isActive(run.status);
  const failed = jobs.some((job) => job.status === "failure");
  // The watcher pushes what follows; reading at once shows the change without waiting for it.
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.ciRun(projectId, run.id) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.ciRunLists(projectId) });
  };
  const rerun = useMutation({
    mutationFn: (failedOnly: boolean) => api.ciRerun(projectId, run.id, failedOnly),
    onSuccess: (_nothing, failedOnly) => {
      toast.success(failedOnly ? "Re-running the failed jobs" : "Re-running all jobs");
      refresh();
    },
    onError: (error) => toast.error("The run was not started again", { description: errorMessage(error) }),
  });
  const cancel = useMutation({
    mutationFn: () => api.ciCancel(projectId, run.id),
    onSuccess: () => {
      toast.success("Cancelling the run");
      setConfirmingCancel(false);
      refresh();
    },
    onError: (error) => toast.error("The run was not cancelled", { description: errorMessage(error) }),
  });
  const download = useMutation({ mutationFn: () => downloadZip(projectId, run.id, null, "the run's logs", `run-${run.number}-logs.zip`) });
  const importTests = useMutation({
    mutationFn: () => api.ciImportTests(projectId, run.id),
    onSuccess: (historyRun) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.tests(projectId) });
      if (historyRun === null) toast.info("This run's test results are in the Tests history already");
      else toast.success("Test results read", { description: `${run.workflowName} #${run.number} is in the Tests history, beside the local runs.` });
    },
    onError: (error) => toast.error("The test results were not read", { description: errorMessage(error) }),
  });

  return (
    <>
      {provider === "github" && (
        <button
          type="button"
          className="button button-secondary"
          onClick={() => download.mutate()}
          disabled={download.isPending}
          title="Save every job's log in one zip"
          data-testid="ci-download-logs"
        >
          <Download size={14} aria-hidden />
          Download logs
        </button>
      )}
      {provider === "github" && (
        <button
          type="button"
          className="button button-secondary"
          onClick={() => importTests.mutate()}
          disabled={active || importTests.isPending}
          title="Read the JUnit reports among the run's artifacts into the Tests history"
          data-testid="ci-import-tests"
        >
          <FlaskConical size={14} aria-hidden />
          Read test results
        </button>
      )}
      <button
        type="button"
        className="button button-secondary"
        onClick={() => rerun.mutate(true)}
        disabled={active || !failed || rerun.isPending}
        title={active ? "The run is still going" : failed ? undefined : "No job failed"}
        data-testid="ci-rerun-failed"
      >
        <RotateCcw size={14} aria-hidden />
        Re-run failed jobs
      </button>
      <button
        type="button"
        className="button button-secondary"
        onClick={() => rerun.mutate(false)}
        disabled={active || rerun.isPending}
        title={active ? "The run is still going" : undefined}
        data-testid="ci-rerun"
      >
        <RotateCcw size={14} aria-hidden />
        Re-run all jobs
      </button>
      {active && (
        <button type="button" className="button button-danger-quiet" onClick={() => setConfirmingCancel(true)} data-testid="ci-cancel">
          <Square size={14} aria-hidden />
          Cancel
        </button>
      )}
      <Dialog
        open={confirmingCancel}
        size="small"
        title="Cancel the run?"
        onClose={() => !cancel.isPending && setConfirmingCancel(false)}
        testId="ci-cancel-dialog"
      >
        <div className="dialog-body">
          <p>
            The provider stops run #{run.number} of {run.workflowName}: its running jobs end as cancelled, and the queued ones do not start.
          </p>
        </div>
        <footer className="dialog-footer">
          <button type="button" className="button button-secondary" onClick={() => setConfirmingCancel(false)} disabled={cancel.isPending} data-autofocus>
            Keep it running
          </button>
          <button type="button" className="button button-danger" onClick={() => cancel.mutate()} disabled={cancel.isPending} data-testid="ci-cancel-confirm">
            Cancel the run
          </button>
        </footer>
      </Dialog>
    </>
  );
}
