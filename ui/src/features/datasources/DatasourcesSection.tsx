import { useEffect, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { FileInput, FileOutput, Plus } from "lucide-react";
import type { Datasource, Project } from "../../api";
import { ErrorState } from "../../components/ErrorState";
import { SkeletonRows } from "../../components/Skeleton";
import { isMac, shortcutLabel } from "../../lib/platform";
import { addDatasourceShortcutKey } from "../../app/navigation";
import { ComposeExportDialog } from "../compose/ComposeExportDialog";
import { ComposeImportDialog } from "../compose/ComposeImportDialog";
import { AddDatasourceDialog } from "./AddDatasourceDialog";
import { DatasourceItem } from "./DatasourceItem";
import { datasourcesQuery, dockerStatusQuery, enginesQuery } from "./queries";
import { RemoveDatasourceDialog } from "./RemoveDatasourceDialog";
import { WriteEnvDialog } from "./WriteEnvDialog";

/** Ctrl/⌘+D opens the "Add database" form while no other dialog is open. */
function useAddDatasourceShortcut(open: () => void) {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const primary = isMac ? event.metaKey : event.ctrlKey;
      if (!primary || event.altKey || event.shiftKey || event.repeat) return;
      if (event.key.toLowerCase() !== addDatasourceShortcutKey.toLowerCase()) return;
      if (document.querySelector("dialog[open]")) return;
      event.preventDefault();
      open();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [open]);
}

/** The project's databases, each with its live status and actions. */
export function DatasourcesSection({ project }: { project: Project }) {
  const queryClient = useQueryClient();
  const datasources = useQuery(datasourcesQuery(project.id));
  const docker = useQuery(dockerStatusQuery);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Datasource | null>(null);
  const [writingEnv, setWritingEnv] = useState<Datasource | null>(null);
  const [exporting, setExporting] = useState(false);
  const [importing, setImporting] = useState(false);
  // Unknown counts as available: the banner speaks up once Docker is known to be down.
  const dockerAvailable = docker.data?.available !== false;

  useAddDatasourceShortcut(() => setAdding(true));
  useEffect(() => {
    // So the engine cards are there as soon as the "Add database" form opens.
    void queryClient.prefetchQuery(enginesQuery);
  }, [queryClient]);

  const addButton = (
    <button
      type="button"
      className="button button-secondary button-small"
      onClick={() => setAdding(true)}
      title={`Add database (${shortcutLabel(addDatasourceShortcutKey)})`}
      data-testid="add-datasource-button"
    >
      <Plus size={14} aria-hidden />
      Add database
    </button>
  );

  return (
    <section className="panel" aria-labelledby="datasources-title" data-testid="datasources-section">
      <div className="panel-heading">
        <h2 className="panel-title" id="datasources-title">
          Databases
        </h2>
        <span className="panel-actions">
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => setImporting(true)}
            title="Make databases of a compose file's database services, on their data"
            data-testid="compose-import-button"
          >
            <FileInput size={14} aria-hidden />
            Import compose file
          </button>
          {project.folder !== null && (datasources.data?.length ?? 0) > 0 && (
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => setExporting(true)}
              title="Write compose.yaml for these databases in the project's folder"
              data-testid="compose-export-button"
            >
              <FileOutput size={14} aria-hidden />
              Export compose file
            </button>
          )}
          {addButton}
        </span>
      </div>
      {datasources.isPending ? (
        <SkeletonRows rows={2} label="Loading the databases" />
      ) : datasources.isError ? (
        <ErrorState
          title="The databases could not be loaded"
          error={datasources.error}
          onRetry={() => void datasources.refetch()}
        />
      ) : datasources.data.length === 0 ? (
        <p className="panel-empty" data-testid="datasources-empty">
          No databases yet. Add one to run PostgreSQL, MySQL, MariaDB, MongoDB or Redis for this project in Docker.
        </p>
      ) : (
        <ul className="datasources" data-testid="datasource-list">
          {datasources.data.map((datasource) => (
            <DatasourceItem
              key={datasource.id}
              datasource={datasource}
              dockerAvailable={dockerAvailable}
              projectHasFolder={project.folder !== null}
              onWriteEnv={setWritingEnv}
              onRemove={setRemoving}
            />
          ))}
        </ul>
      )}
      <AddDatasourceDialog open={adding} projectId={project.id} onClose={() => setAdding(false)} />
      <RemoveDatasourceDialog datasource={removing} onClose={() => setRemoving(null)} />
      <WriteEnvDialog datasource={writingEnv} onClose={() => setWritingEnv(null)} />
      {exporting && <ComposeExportDialog projectId={project.id} open onClose={() => setExporting(false)} />}
      {importing && <ComposeImportDialog projectId={project.id} onClose={() => setImporting(false)} />}
    </section>
  );
}
