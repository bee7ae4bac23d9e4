import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { ApiError, errorMessage } from "../../api";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { useAddEnvironment } from "./queries";
import { ENVIRONMENT_NAME_MAX_CHARS, environmentNameProblem } from "./validation";

type AddEnvironmentDialogProps = {
  projectId: number;
  open: boolean;
  onClose: () => void;
  onAdded: (name: string) => void;
};

export function AddEnvironmentDialog({ projectId, open, onClose, onAdded }: AddEnvironmentDialogProps) {
  return (
    <Dialog open={open} size="small" title="Add environment" onClose={onClose} testId="add-environment-dialog">
      <AddEnvironmentForm projectId={projectId} onClose={onClose} onAdded={onAdded} />
    </Dialog>
  );
}

function AddEnvironmentForm({ projectId, onClose, onAdded }: Omit<AddEnvironmentDialogProps, "open">) {
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const add = useAddEnvironment(projectId);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = environmentNameProblem(name);
    if (problem) return setError(problem);
    add.mutate(name, {
      onSuccess: () => {
        toast.success(`Environment “${name}” added`);
        onAdded(name);
      },
      onError: (failure) => {
        if (failure instanceof ApiError && failure.field !== null) setError(failure.message);
        else toast.error(`“${name}” was not added`, { description: errorMessage(failure) });
      },
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="add-environment-form">
      <div className="dialog-body">
        <Field
          label="Name"
          error={error}
          errorTestId="environment-name-error"
          hint="Lowercase letters, digits, “_” or “-”, starting with a letter."
        >
          {(control) => (
            <input
              {...control}
              className="input input-mono"
              value={name}
              maxLength={ENVIRONMENT_NAME_MAX_CHARS * 2}
              autoComplete="off"
              spellCheck={false}
              placeholder="staging"
              data-autofocus
              data-testid="environment-name-input"
              onChange={(event) => {
                setName(event.target.value);
                setError(null);
              }}
            />
          )}
        </Field>
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={add.isPending} data-testid="add-environment-submit">
          Add environment
        </button>
      </footer>
    </form>
  );
}
