import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, errorMessage, type Datasource } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { formatBytes } from "../../lib/bytes";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { useRemoveDatasource } from "./queries";

type RemoveDatasourceDialogProps = {
  /** The datasource to remove; none keeps the dialog closed. */
  datasource: Datasource | null;
  onClose: () => void;
};

export function RemoveDatasourceDialog({ datasource, onClose }: RemoveDatasourceDialogProps) {
  return (
    <Dialog
      open={datasource !== null}
      size="small"
      title="Remove database?"
      onClose={onClose}
      testId="remove-datasource-dialog"
      description={
        datasource && (
          <p>
            The container of <strong>“{datasource.name}”</strong> is removed. Its data volume{" "}
            <span className="mono">{datasource.volumeName}</span> is kept, so a new database can take the data over.
          </p>
        )
      }
    >
      {datasource && <RemoveDatasourceForm key={datasource.id} datasource={datasource} onDone={onClose} />}
    </Dialog>
  );
}

function RemoveDatasourceForm({ datasource, onDone }: { datasource: Datasource; onDone: () => void }) {
  const [deleteData, setDeleteData] = useState(false);
  const [typedName, setTypedName] = useState("");
  const remove = useRemoveDatasource();
  const confirmed = !deleteData || typedName === datasource.name;
  const snapshots = useQuery({ queryKey: queryKeys.snapshots(datasource.id), queryFn: () => api.snapshotsList(datasource.id) });
  const snapshotBytes = (snapshots.data ?? []).reduce((sum, s) => sum + (s.sizeBytes ?? 0), 0);

  const confirm = () => {
    remove.mutate(
      { datasource, deleteData },
      {
        onSuccess: () => {
          toast.success(
            deleteData
              ? `Database “${datasource.name}” and its data deleted`
              : `Database “${datasource.name}” removed; its data is kept`,
          );
          onDone();
        },
        onError: (error) => toast.error(`“${datasource.name}” was not removed`, { description: errorMessage(error) }),
      },
    );
  };

  return (
    <>
      <div className="dialog-body">
        {snapshots.data && snapshots.data.length > 0 && (
          <p className="muted small" data-testid="remove-datasource-snapshots">
            Its {snapshots.data.length === 1 ? "snapshot is" : `${snapshots.data.length} snapshots are`} deleted with it
            {snapshotBytes > 0 ? ` (${formatBytes(snapshotBytes)})` : ""}: they are copies of its data, of no use without it.
          </p>
        )}
        <label className="checkbox">
          <input
            type="checkbox"
            checked={deleteData}
            onChange={(event) => setDeleteData(event.target.checked)}
            data-testid="remove-datasource-delete-data"
          />
          Also delete its data (volume and password)
        </label>
        {deleteData && (
          <Field label={`Type “${datasource.name}” to delete its data for good`}>
            {(control) => (
              <input
                {...control}
                className="input input-mono"
                value={typedName}
                autoComplete="off"
                spellCheck={false}
                placeholder={datasource.name}
                onChange={(event) => setTypedName(event.target.value)}
                data-testid="remove-datasource-confirm-name"
              />
            )}
          </Field>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onDone} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button-danger"
          onClick={confirm}
          disabled={!confirmed || remove.isPending}
          data-testid="remove-datasource-confirm"
        >
          {deleteData ? "Remove and delete data" : "Remove database"}
        </button>
      </footer>
    </>
  );
}
