import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, ApiError, errorMessage, type Datasource } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { SkeletonRows } from "../../components/Skeleton";
import { changeLabel, describeItem, driftSummary } from "./describeDrift";

type DriftDialogProps = { datasource: Datasource; open: boolean; onClose: () => void };

/**
 * Drift: the migrations applied on the database replayed into a shadow database of the same
 * image, its schema compared with the live one, table by table. The difference can be written
 * as the next migration, recorded as applied here since this database has it already.
 */
export function DriftDialog({ datasource, open, onClose }: DriftDialogProps) {
  return (
    <Dialog open={open} title={`Drift of “${datasource.name}”`} onClose={onClose} testId="drift-dialog">
      {open && <DriftBody datasource={datasource} onClose={onClose} />}
    </Dialog>
  );
}

function DriftBody({ datasource, onClose }: { datasource: Datasource; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("schema drift");
  const [nameError, setNameError] = useState<string | null>(null);
  const drift = useQuery({
    queryKey: [...queryKeys.migrations(datasource.id), "drift"],
    queryFn: () => api.migrationsDrift(datasource.id),
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });
  const write = useMutation({
    mutationFn: () => api.migrationsFromDrift(datasource.id, name, drift.data!.sql.up, drift.data!.sql.down),
    onSuccess: (created) => {
      toast.success("Migration written and recorded as applied", { description: [created.up, created.down].filter(Boolean).join("\n") });
      void queryClient.invalidateQueries({ queryKey: queryKeys.migrations(datasource.id) });
      onClose();
    },
    onError: (error) => (error instanceof ApiError && error.field === "name" ? setNameError(error.message) : toast.error("The migration was not written", { description: errorMessage(error) })),
  });

  if (drift.isPending)
    return (
      <div className="dialog-body" data-testid="drift-running">
        <p className="muted small">
          Starting an empty database of the same image, replaying the migrations applied here, and comparing both schemas. This takes a few seconds; nothing
          is changed on “{datasource.name}”.
        </p>
        <SkeletonRows rows={4} label="Checking for drift" />
      </div>
    );
  if (drift.isError)
    return (
      <div className="dialog-body">
        <p className="field-error" data-testid="drift-error">
          {errorMessage(drift.error)}
        </p>
      </div>
    );
  const { diff, sql } = drift.data;
  const empty = diff.tables.length === 0 && diff.enums.length === 0;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    write.mutate();
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="dialog-body drift">
        <p data-testid="drift-summary">{driftSummary(drift.data)}</p>
        <p className="muted small">
          Replayed in {(drift.data.replayMs / 1000).toFixed(1)} s, compared in {(drift.data.compareMs / 1000).toFixed(1)} s. Views are compared by their
          definition; comments and grants are not compared.
        </p>
        {!empty && (
          <>
            <ul className="drift-tables" data-testid="drift-tables">
              {diff.enums.map((e) => (
                <li key={`enum-${e.name}`} data-change={e.change}>
                  <strong className="mono">{e.name}</strong> <span className={`drift-change drift-change-${e.change}`}>type {changeLabel(e.change)}</span>
                  {e.change === "changed" && (
                    <div className="muted small mono">
                      {e.from.join(", ")} → {e.to.join(", ")}
                    </div>
                  )}
                </li>
              ))}
              {diff.tables.map((table) => (
                <li key={table.table} data-testid="drift-table" data-change={table.change}>
                  <strong className="mono">{table.table}</strong>{" "}
                  <span className={`drift-change drift-change-${table.change}`}>
                    {table.kind === "table" ? "table" : "view"} {changeLabel(table.change)}
                  </span>
                  {table.items.length > 0 && (
                    <ul className="drift-items">
                      {table.items.map((item, index) => (
                        <li key={index} className="small" data-change={item.change}>
                          {describeItem(item)}
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
            <details open>
              <summary className="small">Up: from the files' schema to the database's</summary>
              <pre className="mono migrations-sql" data-testid="drift-up">
                {sql.up}
              </pre>
            </details>
            <details>
              <summary className="small">Down: back to the files' schema</summary>
              <pre className="mono migrations-sql" data-testid="drift-down">
                {sql.down}
              </pre>
            </details>
            <Field label="Migration name" error={nameError ?? undefined} hint="Written as the next migration of the folder and recorded as applied on this database, which has the change already.">
              {(control) => (
                <input
                  {...control}
                  className="input"
                  value={name}
                  onChange={(event) => {
                    setName(event.target.value);
                    setNameError(null);
                  }}
                  data-testid="drift-name"
                />
              )}
            </Field>
          </>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
          Close
        </button>
        {!empty && (
          <button type="submit" className="button button-primary" disabled={write.isPending} data-testid="drift-write">
            Write as a migration
          </button>
        )}
      </footer>
    </form>
  );
}
