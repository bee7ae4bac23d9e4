import { useEffect, useMemo, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { ChevronRight, History } from "lucide-react";
import clsx from "clsx";
import { api, type AuditAction, type AuditEntry, type AuditFilter, type ResourceType } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { PageHeader } from "../../components/PageHeader";
import { RelativeTime } from "../../components/RelativeTime";
import { SkeletonRows } from "../../components/Skeleton";
import { projectsQuery } from "../projects/queries";
import { ActionIcon, AuditEntryDetails } from "./AuditEntryItem";
import { actionLabels, summarizeAuditEntry } from "./summary";

const PAGE_SIZE = 100;
const ROW_HEIGHT = 44;
const auditActions = Object.keys(actionLabels) as AuditAction[];
const resourceTypes: { value: ResourceType; label: string }[] = [
  { value: "project", label: "Projects" },
  { value: "datasource", label: "Databases" },
  { value: "config", label: "Configuration" },
  { value: "variable", label: "Variables" },
  { value: "secret", label: "Secrets" },
  { value: "connection", label: "Connections" },
];

/** The filter lives in the URL (`?project=3&action=project.update`), so it can be linked to. */
function useAuditFilter() {
  const [params, setParams] = useSearchParams();
  const filter = useMemo<AuditFilter>(() => {
    const projectId = Number(params.get("project"));
    const action = params.get("action") as AuditAction | null;
    const resourceType = params.get("type") as ResourceType | null;
    return {
      projectId: Number.isInteger(projectId) && projectId > 0 ? projectId : null,
      action: action && auditActions.includes(action) ? action : null,
      resourceType: resourceType && resourceTypes.some((t) => t.value === resourceType) ? resourceType : null,
    };
  }, [params]);
  const setFilter = (name: "project" | "action" | "type", value: string) => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );
  };
  return [filter, setFilter] as const;
}

export function ActivityPage() {
  const [filter, setFilter] = useAuditFilter();
  const projects = useQuery(projectsQuery);
  const log = useInfiniteQuery({
    queryKey: queryKeys.auditEntryPages(filter),
    queryFn: ({ pageParam }) => api.auditPage({ filter, beforeId: pageParam, limit: PAGE_SIZE }),
    initialPageParam: null as number | null,
    getNextPageParam: (page) => page.nextBeforeId,
  });
  const entries = useMemo(() => log.data?.pages.flatMap((page) => page.entries) ?? [], [log.data]);
  const filtered = filter.projectId !== null || filter.action !== null || filter.resourceType !== null;

  return (
    <div className="page page-fill" data-testid="activity-page">
      <PageHeader title="Activity" description="Every change made in Quantum Admin, newest first." />
      <div className="filters" role="group" aria-label="Filter the activity">
        <label className="filter">
          <span>Project</span>
          <select
            className="select"
            value={filter.projectId ?? ""}
            onChange={(event) => setFilter("project", event.target.value)}
            data-testid="activity-filter-project"
          >
            <option value="">All projects</option>
            {projects.data?.map((project) => (
              <option key={project.id} value={project.id}>
                {project.name}
              </option>
            ))}
          </select>
        </label>
        <label className="filter">
          <span>Action</span>
          <select
            className="select"
            value={filter.action ?? ""}
            onChange={(event) => setFilter("action", event.target.value)}
            data-testid="activity-filter-action"
          >
            <option value="">All actions</option>
            {auditActions.map((action) => (
              <option key={action} value={action}>
                {actionLabels[action]}
              </option>
            ))}
          </select>
        </label>
        <label className="filter">
          <span>Type</span>
          <select
            className="select"
            value={filter.resourceType ?? ""}
            onChange={(event) => setFilter("type", event.target.value)}
            data-testid="activity-filter-type"
          >
            <option value="">All types</option>
            {resourceTypes.map((type) => (
              <option key={type.value} value={type.value}>
                {type.label}
              </option>
            ))}
          </select>
        </label>
      </div>

      {log.isPending ? (
        <SkeletonRows rows={8} label="Loading activity" />
      ) : log.isError && entries.length === 0 ? (
        <ErrorState title="The activity could not be loaded" error={log.error} onRetry={() => void log.refetch()} />
      ) : entries.length === 0 ? (
        <EmptyState
          icon={History}
          title={filtered ? "No matching activity" : "No activity yet"}
          description={
            filtered ? "Nothing recorded matches these filters." : "Creating, editing and deleting projects is recorded here."
          }
          testId="activity-empty-state"
        />
      ) : (
        <AuditLogList
          key={JSON.stringify(filter)}
          entries={entries}
          hasMore={log.hasNextPage}
          loadingMore={log.isFetchingNextPage}
          loadMoreFailed={log.isFetchNextPageError}
          loadMore={() => void log.fetchNextPage({ cancelRefetch: false })}
        />
      )}
    </div>
  );
}

type AuditLogListProps = {
  entries: AuditEntry[];
  hasMore: boolean;
  loadingMore: boolean;
  loadMoreFailed: boolean;
  loadMore: () => void;
};

/**
 * Only the rows in view are in the DOM, and the next page is asked for when the last loaded
 * row scrolls near, so a log of a million entries costs what the visible part costs.
 */
function AuditLogList({ entries, hasMore, loadingMore, loadMoreFailed, loadMore }: AuditLogListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const count = entries.length + (hasMore ? 1 : 0);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => entries[index]?.id ?? "more",
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loadingMore && !loadMoreFailed && lastIndex >= entries.length - 1) loadMore();
  }, [hasMore, loadingMore, loadMoreFailed, lastIndex, entries.length, loadMore]);

  const toggle = (id: number) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <div ref={scrollRef} className="audit-log" data-testid="activity-list">
      <div className="audit-log-inner" role="list" aria-label="Activity" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const entry = entries[item.index];
          return (
            <div
              key={item.key}
              ref={virtualizer.measureElement}
              data-index={item.index}
              className="audit-row-slot"
              style={{ transform: `translateY(${item.start}px)` }}
              role="listitem"
            >
              {entry ? (
                <AuditRow entry={entry} expanded={expanded.has(entry.id)} onToggle={() => toggle(entry.id)} />
              ) : (
                <div className="audit-row audit-row-more" role="status">
                  {loadMoreFailed ? (
                    <>
                      Older entries could not be loaded.
                      <button type="button" className="button button-secondary button-small" onClick={loadMore}>
                        Try again
                      </button>
                    </>
                  ) : (
                    <span className="spinner-label">
                      <span className="spinner" aria-hidden />
                      Loading older entries…
                    </span>
                  )}
                </div>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function AuditRow({ entry, expanded, onToggle }: { entry: AuditEntry; expanded: boolean; onToggle: () => void }) {
  const detailsId = `audit-entry-${entry.id}`;
  return (
    <div className={clsx("audit-row", expanded && "audit-row-expanded")} data-testid="activity-row" data-action={entry.action}>
      <button
        type="button"
        className="audit-row-toggle"
        aria-expanded={expanded}
        aria-controls={detailsId}
        onClick={onToggle}
      >
        <ChevronRight size={14} aria-hidden className="audit-row-chevron" />
        <ActionIcon action={entry.action} />
        <span className="audit-summary" data-testid="activity-summary">
          {summarizeAuditEntry(entry)}
        </span>
        <span className="audit-time">
          <RelativeTime iso={entry.occurredAt} />
        </span>
      </button>
      {expanded && (
        <div id={detailsId}>
          <AuditEntryDetails entry={entry} />
        </div>
      )}
    </div>
  );
}
