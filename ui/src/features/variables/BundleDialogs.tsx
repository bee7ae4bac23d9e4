import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { toast } from "sonner";
import { ApiError, errorMessage, type PickFilter } from "../../api";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { PathInput } from "../../components/PathInput";
import { projectNameProblem } from "../projects/validation";
import { PassphraseStrengthHint, PasswordInput } from "./PasswordInput";
import { useBundleExport, useBundleImport } from "./queries";
import { confirmFileToWrite } from "../../lib/confirmFileToWrite";
import { absolutePathProblem, newPassphraseProblems, passphraseStrength } from "./validation";

type ExportBundleDialogProps = {
  projectId: number;
  projectName: string;
  open: boolean;
  onClose: () => void;
};

export function ExportBundleDialog({ open, onClose, projectName, ...props }: ExportBundleDialogProps) {
  return (
    <Dialog
      open={open}
      title="Export bundle"
      onClose={onClose}
      testId="export-bundle-dialog"
      description={
        <p>
          One encrypted file with the configuration, variables and secrets of <strong>“{projectName}”</strong>, to move
          them to another machine. Only this passphrase opens it.
        </p>
      }
    >
      <ExportBundleForm {...props} onDone={onClose} />
    </Dialog>
  );
}

type BundleErrors = Partial<Record<"path" | "passphrase" | "confirmation" | "projectName", string>>;

const BUNDLE_FILES: PickFilter[] = [{ name: "Quantum Admin bundle", extensions: ["qabundle"] }];

function ExportBundleForm({ projectId, onDone }: { projectId: number; onDone: () => void }) {
  const [path, setPath] = useState("");
  const [passphrase, setPassphrase] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [errors, setErrors] = useState<BundleErrors>({});
  const [confirming, setConfirming] = useState(false);
  const exporting = useBundleExport(projectId);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const pathProblem = absolutePathProblem(path, "bundle to write");
    const found: BundleErrors = {
      ...(pathProblem ? { path: pathProblem } : {}),
      ...newPassphraseProblems(passphrase, confirmation, 0),
    };
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setConfirming(true);
    const confirmed = await confirmFileToWrite(path, "Confirm where to write the bundle", BUNDLE_FILES);
    setConfirming(false);
    if ("problem" in confirmed) return setErrors({ path: confirmed.problem });
    setPath(confirmed.path);
    exporting.mutate(
      { path: confirmed.path, passphrase },
      {
        onSuccess: () => {
          toast.success(`Bundle written to ${confirmed.path}`);
          onDone();
        },
        onError: (error) => {
          if (error instanceof ApiError && error.field === "passphrase") setErrors({ passphrase: error.message });
          else if (error instanceof ApiError && error.field === "path") setErrors({ path: error.message });
          else toast.error("The bundle was not written", { description: errorMessage(error) });
        },
      },
    );
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)} noValidate data-testid="export-bundle-form">
      <div className="dialog-body">
        <Field label="File" error={errors.path} errorTestId="bundle-path-error">
          {(control) => (
            <PathInput
              {...control}
              value={path}
              placeholder="/home/you/shop.qabundle"
              browse={{ kind: "saveFile", title: "Choose where to write the bundle", filters: BUNDLE_FILES }}
              data-autofocus
              data-testid="bundle-path-input"
              onValueChange={(value) => {
                setPath(value);
                setErrors(({ path: _cleared, ...rest }) => rest);
              }}
            />
          )}
        </Field>
        <Field
          label="Passphrase"
          error={errors.passphrase}
          errorTestId="bundle-passphrase-error"
          hint={passphrase === "" ? "Whoever has the file and this passphrase can read the secrets." : <PassphraseStrengthHint strength={passphraseStrength(passphrase)} />}
        >
          {(control) => (
            <PasswordInput
              {...control}
              value={passphrase}
              data-testid="bundle-passphrase-input"
              onChange={(event) => {
                setPassphrase(event.target.value);
                setErrors(({ passphrase: _cleared, ...rest }) => rest);
              }}
            />
          )}
        </Field>
        <Field label="Passphrase again" error={errors.confirmation} errorTestId="bundle-confirmation-error">
          {(control) => (
            <PasswordInput
              {...control}
              value={confirmation}
              data-testid="bundle-confirmation-input"
              onChange={(event) => {
                setConfirmation(event.target.value);
                setErrors(({ confirmation: _cleared, ...rest }) => rest);
              }}
            />
          )}
        </Field>
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onDone}>
          Cancel
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={confirming || exporting.isPending}
          data-testid="export-bundle-submit"
        >
          Export
        </button>
      </footer>
    </form>
  );
}

