import { useEffect, useEffectEvent, type KeyboardEvent } from "react";
import { Link, useBlocker, useParams, useSearchParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, FolderSearch } from "lucide-react";
import { ApiError } from "../../api";
import { Dialog } from "../../components/Dialog";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { PageHeader } from "../../components/PageHeader";
import { SkeletonRows } from "../../components/Skeleton";
import { isMac } from "../../lib/platform";
import { projectQuery } from "../projects/queries";
import { ConfigEditor } from "./ConfigEditor";
import { ConfigHistory } from "./ConfigHistory";
import { PendingDatasources } from "./PendingDatasources";
import { useConfigDraft, type ConfigDraft } from "./useConfigDraft";
import "./config.css";

const tabs = [
  { id: "editor", label: "Editor" },
  { id: "history", label: "History" },
] as const;

type Tab = (typeof tabs)[number]["id"];

/** quantum.toml of a project, at `/projects/:projectId/config` (`?view=history` for its history). */
export default function ConfigPage() {
  const projectId = Number(useParams().projectId);
  const project = useQuery({ ...projectQuery(projectId), enabled: Number.isInteger(projectId) });

  const backLink = (
    <Link to={`/projects/${projectId}`} className="back-link" data-testid="config-back">
      <ArrowLeft size={14} aria-hidden />
      {project.data?.name ?? "Project"}
    </Link>
  );

  if (!Number.isInteger(projectId) || (project.error instanceof ApiError && project.error.code === "project.not_found")) {
    return (
      <div className="page">
        <Link to="/projects" className="back-link">
          <ArrowLeft size={14} aria-hidden />
          Projects
        </Link>
        <EmptyState icon={FolderSearch} title="This project no longer exists" description="It may have been deleted." />
      </div>
    );
  }
  return (
    <div className="page page-fill page-wide config-page" data-testid="config-page">
      {backLink}
      <PageHeader title="Configuration" description={project.data && <>quantum.toml of “{project.data.name}”</>} />
      <ConfigWorkspace key={projectId} projectId={projectId} />
    </div>
  );
}

function ConfigWorkspace({ projectId }: { projectId: number }) {
  const { documentQuery, draft, linkDialog } = useConfigDraft(projectId);
  const [searchParams, setSearchParams] = useSearchParams();
  const tab: Tab = searchParams.get("view") === "history" ? "history" : "editor";

  if (documentQuery.isError && !draft) {
    return <ErrorState title="quantum.toml could not be read" error={documentQuery.error} onRetry={() => void documentQuery.refetch()} />;
  }
  if (!draft) return <SkeletonRows rows={8} label="Reading quantum.toml" />;

  const selectTab = (next: Tab) => setSearchParams(next === "history" ? { view: "history" } : {}, { replace: true });
  const onTabKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    event.preventDefault();
    const next = tab === "editor" ? "history" : "editor";
    selectTab(next);
    document.getElementById(`config-tab-${next}`)?.focus();
  };

  return (
    <>
      <div className="tabs" role="tablist" aria-label="quantum.toml">
        {tabs.map((item) => (
          <button
            key={item.id}
            id={`config-tab-${item.id}`}
            type="button"
            role="tab"
            className={item.id === tab ? "tab active" : "tab"}
            aria-selected={item.id === tab}
            aria-controls={`config-panel-${item.id}`}
            tabIndex={item.id === tab ? 0 : -1}
            onClick={() => selectTab(item.id)}
            onKeyDown={onTabKeyDown}
            data-testid={`config-tab-${item.id}`}
          >
            {item.label}
            {item.id === "editor" && draft.dirty && (
              <>
                <span className="config-dirty-dot" aria-hidden />
                <span className="visually-hidden">(unsaved changes)</span>
              </>
            )}
          </button>
        ))}
      </div>
      {/* The editor stays mounted on the History tab, so its edits, cursor and undo survive. */}
      <div id="config-panel-editor" role="tabpanel" aria-labelledby="config-tab-editor" className="config-panel" hidden={tab !== "editor"}>
        {documentQuery.data && <PendingDatasources pending={documentQuery.data.pendingDatasources} />}
        <ConfigEditor projectId={projectId} draft={draft} />
        <SaveShortcut draft={draft} enabled={tab === "editor"} />
      </div>
      <div id="config-panel-history" role="tabpanel" aria-labelledby="config-tab-history" className="config-panel" hidden={tab !== "history"}>
        {tab === "history" && documentQuery.data && (
          <ConfigHistory projectId={projectId} current={documentQuery.data} dirty={draft.dirty} />
        )}
      </div>
      <LeaveGuard dirty={draft.dirty} />
      {linkDialog}
    </>
  );
}

/** Ctrl/⌘+S saves from anywhere on the Editor tab, the editor included. */
function SaveShortcut({ draft, enabled }: { draft: ConfigDraft; enabled: boolean }) {
  const onKeyDown = useEffectEvent((event: globalThis.KeyboardEvent) => {
    const primary = isMac ? event.metaKey : event.ctrlKey;
    if (!primary || event.altKey || event.shiftKey || event.key.toLowerCase() !== "s") return;
    // A modal owns the keyboard while it is open.
    if (document.querySelector("dialog[open]")) return;
    event.preventDefault();
    if (!event.repeat) void draft.save();
  });
  useEffect(() => {
    if (!enabled) return;
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [enabled]);
  return null;
}

/** Asks before leaving the page with unsaved edits. */
function LeaveGuard({ dirty }: { dirty: boolean }) {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  const blocked = blocker.state === "blocked";
  return (
    <Dialog
      open={blocked}
      title="Leave without saving?"
      size="small"
      onClose={() => blocker.reset?.()}
      testId="config-leave-dialog"
      description={<p>quantum.toml has unsaved changes. If you leave, they are lost.</p>}
    >
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={() => blocker.reset?.()} data-autofocus>
          Stay
        </button>
        <button type="button" className="button button-danger" onClick={() => blocker.proceed?.()} data-testid="config-leave-confirm">
          Leave without saving
        </button>
      </footer>
    </Dialog>
  );
}
