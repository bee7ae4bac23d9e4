import { useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
import { keepPreviousData, skipToken, useQuery } from "@tanstack/react-query";
import { DiffEditor } from "@monaco-editor/react";
import type { editor } from "monaco-editor/editor";
import { History, RotateCcw } from "lucide-react";
import clsx from "clsx";
import { toast } from "sonner";
import { api, errorMessage, type ConfigDocument, type ConfigVersion } from "../../api";
import { Dialog } from "../../components/Dialog";
import { useLinkOutsideConfirm } from "../../components/LinkOutsideConfirm";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { RelativeTime } from "../../components/RelativeTime";
import { Skeleton, SkeletonRows } from "../../components/Skeleton";
import { formatDateTime } from "../../lib/time";
import { currentEditorTheme, subscribeToEditorTheme } from "./monaco";
import { tomlLanguageId } from "./monacoToml";
import { configHistoryQuery, configKeys, configVersionTextQuery, useRestoreConfig } from "./queries";
import { formatSize, shortHash, sourceLabels, versionLabel } from "./versions";

const diffOptions: editor.IDiffEditorConstructionOptions = {
  readOnly: true,
  originalEditable: false,
  renderSideBySide: true,
  // The window is narrow enough for Monaco to switch to the inline view by itself; stay side by side.
  useInlineViewWhenSpaceIsLimited: false,
  ignoreTrimWhitespace: false,
  renderOverviewRuler: false,
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  fontFamily: getComputedStyle(document.documentElement).getPropertyValue("--font-mono").trim() || "monospace",
  fontSize: 13,
};

const CURRENT = "current";

type ConfigHistoryProps = {
  projectId: number;
  /** The file on disk now. */
  current: ConfigDocument;
  /** Whether the editor holds unsaved edits, which a restore does not touch. */
  dirty: boolean;
};

export function ConfigHistory({ projectId, current, dirty }: ConfigHistoryProps) {
  const history = useQuery(configHistoryQuery(projectId));
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [compareWith, setCompareWith] = useState<number | typeof CURRENT>(CURRENT);
  const [restoring, setRestoring] = useState<ConfigVersion | null>(null);

  if (history.isPending) return <SkeletonRows rows={5} label="Loading the history" />;
  if (history.isError) {
    return <ErrorState title="The history could not be loaded" error={history.error} onRetry={() => void history.refetch()} />;
  }
  const versions = history.data;
  if (versions.length === 0) {
    return (
      <EmptyState
        icon={History}
        title="No versions yet"
        description="Every save of quantum.toml, from the app or on disk, records a version here."
        testId="config-history-empty"
      />
    );
  }

  // The newest version until the user picks one (or when the picked one is gone).
  const selected = versions.find((version) => version.id === selectedId) ?? versions[0];
  const other =
    compareWith === CURRENT || compareWith === selected.id
      ? null
      : (versions.find((version) => version.id === compareWith) ?? null);
  const isCurrent = (version: ConfigVersion) => current.exists && version.contentHash === current.contentHash;

  return (
    <div className="config-history" data-testid="config-history">
      <ul className="config-versions" aria-label="Versions, newest first" data-testid="config-versions">
        {versions.map((version) => (
          <li key={version.id}>
            <button
              type="button"
              className={clsx("config-version", version.id === selected.id && "config-version-selected")}
              aria-pressed={version.id === selected.id}
              onClick={() => setSelectedId(version.id)}
              data-testid="config-version"
              data-version-id={version.id}
              data-source={version.source}
            >
              <span className="config-version-line">
                <RelativeTime iso={version.savedAt} />
                {isCurrent(version) && <span className="config-version-current">Current</span>}
              </span>
              <span className="config-version-meta small muted">
                {sourceLabels[version.source]} · <span className="mono">{shortHash(version.contentHash)}</span> ·{" "}
                {formatSize(version.sizeBytes)}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <section className="config-compare" aria-label="Differences">
        <div className="config-compare-toolbar">
          <p className="config-compare-title">
            <strong>{formatDateTime(selected.savedAt)}</strong>{" "}
            <span className="muted">({sourceLabels[selected.source].toLowerCase()}) on the left</span>
          </p>
          <label className="config-compare-with">
            <span className="small muted">Compare with</span>
            <select
              className="select select-compact"
              value={String(other?.id ?? CURRENT)}
              onChange={(event) => setCompareWith(event.target.value === CURRENT ? CURRENT : Number(event.target.value))}
              data-testid="config-compare-with"
            >
              <option value={CURRENT}>The current file</option>
              {versions
                .filter((version) => version.id !== selected.id)
                .map((version) => (
                  <option key={version.id} value={String(version.id)}>
                    {versionLabel(version, formatDateTime)}
                  </option>
                ))}
            </select>
          </label>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => setRestoring(selected)}
            disabled={isCurrent(selected)}
            title={isCurrent(selected) ? "The file already holds this version" : undefined}
            data-testid="config-restore"
          >
            <RotateCcw size={14} aria-hidden />
            Restore this version
          </button>
        </div>
        <VersionDiff original={selected} modified={other} current={current} />
      </section>
      <RestoreDialog
        projectId={projectId}
        version={restoring}
        dirty={dirty}
        onClose={() => setRestoring(null)}
        onRestored={() => setSelectedId(null)}
      />
    </div>
  );
}

/** The side-by-side diff of a version (left) with another version or the current file (right). */
function VersionDiff({ original, modified, current }: { original: ConfigVersion; modified: ConfigVersion | null; current: ConfigDocument }) {
  // While the next version loads, the diff keeps showing the last one rather than flashing empty.
  const originalText = useQuery({ ...configVersionTextQuery(original.id), placeholderData: keepPreviousData });
  const modifiedText = useQuery({
    queryKey: configKeys.versionText(modified?.id ?? -1),
    queryFn: modified ? () => api.configVersionText(modified.id) : skipToken,
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  });

  const failed = originalText.isError ? originalText : modified && modifiedText.isError ? modifiedText : null;
  if (failed) {
    return <ErrorState title="This version could not be read" error={failed.error} onRetry={() => void failed.refetch()} />;
  }
  const left = originalText.data;
  const right = modified ? modifiedText.data : current.text;
  if (left === undefined || right === undefined) {
    return (
      <div className="config-diff-frame">
        <SkeletonRows rows={6} label="Loading the versions" />
      </div>
    );
  }
  return (
    <>
      {left === right && (
        <p className="config-note" data-testid="config-diff-identical">
          No differences: both hold the same text.
        </p>
      )}
      <DiffView original={left} modified={right} />
    </>
  );
}

function DiffView({ original, modified }: { original: string; modified: string }) {
  const theme = useSyncExternalStore(subscribeToEditorTheme, currentEditorTheme);
  const diffEditor = useRef<editor.IStandaloneDiffEditor>(null);

  // @monaco-editor/react disposes the two models before the diff editor that shows them, which
  // Monaco reports as an error. Detach and dispose them here first: layout-effect cleanups run
  // before the wrapper's own.
  useLayoutEffect(
    () => () => {
      const instance = diffEditor.current;
      const models = instance?.getModel();
      instance?.setModel(null);
      models?.original.dispose();
      models?.modified.dispose();
    },
    [],
  );

  return (
    <div className="config-diff-frame" data-testid="config-diff">
      <DiffEditor
        original={original}
        modified={modified}
        language={tomlLanguageId}
        theme={theme}
        options={diffOptions}
        keepCurrentOriginalModel
        keepCurrentModifiedModel
        loading={<Skeleton width="50%" />}
        onMount={(instance) => {
          diffEditor.current = instance;
        }}
      />
    </div>
  );
}

type RestoreDialogProps = {
  projectId: number;
  version: ConfigVersion | null;
  dirty: boolean;
  onClose: () => void;
  onRestored: () => void;
};

function RestoreDialog({ projectId, version, dirty, onClose, onRestored }: RestoreDialogProps) {
  const restore = useRestoreConfig(projectId);
  const linkOutside = useLinkOutsideConfirm();
  const confirm = async () => {
    if (!version) return;
    try {
      const document = await linkOutside.withConsent((allowOutside) =>
        restore.mutateAsync({ versionId: version.id, allowOutside }),
      );
      if (!document) return;
      toast.success("Version restored", { description: `${document.path} now holds the version of ${formatDateTime(version.savedAt)}.` });
      onRestored();
      onClose();
    } catch (error) {
      toast.error("The version was not restored", { description: errorMessage(error) });
    }
  };
  return (
    <Dialog
      open={version !== null}
      title="Restore this version?"
      size="small"
      onClose={onClose}
      testId="config-restore-dialog"
      description={
        version && (
          <p>
            quantum.toml is rewritten with the version of <strong>{formatDateTime(version.savedAt)}</strong>. The file as it
            is now stays in the history.
            {dirty && " Your unsaved edits in the editor are kept, and you choose what to do with them."}
          </p>
        )
      }
    >
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button-primary"
          onClick={() => void confirm()}
          disabled={restore.isPending}
          data-testid="config-restore-confirm"
        >
          Restore
        </button>
      </footer>
      {linkOutside.dialog}
    </Dialog>
  );
}
