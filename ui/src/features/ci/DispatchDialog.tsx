import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Plus, X } from "lucide-react";
import { toast } from "sonner";
import { api, ApiError, errorMessage, type CiWorkflow, type ProviderKind } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { runPath } from "./status";

type Props = {
  projectId: number;
  workflow: CiWorkflow;
  provider: ProviderKind;
  /** The branch offered first: the one checked out in the folder. */
  defaultRef: string;
  onClose: () => void;
};

type InputRow = { id: number; key: string; value: string };

/**
 * Starts a workflow (GitHub's workflow_dispatch, with its inputs) or the pipeline (GitLab, with
 * variables) on a branch or tag, then opens the new run when the provider names it.
 */
export function DispatchDialog({ projectId, workflow, provider, defaultRef, onClose }: Props) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [gitRef, setGitRef] = useState(defaultRef);
  const [rows, setRows] = useState<InputRow[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const inputsLabel = provider === "gitlab" ? "Variables" : "Inputs";

  const dispatch = useMutation({
    mutationFn: () =>
      api.ciDispatch(projectId, {
        workflowId: workflow.id,
        gitRef: gitRef.trim(),
        inputs: rows.filter((row) => row.key.trim() !== "").map((row) => [row.key.trim(), row.value] as [string, string]),
      }),
    onSuccess: (runId) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.ciRunLists(projectId) });
      onClose();
      if (runId !== null) {
        toast.success(`Started ${workflow.name}`);
        void navigate(runPath(projectId, runId));
      } else {
        toast.success("Started; it appears in the list in a few seconds");
      }
    },
    onError: (error) => {
      if (error instanceof ApiError && error.field === "gitRef") setErrors({ gitRef: error.message });
      else setErrors({ form: errorMessage(error) });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    dispatch.mutate();
  };
  const setRow = (id: number, patch: Partial<InputRow>) => {
    setRows((current) => current.map((row) => (row.id === id ? { ...row, ...patch } : row)));
    setErrors(({ form: _form, ...rest }) => rest);
  };
  const addRow = () => setRows((current) => [...current, { id: Math.max(0, ...current.map((row) => row.id)) + 1, key: "", value: "" }]);

  return (
    <Dialog
      open
      title={provider === "gitlab" ? "Run the pipeline" : `Run ${workflow.name}`}
      description={
        provider === "gitlab"
          ? "GitLab runs the pipeline of .gitlab-ci.yml on the branch or tag."
          : "GitHub runs the workflow if it has a workflow_dispatch trigger on that branch or tag."
      }
      onClose={() => !dispatch.isPending && onClose()}
      testId="ci-dispatch-dialog"
    >
      <form className="form" onSubmit={submit} noValidate>
        <div className="dialog-body">
          <Field label="Branch or tag" error={errors.gitRef} errorTestId="ci-dispatch-ref-error">
            {(control) => (
              <input
                {...control}
                className="input input-mono"
                value={gitRef}
                spellCheck={false}
                autoComplete="off"
                data-autofocus
                onChange={(event) => {
                  setGitRef(event.target.value);
                  setErrors({});
                }}
                data-testid="ci-dispatch-ref"
              />
            )}
          </Field>
          <div className="ci-dispatch-inputs" role="group" aria-label={inputsLabel}>
            <span className="field-label">{inputsLabel}</span>
            {rows.map((row, index) => (
              <div key={row.id} className="ci-dispatch-input" data-testid="ci-dispatch-input">
                <input
                  className="input input-mono"
                  value={row.key}
                  placeholder="name"
                  aria-label={`Name ${index + 1}`}
                  spellCheck={false}
                  onChange={(event) => setRow(row.id, { key: event.target.value })}
                  data-testid="ci-dispatch-input-key"
                />
                <input
                  className="input input-mono"
                  value={row.value}
                  placeholder="value"
                  aria-label={`Value ${index + 1}`}
                  spellCheck={false}
                  onChange={(event) => setRow(row.id, { value: event.target.value })}
                  data-testid="ci-dispatch-input-value"
                />
                <button
                  type="button"
                  className="icon-button icon-button-danger"
                  aria-label={`Remove ${row.key || `row ${index + 1}`}`}
                  title="Remove"
                  onClick={() => setRows((current) => current.filter((other) => other.id !== row.id))}
                  data-testid="ci-dispatch-input-remove"
                >
                  <X size={14} aria-hidden />
                </button>
              </div>
            ))}
            <button type="button" className="button button-small button-secondary ci-dispatch-add" onClick={addRow} data-testid="ci-dispatch-input-add">
              <Plus size={12} aria-hidden />
              Add {provider === "gitlab" ? "a variable" : "an input"}
            </button>
          </div>
          {errors.form && (
            <p className="field-error" role="alert" data-testid="ci-dispatch-error">
              {errors.form}
            </p>
          )}
        </div>
        <footer className="dialog-footer">
          <button type="button" className="button button-secondary" onClick={onClose} disabled={dispatch.isPending}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={dispatch.isPending || gitRef.trim() === ""} data-testid="ci-dispatch-submit">
            {dispatch.isPending ? "Starting…" : "Run"}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
