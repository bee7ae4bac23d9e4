import { useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
import Editor from "@monaco-editor/react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type * as MonacoApi from "monaco-editor/editor";
import type { editor } from "monaco-editor/editor";
import { language as sqlLanguage } from "monaco-editor/languages/definitions/sql/sql";
import { Download, History, Play, Square, WandSparkles } from "lucide-react";
import { toast } from "sonner";
import { api, ApiError, errorMessage, type RunStatus, type Schema, type SchemaSource } from "../../../api";
import { queryKeys } from "../../../api/queryKeys";
import { Dialog } from "../../../components/Dialog";
import { Menu } from "../../../components/Menu";
import { Skeleton } from "../../../components/Skeleton";
import { currentEditorTheme, sqlEditorOptions, subscribeToEditorTheme } from "../../config/monaco";
import "monaco-editor/languages/definitions/sql/register";
import { suggestionsFor } from "./completion";
import { ExportResultDialog } from "./ExportResultDialog";
import { formatSql } from "./format";
import { consoleHistoryQuery } from "./queries";
import { ResultGrid } from "./ResultGrid";
import { SavedQueries } from "./SavedQueries";
import "./console.css";

const KEYWORDS: readonly string[] = sqlLanguage.keywords;

type ConsoleViewProps = {
  source: SchemaSource;
  projectId: number;
  /** The database's inspected schema: its tables and columns are completed in the editor. */
  schema: Schema;
  defaultReadOnly: boolean;
};

/**
 * SQL on the chosen database: Ctrl/Cmd+Enter runs the script, Cancel stops it on the server, a
 * destructive script is confirmed first, "Read-only" refuses anything but reads. Rows arrive in
 * the grid by page. Tables and columns complete as you type; Shift+Alt+F formats; History holds
 * what ran here, Saved the project's `queries/*.sql`; Export writes the whole result to a file.
 */
export function ConsoleView({ source, projectId, schema, defaultReadOnly }: ConsoleViewProps) {
  const theme = useSyncExternalStore(subscribeToEditorTheme, currentEditorTheme);
  const queryClient = useQueryClient();
  const history = useQuery(consoleHistoryQuery(source));
  const [sql, setSql] = useState("SELECT 1;");
  const [savedName, setSavedName] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const [monaco, setMonaco] = useState<typeof MonacoApi | null>(null);
  const editorRef = useRef<editor.IStandaloneCodeEditor | null>(null);
  const schemaRef = useRef(schema);
  useLayoutEffect(() => {
    schemaRef.current = schema;
  });
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
      .finally(() => {
        setRunning(false);
        void queryClient.invalidateQueries({ queryKey: queryKeys.consoleHistory(source.kind, source.id) });
      });
  };

  // Completion and formatting for SQL are Monaco-wide: registered while the console is open.
  useEffect(() => {
    if (!monaco) return;
    const completion = monaco.languages.registerCompletionItemProvider("sql", {
      triggerCharacters: ["."],
      provideCompletionItems(model, position) {
        const word = model.getWordUntilPosition(position);
        const range = { startLineNumber: position.lineNumber, endLineNumber: position.lineNumber, startColumn: word.startColumn, endColumn: word.endColumn };
        const before = model.getValueInRange({ startLineNumber: 1, startColumn: 1, endLineNumber: position.lineNumber, endColumn: position.column });
        const kinds = monaco.languages.CompletionItemKind;
        const kindOf = { table: kinds.Struct, view: kinds.Interface, column: kinds.Field, keyword: kinds.Keyword };
        return {
          suggestions: suggestionsFor(schemaRef.current, before, model.getValue(), KEYWORDS).map((item) => ({
            label: item.label,
            kind: kindOf[item.kind],
            detail: item.detail,
            insertText: item.insertText,
            // Schema names before keywords.
            sortText: `${item.kind === "keyword" ? "1" : "0"}${item.label}`,
            range,
          })),
        };
      },
    });
    const formatting = monaco.languages.registerDocumentFormattingEditProvider("sql", {
      provideDocumentFormattingEdits(model) {
        try {
          return [{ range: model.getFullModelRange(), text: `${formatSql(model.getValue(), schemaRef.current.engine)}\n` }];
        } catch (error) {
          toast.error("The script could not be formatted", { description: errorMessage(error) });
          return [];
        }
      },
    });
    return () => {
      completion.dispose();
      formatting.dispose();
    };
  }, [monaco]);

  /** Replaces the editor's script, as one undoable edit. */
  const replaceScript = (text: string) => {
    const instance = editorRef.current;
    const model = instance?.getModel();
    if (!instance || !model) return;
    instance.pushUndoStop();
    instance.executeEdits("console", [{ range: model.getFullModelRange(), text }]);
    instance.pushUndoStop();
    instance.focus();
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
          options={sqlEditorOptions}
          loading={<Skeleton width="60%" />}
          onChange={(value) => setSql(value ?? "")}
          onMount={(instance, mounted) => {
            editorRef.current = instance;
            // The instance config/monaco.ts loads (typed loosely by the React wrapper).
            setMonaco(mounted as typeof MonacoApi);
            instance.addCommand(mounted.KeyMod.CtrlCmd | mounted.KeyCode.Enter, () => run.current(false));
          }}
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
        <button
          type="button"
          className="button button-secondary"
          onClick={() => void editorRef.current?.getAction("editor.action.formatDocument")?.run()}
          title="Format the script (Shift+Alt+F)"
          data-testid="console-format"
        >
          <WandSparkles size={14} aria-hidden />
          Format
        </button>
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
        <button
          type="button"
          className="button button-secondary"
          disabled={status === null || status.columns.length === 0}
          title={
            status !== null && status.columns.length > 0
              ? "Write the whole result to a CSV or JSON file (while it runs too)"
              : "Run a query that returns rows first"
          }
          onClick={() => setExporting(true)}
          data-testid="console-export"
        >
          <Download size={14} aria-hidden />
          Export
        </button>
        <Menu
          label="Scripts run on this database"
          trigger={{ text: "History", icon: History }}
          empty={history.isError ? errorMessage(history.error) : "Nothing has run here yet."}
          items={(history.data ?? []).map((entry) => ({
            label: entry.sql.replace(/\s+/g, " ").slice(0, 70),
            icon: Play,
            title: `${entry.sql.slice(0, 500)}\n\nLast run ${new Date(entry.ranAt).toLocaleString()}`,
            onSelect: () => {
              replaceScript(entry.sql);
              setSavedName(null);
            },
            testId: "console-history-item",
          }))}
          testId="console-history-menu"
        />
        <SavedQueries projectId={projectId} sql={sql} current={savedName} onCurrent={setSavedName} onOpen={(query) => replaceScript(query.sql)} />
      </div>
      {status !== null && status.columns.length > 0 && <ResultGrid key={status.id} status={status} />}
      <ExportResultDialog
        runId={exporting && status !== null ? status.id : null}
        rows={status?.rows ?? 0}
        running={status !== null && !status.done}
        baseName={`${schema.database}-result`}
        onClose={() => setExporting(false)}
      />
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
