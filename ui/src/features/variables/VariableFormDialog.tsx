import { useId, useRef, useState, type FormEvent } from "react";
import { toast } from "sonner";
import clsx from "clsx";
import { ApiError, errorMessage, type Variable, type VariableKind } from "../../api";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { PasswordInput } from "./PasswordInput";
import { useSetVariable, type SecretStoreState } from "./queries";
import { variableInputProblems, type VariableErrors, type VariableField } from "./validation";

const SHARED = "";

const isVariableField = (field: string | null): field is VariableField =>
  field === "name" || field === "value" || field === "environment";

export type VariableFormTarget =
  /** A new variable, in the environment shown (null: shared). */
  | { mode: "add"; environment: string | null }
  /** A new value (and kind) for an existing variable; its name and environment stay. */
  | { mode: "edit"; variable: Variable };

type VariableFormDialogProps = {
  projectId: number;
  /** What the form is for; none keeps the dialog closed. */
  target: VariableFormTarget | null;
  environments: string[];
  secretStore: SecretStoreState;
  onClose: () => void;
};

export function VariableFormDialog({ projectId, target, environments, secretStore, onClose }: VariableFormDialogProps) {
  const editing = target?.mode === "edit" ? target.variable : null;
  return (
    <Dialog
      open={target !== null}
      title={editing ? (editing.kind === "secret" ? `Set ${editing.name}` : `Edit ${editing.name}`) : "Add variable"}
      onClose={onClose}
      testId="variable-form-dialog"
      description={
        editing?.kind === "secret" && (
          <p>The new value replaces the old one in this machine's secret store; it is never shown again unless revealed.</p>
        )
      }
    >
      {target && (
        <VariableForm
          projectId={projectId}
          target={target}
          environments={environments}
          secretStore={secretStore}
          onDone={onClose}
        />
      )}
    </Dialog>
  );
}

function VariableForm({
  projectId,
  target,
  environments,
  secretStore,
  onDone,
}: {
  projectId: number;
  target: VariableFormTarget;
  environments: string[];
  secretStore: SecretStoreState;
  onDone: () => void;
}) {
  const existing = target.mode === "edit" ? target.variable : null;
  const [environment, setEnvironment] = useState(
    (existing ? existing.environment : target.mode === "add" ? target.environment : null) ?? SHARED,
  );
  const [name, setName] = useState(existing?.name ?? "");
  const [kind, setKind] = useState<VariableKind>(existing?.kind ?? "plain");
  // A secret's value never reaches the page: editing one means typing a new value.
  const [value, setValue] = useState(existing?.kind === "plain" ? (existing.value ?? "") : "");
  const [errors, setErrors] = useState<VariableErrors>({});
  const controls = {
    environment: useRef<HTMLSelectElement>(null),
    name: useRef<HTMLInputElement>(null),
    value: useRef<HTMLInputElement>(null),
  };
  const kindLabelId = useId();
  const save = useSetVariable(projectId);
  const secretUnavailable = !secretStore.usable ? secretStore.reason : null;

  const showErrors = (found: VariableErrors) => {
    setErrors(found);
    const first = (["environment", "name", "value"] as const).find((field) => found[field]);
    if (first) controls[first].current?.focus();
  };

  const clearError = (field: VariableField) => {
    if (errors[field]) setErrors(({ [field]: _cleared, ...rest }) => rest);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input = { environment: environment === SHARED ? null : environment, name: name.trim(), kind, value };
    const found = variableInputProblems(input);
    if (Object.keys(found).length > 0) return showErrors(found);
    setErrors({});
    save.mutate(input, {
      onSuccess: (saved) => {
        const where = saved.environment === null ? "shared variables" : `“${saved.environment}”`;
        toast.success(`${saved.kind === "secret" ? "Secret" : "Variable"} ${saved.name} saved in ${where}`);
        onDone();
      },
      onError: (error) => {
        if (error instanceof ApiError && isVariableField(error.field)) {
          showErrors({ [error.field]: error.message });
        } else {
          toast.error(`${input.name} was not saved`, { description: errorMessage(error) });
        }
      },
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="variable-form">
      <div className="dialog-body">
        <Field
          label="Environment"
          error={errors.environment}
          errorTestId="variable-environment-error"
          hint="Shared variables apply to every environment."
        >
          {(control) => (
            <select
              {...control}
              ref={controls.environment}
              className="select select-wide"
              value={environment}
              disabled={existing !== null}
              data-testid="variable-environment-select"
              onChange={(event) => {
                setEnvironment(event.target.value);
                clearError("environment");
              }}
            >
              <option value={SHARED}>Shared by every environment</option>
              {environments.map((candidate) => (
                <option key={candidate} value={candidate}>
                  {candidate}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Name" error={errors.name} errorTestId="variable-name-error" hint="Letters, digits and “_”, e.g. LOG_LEVEL.">
          {(control) => (
            <input
              {...control}
              ref={controls.name}
              className="input input-mono"
              value={name}
              readOnly={existing !== null}
              autoComplete="off"
              spellCheck={false}
              placeholder="API_TOKEN"
              data-autofocus={existing === null || undefined}
              data-testid="variable-name-input"
              onChange={(event) => {
                setName(event.target.value);
                clearError("name");
              }}
            />
          )}
        </Field>
        <div className="field">
          <span className="field-label" id={kindLabelId}>
            Kind
          </span>
          <div className="segmented mode-switch" role="radiogroup" aria-labelledby={kindLabelId}>
            {(["plain", "secret"] as const).map((option) => (
              <button
                key={option}
                type="button"
                role="radio"
                aria-checked={kind === option}
                className={clsx("segment", kind === option && "segment-selected")}
                disabled={option === "secret" && secretUnavailable !== null}
                title={option === "secret" ? (secretUnavailable ?? undefined) : undefined}
                data-testid={`variable-kind-${option}`}
                onClick={() => {
                  setKind(option);
                  clearError("environment");
                  clearError("value");
                }}
              >
                {option === "plain" ? "Plain" : "Secret"}
              </button>
            ))}
          </div>
          <p className="field-hint">
            {kind === "plain"
              ? "Kept in quantum.toml, which you may commit."
              : "Kept in this machine's secret store; quantum.toml holds only its name."}
            {secretUnavailable && ` ${secretUnavailable}`}
          </p>
        </div>
        <Field label="Value" error={errors.value} errorTestId="variable-value-error">
          {(control) =>
            kind === "secret" ? (
              <PasswordInput
                {...control}
                ref={controls.value}
                value={value}
                data-autofocus={existing !== null || undefined}
                data-testid="variable-value-input"
                onChange={(event) => {
                  setValue(event.target.value);
                  clearError("value");
                }}
              />
            ) : (
              <input
                {...control}
                ref={controls.value}
                className="input input-mono"
                value={value}
                autoComplete="off"
                spellCheck={false}
                data-autofocus={existing !== null || undefined}
                data-testid="variable-value-input"
                onChange={(event) => {
                  setValue(event.target.value);
                  clearError("value");
                }}
              />
            )
          }
        </Field>
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={save.isPending} data-testid="variable-form-submit">
          {existing ? "Save" : "Add variable"}
        </button>
      </footer>
    </form>
  );
}
