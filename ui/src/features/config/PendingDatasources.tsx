import { useState } from "react";
import { Database, Plus } from "lucide-react";
import { toast } from "sonner";
import { errorMessage, type DatasourceInput } from "../../api";
import { useCreateDatasource } from "../datasources/queries";
import { engineLabels } from "../datasources/status";

const describe = (input: DatasourceInput) =>
  [input.image ?? engineLabels[input.engine], input.hostPort !== null && `port ${input.hostPort}`].filter(Boolean).join(", ");

/**
 * Databases quantum.toml declares that this machine has not created (a fresh clone, a teammate's
 * addition). A file never starts containers by itself: the user creates each one here.
 */
export function PendingDatasources({ pending }: { pending: DatasourceInput[] }) {
  const create = useCreateDatasource();
  const [creating, setCreating] = useState<string | null>(null);
  if (pending.length === 0) return null;

  const createOne = (input: DatasourceInput, key: string) => {
    setCreating(key);
    create.mutate(input, {
      onSuccess: (created) => toast.success(`Database “${created.name}” is being set up`),
      onError: (error) => toast.error("The database was not created", { description: errorMessage(error) }),
      onSettled: () => setCreating(null),
    });
  };

  return (
    <section className="config-note config-pending" aria-label="Databases not created yet" data-testid="config-pending">
      <Database size={14} aria-hidden />
      <div className="config-note-text">
        <p>
          quantum.toml declares {pending.length === 1 ? "1 database that is" : `${pending.length} databases that are`} not
          created on this machine:
        </p>
        <ul className="config-pending-list">
          {pending.map((input, index) => {
            const key = input.name ?? `${input.engine}-${index}`;
            return (
              <li key={key} className="config-pending-item" data-testid="config-pending-item">
                <span>
                  <strong className="mono">{input.name ?? engineLabels[input.engine]}</strong>{" "}
                  <span className="muted">({describe(input)})</span>
                </span>
                <button
                  type="button"
                  className="button button-secondary button-small"
                  onClick={() => createOne(input, key)}
                  disabled={creating !== null}
                  data-testid="config-pending-create"
                >
                  {creating === key ? <span className="spinner spinner-small" aria-hidden /> : <Plus size={13} aria-hidden />}
                  Create
                </button>
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}
