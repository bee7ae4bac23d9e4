import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Camera, History, Trash2 } from "lucide-react";
import { toast } from "sonner";
import { api, errorMessage, type Datasource, type Snapshot } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { ErrorState } from "../../components/ErrorState";
import { Field } from "../../components/Field";
import { RelativeTime } from "../../components/RelativeTime";
import { SkeletonRows } from "../../components/Skeleton";
import { formatBytes } from "../../lib/bytes";
import { formatDateTime } from "../../lib/time";
import { describeSnapshot, prunedNotice } from "./describe";
import "./snapshots.css";

/**
 * A datasource's snapshots: whole copies of its data (tables and migration history), taken by
 * hand or before every apply and rollback; restore is one click after a confirmation, and the
 * data it replaces is kept as a snapshot, so a restore can be undone.
 */
export function SnapshotsPanel({ datasource }: { datasource: Datasource }) {
  const queryClient = useQueryClient();
  const [taking, setTaking] = useState(false);
  const [restoring, setRestoring] = useState<Snapshot | null>(null);
  const [deleting, setDeleting] = useState<Snapshot | null>(null);
  const list = useQuery({ queryKey: queryKeys.snapshots(datasource.id), queryFn: () => api.snapshotsList(datasource.id) });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.snapshots(datasource.id) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.migrations(datasource.id) });
  };
  const restore = useMutation({
    mutationFn: (snapshot: Snapshot) => api.snapshotsRestore(snapshot.id),
    onSuccess: (restored) =>
      toast.success("Snapshot restored", {
        description: ["The data it replaced is kept as a snapshot: restore that one to undo.", prunedNotice(restored.pruned)].filter(Boolean).join(" "),
      }),
    onError: (error) => toast.error("The snapshot was not restored", { description: errorMessage(error), duration: Infinity }),
    onSettled: () => {
      setRestoring(null);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (snapshot: Snapshot) => api.snapshotsDelete(snapshot.id),
    onSuccess: () => toast.success("Snapshot deleted"),
    onError: (error) => toast.error("The snapshot was not deleted", { description: errorMessage(error) }),
    onSettled: () => {
      setDeleting(null);
      refresh();
    },
  });
  const busy = restore.isPending || remove.isPending || datasource.status === "snapshotting" || datasource.status === "restoring";

  let body;
  if (list.isPending) body = <SkeletonRows rows={2} label="Reading the snapshots" />;
  else if (list.isError) body = <ErrorState title="The snapshots could not be listed" error={list.error} onRetry={() => void list.refetch()} />;
  else
    body = (
      <table className="table" data-testid="snapshots-table">
        <thead>
          <tr>
            <th>Taken</th>
            <th>What</th>
            <th>Size</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {list.data.map((snapshot) => (
            <tr key={snapshot.id} data-testid="snapshot-row" data-trigger={snapshot.trigger}>
              <td>
                <RelativeTime iso={snapshot.createdAt} />
              </td>
              <td>{describeSnapshot(snapshot)}</td>
              <td className="muted small">{snapshot.sizeBytes === null ? "not measured" : formatBytes(snapshot.sizeBytes)}</td>
              <td className="row-actions">
                <button type="button" className="button button-small button-secondary" disabled={busy} onClick={() => setRestoring(snapshot)} data-testid="snapshot-restore">
                  <History size={13} aria-hidden />
                  Restore
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Delete the snapshot of ${formatDateTime(snapshot.createdAt)}`}
                  disabled={busy}
                  onClick={() => setDeleting(snapshot)}
                  data-testid="snapshot-delete"
                >
                  <Trash2 size={14} aria-hidden />
                </button>
              </td>
            </tr>
          ))}
          {list.data.length === 0 && (
            <tr>
              <td colSpan={4} className="table-empty muted">
                No snapshot yet. One is taken before every apply and rollback, or take one now.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    );

  return (
    <section className="snapshots" aria-label={`Snapshots of ${datasource.name}`} data-testid="snapshots">
      <header className="snapshots-header">
        <div>
          <h2>Snapshots</h2>
          <p className="muted small">
            Copies of the whole database, its migration history included. The server stops for the copy and starts again; the last ones are kept
            (the number is in Settings).
          </p>
        </div>
        <button type="button" className="button button-secondary" disabled={busy} onClick={() => setTaking(true)} data-testid="snapshots-take">
          <Camera size={14} aria-hidden />
          Take a snapshot
        </button>
      </header>
      {body}
      <TakeDialog datasource={datasource} open={taking} onClose={() => setTaking(false)} onTaken={refresh} />
      <Dialog open={restoring !== null} size="small" title="Restore this snapshot?" onClose={() => !restore.isPending && setRestoring(null)} testId="snapshots-restore-confirm">
        {restoring && (
          <>
            <div className="dialog-body">
              <p>
                Replaces all the data of “{datasource.name}” — its tables and its migration history — with the snapshot of {formatDateTime(restoring.createdAt)}{" "}
                ({describeSnapshot(restoring)}).
              </p>
              <p className="muted small">
                The server stops while the snapshot is copied into a new volume, then starts on it. The current data is kept as a snapshot, so this can be
                undone; if the copy fails, nothing changes.
              </p>
            </div>
            <footer className="dialog-footer">
              <button type="button" className="button button-secondary" onClick={() => setRestoring(null)} disabled={restore.isPending}>
                Cancel
              </button>
              <button
                type="button"
                className="button button-danger"
                onClick={() => restore.mutate(restoring)}
                disabled={restore.isPending}
                data-testid="snapshots-restore-run"
              >
                {restore.isPending ? "Restoring…" : "Restore"}
              </button>
            </footer>
          </>
        )}
      </Dialog>
      <Dialog open={deleting !== null} size="small" title="Delete this snapshot?" onClose={() => !remove.isPending && setDeleting(null)} testId="snapshots-delete-confirm">
        {deleting && (
          <>
            <div className="dialog-body">
              <p>
                The snapshot of {formatDateTime(deleting.createdAt)} ({describeSnapshot(deleting)}) is removed for good
                {deleting.sizeBytes !== null ? `, freeing ${formatBytes(deleting.sizeBytes)}` : ""}.
              </p>
            </div>
            <footer className="dialog-footer">
              <button type="button" className="button button-secondary" onClick={() => setDeleting(null)} disabled={remove.isPending}>
                Cancel
              </button>
              <button type="button" className="button button-danger" onClick={() => remove.mutate(deleting)} disabled={remove.isPending} data-testid="snapshots-delete-run">
                Delete
              </button>
            </footer>
          </>
        )}
      </Dialog>
    </section>
  );
}

type TakeProps = { datasource: Datasource; open: boolean; onClose: () => void; onTaken: () => void };

function TakeDialog({ datasource, open, onClose, onTaken }: TakeProps) {
  const [note, setNote] = useState("");
  const take = useMutation({
    mutationFn: () => api.snapshotsTake(datasource.id, note),
    onSuccess: (taken) => {
      const size = taken.snapshot.sizeBytes === null ? null : formatBytes(taken.snapshot.sizeBytes);
      toast.success("Snapshot taken", { description: [size, prunedNotice(taken.pruned)].filter(Boolean).join(" · ") || undefined });
      setNote("");
      onClose();
    },
    onError: (error) => toast.error("The snapshot was not taken", { description: errorMessage(error), duration: Infinity }),
    onSettled: onTaken,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    take.mutate();
  };
  return (
    <Dialog open={open} size="small" title="Take a snapshot" onClose={() => !take.isPending && onClose()} testId="snapshots-take-dialog">
      <form className="form" onSubmit={submit} noValidate>
        <div className="dialog-body">
          <p className="muted small">“{datasource.name}” stops while its data is copied, then starts again.</p>
          <Field label="Note" hint="Optional: what this snapshot is for.">
            {(control) => (
              <input
                {...control}
                className="input"
                value={note}
                data-autofocus
                placeholder="before trying the new import"
                onChange={(event) => setNote(event.target.value)}
                data-testid="snapshots-take-note"
              />
            )}
          </Field>
        </div>
        <footer className="dialog-footer">
          <button type="button" className="button button-secondary" onClick={onClose} disabled={take.isPending}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={take.isPending} data-testid="snapshots-take-run">
            {take.isPending ? "Copying…" : "Take snapshot"}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
