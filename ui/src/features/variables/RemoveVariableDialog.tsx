import { toast } from "sonner";
import { errorMessage, type Variable } from "../../api";
import { Dialog } from "../../components/Dialog";
import { useRemoveVariable } from "./queries";

type RemoveVariableDialogProps = {
  projectId: number;
  /** The variable to remove; none keeps the dialog closed. */
  variable: Variable | null;
  onClose: () => void;
};

export function RemoveVariableDialog({ projectId, variable, onClose }: RemoveVariableDialogProps) {
  const remove = useRemoveVariable(projectId);
  const where = variable?.environment ? `“${variable.environment}”` : "the shared variables";

  const confirm = () => {
    if (!variable) return;
    const { environment, name } = variable;
    remove.mutate(
      { environment, name },
      {
        onSuccess: () => {
          toast.success(`${name} removed from ${where}`);
          onClose();
        },
        onError: (error) => toast.error(`${name} was not removed`, { description: errorMessage(error) }),
      },
    );
  };

  return (
    <Dialog
      open={variable !== null}
      size="small"
      title={variable?.kind === "secret" ? "Remove secret?" : "Remove variable?"}
      onClose={onClose}
      testId="remove-variable-dialog"
      description={
        variable && (
          <p>
            <strong className="mono">{variable.name}</strong> is removed from {where} in quantum.toml
            {variable.kind === "secret" && ", and its value from this machine's secret store"}.
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
          onClick={confirm}
          disabled={remove.isPending}
          data-testid="remove-variable-confirm"
        >
          Remove
        </button>
      </footer>
    </Dialog>
  );
}
