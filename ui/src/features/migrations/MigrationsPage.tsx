import { useState, type FormEvent } from "react";
import { useParams, useSearchParams } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { GitCompare, Layers, Play, Plus, RefreshCw, Undo2 } from "lucide-react";
import { toast } from "sonner";
import { api, ApiError, errorMessage, type Datasource, type MigrationStatus } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Field } from "../../components/Field";
import { PageHeader } from "../../components/PageHeader";
import { SkeletonRows } from "../../components/Skeleton";
import { datasourcesQuery } from "../datasources/queries";
import { SnapshotsPanel } from "../snapshots/SnapshotsPanel";
import { takenNotice } from "../snapshots/describe";
import { DriftDialog } from "./DriftDialog";
import { MigrationEditor } from "./MigrationEditor";
import { migrationFiles, pendingUpTo, rollbackPlan, stateLabel } from "./plan";
import "./migrations.css";

/** Engines whose migrations the app runs (SQL ones). */
const sqlEngines = new Set(["postgres", "mysql", "mariadb"]);

/** What the user is asked to confirm: rolling back runs down files, which may drop data. */
type Pending = { kind: "rollback"; to: number | null; versions: number[] } | { kind: "apply"; to: number | null; versions: number[] };

/**
 * A project's migrations, one database at a time: each file's state against the database's
 * history table, apply (all, or up to one), roll back (the newest, or down to one), and a new
 * migration's files. The database is in the URL.
 */
export function MigrationsPage() {
  const projectId = Number(useParams().projectId);
  const [params, setParams] = useSearchParams();
  const datasources = useQuery(datasourcesQuery(projectId));
  const sql = (datasources.data ?? []).filter((d) => sqlEngines.has(d.engine));
  const chosen = sql.find((d) => String(d.id) === params.get("db")) ?? sql[0];

  let body;
  if (datasources.isPending) body = <SkeletonRows rows={6} label="Reading the project's databases" />;
  else if (datasources.isError)
    body = <ErrorState title="The databases could not be listed" error={datasources.error} onRetry={() => void datasources.refetch()} />;
  else if (!chosen)
    body = (
      <EmptyState
        icon={Layers}
        title="No SQL database in this project"
        description="Migrations run on the project's PostgreSQL, MySQL and MariaDB databases. Add one on the project's overview."
        testId="migrations-empty"
      />
    );
  else body = <MigrationsOf key={chosen.id} datasource={chosen} />;

  return (
    <div className="page page-wide" data-testid="migrations-page">
      <PageHeader
        title="Migrations"
        description="The project's migration files, their state in each database, applied and rolled back."
        actions={
          sql.length > 1 && (
            <label>
              <span className="visually-hidden">Database</span>
              <select
                className="input"
                value={chosen?.id ?? ""}
                onChange={(event) => setParams({ db: event.target.value }, { replace: true })}
                data-testid="migrations-db-picker"
              >
                {sql.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name} ({d.engine})
                  </option>
                ))}
              </select>
            </label>
          )
        }
      />
      {body}
    </div>
  );
}

