import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, errorMessage, type Connection } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";

/** Forgets a connection and its password; the database itself is not touched, and says so. */
export function RemoveConnectionDialog({
  connection,
  onClose,
  onRemoved,
}: {
  connection: Connection | null;
  onClose: () => void;
  onRemoved: () => void;
}) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: number) => api.connectionRemove(id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.connections });
      toast.success(`Connection “${connection?.name}” removed`);
      onRemoved();
      onClose();
    },
    onError: (error) => toast.error("The connection was not removed", { description: errorMessage(error) }),
  });
  return (
    <Dialog
      open={connection !== null}
      title="Remove this connection?"
      size="small"
      onClose={onClose}
      testId="remove-connection-dialog"
      description={
        connection && (
          <p>
            The app forgets <strong>“{connection.name}”</strong>
            {connection.kind === "sqlite" ? "" : " and its password"}. The database itself is not touched.
          </p>
        )
      }
    >
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button-danger"
          onClick={() => connection && remove.mutate(connection.id)}
          disabled={remove.isPending}
          data-testid="remove-connection-confirm"
        >
          Remove
        </button>
      </footer>
    </Dialog>
  );
}
