import { useState, type ReactNode } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { errorMessage } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";

type ConfirmRemoveDialogProps = {
  title: string;
  children: ReactNode;
  /** When set, the button waits for this box to be ticked (data that cannot come back). */
  acknowledge?: string;
  done: string;
  remove: () => Promise<unknown>;
  onClose: () => void;
};

/** Asks before a Docker object is removed, saying what goes with it. */
export function ConfirmRemoveDialog({ title, children, acknowledge, done, remove, onClose }: ConfirmRemoveDialogProps) {
  const queryClient = useQueryClient();
  const [acknowledged, setAcknowledged] = useState(false);
  const removal = useMutation({
    mutationFn: remove,
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.resources }),
  });
  return (
    <Dialog open size="small" title={title} onClose={onClose} testId="resource-remove">
      <div className="dialog-body">
        {children}
        {acknowledge && (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={acknowledged}
              onChange={(event) => setAcknowledged(event.target.checked)}
              data-testid="resource-remove-acknowledge"
            />
            {acknowledge}
          </label>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={removal.isPending || (acknowledge !== undefined && !acknowledged)}
          aria-busy={removal.isPending}
          onClick={() =>
            removal.mutate(undefined, {
              onSuccess: () => {
                toast.success(done);
                onClose();
              },
              onError: (error) => toast.error("Nothing was removed", { description: errorMessage(error) }),
            })
          }
          data-testid="resource-remove-confirm"
        >
          Remove
        </button>
      </footer>
    </Dialog>
  );
}
