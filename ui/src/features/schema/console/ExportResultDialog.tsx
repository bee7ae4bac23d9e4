import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api, errorMessage, type ExportProgress, type ResultFormat } from "../../../api";
import { Dialog } from "../../../components/Dialog";
import { Field } from "../../../components/Field";
import { PathInput } from "../../../components/PathInput";
import { ProgressBar } from "../../../components/ProgressBar";
import { confirmFileToWrite } from "../../../lib/confirmFileToWrite";

const FORMATS: { format: ResultFormat; label: string; hint: string }[] = [
  { format: "csv", label: "CSV", hint: "A header line, then a line per row; NULL is an empty field, the empty string \"\"." },
  { format: "json", label: "JSON", hint: "An array of objects: numbers, booleans and JSON columns as JSON, NULL as null." },
];

type ExportResultDialogProps = {
  runId: number | null;
  rows: number;
  /** The query is still running: the export follows it, writing rows as they come. */
  running: boolean;
  /** The file name offered, without its extension. */
  baseName: string;
  onClose: () => void;
};

/**
 * The whole result (not only the rows on screen) written by the core to a file, CSV or JSON, with
 * its progress; the file appears under its name only once complete.
 */
export function ExportResultDialog({ runId, rows, running, baseName, onClose }: ExportResultDialogProps) {
  const [format, setFormat] = useState<ResultFormat>("csv");
  const [path, setPath] = useState("");
  const [pathError, setPathError] = useState<string | null>(null);
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [exporting, setExporting] = useState(false);

  const close = () => {
    if (exporting) return;
    setProgress(null);
    setPathError(null);
    onClose();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (runId === null || exporting) return;
    if (path.trim() === "") return setPathError("Choose the file to write with Browse…, or type its full path.");
    setExporting(true);
    try {
      const confirmed = await confirmFileToWrite(path, "Confirm the file to export the result to", [
        { name: format.toUpperCase(), extensions: [format] },
      ]);
      if ("problem" in confirmed) return setPathError(confirmed.problem);
      setPath(confirmed.path);
      const done = await api.consoleExport(runId, confirmed.path, format, setProgress);
      toast.success(`Exported ${done.rows.toLocaleString()} rows as ${format.toUpperCase()}`, { description: confirmed.path });
      setProgress(null);
      onClose();
    } catch (error) {
      setPathError(errorMessage(error));
    } finally {
      setExporting(false);
    }
  };

  // While the query runs, the whole is not known yet: the bar is indeterminate.
  const fraction = progress && progress.total > 0 && !running ? progress.rows / progress.total : null;
  return (
    <Dialog
      open={runId !== null}
      title="Export the result"
      onClose={close}
      testId="console-export-dialog"
      description={
        running ? (
          <p>
            The query is still running ({rows.toLocaleString()} rows so far): its rows are written as they arrive, and the file appears once
            it ends. If it fails or is cancelled, nothing is written.
          </p>
        ) : (
          <p>All {rows.toLocaleString()} rows, written by the app straight to the file.</p>
        )
      }
    >
      <form className="form" onSubmit={(event) => void submit(event)} noValidate>
        <div className="dialog-body">
          <fieldset className="path-choice">
            <legend className="field-label">Format</legend>
            {FORMATS.map((item) => (
              <label key={item.format} className="checkbox" title={item.hint}>
                <input
                  type="radio"
                  name="export-format"
                  checked={format === item.format}
                  onChange={() => {
                    setFormat(item.format);
                    setPath((current) => current.replace(/\.(csv|json)$/i, `.${item.format}`));
                  }}
                  data-testid={`console-export-${item.format}`}
                />
                <span>
                  {item.label} <span className="muted small">{item.hint}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <Field label="File" error={pathError} errorTestId="console-export-path-error">
            {(control) => (
              <PathInput
                {...control}
                value={path}
                placeholder={`/home/you/${baseName}.${format}`}
                browse={{
                  kind: "saveFile",
                  title: "Export the result to",
                  filters: [{ name: format.toUpperCase(), extensions: [format] }],
                }}
                data-autofocus
                data-testid="console-export-path-input"
                onValueChange={(value) => {
                  setPath(value);
                  setPathError(null);
                }}
              />
            )}
          </Field>
          {exporting && (
            <ProgressBar fraction={fraction} label="Exporting" testId="console-export-progress" />
          )}
          {progress && (
            <p className="muted small" role="status">
              {progress.rows.toLocaleString()} {running && !progress.done ? "rows so far" : `of ${progress.total.toLocaleString()} rows`} ·{" "}
              {(progress.bytes / 1_048_576).toFixed(1)} MiB
            </p>
          )}
        </div>
        <footer className="dialog-footer">
          <button type="button" className="button button-secondary" onClick={close} disabled={exporting}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={exporting} data-testid="console-export-submit">
            {exporting ? "Exporting…" : "Export"}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
