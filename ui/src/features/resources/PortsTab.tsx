import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { Box, Cpu, XCircle } from "lucide-react";
import { api, type ListeningPort, type ProcessRef } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { ErrorState } from "../../components/ErrorState";
import { SkeletonRows } from "../../components/Skeleton";
import { EndProcessDialog } from "./EndProcessDialog";
import { addressLabel, holderLabel, portMatches } from "./holder";
import { ResourceTable } from "./ResourceTable";
import { SearchBox } from "./SearchBox";

const column = createColumnHelper<ListeningPort>();

/** Every listening port on the machine and who holds it; a process holding one can be ended. */
export function PortsTab() {
  const ports = useQuery({ queryKey: queryKeys.resourcesPorts, queryFn: api.resourcesPorts });
  const [query, setQuery] = useState("");
  const [ending, setEnding] = useState<ProcessRef | null>(null);
  const columns = useMemo(
    () => [
      column.accessor("port", {
        header: "Port",
        size: 90,
        cell: (info) => <span className="mono" data-testid="port-number">{info.getValue()}</span>,
      }),
      column.accessor("protocol", { header: "Protocol", size: 90, cell: (info) => info.getValue().toUpperCase() }),
      column.accessor("address", { header: "Address", size: 190, cell: (info) => <span className="mono">{addressLabel(info.getValue())}</span> }),
      column.accessor((port) => holderLabel(port.holder), {
        id: "holder",
        header: "Held by",
        cell: (info) => {
          const holder = info.row.original.holder;
          return (
            <span className="resource-holder" data-testid="port-holder" data-holder-kind={holder.kind}>
              {holder.kind === "container" ? <Box size={13} aria-hidden /> : <Cpu size={13} aria-hidden />}
              {info.getValue()}
              {holder.kind === "container" && holder.via && <span className="muted"> via {holder.via.name}</span>}
            </span>
          );
        },
      }),
      column.accessor((port) => (port.holder.kind === "process" ? port.holder.process.command : port.holder.kind === "container" ? port.holder.image : ""), {
        id: "command",
        header: "Command or image",
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
          const holder = info.row.original.holder;
          if (holder.kind !== "process") return null;
          return (
            <button
              type="button"
              className="icon-button icon-button-danger"
              aria-label={`End ${holder.process.name} (pid ${holder.process.pid})`}
              title="End process…"
              onClick={() => setEnding(holder.process)}
              data-testid="port-end-process"
            >
              <XCircle size={14} aria-hidden />
            </button>
          );
        },
      }),
    ],
    [],
  );

  if (ports.isPending) return <SkeletonRows rows={8} label="Reading the machine's sockets" />;
  if (ports.isError) return <ErrorState title="The ports could not be read" error={ports.error} onRetry={() => void ports.refetch()} />;
  const shown = ports.data.filter((port) => portMatches(port, query));
  return (
    <section className="panel">
      <div className="panel-toolbar">
        <SearchBox label="Filter by port, program or image" value={query} onChange={setQuery} testId="ports-filter" />
        <span className="muted">
          {shown.length} of {ports.data.length} listening
        </span>
      </div>
      <ResourceTable
        data={shown}
        columns={columns}
        rowId={(port) => `${port.protocol}-${port.address}-${port.port}`}
        testId="ports-table"
        empty={query ? "No port matches the filter." : "Nothing listens on this machine."}
        initialSort={[{ id: "port", desc: false }]}
      />
      {ending && <EndProcessDialog process={ending} onClose={() => setEnding(null)} />}
    </section>
  );
}
