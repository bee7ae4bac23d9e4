import { useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
import Editor from "@monaco-editor/react";
import type { editor } from "monaco-editor/editor";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Save, X } from "lucide-react";
import clsx from "clsx";
import { toast } from "sonner";
import { api, errorMessage } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { ErrorState } from "../../components/ErrorState";
import { Skeleton } from "../../components/Skeleton";
import { currentEditorTheme, sqlEditorOptions, subscribeToEditorTheme } from "../config/monaco";
import "monaco-editor/languages/definitions/sql/register";

/**
 * A migration's files in Monaco (SQL highlighting), one tab each; Save (or Ctrl/⌘+S) writes the
 * file. Edits survive switching tabs; closing with unsaved edits asks first.
 */
export function MigrationEditor({ datasourceId, files, onClose }: { datasourceId: number; files: string[]; onClose: () => void }) {
  const [active, setActive] = useState(files[0]);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [closing, setClosing] = useState(false);
  const dirty = Object.keys(drafts);
  return (
    <section className="migrations-editor" aria-label="Migration files" data-testid="migration-editor">
      <div className="migrations-editor-tabs" role="tablist">
        {files.map((file) => (
          <button
            key={file}
            type="button"
            role="tab"
            aria-selected={file === active}
            className={clsx("migrations-editor-tab mono", file === active && "active")}
            onClick={() => setActive(file)}
            data-testid="migration-editor-tab"
          >
            {file}
            {file in drafts ? " •" : ""}
          </button>
        ))}
        {closing ? (
          <span className="migrations-editor-leave" role="alert">
            Unsaved changes to {dirty.join(", ")}.
            <button type="button" className="button button-small button-danger" onClick={onClose} data-testid="migration-editor-discard">
              Discard
            </button>
            <button type="button" className="button button-small button-secondary" onClick={() => setClosing(false)}>
              Keep editing
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="icon-button"
            aria-label="Close the files"
            onClick={() => (dirty.length > 0 ? setClosing(true) : onClose())}
            data-testid="migration-editor-close"
          >
            <X size={14} aria-hidden />
          </button>
        )}
      </div>
      <FileEditor
        key={active}
        datasourceId={datasourceId}
        file={active}
        draft={drafts[active]}
        onDraft={(text) => setDrafts((current) => ({ ...current, [active]: text }))}
        onSaved={() =>
          setDrafts((current) => {
            const { [active]: _saved, ...rest } = current;
            return rest;
          })
        }
      />
    </section>
  );
}

function FileEditor({
  datasourceId,
  file,
  draft,
  onDraft,
  onSaved,
}: {
  datasourceId: number;
  file: string;
  draft: string | undefined;
  onDraft: (text: string) => void;
  onSaved: () => void;
}) {
  const queryClient = useQueryClient();
  const [saving, setSaving] = useState(false);
  const text = useQuery({
    queryKey: [...queryKeys.migrations(datasourceId), "file", file],
    queryFn: () => api.migrationsFileRead(datasourceId, file),
    staleTime: 0,
    retry: false,
  });
  const save = async (value: string) => {
    setSaving(true);
    try {
      await api.migrationsFileWrite(datasourceId, file, value, false);
      queryClient.setQueryData([...queryKeys.migrations(datasourceId), "file", file], value);
      onSaved();
      toast.success(`Saved ${file}`);
      // A file applied before and changed now shows as changed.
      void queryClient.invalidateQueries({ queryKey: queryKeys.migrations(datasourceId), exact: true });
    } catch (error) {
      toast.error(`${file} was not saved`, { description: errorMessage(error) });
    } finally {
      setSaving(false);
    }
  };
  if (text.isPending) return <Skeleton width="60%" />;
  if (text.isError) return <ErrorState title={`${file} could not be read`} error={text.error} onRetry={() => void text.refetch()} />;
  return <LoadedFile initial={draft ?? text.data} saving={saving} unsaved={draft !== undefined} onDraft={onDraft} onSave={save} />;
}

/**
 * Monaco on the file's text as it was when the tab opened (edits live in Monaco's model from
 * then on: a changing `defaultValue` would replace the editor under the cursor).
 */
function LoadedFile({
  initial,
  saving,
  unsaved,
  onDraft,
  onSave,
}: {
  initial: string;
  saving: boolean;
  unsaved: boolean;
  onDraft: (text: string) => void;
  onSave: (text: string) => Promise<void>;
}) {
  const theme = useSyncExternalStore(subscribeToEditorTheme, currentEditorTheme);
  const [text] = useState(initial);
  const editorRef = useRef<editor.IStandaloneCodeEditor | null>(null);
  const save = useRef(onSave);
  useLayoutEffect(() => {
    save.current = onSave;
  });
  return (
    <div className="migrations-editor-body">
      <div className="migrations-editor-toolbar">
        <button
          type="button"
          className="button button-primary button-small"
          disabled={!unsaved || saving}
          onClick={() => void save.current(editorRef.current?.getValue() ?? text)}
          data-testid="migration-editor-save"
        >
          <Save size={14} aria-hidden />
          {saving ? "Saving…" : "Save"}
          <kbd>Ctrl+S</kbd>
        </button>
      </div>
      <div className="migrations-editor-monaco" data-testid="migration-editor-monaco">
        <Editor
          language="sql"
          defaultValue={text}
          theme={theme}
          options={sqlEditorOptions}
          loading={<Skeleton width="60%" />}
          onChange={(value) => onDraft(value ?? "")}
          onMount={(instance, monaco) => {
            editorRef.current = instance;
            instance.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => void save.current(instance.getValue()));
            instance.focus();
          }}
        />
      </div>
    </div>
  );
}