export function ImportBundleDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog
      open={open}
      title="Import bundle"
      onClose={onClose}
      testId="import-bundle-dialog"
      description={<p>Creates a project from an exported bundle: its configuration, variables and secrets, all or nothing.</p>}
    >
      <ImportBundleForm onDone={onClose} />
    </Dialog>
  );
}

function ImportBundleForm({ onDone }: { onDone: () => void }) {
  const navigate = useNavigate();
  const [path, setPath] = useState("");
  const [passphrase, setPassphrase] = useState("");
  const [projectName, setProjectName] = useState("");
  const [errors, setErrors] = useState<BundleErrors>({});
  const importing = useBundleImport();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const pathProblem = absolutePathProblem(path, "bundle");
    const nameProblem = projectName.trim() === "" ? null : projectNameProblem(projectName);
    const found: BundleErrors = {
      ...(pathProblem ? { path: pathProblem } : {}),
      ...(passphrase === "" ? { passphrase: "Enter the bundle's passphrase." } : {}),
      ...(nameProblem ? { projectName: nameProblem } : {}),
    };
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    importing.mutate(
      { path: path.trim(), passphrase, projectName: projectName.trim() || null },
      {
        onSuccess: (project) => {
          toast.success(`Project “${project.name}” imported`);
          onDone();
          void navigate(`/projects/${project.id}`);
        },
        onError: (error) => {
          if (!(error instanceof ApiError)) {
            toast.error("Nothing was imported", { description: errorMessage(error) });
          } else if (error.field === "projectName" || error.field === "name" || error.code === "project.name_taken") {
            setErrors({ projectName: error.message });
          } else if (error.field === "passphrase" || error.code === "bundle.wrong_passphrase") {
            setErrors({ passphrase: error.message });
          } else if (error.field === "path" || error.code.startsWith("bundle.")) {
            // Not a bundle, another version, or a damaged file: about the file, not the passphrase.
            setErrors({ path: error.message });
          } else {
            toast.error("Nothing was imported", { description: error.message });
          }
        },
      },
    );
  };

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="import-bundle-form">
      <div className="dialog-body">
        <Field label="File" error={errors.path} errorTestId="import-bundle-path-error">
          {(control) => (
            <PathInput
              {...control}
              value={path}
              placeholder="/home/you/shop.qabundle"
              browse={{ kind: "openFile", title: "Choose the bundle to import" }}
              data-autofocus
              data-testid="import-bundle-path-input"
              onValueChange={(value) => {
                setPath(value);
                setErrors(({ path: _cleared, ...rest }) => rest);
              }}
            />
          )}
        </Field>
        <Field label="Passphrase" error={errors.passphrase} errorTestId="import-bundle-passphrase-error">
          {(control) => (
            <PasswordInput
              {...control}
              value={passphrase}
              data-testid="import-bundle-passphrase-input"
              onChange={(event) => {
                setPassphrase(event.target.value);
                setErrors(({ passphrase: _cleared, ...rest }) => rest);
              }}
            />
          )}
        </Field>
        <Field
          label="New project name"
          optional
          error={errors.projectName}
          errorTestId="import-bundle-name-error"
          hint="Leave empty to keep the name in the bundle."
        >
          {(control) => (
            <input
              {...control}
              className="input"
              value={projectName}
              autoComplete="off"
              spellCheck={false}
              data-testid="import-bundle-name-input"
              onChange={(event) => {
                setProjectName(event.target.value);
                setErrors(({ projectName: _cleared, ...rest }) => rest);
              }}
            />
          )}
        </Field>
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={importing.isPending} data-testid="import-bundle-submit">
          Import
        </button>
      </footer>
    </form>
  );
}
