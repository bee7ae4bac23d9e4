import { Link } from "react-router";
import { useQuery } from "@tanstack/react-query";
import clsx from "clsx";
import { api } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { useRefetchOnIncidents } from "../health/queries";
import { SkeletonRows } from "../../components/Skeleton";

const healthLabels = { up: "Up", down: "Down", paused: "Paused", pending: "Not checked yet" } as const;

/**
 * What every project serves: each deploy environment's live release, when it went live, and its
 * health check's state, linking to the project's Deploy page. Refetched when a deploy ends or a
 * check changes state.
 */
export function DeploysPanel() {
  const serving = useQuery({ queryKey: queryKeys.dashboardDeploys, queryFn: api.dashboardDeploys, refetchOnMount: "always" });
  useRefetchOnIncidents(queryKeys.dashboardDeploys);
  return (
    <section className="panel" data-testid="dashboard-deploys">
      <div className="panel-heading">
        <h2 className="panel-title">Deploys</h2>
      </div>
      {!serving.data ? (
        <SkeletonRows rows={2} label="Reading the deploys" />
      ) : serving.data.length === 0 ? (
        <p className="panel-empty">Nothing deployed yet. A project's Deploy section releases it to the environments its quantum.toml declares.</p>
      ) : (
        <ul className="dashboard-runs">
          {serving.data.map(({ projectName, release, health }) => (
            <li key={release.id} data-testid="dashboard-deploy" data-environment={release.environment}>
              <Link to={`/projects/${release.projectId}/deploy`} className="text-link">
                {projectName} · {release.environment}
              </Link>
              <span className="mono">{release.version}</span>
              <span className="muted">{new Date(release.finishedAt ?? release.startedAt).toLocaleString()}</span>
              <span
                className={clsx("status-badge", health === "up" && "status-badge-ready", health === "down" && "status-badge-error")}
                data-testid="dashboard-deploy-health"
                data-health={health ?? "pending"}
              >
                {healthLabels[health ?? "pending"]}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
