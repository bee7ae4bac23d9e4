import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, ApiError, errorMessage, type ComposeImportPreview, type ImportedDatasource, type PlannedDatasource } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { ErrorState } from "../../components/ErrorState";
import { PathInput } from "../../components/PathInput";
import { SkeletonRows } from "../../components/Skeleton";
import { useDebounced } from "../../lib/useDebounced";
import { engineLabels } from "../datasources/status";
import { dataLabel, passwordLabel } from "./importLabels";
import { FileChanges } from "./FileChanges";
import "./compose.css";

type Props = {
  projectId: number;
  /** The compose file to start from; none: the one in the project's folder. */
  file?: string;
  onClose: () => void;
};

/**
 * A compose project's database services imported as datasources: what each becomes (name, engine,
 * port, database, where its password is, which data it keeps), what stays Compose's, the keys the
 * app does not know; then the chosen services imported, their passwords moved to the keychain.
 * The files change only when asked: passwords written in them are replaced by variables in `.env`.
 */
export function ComposeImportDialog({ projectId, file, onClose }: Props) {
  return (
    <Dialog
      open
      title="Import a compose file"
      onClose={onClose}
      testId="compose-import-dialog"
      description={<p>Its database services become the project's databases, on their data; the rest stays with Compose.</p>}
    >
      <ComposeImportContent projectId={projectId} initialFile={file ?? ""} onDone={onClose} />
    </Dialog>
  );
}

function ComposeImportContent({ projectId, initialFile, onDone }: { projectId: number; initialFile: string; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [file, setFile] = useState(initialFile);
  // Typing asks the core once the path stops changing.
  const chosenFile = useDebounced(file.trim(), 400);
  const [profiles, setProfiles] = useState<string[]>([]);
  const [skipped, setSkipped] = useState<string[]>([]);
  const [replacePasswords, setReplacePasswords] = useState(false);
  const request = { projectId, files: chosenFile ? [chosenFile] : [], profiles };
  const preview = useQuery({
    queryKey: ["composeImport", projectId, chosenFile, profiles],
    queryFn: () => api.composeImportPreview(request),
    gcTime: 0,
  });
  // A service whose volume a running container holds cannot be imported until it stops.
  const blocked = (preview.data?.planned ?? []).filter((p) => p.volumeUsedBy.length > 0).map((p) => p.service);
  const chosen = (preview.data?.read.datasources ?? []).map((d) => d.service).filter((s) => !skipped.includes(s) && !blocked.includes(s));

  const apply = useMutation({
    mutationFn: (shown: ComposeImportPreview) => api.composeImportApply(request, chosen, replacePasswords, shown.fingerprint),
    onSuccess: (done) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.datasources });
      const names = done.datasources.map((d) => d.name).join(", ");
      toast.success(`Imported ${done.datasources.length === 1 ? "1 database" : `${done.datasources.length} databases`}`, {
        description: done.rewritten.length > 0 ? `${names}. Passwords moved to .env in ${done.rewritten.join(", ")}.` : names,
      });
      onDone();
    },
    onError: (error) => {
      // Some may have been made before the one that failed.
      void queryClient.invalidateQueries({ queryKey: queryKeys.datasources });
      if (error instanceof ApiError && error.code === "compose.changed") {
        toast.warning("The compose files changed since they were read; check the preview again", { description: error.message });
        void preview.refetch();
      } else {
        toast.error("The import did not finish", { description: errorMessage(error), duration: Infinity });
      }
    },
  });

  return (
    <>
      <div className="dialog-body compose-import">
        <div className="compose-import-file">
          <label className="field-label" htmlFor="compose-import-path">
            Compose file
          </label>
          <PathInput
            id="compose-import-path"
            value={file}
            onValueChange={setFile}
            placeholder="compose.yaml in the project's folder"
            browse={{ kind: "openFile", title: "Choose the compose file to import", filters: [{ name: "Compose file", extensions: ["yaml", "yml"] }] }}
            data-testid="compose-import-path"
          />
        </div>
        {preview.isPending ? (
          <SkeletonRows rows={4} label="Reading the compose files" />
        ) : preview.isError ? (
          <ErrorState title="The compose files could not be read" error={preview.error} onRetry={() => void preview.refetch()} />
        ) : (
          <ImportPlan
            preview={preview.data}
            profiles={profiles}
            onProfiles={setProfiles}
            skipped={skipped}
            blocked={blocked}
            onToggle={(service, on) => setSkipped((previous) => (on ? previous.filter((s) => s !== service) : [...previous, service]))}
            replacePasswords={replacePasswords}
            onReplacePasswords={setReplacePasswords}
          />
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onDone}>
          Cancel
        </button>
        <button
          type="button"
          className="button button-primary"
          onClick={() => preview.data && apply.mutate(preview.data)}
          disabled={!preview.data || chosen.length === 0 || apply.isPending}
          data-testid="compose-import-apply"
        >
          {apply.isPending ? "Importing…" : `Import ${chosen.length === 1 ? "1 database" : `${chosen.length} databases`}`}
        </button>
      </footer>
    </>
  );
}

