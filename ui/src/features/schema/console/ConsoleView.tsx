import { useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
import Editor from "@monaco-editor/react";
import type { editor } from "monaco-editor/editor";
import { Play, Square } from "lucide-react";
import { toast } from "sonner";
import { api, ApiError, errorMessage, type RunStatus, type SchemaSource } from "../../../api";
import { Dialog } from "../../../components/Dialog";
import { Skeleton } from "../../../components/Skeleton";
import { currentEditorTheme, subscribeToEditorTheme } from "../../config/monaco";
import "monaco-editor/languages/definitions/sql/register";
import { ResultGrid } from "./ResultGrid";
import "./console.css";

const editorOptions: editor.IStandaloneEditorConstructionOptions = {
  minimap: { enabled: false },
  fontSize: 13,
  scrollBeyondLastLine: false,
  automaticLayout: true,
  tabSize: 2,
};

/**
 * SQL on the chosen database: Ctrl/Cmd+Enter runs the script, Cancel stops it on the server, a
 * destructive script is confirmed first, "Read-only" refuses anything but reads. Rows arrive in
 * the grid by page.
 */
export function ConsoleView({ source, defaultReadOnly }: { source: SchemaSource; defaultReadOnly: boolean }) {
  const theme = useSyncExternalStore(subscribeToEditorTheme, currentEditorTheme);
  const [sql, setSql] = useState("SELECT 1;");
  const [readOnly, setReadOnly] = useState(defaultReadOnly);
  const [status, setStatus] = useState<RunStatus | null>(null);
  const [running, setRunning] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const runId = useRef<number | null>(null);
  const runScript = (confirmed: boolean) => {
    if (running) return;
    setRunning(true);
    // The previous run's status must not stand for this one (its Cancel would stop the wrong run).
    setStatus(null);
    if (runId.current !== null) void api.consoleClose(runId.current);
    runId.current = null;
    api
      .consoleRun(source, sql, { readOnly, confirmed }, (next) => {
        if (next.id === runId.current) setStatus(next);
      })
      .then((started) => {
        runId.current = started.id;
        setStatus(started);
      })
      .catch((error) => {
        if (error instanceof ApiError && error.code === "console.confirm_destructive") setConfirming(error.message);
        else toast.error("The script did not run", { description: errorMessage(error) });
      })
      .finally(() => setRunning(false));
  };
  // Monaco's Ctrl+Enter command is registered once: it calls the latest runScript.
  const run = useRef(runScript);
  useLayoutEffect(() => {
    run.current = runScript;
  });

  // A run's rows stay on disk in the core until it is closed: close the last one on leaving.
  useEffect(
    () => () => {
      if (runId.current !== null) void api.consoleClose(runId.current);
    },
    [],
  );

  const cancel = async () => {
    if (status === null) return;
    try {
      setStatus(await api.consoleCancel(status.id));
    } catch (error) {
      toast.error("The script could not be cancelled", { description: errorMessage(error) });
    }
  };
  const busy = running || (status !== null && !status.done);
  return (
    <div className="console" data-testid="console">
      <div className="console-editor">
        <Editor
          language="sql"
          defaultValue={sql}
          theme={theme}
          options={editorOptions}
          loading={<Skeleton width="60%" />}
          onChange={(value) => setSql(value ?? "")}
          onMount={(instance, monaco) =>
            instance.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => run.current(false))
          }
        />
      </div>
      <div className="console-toolbar">
        <button type="button" className="button button-primary" onClick={() => runScript(false)} disabled={busy} data-testid="console-run">
          <Play size={14} aria-hidden />
          Run
          <kbd>Ctrl+Enter</kbd>
        </button>
        {busy && status !== null && (
          <button type="button" className="button button-secondary" onClick={() => void cancel()} data-testid="console-cancel">
            <Square size={14} aria-hidden />
            Cancel
          </button>
        )}
        <label className="checkbox-label">
          <input type="checkbox" checked={readOnly} onChange={(event) => setReadOnly(event.target.checked)} data-testid="console-read-only" />
          Read-only
        </label>
        <span className="muted small console-status" role="status" data-testid="console-status">
          {status === null
            ? "Ctrl+Enter runs the script."
            : status.error
              ? status.error
              : `${status.rows.toLocaleString()} row${status.rows === 1 ? "" : "s"}${status.done ? "" : " so far…"}${
                  // A statement that returns rows counts them as "affected" too: said only for writes.
                  status.rowsAffected > 0 && status.columns.length === 0
                    ? ` · ${status.rowsAffected.toLocaleString()} affected`
                    : ""
                } · ${status.elapsedMs.toLocaleString()} ms`}
        </span>
      </div>
      {status !== null && status.columns.length > 0 && <ResultGrid key={status.id} status={status} />}
      <Dialog
        open={confirming !== null}
        title="Run a script that destroys data?"
        size="small"
        onClose={() => setConfirming(null)}
        testId="console-confirm-dialog"
        description={<p className="selectable">{confirming}</p>}
      >
        <footer className="dialog-footer">
          <button type="button" className="button button-secondary" onClick={() => setConfirming(null)} data-autofocus>
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            onClick={() => {
              setConfirming(null);
              runScript(true);
            }}
            data-testid="console-confirm"
          >
            Run it
          </button>
        </footer>
      </Dialog>
    </div>
  );
}