function MigrationsOf({ datasource }: { datasource: Datasource }) {
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<Pending | null>(null);
  const [creating, setCreating] = useState(false);
  const [checkingDrift, setCheckingDrift] = useState(false);
  const [editing, setEditing] = useState<string[] | null>(null);
  const status = useQuery({
    queryKey: queryKeys.migrations(datasource.id),
    queryFn: () => api.migrationsStatus(datasource.id),
    retry: false,
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: queryKeys.migrations(datasource.id) });
  const run = useMutation({
    mutationFn: (plan: Pending) =>
      plan.kind === "apply" ? api.migrationsApply(datasource.id, plan.to) : api.migrationsRollback(datasource.id, plan.to),
    onSuccess: ({ versions, snapshot }, plan) => {
      toast.success(
        versions.length === 0
          ? "Nothing to do"
          : `${plan.kind === "apply" ? "Applied" : "Rolled back"} ${versions.length === 1 ? `migration ${versions[0]}` : `${versions.length} migrations`}`,
        { description: takenNotice(snapshot) },
      );
    },
    onError: (error, plan) => toast.error(plan.kind === "apply" ? "The migrations stopped" : "The rollback stopped", { description: errorMessage(error), duration: Infinity }),
    onSettled: () => {
      setPending(null);
      refresh();
      void queryClient.invalidateQueries({ queryKey: queryKeys.snapshots(datasource.id) });
    },
  });

  if (status.isPending) return <SkeletonRows rows={6} label="Reading the migrations" />;
  if (status.isError) return <ErrorState title="The migrations could not be read" error={status.error} onRetry={() => void status.refetch()} />;
  const migrations = status.data.migrations;
  const allPending = pendingUpTo(migrations, null);
  const lastRollback = rollbackPlan(migrations, null);
  const mysql = datasource.engine !== "postgres";

  return (
    <section className="migrations" aria-label={`Migrations of ${datasource.name}`}>
      <div className="migrations-toolbar">
        <p className="muted small" data-testid="migrations-folder">
          {status.data.exists ? "" : "No migrations yet: they will go in "}
          <span className="mono">{status.data.folder}</span> · {status.data.format} layout
        </p>
        <button type="button" className="icon-button" aria-label="Read the migrations again" title="Read again" onClick={refresh} data-testid="migrations-refresh">
          <RefreshCw size={14} aria-hidden />
        </button>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => setCheckingDrift(true)}
          title="Compare the database's schema with what its applied migrations make"
          data-testid="migrations-drift"
        >
          <GitCompare size={14} aria-hidden />
          Check drift
        </button>
        <button type="button" className="button button-secondary" onClick={() => setCreating(true)} data-testid="migrations-new">
          <Plus size={14} aria-hidden />
          New migration
        </button>
        <button
          type="button"
          className="button button-secondary"
          disabled={lastRollback.length === 0 || run.isPending}
          onClick={() => setPending({ kind: "rollback", to: null, versions: lastRollback })}
          data-testid="migrations-rollback-last"
        >
          <Undo2 size={14} aria-hidden />
          Roll back the last
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={allPending.length === 0 || run.isPending}
          onClick={() => setPending({ kind: "apply", to: null, versions: allPending })}
          data-testid="migrations-apply-all"
        >
          <Play size={14} aria-hidden />
          Apply {allPending.length > 0 ? allPending.length : ""} pending
        </button>
      </div>
      <table className="table" data-testid="migrations-table">
        <thead>
          <tr>
            <th>Version</th>
            <th>Name</th>
            <th>State</th>
            <th>Applied</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {migrations.map((migration) => (
            <Row
              key={migration.version}
              migration={migration}
              busy={run.isPending}
              onPlan={(plan) => setPending(plan)}
              onEdit={(file) => setEditing(migrationFiles(file))}
              all={migrations}
            />
          ))}
          {migrations.length === 0 && (
            <tr>
              <td colSpan={5} className="table-empty muted">
                No migration files yet: create the first with “New migration”.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {editing && <MigrationEditor key={editing[0]} datasourceId={datasource.id} files={editing} onClose={() => setEditing(null)} />}
      <Dialog
        open={pending !== null}
        size="small"
        title={pending?.kind === "apply" ? "Apply migrations?" : "Roll back migrations?"}
        onClose={() => !run.isPending && setPending(null)}
        testId="migrations-confirm"
      >
        {pending && (
          <>
            <div className="dialog-body">
              <p>
                {pending.kind === "apply" ? "Applies" : "Runs the down files of"} {pending.versions.length === 1 ? "migration" : "migrations"}{" "}
                <span className="mono">{pending.versions.join(", ")}</span> on “{datasource.name}”.
              </p>
              {pending.kind === "rollback" && <p className="muted small">Whatever the down files drop (tables, columns) loses its data.</p>}
              <p className="muted small" data-testid="migrations-snapshot-note">
                A snapshot of the whole database is taken first (the server stops for the copy): whatever happens, the data as it is now can be restored.
              </p>
              {mysql && (
                <p className="muted small" data-testid="migrations-mysql-note">
                  {datasource.engine === "mariadb" ? "MariaDB" : "MySQL"} commits each schema change at once: a migration that fails half-way
                  leaves its first statements done, marked as failed in the history.
                </p>
              )}
              <DryRunView datasourceId={datasource.id} plan={pending} />
            </div>
            <footer className="dialog-footer">
              <button type="button" className="button button-secondary" onClick={() => setPending(null)} disabled={run.isPending}>
                Cancel
              </button>
              <button
                type="button"
                className={pending.kind === "apply" ? "button button-primary" : "button button-danger"}
                onClick={() => run.mutate(pending)}
                disabled={run.isPending}
                data-testid="migrations-confirm-run"
              >
                {run.isPending ? "Snapshot, then running…" : pending.kind === "apply" ? "Apply" : "Roll back"}
              </button>
            </footer>
          </>
        )}
      </Dialog>
      <NewMigrationDialog
        datasourceId={datasource.id}
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(files) => {
          refresh();
          setEditing(files);
        }}
      />
      <DriftDialog datasource={datasource} open={checkingDrift} onClose={() => setCheckingDrift(false)} />
      <SnapshotsPanel datasource={datasource} />
    </section>
  );
}