function ImportPlan({
  preview,
  profiles,
  onProfiles,
  skipped,
  blocked,
  onToggle,
  replacePasswords,
  onReplacePasswords,
}: {
  preview: ComposeImportPreview;
  profiles: string[];
  onProfiles: (profiles: string[]) => void;
  skipped: string[];
  blocked: string[];
  onToggle: (service: string, on: boolean) => void;
  replacePasswords: boolean;
  onReplacePasswords: (on: boolean) => void;
}) {
  const { read, planned, rewrites } = preview;
  return (
    <>
      <p className="mono small muted selectable" data-testid="compose-import-files">
        {read.files.join(" + ")} · project “{read.project}”
      </p>
      {read.profiles.length > 0 && (
        <fieldset className="compose-import-profiles">
          <legend className="field-label">Profiles</legend>
          {read.profiles.map((profile) => (
            <label key={profile} className="checkbox">
              <input
                type="checkbox"
                checked={profiles.includes(profile)}
                onChange={(event) => onProfiles(event.target.checked ? [...profiles, profile] : profiles.filter((p) => p !== profile))}
                data-testid="compose-import-profile"
              />
              {profile}
            </label>
          ))}
        </fieldset>
      )}
      {read.datasources.length === 0 ? (
        <p className="panel-empty">No service runs a database the app runs (PostgreSQL, MySQL, MariaDB, MongoDB, Redis).</p>
      ) : (
        <ul className="compose-import-list" aria-label="Database services">
          {read.datasources.map((datasource, index) => (
            <ImportedItem
              key={datasource.service}
              datasource={datasource}
              planned={planned[index]}
              on={!skipped.includes(datasource.service) && !blocked.includes(datasource.service)}
              blocked={blocked.includes(datasource.service)}
              onToggle={(on) => onToggle(datasource.service, on)}
            />
          ))}
        </ul>
      )}
      {read.others.length > 0 && (
        <div data-testid="compose-import-others">
          <h3 className="compose-import-heading">Left to Compose</h3>
          <ul className="compose-import-others">
            {read.others.map((other) => (
              <li key={other.name}>
                <span className="mono">{other.name}</span> <span className="muted">{other.reason}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {read.unknownKeys.length > 0 && (
        <p className="field-hint" data-testid="compose-import-unknown">
          Keys Compose's specification does not know, kept in the file and not read: <span className="mono">{read.unknownKeys.join(", ")}</span>
        </p>
      )}
      {read.notes.map((note) => (
        <p key={note} className="field-hint">
          {note}
        </p>
      ))}
      {(rewrites.length > 0 || preview.rewriteRefusals.length > 0) && (
        <div className="compose-import-rewrite">
          <label className="checkbox">
            <input type="checkbox" checked={replacePasswords} onChange={(event) => onReplacePasswords(event.target.checked)} data-testid="compose-import-replace" />
            Replace the passwords written in the compose files with variables read from .env
          </label>
          {preview.rewriteRefusals.map((refusal) => (
            <p key={refusal} className="field-hint" data-testid="compose-import-refusal">
              {refusal}
            </p>
          ))}
          {replacePasswords &&
            rewrites.map((rewrite) => (
              <FileChanges key={rewrite.path} file={rewrite} testId="compose-import-rewrite" />
            ))}
        </div>
      )}
    </>
  );
}

function ImportedItem({
  datasource,
  planned,
  on,
  blocked,
  onToggle,
}: {
  datasource: ImportedDatasource;
  planned: PlannedDatasource | undefined;
  on: boolean;
  blocked: boolean;
  onToggle: (on: boolean) => void;
}) {
  return (
    <li className="compose-import-item" data-testid="compose-import-service" data-service={datasource.service}>
      <label className="checkbox">
        <input type="checkbox" checked={on} disabled={blocked} onChange={(event) => onToggle(event.target.checked)} aria-label={`Import ${datasource.service}`} />
        <span className="mono">{datasource.service}</span> → <strong>{planned?.name ?? datasource.service}</strong>
      </label>
      <dl className="compose-import-facts">
        <dt>Server</dt>
        <dd>
          {engineLabels[datasource.engine]} {datasource.version ?? "(latest)"} · <span className="mono">{datasource.image}</span>
        </dd>
        <dt>Port</dt>
        <dd>{datasource.hostPort ?? "a free one"}</dd>
        {datasource.databaseName && (
          <>
            <dt>Database</dt>
            <dd className="mono">
              {datasource.databaseName} as {datasource.username}
            </dd>
          </>
        )}
        <dt>Password</dt>
        <dd>{passwordLabel(datasource.password)}</dd>
        <dt>Data</dt>
        <dd data-testid="compose-import-data">{dataLabel(datasource.volume, planned?.volumeExists ?? false)}</dd>
      </dl>
      {planned && planned.volumeKeptBy.length > 0 && (
        <p className="field-hint">
          Stopped on this data: {planned.volumeKeptBy.join(", ")}. <span className="mono">docker compose up</span> would start it there again: remove it
          with <span className="mono">docker compose rm</span> once the import is done.
        </p>
      )}
      {blocked && planned && (
        <p className="form-error" role="alert">
          Its volume is in use by {planned.volumeUsedBy.join(", ")}: stop it first (docker compose stop), so that one server at a time runs on the data.
        </p>
      )}
      {datasource.notes.map((note) => (
        <p key={note} className="field-hint">
          {note}
        </p>
      ))}
    </li>
  );
}
