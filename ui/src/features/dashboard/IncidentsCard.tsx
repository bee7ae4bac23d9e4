import { Link } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { HeartPulse } from "lucide-react";
import { api } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { useRefetchOnIncidents } from "../health/queries";
import { Skeleton } from "../../components/Skeleton";
import { projectsQuery } from "../projects/queries";

/** The health checks failing now, across projects, each linking to its project's Health page. */
export function IncidentsCard() {
  // Incidents open and close while the dashboard is not shown: read afresh each time it is.
  const incidents = useQuery({ queryKey: queryKeys.openIncidents, queryFn: api.healthOpenIncidents, refetchOnMount: "always" });
  const projects = useQuery(projectsQuery);
  useRefetchOnIncidents(queryKeys.openIncidents);
  const name = (projectId: number) => projects.data?.find((p) => p.id === projectId)?.name ?? "a project";
  const open = incidents.data ?? [];
  return (
    <section className={open.length > 0 ? "stat-card stat-card-alert" : "stat-card"} data-testid="stat-incidents">
      <div className="stat-card-label">
        <HeartPulse size={15} aria-hidden />
        Open incidents
      </div>
      <div className="stat-card-value">{incidents.data ? open.length : incidents.isError ? "—" : <Skeleton width={40} height={28} />}</div>
      <div className="stat-card-note">
        {open.length === 0 ? (
          "Every health check passes."
        ) : (
          <span className="stat-card-breakdown">
            {open.slice(0, 3).map((incident) => (
              <Link key={incident.id} to={`/projects/${incident.projectId}/health`} className="text-link" data-testid="stat-incident">
                {incident.check} — {name(incident.projectId)}
              </Link>
            ))}
            {open.length > 3 && <span className="muted">and {open.length - 3} more</span>}
          </span>
        )}
      </div>
    </section>
  );
}
