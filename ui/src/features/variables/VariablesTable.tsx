import { useMemo } from "react";
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useMutation } from "@tanstack/react-query";
import { toast } from "sonner";
import clsx from "clsx";
import { Copy, Eye, EyeOff, KeyRound, Pencil, Trash2 } from "lucide-react";
import { api, errorMessage, type Variable } from "../../api";
import type { SecretStoreState } from "./queries";
import { useRevealedSecrets } from "./useRevealedSecrets";

/** What a masked secret shows in place of its value. */
const MASK = "••••••";

type VariablesTableProps = {
  projectId: number;
  variables: Variable[];
  secretStore: SecretStoreState;
  onEdit: (variable: Variable) => void;
  onRemove: (variable: Variable) => void;
};

const column = createColumnHelper<Variable>();

/**
 * One environment's variables. Secrets show masked, with their fingerprint; "Reveal" asks the
 * core for the value (an audited action) and keeps it for this view only.
 */
export function VariablesTable({ projectId, variables, secretStore, onEdit, onRemove }: VariablesTableProps) {
  const { valueOf, show, hide } = useRevealedSecrets();
  const secretsBlocked = secretStore.usable ? null : secretStore.reason;

  const { mutate: reveal, isPending: revealing } = useMutation({
    mutationFn: (secret: Variable) => api.secretReveal(projectId, secret.environment ?? "", secret.name),
    onSuccess: (value, secret) => show(secret.name, value, secret.fingerprint),
    onError: (error, secret) => toast.error(`${secret.name} could not be revealed`, { description: errorMessage(error) }),
  });
  const { mutate: copy, isPending: copying } = useMutation({
    mutationFn: (secret: Variable) => api.secretCopy(projectId, secret.environment ?? "", secret.name),
    onSuccess: () => toast.success("Copied — the clipboard holds a secret"),
    onError: (error) => toast.error("Nothing was copied", { description: errorMessage(error) }),
  });

  const columns = useMemo(
    () => [
      column.accessor("name", {
        header: "Name",
        cell: (info) => (
          <span className="cell-truncate mono selectable" title={info.getValue()} data-testid="variable-name">
            {info.getValue()}
          </span>
        ),
      }),
      column.accessor("kind", {
        header: "Kind",
        cell: (info) => (
          <span className={clsx("kind-badge", `kind-badge-${info.getValue()}`)} data-testid="variable-kind">
            {info.getValue() === "secret" && <KeyRound size={11} aria-hidden />}
            {info.getValue()}
          </span>
        ),
      }),
      column.display({
        id: "value",
        header: "Value",
        cell: (info) => {
          const variable = info.row.original;
          if (variable.kind === "plain") {
            return variable.value ? (
              <span className="cell-truncate mono selectable" title={variable.value} data-testid="variable-value">
                {variable.value}
              </span>
            ) : (
              <span className="muted" data-testid="variable-value">
                empty
              </span>
            );
          }
          if (!variable.stored) {
            return (
              <div className="variable-value">
                <span className="not-stored" data-testid="secret-not-stored">
                  Not stored on this machine
                </span>
                <button
                  type="button"
                  className="button button-secondary button-small"
                  disabled={secretsBlocked !== null}
                  title={secretsBlocked ?? undefined}
                  onClick={() => onEdit(variable)}
                  data-testid="secret-set-value"
                >
                  Set value
                </button>
              </div>
            );
          }
          const shown = valueOf(variable.name, variable.fingerprint);
          return (
            <div className="variable-value">
              {shown === null ? (
                <span className="mono secret-mask" aria-label="Hidden value" data-testid="variable-value">
                  {MASK}
                </span>
              ) : (
                <span className="mono selectable" title={shown} data-testid="variable-value" data-revealed="true">
                  {shown}
                </span>
              )}
              {variable.fingerprint && (
                <span className="fingerprint" title="Fingerprint: compare values without revealing them">
                  {variable.fingerprint}
                </span>
              )}
              <button
                type="button"
                className="icon-button"
                aria-label={shown === null ? `Reveal ${variable.name}` : `Hide ${variable.name}`}
                title={secretsBlocked ?? (shown === null ? "Reveal (recorded in the activity log)" : "Hide")}
                aria-pressed={shown !== null}
                disabled={secretsBlocked !== null || revealing}
                onClick={() => (shown === null ? reveal(variable) : hide(variable.name))}
                data-testid="secret-reveal"
              >
                {shown === null ? <Eye size={15} aria-hidden /> : <EyeOff size={15} aria-hidden />}
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={`Copy ${variable.name}`}
                title={secretsBlocked ?? "Copy to the clipboard (recorded in the activity log)"}
                disabled={secretsBlocked !== null || copying}
                onClick={() => copy(variable)}
                data-testid="secret-copy"
              >
                <Copy size={14} aria-hidden />
              </button>
            </div>
          );
        },
      }),
      column.display({
        id: "actions",
        header: () => <span className="visually-hidden">Actions</span>,
        cell: (info) => {
          const variable = info.row.original;
          const blocked = variable.kind === "secret" ? secretsBlocked : null;
          return (
            <div className="row-actions">
              <button
                type="button"
                className="icon-button"
                aria-label={variable.kind === "secret" ? `Set a new value for ${variable.name}` : `Edit ${variable.name}`}
                title={blocked ?? (variable.kind === "secret" ? "Set a new value" : "Edit")}
                disabled={blocked !== null}
                onClick={() => onEdit(variable)}
                data-testid="variable-edit"
              >
                <Pencil size={15} aria-hidden />
              </button>
              <button
                type="button"
                className="icon-button icon-button-danger"
                aria-label={`Remove ${variable.name}`}
                title={blocked ?? "Remove"}
                disabled={blocked !== null}
                onClick={() => onRemove(variable)}
                data-testid="variable-remove"
              >
                <Trash2 size={15} aria-hidden />
              </button>
            </div>
          );
        },
      }),
    ],
    [valueOf, hide, reveal, revealing, copy, copying, secretsBlocked, onEdit, onRemove],
  );

  const table = useReactTable({
    data: variables,
    columns,
    getRowId: (variable) => variable.name,
    getCoreRowModel: getCoreRowModel(),
  });

  return (
    <table className="table" data-testid="variables-table">
      <colgroup>
        <col style={{ width: "30%" }} />
        <col style={{ width: "90px" }} />
        <col />
        <col style={{ width: "76px" }} />
      </colgroup>
      <thead>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id}>
            {group.headers.map((header) => (
              <th key={header.id}>{flexRender(header.column.columnDef.header, header.getContext())}</th>
            ))}
          </tr>
        ))}
      </thead>
      <tbody>
        {table.getRowModel().rows.map((row) => (
          <tr key={row.id} data-testid="variable-row" data-variable-name={row.original.name} data-kind={row.original.kind}>
            {row.getVisibleCells().map((cell) => (
              <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
