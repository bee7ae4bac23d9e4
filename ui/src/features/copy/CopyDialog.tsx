import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, errorMessage, type CopyProgress, type CopyReport, type SchemaSource } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { ProgressBar } from "../../components/ProgressBar";
import { SkeletonRows } from "../../components/Skeleton";
import { datasourcesQuery } from "../datasources/queries";
import { describeProgress, progressFraction } from "./progress";
import "./copy.css";

/** Engines data can be copied into. */
const targets = new Set(["postgres", "mysql", "mariadb"]);

type CopyDialogProps = { source: SchemaSource; sourceLabel: string; projectId: number; open: boolean; onClose: () => void };

/**
 * Copies the tables and rows of the database on screen into one of the project's PostgreSQL or
 * MySQL/MariaDB databases: the tables it would create with their mapped types first, then the
 * copy with progress (after a snapshot of the target), then what was copied, set aside and
 * verified.
 */
export function CopyDialog({ source, sourceLabel, projectId, open, onClose }: CopyDialogProps) {
  const queryClient = useQueryClient();
  const datasources = useQuery({ ...datasourcesQuery(projectId), enabled: open });
  const choices = (datasources.data ?? []).filter(
    (d) => targets.has(d.engine) && d.status === "ready" && !(source.kind === "datasource" && source.id === d.id),
  );
  const [chosen, setChosen] = useState<number | null>(null);
  const target = choices.find((d) => d.id === chosen) ?? choices[0] ?? null;
  const [progress, setProgress] = useState<CopyProgress | null>(null);
  const preview = useQuery({
    queryKey: ["copyPreview", source.kind, source.id, target?.id],
    queryFn: () => api.copyPreview(source, target!.id),
    enabled: open && target !== null,
    retry: false,
    staleTime: 0,
  });
  const run = useMutation({
    mutationFn: () => api.copyRun(source, target!.id, setProgress),
    onSuccess: (report) => {
      const copied = report.tables.reduce((sum, t) => sum + t.rowsCopied, 0);
      toast.success(`Copied ${copied.toLocaleString()} rows into “${target?.name}”`);
      void queryClient.invalidateQueries({ queryKey: queryKeys.datasources });
      void queryClient.invalidateQueries({ queryKey: ["schema"] });
    },
    onError: (error) => toast.error("The copy stopped", { description: errorMessage(error), duration: Infinity }),
  });
  const close = () => {
    if (run.isPending) return;
    run.reset();
    setProgress(null);
    onClose();
  };

  let body;
  if (run.data) body = <Report report={run.data} target={target?.name ?? ""} />;
  else if (run.isPending)
    body = (
      <div data-testid="copy-running">
        <p>{progress ? describeProgress(progress) : `Taking a snapshot of “${target?.name}” first…`}</p>
        <ProgressBar fraction={progressFraction(progress)} label="Copy progress" testId="copy-progress" />
      </div>
    );
  else if (datasources.isPending) body = <SkeletonRows rows={3} label="Reading the project's databases" />;
  else if (!target)
    body = (
      <p className="muted" data-testid="copy-no-target">
        The project has no other PostgreSQL, MySQL or MariaDB database that is running. Add one (or start it) on the project's overview.
      </p>
    );
  else
    body = (
      <>
        <label className="copy-target">
          <span>Into</span>
          <select className="input" value={target.id} onChange={(event) => setChosen(Number(event.target.value))} data-testid="copy-target">
            {choices.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.engine})
              </option>
            ))}
          </select>
        </label>
        <p className="muted small">
          Creates each table of “{sourceLabel}” in “{target.name}” with the types below, copies the rows, then adds keys and indexes and reads every table back to
          verify it. A snapshot of “{target.name}” is taken first. Rows that cannot be converted are set aside and listed.
        </p>
        <p className="muted small">
          Only the app's own databases can be targets: a database the app did not start cannot be snapshotted first, so nothing could undo the copy.
        </p>
        {preview.isPending ? (
          <SkeletonRows rows={4} label="Planning the copy" />
        ) : preview.isError ? (
          <p className="field-error">{errorMessage(preview.error)}</p>
        ) : (
          <div className="copy-plan" data-testid="copy-plan">
            {preview.data.map((table) => (
              <details key={table.name}>
                <summary>
                  <span className="mono">{table.name}</span>{" "}
                  <span className="muted small">
                    {table.columns.length} columns{table.rowEstimate !== null ? ` · about ${table.rowEstimate.toLocaleString()} rows` : ""}
                  </span>
                </summary>
                <table className="table copy-columns">
                  <tbody>
                    {table.columns.map((column) => (
                      <tr key={column.name}>
                        <td className="mono">{column.name}</td>
                        <td className="mono muted">{column.sourceType || "(no type)"}</td>
                        <td className="mono">{column.targetType}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {table.notes.map((note) => (
                  <p key={note} className="muted small">
                    {note}
                  </p>
                ))}
              </details>
            ))}
          </div>
        )}
      </>
    );

  return (
    <Dialog open={open} title={`Copy data from “${sourceLabel}”`} onClose={close} testId="copy-dialog">
      <div className="dialog-body copy">{body}</div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={close} disabled={run.isPending}>
          {run.data ? "Close" : "Cancel"}
        </button>
        {!run.data && (
          <button
            type="button"
            className="button button-primary"
            disabled={!target || !preview.isSuccess || run.isPending}
            onClick={() => run.mutate()}
            data-testid="copy-run"
          >
            {run.isPending ? "Copying…" : "Copy"}
          </button>
        )}
      </footer>
    </Dialog>
  );
}

function Report({ report, target }: { report: CopyReport; target: string }) {
  const copied = report.tables.reduce((sum, t) => sum + t.rowsCopied, 0);
  return (
    <div data-testid="copy-report">
      <p>
        {copied.toLocaleString()} rows copied into “{target}” in {(report.elapsedMs / 1000).toFixed(1)} s
        {report.rowsPerSecond !== null && ` (${Math.round(report.rowsPerSecond).toLocaleString()} rows/s)`}.
      </p>
      <table className="table">
        <thead>
          <tr>
            <th>Table</th>
            <th>Copied</th>
            <th>Set aside</th>
            <th>Verified</th>
          </tr>
        </thead>
        <tbody>
          {report.tables.map((table) => (
            <tr key={table.name} data-testid="copy-report-table" data-verified={table.verified}>
              <td className="mono">
                {table.name}
                {table.notes.map((note) => (
                  <div key={note} className="muted small">
                    {note}
                  </div>
                ))}
              </td>
              <td>{table.rowsCopied.toLocaleString()}</td>
              <td>{table.rowsRejected.toLocaleString()}</td>
              <td title={`checksum ${table.checksum}`}>{table.verified ? "✓ counts and checksum match" : "✗ differs"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.rejected.length > 0 && (
        <details open>
          <summary>Rows set aside</summary>
          <ul className="copy-rejected" data-testid="copy-rejected">
            {report.rejected.map((row) => (
              <li key={`${row.table}-${row.row}`} className="small">
                <span className="mono">
                  {row.table} row {row.row}, {row.column}
                </span>
                : {row.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
