import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { toast } from "sonner";
import { Dialog } from "../../components/Dialog";
import { EnvDiff } from "../../components/EnvDiff";
import { ErrorState } from "../../components/ErrorState";
import { Field } from "../../components/Field";
import { useLinkOutsideConfirm, writeShown } from "../../components/LinkOutsideConfirm";
import { PathInput } from "../../components/PathInput";
import { SkeletonRows } from "../../components/Skeleton";
import { diffLines } from "../../lib/lineDiff";
import { dotenvExportPreviewQuery, useDotenvExportWrite } from "./queries";
import { absolutePathProblem } from "./validation";
import { confirmFileToWrite } from "../../lib/confirmFileToWrite";

type ExportDotenvDialogProps = {
  projectId: number;
  open: boolean;
  environments: string[];
  /** The environment shown on the page, preselected when it is one. */
  environment: string | null;
  projectHasFolder: boolean;
  onClose: () => void;
};

/** Which file to write and for which environment; `path` null is the project folder's `.env`. */
type ExportTarget = { environment: string; path: string | null };

export function ExportDotenvDialog({ open, onClose, ...props }: ExportDotenvDialogProps) {
  return (
    <Dialog
      open={open}
      title="Export as .env"
      onClose={onClose}
      testId="export-dotenv-dialog"
      description={
        <p>
          Writes the environment's resolved variables, secrets included, to a <span className="mono">.env</span> file,
          after showing the changes. The export is recorded in the activity log, without the values.
        </p>
      }
    >
      <ExportDotenvContent {...props} onDone={onClose} />
    </Dialog>
  );
}

function ExportDotenvContent({
  projectId,
  environments,
  environment: shownEnvironment,
  projectHasFolder,
  onDone,
}: Omit<ExportDotenvDialogProps, "open" | "onClose"> & { onDone: () => void }) {
  const [environment, setEnvironment] = useState(shownEnvironment ?? environments[0] ?? "");
  const [toProjectFolder, setToProjectFolder] = useState(projectHasFolder);
  const [customPath, setCustomPath] = useState("");
  const [pathError, setPathError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [target, setTarget] = useState<ExportTarget | null>(null);

  if (environments.length === 0) {
    return (
      <>
        <div className="dialog-body">
          <p className="muted">Exports are made per environment: add one first (e.g. “dev”).</p>
        </div>
        <footer className="dialog-footer">
          <button type="button" className="button button-secondary" onClick={onDone} data-autofocus>
            Close
          </button>
        </footer>
      </>
    );
  }

  if (target) return <ExportPreview projectId={projectId} target={target} onBack={() => setTarget(null)} onDone={onDone} />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (toProjectFolder) return setTarget({ environment, path: null });
    const problem = absolutePathProblem(customPath, "file to write");
    if (problem) return setPathError(problem);
    // Confirmed before the changes are shown, so that they are the changes to the file written.
    setConfirming(true);
    const confirmed = await confirmFileToWrite(customPath, "Confirm the file to write the variables to");
    setConfirming(false);
    if ("problem" in confirmed) return setPathError(confirmed.problem);
    setCustomPath(confirmed.path);
    setTarget({ environment, path: confirmed.path });
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)} noValidate data-testid="export-dotenv-form">
      <div className="dialog-body">
        <Field label="Environment" hint="Its variables, over the shared ones.">
          {(control) => (
            <select
              {...control}
              className="select select-wide"
              value={environment}
              onChange={(event) => setEnvironment(event.target.value)}
              data-testid="export-environment-select"
            >
              {environments.map((candidate) => (
                <option key={candidate} value={candidate}>
                  {candidate}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset className="path-choice">
          <legend className="field-label">Write to</legend>
          <label className="checkbox" title={projectHasFolder ? undefined : "This project has no folder"}>
            <input
              type="radio"
              name="export-path"
              checked={toProjectFolder}
              disabled={!projectHasFolder}
              onChange={() => setToProjectFolder(true)}
              data-testid="export-to-project-folder"
            />
            <span>
              <span className="mono">.env</span> in the project folder
            </span>
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name="export-path"
              checked={!toProjectFolder}
              onChange={() => setToProjectFolder(false)}
              data-testid="export-to-custom-path"
            />
            Another file
          </label>
          {!toProjectFolder && (
            <Field label="Path" error={pathError} errorTestId="export-path-error">
              {(control) => (
                <PathInput
                  {...control}
                  value={customPath}
                  placeholder="/home/you/code/shop/.env.dev"
                  browse={{ kind: "saveFile", title: "Choose the file to write the variables to" }}
                  data-testid="export-path-input"
                  onValueChange={(value) => {
                    setCustomPath(value);
                    setPathError(null);
                  }}
                />
              )}
            </Field>
          )}
        </fieldset>
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onDone}>
          Cancel
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={confirming}
          data-autofocus
          data-testid="export-show-changes"
        >
          Show the changes
        </button>
      </footer>
    </form>
  );
}

function ExportPreview({
  projectId,
  target,
  onBack,
  onDone,
}: {
  projectId: number;
  target: ExportTarget;
  onBack: () => void;
  onDone: () => void;
}) {
  const preview = useQuery(dotenvExportPreviewQuery(projectId, target.environment, target.path));
  const write = useDotenvExportWrite(projectId);
  const linkOutside = useLinkOutsideConfirm();
  // The core masks secret values on both sides (the file may hold them from an earlier export), so
  // masked lines cannot tell whether a secret changed: with secrets, writing stays possible.
  const shownCurrent = preview.data?.current ?? "";
  const hasSecrets = preview.data?.proposed.includes("••••••") ?? false;
  const unchanged =
    preview.data !== undefined &&
    !hasSecrets &&
    diffLines(shownCurrent, preview.data.proposed).every((line) => line.kind === "same");

  const confirm = async () => {
    if (!preview.data) return;
    const { path, current } = preview.data;
    // Someone may have edited the file since the preview: then its new state is shown to decide again.
    const written = await writeShown(linkOutside.withConsent, (allowOutside) => write.mutateAsync({ ...target, expected: current, allowOutside }), {
      changed: "The file changed since it was read; check the changes again",
      failed: "The file was not written",
      refetch: () => void preview.refetch(),
    });
    if (!written) return;
    toast.success(`Wrote the variables of “${target.environment}” to ${path}`);
    onDone();
  };

  return (
    <>
      <div className="dialog-body">
        {preview.isPending ? (
          <SkeletonRows rows={4} label="Reading the file" />
        ) : preview.isError ? (
          <ErrorState title="The changes could not be prepared" error={preview.error} onRetry={() => void preview.refetch()} />
        ) : (
          <>
            <p className="mono small muted selectable" data-testid="export-path">
              {preview.data.path}
              {preview.data.current === null && " (new file)"}
            </p>
            <EnvDiff current={shownCurrent} proposed={preview.data.proposed} label="Changes to the file" />
            <p className="field-hint">
              {unchanged
                ? "The file already holds these values."
                : hasSecrets
                  ? "Secret values show as •••••• and are not compared here; the file gets the real values."
                  : "Lines marked + are written, lines marked − replaced."}
            </p>
          </>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onBack}>
          Back
        </button>
        <button
          type="button"
          className="button button-primary"
          onClick={() => void confirm()}
          disabled={!preview.data || unchanged || write.isPending}
          data-autofocus
          data-testid="export-write"
        >
          Write
        </button>
      </footer>
      {linkOutside.dialog}
    </>
  );
}
