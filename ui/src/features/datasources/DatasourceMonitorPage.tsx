import { Link, Navigate, NavLink, useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, DatabaseZap } from "lucide-react";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { PageHeader } from "../../components/PageHeader";
import { SkeletonRows } from "../../components/Skeleton";
import { projectQuery } from "../projects/queries";
import { DatasourceStatusBadge } from "./DatasourceStatusBadge";
import { LogViewer } from "./LogViewer";
import { datasourcesQuery } from "./queries";
import { engineLabels } from "./status";
import { StatsView } from "./StatsView";

const views = [
  { view: "logs", label: "Logs" },
  { view: "stats", label: "Stats" },
] as const;

/** A datasource's live log or statistics, at `/projects/:projectId/databases/:datasourceId/:view`. */
export function DatasourceMonitorPage() {
  const params = useParams();
  const projectId = Number(params.projectId);
  const datasourceId = Number(params.datasourceId);
  const view = params.view;
  const valid = Number.isInteger(projectId) && Number.isInteger(datasourceId);
  const project = useQuery({ ...projectQuery(projectId), enabled: valid });
  const datasources = useQuery({ ...datasourcesQuery(projectId), enabled: valid });

  if (view !== "logs" && view !== "stats") return <Navigate to="../logs" relative="path" replace />;

  const backLink = (
    <Link to={`/projects/${projectId}`} className="back-link" data-testid="datasource-monitor-back">
      <ArrowLeft size={14} aria-hidden />
      {project.data?.name ?? "Project"}
    </Link>
  );
  const datasource = datasources.data?.find((candidate) => candidate.id === datasourceId);

  if (datasources.isPending && valid) {
    return (
      <div className="page">
        {backLink}
        <SkeletonRows rows={4} label="Loading the database" />
      </div>
    );
  }
  if (datasources.isError) {
    return (
      <div className="page">
        {backLink}
        <ErrorState title="The database could not be loaded" error={datasources.error} onRetry={() => void datasources.refetch()} />
      </div>
    );
  }
  if (!datasource) {
    return (
      <div className="page">
        {backLink}
        <EmptyState
          icon={DatabaseZap}
          title="This database no longer exists"
          description="It may have been removed. Its history stays in the activity log."
        />
      </div>
    );
  }

  return (
    <div className="page page-fill page-wide" data-testid="datasource-monitor-page">
      {backLink}
      <PageHeader
        title={datasource.name}
        description={
          <span className="monitor-description">
            {engineLabels[datasource.engine]} · port {datasource.hostPort} · <span className="mono">{datasource.image}</span>
            <DatasourceStatusBadge status={datasource.status} />
          </span>
        }
      />
      <nav className="tabs" aria-label="View">
        {views.map((item) => (
          <NavLink key={item.view} to={`../${item.view}`} relative="path" className="tab" data-testid={`monitor-tab-${item.view}`}>
            {item.label}
          </NavLink>
        ))}
      </nav>
      {view === "logs" ? <LogViewer datasource={datasource} /> : <StatsView datasource={datasource} />}
    </div>
  );
}
