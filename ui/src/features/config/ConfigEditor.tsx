import { useEffect, useState, useSyncExternalStore } from "react";
import Editor from "@monaco-editor/react";
import type { editor } from "monaco-editor/editor";
import { CircleAlert, CircleCheck, FileCode2, Info, Save, TriangleAlert } from "lucide-react";
import clsx from "clsx";
import { Skeleton } from "../../components/Skeleton";
import { isMac, shortcutLabel } from "../../lib/platform";
import { markerOwner, summarize, summaryText, toMarkers } from "./diagnostics";
import { currentEditorTheme, markerSeverities, monaco, subscribeToEditorTheme } from "./monaco";
import { tomlLanguageId } from "./monacoToml";
import type { ConfigDraft } from "./useConfigDraft";

const editorOptions: editor.IStandaloneEditorConstructionOptions = {
  ariaLabel: "quantum.toml",
  fontFamily: getComputedStyle(document.documentElement).getPropertyValue("--font-mono").trim() || "monospace",
  fontSize: 13,
  tabSize: 2,
  insertSpaces: true,
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  padding: { top: 8, bottom: 8 },
  // Suggestions come from the core's schema, not from words already in the file.
  wordBasedSuggestions: "off",
  quickSuggestions: { other: true, strings: true, comments: false },
  // Hovers and suggestions may reach past the editor's frame.
  fixedOverflowWidgets: true,
  renderLineHighlightOnlyWhenFocus: true,
};

const locationLabels = {
  projectFolder: "In the project folder",
  dataDir: "In the app's data folder: the project has no folder",
};

/** Replaces the editor's text, keeping the cursor, the selection, the scroll and the undo history. */
function replaceText(instance: editor.IStandaloneCodeEditor, text: string) {
  const model = instance.getModel();
  if (!model || model.getValue() === text) return;
  const viewState = instance.saveViewState();
  instance.executeEdits("quantum.toml", [{ range: model.getFullModelRange(), text }]);
  instance.pushUndoStop();
  if (viewState) instance.restoreViewState(viewState);
}

export function ConfigEditor({ projectId, draft }: { projectId: number; draft: ConfigDraft }) {
  const [instance, setInstance] = useState<editor.IStandaloneCodeEditor | null>(null);
  const theme = useSyncExternalStore(subscribeToEditorTheme, currentEditorTheme);
  const { base, text, diagnostics, conflict } = draft.state;
  const summary = summarize(diagnostics);

  // The text changes under the editor on a reload, a restore, or a save that formatted it.
  useEffect(() => {
    if (instance) replaceText(instance, text);
  }, [instance, text]);

  useEffect(() => {
    const model = instance?.getModel();
    if (model) monaco.editor.setModelMarkers(model, markerOwner, toMarkers(diagnostics, markerSeverities));
  }, [instance, diagnostics]);

  const jumpToFirstProblem = () => {
    const first = summary.first;
    if (!instance || !first) return;
    const range = {
      startLineNumber: first.line,
      startColumn: first.column,
      endLineNumber: first.endLine,
      endColumn: first.endColumn,
    };
    instance.setSelection(range);
    instance.revealRangeInCenterIfOutsideViewport(range);
    instance.focus();
  };

  const StatusIcon = summary.errors > 0 ? CircleAlert : summary.warnings > 0 ? TriangleAlert : CircleCheck;
  return (
    <div className="config-editor">
      <div className="config-toolbar">
        <div className="config-file">
          <FileCode2 size={15} aria-hidden className="config-file-icon" />
          <div className="config-file-text">
            <span className="mono selectable config-path" data-testid="config-path">
              {base.path}
            </span>
            <span className="small muted" data-testid="config-location">
              {locationLabels[base.location]}
            </span>
          </div>
        </div>
        {draft.dirty && (
          <span className="config-dirty" data-testid="config-dirty">
            <span className="config-dirty-dot" aria-hidden />
            Unsaved changes
          </span>
        )}
        <button
          type="button"
          className="button button-primary"
          onClick={() => void draft.save()}
          disabled={!draft.canSave || draft.saving}
          title={`Save (${shortcutLabel("S")})`}
          aria-keyshortcuts={isMac ? "Meta+S" : "Control+S"}
          data-testid="config-save"
        >
          {draft.saving ? <span className="spinner spinner-small spinner-on-accent" aria-hidden /> : <Save size={14} aria-hidden />}
          {base.exists ? "Save" : "Create file"}
        </button>
      </div>
      {!base.exists && (
        <p className="config-note" data-testid="config-missing-note">
          <Info size={14} aria-hidden />
          quantum.toml does not exist yet. This is what the app would write; saving creates the file.
        </p>
      )}
      {conflict && (
        <div className="config-note config-note-warning" role="status" data-testid="config-conflict">
          <TriangleAlert size={14} aria-hidden />
          <span className="config-note-text">
            {conflict.reason === "changedOnDisk"
              ? "quantum.toml changed on disk."
              : "quantum.toml changed on disk since you started editing, so your edits were not saved."}
          </span>
          <button type="button" className="button button-secondary button-small" onClick={draft.reload} data-testid="config-reload">
            Reload
          </button>
          {conflict.reason === "changedOnDisk" ? (
            <button type="button" className="button button-secondary button-small" onClick={draft.keepEdits} data-testid="config-keep-edits">
              Keep my edits
            </button>
          ) : (
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => void draft.overwrite()}
              disabled={draft.saving}
              data-testid="config-overwrite"
            >
              Overwrite
            </button>
          )}
        </div>
      )}
      <div className="config-editor-frame" data-testid="config-editor">
        <Editor
          path={`quantum://project/${projectId}/quantum.toml`}
          language={tomlLanguageId}
          defaultValue={text}
          theme={theme}
          options={editorOptions}
          loading={<Skeleton width="60%" />}
          onMount={setInstance}
          onChange={(value) => draft.edit(value ?? "")}
        />
      </div>
      <div className="config-status" data-testid="config-status" data-errors={summary.errors} data-warnings={summary.warnings}>
        <button
          type="button"
          className={clsx("config-status-problems", summary.errors > 0 && "config-status-errors", summary.errors === 0 && summary.warnings > 0 && "config-status-warnings")}
          onClick={jumpToFirstProblem}
          disabled={!summary.first}
          title={summary.first ? `Go to line ${summary.first.line}: ${summary.first.message}` : undefined}
          data-testid="config-problems"
        >
          <StatusIcon size={13} aria-hidden />
          <span aria-live="polite">{summaryText(summary)}</span>
        </button>
        {draft.checkError && (
          <span className="config-status-check-error" title={draft.checkError}>
            The last change could not be checked
          </span>
        )}
        <span className="config-status-hint">
          <kbd>{isMac ? "⌃⇧M" : "Ctrl+M"}</kbd> lets Tab leave the editor
        </span>
      </div>
    </div>
  );
}
