import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, errorMessage, type CheckStatus } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";

/** Asks before a check's table leaves quantum.toml (the file's history keeps it; results stay). */
export function RemoveCheckDialog({ projectId, check, onClose }: { projectId: number; check: CheckStatus; onClose: () => void }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api.healthCheckRemove(projectId, check.name),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.health(projectId) }),
  });
  return (
    <Dialog open size="small" title={`Remove check “${check.name}”?`} onClose={onClose} testId="health-remove">
      <div className="dialog-body">
        <p>
          Its <span className="mono">[[health]]</span> table leaves quantum.toml (the Configuration page's history keeps it). It stops
          running; its past results and incidents stay.
        </p>
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={remove.isPending}
          onClick={() =>
            remove.mutate(undefined, {
              onSuccess: () => {
                toast.success(`Check “${check.name}” removed`);
                onClose();
              },
              onError: (error) => toast.error("The check was not removed", { description: errorMessage(error) }),
            })
          }
          data-testid="health-remove-confirm"
        >
          Remove
        </button>
      </footer>
    </Dialog>
  );
}
