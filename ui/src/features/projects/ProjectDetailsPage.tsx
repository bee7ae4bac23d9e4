import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, FolderSearch, Pencil, Trash2 } from "lucide-react";
import { ApiError } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { PageHeader } from "../../components/PageHeader";
import { RelativeTime } from "../../components/RelativeTime";
import { SkeletonRows } from "../../components/Skeleton";
import { formatDateTime } from "../../lib/time";
import { AuditEntryLine } from "../activity/AuditEntryItem";
import { DatasourcesSection } from "../datasources/DatasourcesSection";
import { ScanPanel } from "../scan/ScanPanel";
import { DeleteProjectDialog } from "./DeleteProjectDialog";
import { ProjectFormDialog } from "./ProjectFormDialog";
import { projectAuditEntriesQuery, projectQuery } from "./queries";

export function ProjectDetailsPage() {
  const projectId = Number(useParams().projectId);
  const navigate = useNavigate();
  const project = useQuery({ ...projectQuery(projectId), enabled: Number.isInteger(projectId) });
  const activity = useQuery({ ...projectAuditEntriesQuery(projectId), enabled: Number.isInteger(projectId) });
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);

  const backLink = (
    <Link to="/projects" className="back-link">
      <ArrowLeft size={14} aria-hidden />
      Projects
    </Link>
  );

  if (!Number.isInteger(projectId) || (project.error instanceof ApiError && project.error.code === "project.not_found")) {
    return (
      <div className="page">
        {backLink}
        <EmptyState
          icon={FolderSearch}
          title="This project no longer exists"
          description="It may have been deleted. Its history stays in the activity log."
          action={
            <Link to="/activity" className="button button-secondary">
              Open activity
            </Link>
          }
        />
      </div>
    );
  }
  if (project.isPending) {
    return (
      <div className="page">
        {backLink}
        <SkeletonRows rows={4} label="Loading the project" />
      </div>
    );
  }
  if (project.isError) {
    return (
      <div className="page">
        {backLink}
        <ErrorState title="The project could not be loaded" error={project.error} onRetry={() => void project.refetch()} />
      </div>
    );
  }

  const details = project.data;
  return (
    <div className="page" data-testid="project-details-page">
      {backLink}
      <PageHeader
        title={details.name}
        description={details.description || "No description."}
        actions={
          <>
            <button type="button" className="button button-secondary" onClick={() => setEditing(true)} data-testid="project-details-edit">
              <Pencil size={14} aria-hidden />
              Edit
            </button>
            <button type="button" className="button button-danger-quiet" onClick={() => setDeleting(true)}>
              <Trash2 size={14} aria-hidden />
              Delete
            </button>
          </>
        }
      />
      <DatasourcesSection project={details} />
      {details.folder && <ScanPanel projectId={details.id} />}
      <div className="details-grid">
        <section className="panel">
          <h2 className="panel-title">Details</h2>
          <dl className="properties">
            <dt>Folder</dt>
            <dd className={details.folder ? "mono selectable" : "muted"}>{details.folder ?? "No folder set"}</dd>
            <dt>Created</dt>
            <dd>{formatDateTime(details.createdAt)}</dd>
            <dt>Updated</dt>
            <dd>
              <RelativeTime iso={details.updatedAt} />
            </dd>
            <dt>Id</dt>
            <dd className="mono">{details.id}</dd>
          </dl>
        </section>
        <section className="panel">
          <div className="panel-heading">
            <h2 className="panel-title">Recent activity</h2>
            <Link to={`/activity?project=${details.id}`} className="text-link">
              View all
            </Link>
          </div>
          {activity.isPending ? (
            <SkeletonRows rows={3} label="Loading activity" />
          ) : activity.isError ? (
            <ErrorState error={activity.error} onRetry={() => void activity.refetch()} />
          ) : (
            <ul className="audit-lines">
              {activity.data.map((entry) => (
                <AuditEntryLine key={entry.id} entry={entry} />
              ))}
            </ul>
          )}
        </section>
      </div>
      <ProjectFormDialog open={editing} project={details} onClose={() => setEditing(false)} />
      <DeleteProjectDialog
        project={deleting ? details : null}
        onClose={() => setDeleting(false)}
        onDeleted={() => void navigate("/projects")}
      />
    </div>
  );
}
