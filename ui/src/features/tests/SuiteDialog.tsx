import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, ApiError, errorMessage, type Suite } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { shellJoin } from "./results";

const formats = [
  { value: "", label: "Read from the command (recognised runners)" },
  { value: "junit", label: "JUnit XML report" },
  { value: "jest-json", label: "Jest JSON report" },
  { value: "libtest-json", label: "libtest JSON lines (nextest)" },
  { value: "libtest", label: "libtest lines (cargo test)" },
  { value: "go-json", label: "go test -json lines" },
  { value: "none", label: "None: the exit code only" },
];

/**
 * Adds a suite to quantum.toml, or changes one: a declared suite, or a found one taken over under
 * its name. The core checks it by the file's own rules and writes it keeping the rest of the file.
 */
export function SuiteDialog({ projectId, suite, onClose }: { projectId: number; suite: Suite | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(suite?.name ?? "");
  const [command, setCommand] = useState(suite ? shellJoin(suite.command) : "");
  const [dir, setDir] = useState(suite?.workingDir ?? "");
  const [format, setFormat] = useState(suite?.source === "config" && suite.runner === "custom" ? suite.format.replace("_", "-") : "");
  const [report, setReport] = useState(suite?.reportPath ?? "");
  const [timeout, setTimeout] = useState(suite?.timeoutSecs ? String(suite.timeoutSecs) : "");
  const [env, setEnv] = useState(Object.entries(suite?.env ?? {}).map(([k, v]) => `${k}=${v}`).join("\n"));
  const save = useMutation({
    mutationFn: () =>
      api.testsSuiteSave(projectId, {
        name: name.trim(),
        command,
        dir: dir.trim() || null,
        env: Object.fromEntries(
          env
            .split("\n")
            .map((line) => line.trim())
            .filter(Boolean)
            .map((line) => [line.slice(0, line.indexOf("=") < 0 ? line.length : line.indexOf("=")), line.includes("=") ? line.slice(line.indexOf("=") + 1) : ""]),
        ),
        format: format || null,
        report: report.trim() || null,
        timeout: timeout.trim() ? Number(timeout) : null,
      }),
    onSuccess: () => {
      toast.success(`Suite “${name.trim()}” saved in quantum.toml`);
      void queryClient.invalidateQueries({ queryKey: queryKeys.tests(projectId) });
      onClose();
    },
  });
  const fieldError = (field: string) => (save.error instanceof ApiError && save.error.field === field ? save.error.message : undefined);
  const generalError = save.error && !(save.error instanceof ApiError && save.error.field) ? errorMessage(save.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Dialog
      open
      title={suite ? `Suite “${suite.name}”` : "Add a test suite"}
      description="Saved in the project's quantum.toml, where its comments and everything else stay as they are."
      onClose={onClose}
      testId="suite-dialog"
    >
      <form onSubmit={submit} className="form dialog-body">
        <Field label="Name" error={fieldError("name")}>
          {(control) => (
            <input {...control} className="input" value={name} disabled={suite !== null} onChange={(e) => setName(e.target.value)} data-autofocus data-testid="suite-name" />
          )}
        </Field>
        <Field label="Command" error={fieldError("command")}>
          {(control) => (
            <input {...control} className="input mono" value={command} placeholder="cargo nextest run --workspace" onChange={(e) => setCommand(e.target.value)} data-testid="suite-command" />
          )}
        </Field>
        <Field label="Folder (relative to the project)">
          {(control) => (
            <input {...control} className="input mono" value={dir} placeholder="the project's folder" onChange={(e) => setDir(e.target.value)} />
          )}
        </Field>
        <Field label="Results">
          {(control) => (
            <select {...control} className="select" value={format} onChange={(e) => setFormat(e.target.value)} data-testid="suite-format">
            {formats.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
          )}
        </Field>
        {(format === "junit" || format === "jest-json") && (
          <Field label="Report file the command writes">
          {(control) => (
            <input {...control} className="input mono" value={report} placeholder="target/junit.xml" onChange={(e) => setReport(e.target.value)} data-testid="suite-report" />
          )}
        </Field>
        )}
        <Field label="Timeout in seconds (empty: 30 minutes)">
          {(control) => (
            <input {...control} className="input" inputMode="numeric" value={timeout} onChange={(e) => setTimeout(e.target.value)} />
          )}
        </Field>
        <Field label="Variables, one NAME=value a line">
          {(control) => (
            <textarea {...control} className="input mono" rows={3} value={env} onChange={(e) => setEnv(e.target.value)} />
          )}
        </Field>
        {generalError && (
          <p className="field-error" role="alert" data-testid="suite-error">
            {generalError}
          </p>
        )}
        <div className="dialog-footer">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={save.isPending || !name.trim() || !command.trim()} data-testid="suite-save">
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
