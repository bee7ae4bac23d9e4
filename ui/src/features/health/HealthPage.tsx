import { useState } from "react";
import { Link, useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { HeartPulse, Pause, Pencil, Play, Plus, RefreshCw, Trash2 } from "lucide-react";
import { toast } from "sonner";
import { api, errorMessage, type CheckStatus, type HealthOverview } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { PageHeader } from "../../components/PageHeader";
import { RelativeTime } from "../../components/RelativeTime";
import { SkeletonRows } from "../../components/Skeleton";
import { CheckFormDialog } from "./CheckFormDialog";
import { RemoveCheckDialog } from "./RemoveCheckDialog";
import { ReportMenu } from "./ReportMenu";
import { WebhookPanel } from "./WebhookPanel";
import { useCheckNow, useHealthEvents, usePause } from "./queries";
import { uptimeLabel } from "./uptime";
import { projectQuery } from "../projects/queries";
import "./health.css";

const EXAMPLE = `[[health]]
name = "api"
target = "http://127.0.0.1:8000/health"
interval = 30
conditions = ["[STATUS] == 200", "[RESPONSE_TIME] < 500"]`;

const stateLabels: Record<CheckStatus["state"], string> = { pending: "Not run yet", up: "Up", down: "Down", paused: "Paused" };

/**
 * A project's health checks, declared in its quantum.toml as `[[health]]` and run in the
 * background by the core: each check's state, its last results and uptime, its incidents; a check,
 * or all of them, paused for an hour. Pushed: every result refetches (no polling).
 */
export default function HealthPage() {
  const projectId = Number(useParams().projectId);
  const project = useQuery(projectQuery(projectId));
  useHealthEvents(projectId);
  const overview = useQuery({ queryKey: queryKeys.health(projectId), queryFn: () => api.healthOverview(projectId) });
  const pause = usePause(projectId);
  // The check being edited: `null` for a new one, `undefined` while the form is closed.
  const [editing, setEditing] = useState<CheckStatus | null | undefined>(undefined);
  const [removing, setRemoving] = useState<CheckStatus | null>(null);
  const togglePause = (check: string | null, paused: boolean) =>
    pause.mutate(
      { check, minutes: paused ? null : 60 },
      { onError: (error) => toast.error("The pause was not changed", { description: errorMessage(error) }) },
    );

  let body;
  if (overview.isPending) body = <SkeletonRows rows={3} label="Reading the health checks" />;
  else if (overview.isError)
    body = <ErrorState title="The health checks could not be read" error={overview.error} onRetry={() => void overview.refetch()} />;
  else if (overview.data.checks.length === 0)
    body = (
      <EmptyState
        icon={HeartPulse}
        title="No health checks yet"
        description="Declare them in quantum.toml; they run in the background while the app runs, and three failures in a row open an incident."
        testId="health-empty"
        action={
          <div className="health-example">
            <button type="button" className="button button-primary" onClick={() => setEditing(null)} data-testid="health-add-first">
              <Plus size={14} aria-hidden />
              Add a check
            </button>
            <pre className="mono small selectable">{EXAMPLE}</pre>
            <Link to={`/projects/${projectId}/config`} className="text-link">
              Or write it on the Configuration page
            </Link>
          </div>
        }
      />
    );
  else
    body = (
      <Checks projectId={projectId} overview={overview.data} onTogglePause={togglePause} onEdit={setEditing} onRemove={setRemoving} />
    );

  const allPaused = overview.data?.pausedUntil ?? null;
  return (
    <div className="page page-wide" data-testid="health-page">
      <PageHeader
        title="Health"
        description="Checks from quantum.toml ([[health]]), run in the background: HTTP, TCP, a database, a container."
        actions={
          overview.data &&
          overview.data.checks.length > 0 && (
            <>
              <button type="button" className="button button-secondary" onClick={() => setEditing(null)} data-testid="health-add">
                <Plus size={14} aria-hidden />
                Add check
              </button>
              <button
              type="button"
              className="button button-secondary"
              onClick={() => togglePause(null, allPaused !== null)}
              data-testid="health-pause-all"
            >
              {allPaused ? <Play size={14} aria-hidden /> : <Pause size={14} aria-hidden />}
                {allPaused ? "Resume all" : "Pause all for an hour"}
              </button>
              <ReportMenu projectId={projectId} projectName={project.data?.name ?? "project"} />
            </>
          )
        }
      />
      {body}
      {overview.data && overview.data.checks.length > 0 && <WebhookPanel projectId={projectId} />}
      {editing !== undefined && <CheckFormDialog projectId={projectId} check={editing} onClose={() => setEditing(undefined)} />}
      {removing && <RemoveCheckDialog projectId={projectId} check={removing} onClose={() => setRemoving(null)} />}
    </div>
  );
}

function Checks({
  projectId,
  overview,
  onTogglePause,
  onEdit,
  onRemove,
}: {
  projectId: number;
  overview: HealthOverview;
  onTogglePause: (check: string | null, paused: boolean) => void;
  onEdit: (check: CheckStatus) => void;
  onRemove: (check: CheckStatus) => void;
}) {
  const checkNow = useCheckNow(projectId);
  const open = overview.incidents.filter((incident) => incident.endedAt === null);
  return (
    <>
      {open.length > 0 && (
        <p className="health-alert" role="alert" data-testid="health-open-incidents">
          {open.length === 1 ? "1 open incident" : `${open.length} open incidents`}: {open.map((i) => i.check).join(", ")}
        </p>
      )}
      <section className="panel">
        <table className="table" data-testid="health-checks">
          <thead>
            <tr>
              <th>Check</th>
              <th>State</th>
              <th>Last runs</th>
              <th>Uptime (7 days)</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {overview.checks.map((check) => {
              const last = check.recent.at(-1);
              return (
                <tr key={check.name} data-testid="health-check" data-name={check.name}>
                  <td>
                    <strong>{check.name}</strong>
                    <div className="small mono muted cell-truncate" title={check.conditions.join("\n")}>
                      {check.target} · every {check.intervalSecs} s
                    </div>
                  </td>
                  <td>
                    <span className={`health-state health-state-${check.state}`} data-testid="health-state" data-state={check.state}>
                      {stateLabels[check.state]}
                    </span>
                    {last && !last.ok && last.message && <div className="small muted">{last.message}</div>}
                  </td>
                  <td>
                    <div className="health-beats" aria-label={`Last ${check.recent.length} runs`}>
                      {check.recent.map((result) => (
                        <span
                          key={result.at}
                          className={result.ok ? "health-beat health-beat-ok" : "health-beat health-beat-fail"}
                          title={`${result.at}: ${result.ok ? "passed" : (result.message ?? "failed")}${result.responseMs === null ? "" : ` (${result.responseMs} ms)`}`}
                        />
                      ))}
                    </div>
                    {last?.responseMs != null && <div className="small muted">{last.responseMs} ms</div>}
                  </td>
                  <td data-testid="health-uptime">{uptimeLabel(check.uptime)}</td>
                  <td className="health-actions">
                    <button
                      type="button"
                      className="icon-button"
                      title="Check now"
                      aria-label={`Check ${check.name} now`}
                      disabled={checkNow.isPending}
                      onClick={() =>
                        checkNow.mutate(check.name, {
                          onError: (error) => toast.error(`“${check.name}” could not run`, { description: errorMessage(error) }),
                        })
                      }
                    >
                      <RefreshCw size={14} aria-hidden />
                    </button>
                    <button
                      type="button"
                      className="icon-button"
                      title={check.pausedUntil ? "Resume" : "Pause for an hour"}
                      aria-label={check.pausedUntil ? `Resume ${check.name}` : `Pause ${check.name} for an hour`}
                      onClick={() => onTogglePause(check.name, check.pausedUntil !== null)}
                    >
                      {check.pausedUntil ? <Play size={14} aria-hidden /> : <Pause size={14} aria-hidden />}
                    </button>
                    <button type="button" className="icon-button" title="Edit" aria-label={`Edit ${check.name}`} onClick={() => onEdit(check)}>
                      <Pencil size={14} aria-hidden />
                    </button>
                    <button
                      type="button"
                      className="icon-button icon-button-danger"
                      title="Remove from quantum.toml"
                      aria-label={`Remove ${check.name}`}
                      onClick={() => onRemove(check)}
                    >
                      <Trash2 size={14} aria-hidden />
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <section className="panel health-incidents" aria-label="Incidents">
        <h2 className="panel-title">Incidents</h2>
        {overview.incidents.length === 0 ? (
          <p className="muted">None: every check has passed since it was declared, or failed fewer times in a row than it allows.</p>
        ) : (
          <ul className="health-incident-list">
            {overview.incidents.map((incident) => (
              <li key={incident.id} className="health-incident" data-testid="health-incident" data-open={incident.endedAt === null}>
                <strong>{incident.check}</strong>{" "}
                <span className={incident.endedAt === null ? "health-state health-state-down" : "muted"}>
                  {incident.endedAt === null ? "Open" : "Closed"}
                </span>{" "}
                <span className="small muted">
                  since <RelativeTime iso={incident.startedAt} />
                  {incident.endedAt && (
                    <>
                      , ended <RelativeTime iso={incident.endedAt} />
                    </>
                  )}
                </span>
                <div className="small mono">{incident.failing}</div>
                {incident.lastResponse && <div className="small mono muted cell-truncate">{incident.lastResponse}</div>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
