import { Link } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { ArrowRight, Database, FolderKanban, History, Plus, Rocket, type LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { api, type Datasource, type DatasourceStatus } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { PageHeader } from "../../components/PageHeader";
import { Skeleton, SkeletonRows } from "../../components/Skeleton";
import { newProjectPath } from "../../app/navigation";
import { AuditEntryLine } from "../activity/AuditEntryItem";
import { datasourcesQuery } from "../datasources/queries";
import { statusLabels } from "../datasources/status";
import { CiPanel } from "./CiPanel";
import { DeploysPanel } from "./DeploysPanel";
import { DockerCard } from "./DockerCard";
import { IncidentsCard } from "./IncidentsCard";
import { QuickActions } from "./QuickActions";
import { SystemPanel } from "./SystemPanel";
import { TestsPanel } from "./TestsPanel";
import "./dashboard.css";

type StatCardProps = { icon: LucideIcon; label: string; value: ReactNode; note: ReactNode; testId: string };

function StatCard({ icon: Icon, label, value, note, testId }: StatCardProps) {
  return (
    <section className="stat-card" data-testid={testId}>
      <div className="stat-card-label">
        <Icon size={15} aria-hidden />
        {label}
      </div>
      <div className="stat-card-value">{value}</div>
      <div className="stat-card-note">{note}</div>
    </section>
  );
}

const statusOrder = Object.keys(statusLabels) as DatasourceStatus[];

/** "2 ready · 1 stopped": how many databases are in each status, in the statuses' order. */
function countByStatus(datasources: Datasource[]) {
  return statusOrder
    .map((status) => ({ status, count: datasources.filter((datasource) => datasource.status === status).length }))
    .filter(({ count }) => count > 0);
}

function DatabasesCard() {
  const datasources = useQuery(datasourcesQuery(null));
  const counts = datasources.data ? countByStatus(datasources.data) : [];
  return (
    <StatCard
      icon={Database}
      label="Databases"
      testId="stat-databases"
      value={
        datasources.data ? datasources.data.length : datasources.isError ? "—" : <Skeleton width={40} height={28} />
      }
      note={
        <span className="stat-card-breakdown">
          {counts.map(({ status, count }) => (
            <span key={status} className={`status-count status-count-${status}`} data-testid={`stat-databases-${status}`}>
              {count} {statusLabels[status].toLowerCase()}
            </span>
          ))}
          <Link to="/projects" className="text-link">
            {datasources.data?.length === 0 ? "Add one to a project" : "Open projects"}
          </Link>
        </span>
      }
    />
  );
}

export function DashboardPage() {
  const summary = useQuery({ queryKey: queryKeys.dashboard, queryFn: api.dashboardSummary });

  if (summary.isError) {
    return (
      <div className="page" data-testid="dashboard-page">
        <PageHeader title="Dashboard" />
        <ErrorState title="The dashboard could not be loaded" error={summary.error} onRetry={() => void summary.refetch()} />
      </div>
    );
  }

  const data = summary.data;
  return (
    <div className="page" data-testid="dashboard-page">
      <PageHeader title="Dashboard" description="Your projects, their databases, tests and health, and this machine, at a glance." />
      <div className="stat-grid">
        <StatCard
          icon={FolderKanban}
          label="Projects"
          testId="stat-projects"
          value={data ? data.projectCount : <Skeleton width={40} height={28} />}
          note={<Link to="/projects" className="text-link">Manage projects</Link>}
        />
        <StatCard
          icon={History}
          label="Changes in the last 24 h"
          testId="stat-changes"
          value={data ? data.changesLastDay : <Skeleton width={40} height={28} />}
          note={<Link to="/activity" className="text-link">Open activity</Link>}
        />
        <DatabasesCard />
        <IncidentsCard />
        <DockerCard />
      </div>

      {data?.projectCount === 0 && (
        <EmptyState
          icon={Rocket}
          title="Welcome to Quantum Admin"
          description="Start by adding a project you work on. Its folder, its services and its history will gather here."
          testId="dashboard-empty-state"
          action={
            <Link to={newProjectPath} className="button button-primary" data-testid="dashboard-create-project">
              <Plus size={15} aria-hidden />
              Create your first project
            </Link>
          }
        />
      )}

      <QuickActions />
      <div className="dashboard-columns">
        <SystemPanel />
        <TestsPanel />
      </div>
      <CiPanel />
      <DeploysPanel />

      <section className="panel" data-testid="recent-activity">
        <div className="panel-heading">
          <h2 className="panel-title">Recent activity</h2>
          <Link to="/activity" className="text-link">
            View all
            <ArrowRight size={13} aria-hidden />
          </Link>
        </div>
        {!data ? (
          <SkeletonRows rows={4} label="Loading recent activity" />
        ) : data.recentActivity.length === 0 ? (
          <p className="panel-empty">Nothing has happened yet. Changes to projects show up here.</p>
        ) : (
          <ul className="audit-lines">
            {data.recentActivity.map((entry) => (
              <AuditEntryLine key={entry.id} entry={entry} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
