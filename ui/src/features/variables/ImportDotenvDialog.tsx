import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, errorMessage, type DotenvEntry } from "../../api";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { PathInput } from "../../components/PathInput";
import { count, importSummaryText, initialSecretNames, markSecret, secretNamesInOrder } from "./importSelection";
import { useDotenvImport, type SecretStoreState } from "./queries";
import { absolutePathProblem } from "./validation";

type ImportDotenvDialogProps = {
  projectId: number;
  open: boolean;
  /** Where the file is looked for first: the project folder's `.env`, when there is a folder. */
  defaultPath: string;
  environments: string[];
  /** The environment shown on the page, preselected when it is one. */
  environment: string | null;
  secretStore: SecretStoreState;
  onClose: () => void;
};

export function ImportDotenvDialog({ open, onClose, ...props }: ImportDotenvDialogProps) {
  return (
    <Dialog
      open={open}
      title="Import a .env file"
      onClose={onClose}
      testId="import-dotenv-dialog"
      description={<p>Each key becomes a variable of the environment you choose. Mark the ones that are secrets.</p>}
    >
      <ImportDotenvForm {...props} onDone={onClose} />
    </Dialog>
  );
}

function ImportDotenvForm({
  projectId,
  defaultPath,
  environments,
  environment: shownEnvironment,
  secretStore,
  onDone,
}: Omit<ImportDotenvDialogProps, "open" | "onClose"> & { onDone: () => void }) {
  const [path, setPath] = useState(defaultPath);
  const [pathError, setPathError] = useState<string | null>(null);
  const [environment, setEnvironment] = useState(shownEnvironment ?? environments[0] ?? "");
  const [entries, setEntries] = useState<DotenvEntry[] | null>(null);
  const [secretNames, setSecretNames] = useState<ReadonlySet<string>>(new Set());
  const preview = useMutation({ mutationFn: (file: string) => api.dotenvImportPreview(file) });
  const importing = useDotenvImport(projectId);
  const secretsBlocked = secretNames.size > 0 && !secretStore.usable ? secretStore.reason : null;

  const read = (event: FormEvent) => {
    event.preventDefault();
    const problem = absolutePathProblem(path, ".env file");
    if (problem) return setPathError(problem);
    preview.mutate(path.trim(), {
      onSuccess: (found) => {
        setEntries(found);
        setSecretNames(initialSecretNames(found));
      },
      onError: (error) => setPathError(errorMessage(error)),
    });
  };

  const submit = () => {
    if (!entries) return;
    const request = { path: path.trim(), environment, secretNames: secretNamesInOrder(entries, secretNames) };
    importing.mutate(request, {
      onSuccess: (summary) => {
        toast.success(importSummaryText(summary, environment));
        onDone();
      },
      onError: (error) => toast.error("Nothing was imported", { description: errorMessage(error) }),
    });
  };

  if (environments.length === 0) {
    return (
      <>
        <div className="dialog-body">
          <p className="muted" data-testid="import-needs-environment">
            Variables are imported into an environment: add one first (e.g. “dev”).
          </p>
        </div>
        <footer className="dialog-footer">
          <button type="button" className="button button-secondary" onClick={onDone} data-autofocus>
            Close
          </button>
        </footer>
      </>
    );
  }

  if (entries === null) {
    return (
      <form className="form" onSubmit={read} noValidate data-testid="import-dotenv-path-form">
        <div className="dialog-body">
          <Field label="File" error={pathError} errorTestId="import-path-error">
            {(control) => (
              <PathInput
                {...control}
                value={path}
                placeholder="/home/you/code/shop/.env"
                browse={{ kind: "openFile", title: "Choose the .env file to import" }}
                data-autofocus
                data-testid="import-path-input"
                onValueChange={(value) => {
                  setPath(value);
                  setPathError(null);
                }}
              />
            )}
          </Field>
        </div>
        <footer className="dialog-footer">
          <button type="button" className="button button-secondary" onClick={onDone}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={preview.isPending} data-testid="import-read">
            Read the file
          </button>
        </footer>
      </form>
    );
  }

  return (
    <>
      <div className="dialog-body">
        <p className="mono small muted selectable">{path.trim()}</p>
        {entries.length === 0 ? (
          <p className="muted" data-testid="import-empty">
            This file holds no variables.
          </p>
        ) : (
          <div className="import-list">
            <table className="table" data-testid="import-entries">
              <colgroup>
                <col style={{ width: "40%" }} />
                <col />
                <col style={{ width: "80px" }} />
              </colgroup>
              <thead>
                <tr>
                  <th>Key</th>
                  <th>Value</th>
                  <th>Secret</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr key={entry.name} data-testid="import-entry" data-name={entry.name}>
                    <td className="mono cell-truncate" title={entry.name}>
                      {entry.name}
                    </td>
                    <td className="mono muted cell-truncate">{entry.preview}</td>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Import ${entry.name} as a secret`}
                        checked={secretNames.has(entry.name)}
                        onChange={(event) => setSecretNames((current) => markSecret(current, entry.name, event.target.checked))}
                        data-testid="import-secret-checkbox"
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Field label="Into the environment">
          {(control) => (
            <select
              {...control}
              className="select select-wide"
              value={environment}
              onChange={(event) => setEnvironment(event.target.value)}
              data-testid="import-environment-select"
            >
              {environments.map((candidate) => (
                <option key={candidate} value={candidate}>
                  {candidate}
                </option>
              ))}
            </select>
          )}
        </Field>
        <p className={secretsBlocked ? "field-error" : "field-hint"} data-testid="import-summary">
          {secretsBlocked
            ? `${secretsBlocked} Or untick the secrets to import only plain variables.`
            : `${count(entries.length - secretNames.size, "plain variable", "plain variables")} go to quantum.toml, ${count(secretNames.size, "secret", "secrets")} to this machine's secret store.`}
        </p>
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={() => setEntries(null)}>
          Choose another file
        </button>
        <button
          type="button"
          className="button button-primary"
          onClick={submit}
          disabled={entries.length === 0 || secretsBlocked !== null || importing.isPending}
          data-testid="import-submit"
        >
          Import
        </button>
      </footer>
    </>
  );
}
