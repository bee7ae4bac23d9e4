import { useMemo, useState, type MouseEvent } from "react";
import { Link, useNavigate } from "react-router";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { ListX } from "lucide-react";
import { api, type CiOverview, type CiRun, type RunFilter } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { EmptyState } from "../../components/EmptyState";
import { RelativeTime } from "../../components/RelativeTime";
import { SkeletonRows } from "../../components/Skeleton";
import { CiProblem } from "./CiProblem";
import { CiStatusBadge } from "./CiStatusBadge";
import { formatSeconds, runDuration, runPath } from "./status";
import { useDebounced } from "../../lib/useDebounced";

/** The words both providers' run lists filter on (the core maps them for GitLab). */
const statusFilters = [
  { value: "queued", label: "Queued" },
  { value: "in_progress", label: "In progress" },
  { value: "completed", label: "Completed" },
  { value: "success", label: "Succeeded" },
  { value: "failure", label: "Failed" },
  { value: "cancelled", label: "Cancelled" },
];

const column = createColumnHelper<CiRun>();

/** The repository's runs, newest first, filtered on the provider's side, a page at a time. */
export function RunList({ projectId, overview, onSetup }: { projectId: number; overview: CiOverview; onSetup: () => void }) {
  const navigate = useNavigate();
  const [branch, setBranch] = useState("");
  const [event, setEvent] = useState("");
  const [actor, setActor] = useState("");
  const [status, setStatus] = useState("");
  const [workflowId, setWorkflowId] = useState<number | null>(null);
  // Typed filters ask the provider once the typing stops, not once per key.
  const typedBranch = useDebounced(branch.trim(), 400);
  const typedEvent = useDebounced(event.trim(), 400);
  const typedActor = useDebounced(actor.trim(), 400);
  const filter = useMemo<RunFilter>(
    () => ({ branch: typedBranch || null, event: typedEvent || null, status: status || null, actor: typedActor || null, workflowId }),
    [typedBranch, typedEvent, typedActor, status, workflowId],
  );
  const filtered = Object.values(filter).some((value) => value !== null);

  const runs = useInfiniteQuery({
    queryKey: queryKeys.ciRuns(projectId, filter),
    queryFn: ({ pageParam }) => api.ciRuns(projectId, filter, pageParam),
    initialPageParam: 1,
    getNextPageParam: (last, pages) => (last.more ? pages.length + 1 : undefined),
    placeholderData: keepPreviousData,
  });
  // A run started between two pages pushes the next page's first run onto it: shown once.
  const list = useMemo(() => {
    const seen = new Set<number>();
    return (runs.data?.pages ?? [])
      .flatMap((page) => page.runs)
      .filter((run) => {
        if (seen.has(run.id)) return false;
        seen.add(run.id);
        return true;
      });
  }, [runs.data]);

  const columns = useMemo(
    () => [
      column.accessor("status", { header: "Status", cell: (info) => <CiStatusBadge status={info.getValue()} /> }),
      column.accessor("title", {
        header: "Run",
        cell: ({ row: { original: run } }) => (
          <>
            <Link to={runPath(projectId, run.id)} className="cell-truncate ci-run-title" title={run.title}>
              {run.title}
            </Link>
            <span className="cell-truncate muted small">
              {run.workflowName} · #{run.number}
              {run.attempt > 1 && ` · attempt ${run.attempt}`}
            </span>
          </>
        ),
      }),
      column.accessor("branch", {
        header: "Branch",
        cell: (info) => (
          <span className="cell-truncate mono small" title={info.getValue()}>
            {info.getValue()}
          </span>
        ),
      }),
      column.accessor("event", {
        header: "Event",
        cell: ({ row: { original: run } }) => (
          <span className="cell-truncate small" title={`${run.event} by ${run.actor}`}>
            {run.event} <span className="muted">by {run.actor}</span>
          </span>
        ),
      }),
      column.accessor("createdAt", {
        header: "Created",
        cell: (info) => (
          <span className="small">
            <RelativeTime iso={info.getValue()} />
          </span>
        ),
      }),
      column.display({
        id: "duration",
        header: "Took",
        cell: ({ row: { original: run } }) => {
          const seconds = runDuration(run);
          return <span className="small muted">{seconds === null ? "" : formatSeconds(seconds)}</span>;
        },
      }),
    ],
    [projectId],
  );
  const table = useReactTable({ data: list, columns, getRowId: (run) => String(run.id), getCoreRowModel: getCoreRowModel() });

  // The row is the link's target too; the link itself is there for the keyboard.
  const openRow = (clicked: MouseEvent, run: CiRun) => {
    if ((clicked.target as Element).closest("a, button")) return;
    void navigate(runPath(projectId, run.id));
  };

  let body;
  if (runs.isPending) body = <SkeletonRows rows={5} label="Reading the runs" />;
  else if (runs.isError && list.length === 0)
    body = <CiProblem error={runs.error} title="The runs could not be read" onSetup={onSetup} onRetry={() => void runs.refetch()} />;
  else if (list.length === 0)
    body = (
      <EmptyState
        icon={ListX}
        title={filtered ? "No run matches these filters" : "No runs yet"}
        description={filtered ? "Change or clear the filters to see more runs." : "Runs appear here once the provider starts the first one."}
        testId="ci-runs-empty"
      />
    );
  else
    body = (
      <>
        <table className="table ci-run-table">
          <colgroup>
            <col style={{ width: "118px" }} />
            <col />
            <col style={{ width: "16%" }} />
            <col style={{ width: "17%" }} />
            <col style={{ width: "110px" }} />
            <col style={{ width: "90px" }} />
          </colgroup>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => (
                  <th key={header.id}>{flexRender(header.column.columnDef.header, header.getContext())}</th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr
                key={row.id}
                className="ci-run-row"
                onClick={(clicked) => openRow(clicked, row.original)}
                data-testid="ci-run-row"
                data-run-id={row.original.id}
                data-status={row.original.status}
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {runs.hasNextPage && (
          <button
            type="button"
            className="button button-secondary ci-runs-more"
            onClick={() => void runs.fetchNextPage({ cancelRefetch: false })}
            disabled={runs.isFetchingNextPage}
            data-testid="ci-runs-more"
          >
            {runs.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        )}
      </>
    );

  return (
    <section className="panel ci-runs" aria-labelledby="ci-runs-title" data-testid="ci-runs">
      <h2 className="panel-title" id="ci-runs-title">
        Runs
      </h2>
      <div className="filters ci-filters" role="group" aria-label="Filter the runs">
        <input
          className="input"
          value={branch}
          placeholder="Branch"
          aria-label="Branch"
          spellCheck={false}
          onChange={(changed) => setBranch(changed.target.value)}
          data-testid="ci-filter-branch"
        />
        <select className="select" value={status} aria-label="Status" onChange={(changed) => setStatus(changed.target.value)} data-testid="ci-filter-status">
          <option value="">Any status</option>
          {statusFilters.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        <input
          className="input"
          value={event}
          placeholder="Event (push, pull_request…)"
          aria-label="Event"
          spellCheck={false}
          onChange={(changed) => setEvent(changed.target.value)}
          data-testid="ci-filter-event"
        />
        <input
          className="input"
          value={actor}
          placeholder="Actor"
          aria-label="Actor"
          spellCheck={false}
          onChange={(changed) => setActor(changed.target.value)}
          data-testid="ci-filter-actor"
        />
        <select
          className="select"
          value={workflowId ?? ""}
          aria-label="Workflow"
          onChange={(changed) => setWorkflowId(changed.target.value === "" ? null : Number(changed.target.value))}
          data-testid="ci-filter-workflow"
        >
          <option value="">Any workflow</option>
          {overview.workflows.map(({ workflow }) => (
            <option key={workflow.id} value={workflow.id}>
              {workflow.name}
            </option>
          ))}
        </select>
      </div>
      {body}
    </section>
  );
}
