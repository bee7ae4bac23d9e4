import { useMemo, useState } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import { Trash2 } from "lucide-react";
import { api, type ContainerRow } from "../../api";
import { ErrorState } from "../../components/ErrorState";
import { RelativeTime } from "../../components/RelativeTime";
import { SkeletonRows } from "../../components/Skeleton";
import { ConfirmRemoveDialog } from "./ConfirmRemoveDialog";
import { isoFromUnix } from "./holder";
import { namesText, useInventory } from "./queries";
import { ResourceTable } from "./ResourceTable";
import { SearchBox } from "./SearchBox";

const column = createColumnHelper<ContainerRow>();

/** Every container on the engine, not only the app's; a stopped one nobody owns can be removed. */
export function ContainersTab() {
  const inventory = useInventory();
  const [query, setQuery] = useState("");
  const [removing, setRemoving] = useState<ContainerRow | null>(null);
  const columns = useMemo(
    () => [
      column.accessor((row) => row.container.name, { id: "name", header: "Name", cell: (info) => <span className="cell-truncate">{info.getValue()}</span> }),
      column.accessor((row) => row.container.image, { id: "image", header: "Image", cell: (info) => <span className="mono cell-truncate">{info.getValue()}</span> }),
      column.accessor((row) => row.container.status, {
        id: "status",
        header: "Status",
        size: 170,
        cell: (info) => <span className={`container-state container-state-${info.row.original.container.state}`}>{info.getValue()}</span>,
      }),
      column.accessor((row) => row.container.ports.map((p) => `${p.hostPort}→${p.containerPort}/${p.protocol}`).join(", "), {
        id: "ports",
        header: "Ports",
        size: 150,
        cell: (info) => <span className="mono cell-truncate">{info.getValue() || "—"}</span>,
      }),
      column.accessor((row) => row.owner ?? "", { id: "owner", header: "Owner", size: 190, cell: (info) => info.getValue() || <span className="muted">—</span> }),
      column.accessor((row) => row.container.created, { id: "created", header: "Created", size: 120, cell: (info) => <RelativeTime iso={isoFromUnix(info.getValue())} /> }),
      column.display({
        id: "actions",
        size: 60,
        header: () => <span className="visually-hidden">Actions</span>,
        cell: (info) => {
          const row = info.row.original;
          const blocked = row.container.state === "running" ? "Stop it first" : row.owner ? `Belongs to ${row.owner}` : null;
          return (
            <button
              type="button"
              className="icon-button icon-button-danger"
              aria-label={`Remove container ${row.container.name}`}
              title={blocked ?? "Remove…"}
              disabled={blocked !== null}
              onClick={() => setRemoving(row)}
              data-testid="container-remove"
            >
              <Trash2 size={14} aria-hidden />
            </button>
          );
        },
      }),
    ],
    [],
  );
  if (inventory.isPending) return <SkeletonRows rows={6} label="Asking Docker" />;
  if (inventory.isError) return <ErrorState title="Docker could not be read" error={inventory.error} onRetry={() => void inventory.refetch()} />;
  const wanted = query.trim().toLowerCase();
  const shown = inventory.data.containers.filter(
    (row) => !wanted || [row.container.name, row.container.image, row.owner ?? ""].some((word) => word.toLowerCase().includes(wanted)),
  );
  return (
    <section className="panel">
      <div className="panel-toolbar">
        <SearchBox label="Filter by name, image or owner" value={query} onChange={setQuery} testId="containers-filter" />
        <span className="muted">
          {inventory.data.containers.filter((row) => row.container.state === "running").length} running of {inventory.data.containers.length}
        </span>
      </div>
      <ResourceTable data={shown} columns={columns} rowId={(row) => row.container.id} testId="containers-table" empty="No containers." />
      {removing && (
        <ConfirmRemoveDialog
          title={`Remove container “${removing.container.name}”?`}
          done={`Container “${removing.container.name}” removed`}
          remove={() => api.resourcesContainerRemove(removing.container.id)}
          onClose={() => setRemoving(null)}
        >
          <p>
            Its own files go with it. The volumes it mounts stay: {namesText(removing.container.volumes, 4)}.
          </p>
        </ConfirmRemoveDialog>
      )}
    </section>
  );
}
