import { useState } from "react";
import { Link, useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { Database, FileText, GitCompare, KeyRound, Rocket, RotateCcw, Server } from "lucide-react";
import clsx from "clsx";
import { api } from "../../api";
import type { DeployEnvironment, Release, ReleaseStatus } from "../../api/deploy";
import { queryKeys } from "../../api/queryKeys";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { PageHeader } from "../../components/PageHeader";
import { SkeletonRows } from "../../components/Skeleton";
import { projectQuery } from "../projects/queries";
import { DatasourcesDialog } from "./DatasourcesDialog";
import { dataSummary, durationLabel, type RunSteps } from "./deployRun";
import { ReleaseDiffDialog } from "./ReleaseDiffDialog";
import { previousLive } from "./releaseDiff";
import { RegistryLoginDialog } from "./RegistryLoginDialog";
import { ReleaseLogDialog } from "./ReleaseLogDialog";
import { RollbackDialog } from "./RollbackDialog";
import { RunPanel } from "./RunPanel";
import { kubernetesLabel, targetLabel, targetOf } from "./target";
import { TargetDialog } from "./TargetDialog";
import { useDeployRun } from "./useDeployRun";
import "./deploy.css";

const EXAMPLE = `[deploy.staging]
image = "shop"      # builds are tagged shop:<git describe>
port = 8080         # the app's port in its container
publish = 8000      # where the environment answers
health_path = "/up" # a release takes traffic once this answers`;

const statusLabels: Record<ReleaseStatus, string> = {
  building: "Building",
  starting: "Starting",
  live: "Live",
  replaced: "Kept",
  removed: "Removed",
  failed: "Failed",
  interrupted: "Interrupted",
};

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * A project's deploy environments (`[deploy.*]` in quantum.toml): each one's live release and a
 * Deploy button; the history of releases with their outcome, who and when, a log, and a one-step
 * rollback to any kept release, confirmed with both versions named.
 */
export default function DeployPage() {
  const projectId = Number(useParams().projectId);
  const project = useQuery(projectQuery(projectId));
  const environments = useQuery({ queryKey: queryKeys.deploy(projectId), queryFn: () => api.deployEnvironments(projectId) });
  const history = useQuery({ queryKey: queryKeys.deployHistory(projectId), queryFn: () => api.deployHistory(projectId, null) });
  const { run, busy, deploy, rollback, dismiss } = useDeployRun(projectId);
  const [rollingBack, setRollingBack] = useState<Release | null>(null);
  const [showingLog, setShowingLog] = useState<Release | null>(null);
  const [comparing, setComparing] = useState<{ from: Release; to: Release } | null>(null);
  const [targeting, setTargeting] = useState<DeployEnvironment | null>(null);
  const [loggingIn, setLoggingIn] = useState<string | null>(null);
  const [choosingDatasources, setChoosingDatasources] = useState<string | null>(null);

  let body;
  if (environments.isPending) body = <SkeletonRows rows={2} label="Reading the deploy environments" />;
  else if (environments.isError)
    body = <ErrorState title="The deploy environments could not be read" error={environments.error} onRetry={() => void environments.refetch()} />;
  else if (environments.data.length === 0)
    body = (
      <EmptyState
        icon={Rocket}
        title="No deploy environments yet"
        description="Declare one in quantum.toml: the app builds the project's Dockerfile, starts the release next to the live one, and switches traffic once its health check passes."
        testId="deploy-empty"
        action={
          <div className="deploy-example">
            <pre className="mono small selectable">{EXAMPLE}</pre>
            <Link to={`/projects/${projectId}/config`} className="text-link">
              Write it on the Configuration page
            </Link>
          </div>
        }
      />
    );
  else
    body = (
      <div className="deploy-environments">
        {environments.data.map((environment) => (
          <EnvironmentCard
            key={environment.declared.name}
            environment={environment}
            busy={busy}
            onDeploy={() => deploy(environment.declared.name, stepsOf(environment))}
            onTarget={() => setTargeting(environment)}
            onRegistryLogin={() => setLoggingIn(environment.declared.name)}
            onDatasources={() => setChoosingDatasources(environment.declared.name)}
          />
        ))}
      </div>
    );

  const declaredAs = (environment: string) => environments.data?.find((e) => e.declared.name === environment) ?? null;
  const live = (environment: string) => declaredAs(environment)?.live ?? null;
  return (
    <div className="page page-wide" data-testid="deploy-page">
      <PageHeader title="Deploy" description={project.data ? `Releases of ${project.data.name}` : undefined} />
      {body}
      {run && <RunPanel run={run} onDismiss={dismiss} />}
      {history.data && history.data.length > 0 && (
        <section className="panel deploy-history">
          <h2 className="section-title">History</h2>
          <table className="table" data-testid="deploy-history">
            <thead>
              <tr>
                <th>Version</th>
                <th>Environment</th>
                <th>Outcome</th>
                <th>Who and when</th>
                <th>Took</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {history.data.map((release) => (
                <ReleaseRow
                  key={release.id}
                  release={release}
                  before={previousLive(history.data, release)}
                  busy={busy}
                  onLog={() => setShowingLog(release)}
                  onCompare={(before) => setComparing({ from: before, to: release })}
                  onRollback={() => setRollingBack(release)}
                />
              ))}
            </tbody>
          </table>
        </section>
      )}
      {rollingBack && (
        <RollbackDialog
          target={rollingBack}
          live={live(rollingBack.environment)}
          onConfirm={(restoreData) => {
            const declared = declaredAs(rollingBack.environment);
            rollback(rollingBack, { data: restoreData, datasources: declared !== null && stepsOf(declared).datasources });
            setRollingBack(null);
          }}
          onClose={() => setRollingBack(null)}
        />
      )}
      {showingLog && <ReleaseLogDialog release={showingLog} onClose={() => setShowingLog(null)} />}
      {choosingDatasources && <DatasourcesDialog projectId={projectId} environment={choosingDatasources} onClose={() => setChoosingDatasources(null)} />}
      {loggingIn && <RegistryLoginDialog projectId={projectId} environment={loggingIn} onClose={() => setLoggingIn(null)} />}
      {targeting && <TargetDialog projectId={projectId} environment={targeting} onClose={() => setTargeting(null)} />}
      {comparing && <ReleaseDiffDialog from={comparing.from} to={comparing.to} onClose={() => setComparing(null)} />}
    </div>
  );
}

type EnvironmentCardProps = {
  environment: DeployEnvironment;
  busy: boolean;
  onDeploy: () => void;
  onTarget: () => void;
  onRegistryLogin: () => void;
  onDatasources: () => void;
};

function EnvironmentCard({ environment, busy, onDeploy, onTarget, onRegistryLogin, onDatasources }: EnvironmentCardProps) {
  const { declared, live } = environment;
  return (
    <section className="panel deploy-environment" data-testid="deploy-environment" data-environment={declared.name}>
      <header className="deploy-environment-header">
        <h2 className="section-title">{declared.name}</h2>
        <button type="button" className="button button-secondary" disabled={busy} onClick={onTarget} data-testid="deploy-target">
          <Server size={14} aria-hidden />
          Target
        </button>
        {!declared.kubeContext && (
          <button type="button" className="button button-secondary" disabled={busy} onClick={onDatasources} data-testid="deploy-datasources">
            <Database size={14} aria-hidden />
            Datasources
          </button>
        )}
        <button type="button" className="button button-primary" disabled={busy} onClick={onDeploy} data-testid="deploy-start">
          <Rocket size={14} aria-hidden />
          Deploy
        </button>
      </header>
      <dl className="deploy-facts">
        <dt>Serving</dt>
        <dd data-testid="deploy-live-version">
          {live ? <span className="mono">{live.version}</span> : <span className="muted">Nothing yet</span>}
          {live && environment.liveElsewhere && (
            <span className="field-hint" data-testid="deploy-live-elsewhere">
              {" "}
              on {environment.liveElsewhere}, the target before: the next deploy starts on this one
            </span>
          )}
        </dd>
        <dt>Address</dt>
        <dd className="mono selectable">{environment.url}</dd>
        <dt>Image</dt>
        <dd className="mono">{declared.image}</dd>
        {declared.kubeContext ? (
          <>
            <dt>Kubernetes</dt>
            <dd data-testid="deploy-target-label">{kubernetesLabel(declared)}</dd>
          </>
        ) : (
          <>
            <dt>Docker</dt>
            <dd data-testid="deploy-target-label">{targetLabel(targetOf(declared))}</dd>
          </>
        )}
        {(declared.datasources ?? []).length > 0 && (
          <>
            <dt>Datasources</dt>
            <dd data-testid="deploy-datasources-listed">
              <span className="mono">{(declared.datasources ?? []).join(", ")}</span>
              <span className="field-hint"> run beside its releases, which reach each by its name; made by the first deploy, kept with their data</span>
            </dd>
          </>
        )}
        {declared.push && (
          <>
            <dt>Registry</dt>
            <dd>
              <button type="button" className="button button-secondary button-small" onClick={onRegistryLogin} data-testid="deploy-registry-login">
                <KeyRound size={13} aria-hidden />
                Login…
              </button>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** The stages a run of the environment has beyond the always-there ones (a rollback restores data only when asked). */
function stepsOf(environment: DeployEnvironment): RunSteps {
  return { data: (environment.declared.migrate ?? []).length > 0, datasources: (environment.declared.datasources ?? []).length > 0 };
}

type ReleaseRowProps = {
  release: Release;
  /** The release of its environment that went live before it, to compare with. */
  before: Release | null;
  busy: boolean;
  onLog: () => void;
  onCompare: (before: Release) => void;
  onRollback: () => void;
};

function ReleaseRow({ release, before, busy, onLog, onCompare, onRollback }: ReleaseRowProps) {
  return (
    <tr data-testid="deploy-release" data-version={release.version} data-status={release.status}>
      <td>
        <div className="mono">{release.version}</div>
        <div className="small muted">
          {release.kind === "rollback" ? `Rollback to release ${release.rollbackOf ?? "?"}` : release.gitCommit?.slice(0, 10)}
        </div>
        {dataSummary(release) && (
          <div className="small muted" data-testid="deploy-release-data">
            {dataSummary(release)}
          </div>
        )}
      </td>
      <td>{release.environment}</td>
      <td>
        <span className={clsx("status-badge", `deploy-status-${release.status}`)} title={release.error ?? undefined}>
          {statusLabels[release.status]}
        </span>
      </td>
      <td>
        <div>{release.actor}</div>
        <div className="small muted">{dateFormat.format(release.startedAt)}</div>
      </td>
      <td className="small">{release.finishedAt === null ? "…" : durationLabel(release.finishedAt - release.startedAt)}</td>
      <td className="deploy-actions">
        <button type="button" className="icon-button" onClick={onLog} aria-label={`Log of release ${release.version}`} data-testid="deploy-release-log">
          <FileText size={14} aria-hidden />
        </button>
        {before && (
          <button
            type="button"
            className="icon-button"
            onClick={() => onCompare(before)}
            aria-label={`What changed from ${before.version} to ${release.version}`}
            title={`What changed from ${before.version}`}
            data-testid="deploy-release-diff"
          >
            <GitCompare size={14} aria-hidden />
          </button>
        )}
        {release.status === "replaced" && (
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={busy}
            onClick={onRollback}
            data-testid="deploy-rollback"
          >
            <RotateCcw size={13} aria-hidden />
            Roll back
          </button>
        )}
      </td>
    </tr>
  );
}
