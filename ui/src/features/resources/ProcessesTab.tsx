import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { XCircle } from "lucide-react";
import { api, type ProcessEntry, type ProcessRef } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { ErrorState } from "../../components/ErrorState";
import { RelativeTime } from "../../components/RelativeTime";
import { SkeletonRows } from "../../components/Skeleton";
import { formatBytes } from "../../lib/bytes";
import { EndProcessDialog } from "./EndProcessDialog";
import { isoFromUnix } from "./holder";
import { ResourceTable } from "./ResourceTable";
import { SearchBox } from "./SearchBox";

const column = createColumnHelper<ProcessEntry>();

function matches(process: ProcessEntry, query: string) {
  const wanted = query.trim().toLowerCase();
  return wanted === "" || [String(process.pid), process.name, process.user ?? "", process.command].some((word) => word.toLowerCase().includes(wanted));
}

/** The machine's processes, heaviest first; one can be ended (never the app itself). */
export function ProcessesTab() {
  const processes = useQuery({ queryKey: queryKeys.resourcesProcesses, queryFn: api.resourcesProcesses });
  const [query, setQuery] = useState("");
  const [ending, setEnding] = useState<ProcessRef | null>(null);
  const columns = useMemo(
    () => [
      column.accessor("name", { header: "Name", size: 180, cell: (info) => <span className="cell-truncate">{info.getValue()}</span> }),
      column.accessor("pid", { header: "PID", size: 80, cell: (info) => <span className="mono">{info.getValue()}</span> }),
      column.accessor((process) => process.user ?? "", { id: "user", header: "User", size: 110 }),
      column.accessor("cpuPercent", { header: "CPU", size: 80, cell: (info) => `${(info.getValue() ?? 0).toFixed(1)} %` }),
      column.accessor("memoryBytes", { header: "Memory", size: 100, cell: (info) => formatBytes(info.getValue()) }),
      column.accessor("startedAt", { header: "Started", size: 130, cell: (info) => <RelativeTime iso={isoFromUnix(info.getValue())} /> }),
      column.accessor("command", {
        header: "Command",
        cell: (info) => (
          <span className="mono cell-truncate resource-command" title={info.getValue()}>
            {info.getValue()}
          </span>
        ),
      }),
      column.display({
        id: "actions",
        size: 60,
        header: () => <span className="visually-hidden">Actions</span>,
        cell: (info) => {
          const process = info.row.original;
          return (
            <button
              type="button"
              className="icon-button icon-button-danger"
              aria-label={`End ${process.name} (pid ${process.pid})`}
              title={process.own ? "This is Quantum Admin itself" : "End process…"}
              disabled={process.own}
              onClick={() => setEnding(process)}
              data-testid="process-end"
            >
              <XCircle size={14} aria-hidden />
            </button>
          );
        },
      }),
    ],
    [],
  );

  if (processes.isPending) return <SkeletonRows rows={8} label="Reading the processes" />;
  if (processes.isError)
    return <ErrorState title="The processes could not be read" error={processes.error} onRetry={() => void processes.refetch()} />;
  const shown = processes.data.filter((process) => matches(process, query));
  return (
    <section className="panel">
      <div className="panel-toolbar">
        <SearchBox label="Filter by name, pid, user or command" value={query} onChange={setQuery} testId="processes-filter" />
        <span className="muted">
          {shown.length} of {processes.data.length} processes · CPU since the last refresh
        </span>
      </div>
      <ResourceTable
        data={shown}
        columns={columns}
        rowId={(process) => `${process.pid}-${process.startedAt}`}
        testId="processes-table"
        empty="No process matches the filter."
        initialSort={[{ id: "cpuPercent", desc: true }]}
      />
      {ending && <EndProcessDialog process={ending} onClose={() => setEnding(null)} />}
    </section>
  );
}