/** What the plan would run and do to data, read from the files and counted on the database. */
function DryRunView({ datasourceId, plan }: { datasourceId: number; plan: Pending }) {
  const dry = useQuery({
    queryKey: [...queryKeys.migrations(datasourceId), "dry-run", plan.kind, plan.to],
    queryFn: () => api.migrationsDryRun(datasourceId, plan.kind, plan.to),
    retry: false,
    staleTime: 0,
  });
  if (dry.isPending) return <SkeletonRows rows={2} label="Reading what it would do" />;
  if (dry.isError) return <p className="field-error">{errorMessage(dry.error)}</p>;
  return (
    <ul className="migrations-dry-run" data-testid="migrations-dry-run">
      {dry.data.steps.map((step) => (
        <li key={step.version}>
          <div>
            <span className="mono">{step.version}</span> {step.name}
            {!step.transactional && <span className="muted small"> · not in a transaction</span>}
          </div>
          {step.findings.length > 0 && (
            <ul className="migrations-findings">
              {step.findings.map((finding, index) => (
                <li key={index} className="migrations-finding" data-testid="migrations-finding" data-kind={finding.kind}>
                  {finding.message}
                  {finding.rows !== null && <strong> — {finding.rows.toLocaleString()} {finding.rows === 1 ? "row" : "rows"} now</strong>}
                </li>
              ))}
            </ul>
          )}
          {step.unreadable && <p className="muted small">Not checked: the SQL parser could not read it ({step.unreadable}).</p>}
          <details>
            <summary className="small">SQL</summary>
            <pre className="mono migrations-sql">{step.sql}</pre>
          </details>
        </li>
      ))}
    </ul>
  );
}

type RowProps = {
  migration: MigrationStatus;
  all: MigrationStatus[];
  busy: boolean;
  onPlan: (plan: Pending) => void;
  onEdit: (file: string) => void;
};

function Row({ migration, all, busy, onPlan, onEdit }: RowProps) {
  const upTo = pendingUpTo(all, migration.version);
  const downTo = rollbackPlan(all, migration.version);
  return (
    <tr data-testid="migration-row" data-version={migration.version} data-state={migration.state}>
      <td className="mono">{migration.version}</td>
      <td>
        {migration.name || <span className="muted">(file gone)</span>}
        {migration.file && (
          <div>
            <button type="button" className="migration-file-link mono" title="Open in the editor" onClick={() => onEdit(migration.file!)} data-testid="migration-file">
              {migration.file}
            </button>
          </div>
        )}
      </td>
      <td>
        <span className={`migration-state migration-state-${migration.state}`}>{stateLabel(migration.state)}</span>
      </td>
      <td className="muted small">{migration.appliedAt ?? ""}</td>
      <td className="row-actions">
        {migration.state === "pending" && upTo.length > 0 && (
          <button type="button" className="button button-small button-secondary" disabled={busy} onClick={() => onPlan({ kind: "apply", to: migration.version, versions: upTo })}>
            Apply up to here
          </button>
        )}
        {downTo.length > 0 && (
          <button
            type="button"
            className="button button-small button-secondary"
            disabled={busy}
            title={`Roll back the ${downTo.length} migration${downTo.length === 1 ? "" : "s"} after this one`}
            onClick={() => onPlan({ kind: "rollback", to: migration.version, versions: downTo })}
          >
            Roll back to here
          </button>
        )}
      </td>
    </tr>
  );
}

type NewMigrationProps = { datasourceId: number; open: boolean; onClose: () => void; onCreated: (files: string[]) => void };

function NewMigrationDialog({ datasourceId, open, onClose, onCreated }: NewMigrationProps) {
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => api.migrationsCreate(datasourceId, name),
    onSuccess: (created) => {
      toast.success("Migration created", { description: [created.up, created.down].filter(Boolean).join("\n") });
      setName("");
      // The editor names files by their name in the folder.
      const base = (path: string) => path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
      onCreated([created.up, ...(created.down ? [created.down] : [])].map(base));
      onClose();
    },
    onError: (failure) => setError(failure instanceof ApiError ? failure.message : errorMessage(failure)),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Dialog open={open} size="small" title="New migration" onClose={onClose} testId="migrations-new-dialog">
      <form className="form" onSubmit={submit} noValidate>
        <div className="dialog-body">
          <Field label="Name" error={error ?? undefined} hint="Its files get the next version of the folder's layout (NNNN_name.up.sql and .down.sql for the app's own).">
            {(control) => (
              <input
                {...control}
                className="input"
                value={name}
                data-autofocus
                placeholder="add orders"
                onChange={(event) => {
                  setName(event.target.value);
                  setError(null);
                }}
                data-testid="migrations-new-name"
              />
            )}
          </Field>
        </div>
        <footer className="dialog-footer">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={create.isPending} data-testid="migrations-new-submit">
            Create
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
