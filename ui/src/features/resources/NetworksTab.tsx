import { useMemo, useState } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import { Trash2 } from "lucide-react";
import { api, type NetworkEntry } from "../../api";
import { ErrorState } from "../../components/ErrorState";
import { SkeletonRows } from "../../components/Skeleton";
import { ConfirmRemoveDialog } from "./ConfirmRemoveDialog";
import { namesText, useInventory } from "./queries";
import { ResourceTable } from "./ResourceTable";

const column = createColumnHelper<NetworkEntry>();

/** Networks and the containers attached; an unused one of the user's can be removed. */
export function NetworksTab() {
  const inventory = useInventory();
  const [removing, setRemoving] = useState<NetworkEntry | null>(null);
  const columns = useMemo(
    () => [
      column.accessor("name", { header: "Network", cell: (info) => <span className="mono">{info.getValue()}</span> }),
      column.accessor("driver", { header: "Driver", size: 110 }),
      column.accessor((network) => namesText(network.usedBy, 3), { id: "usedBy", header: "Containers" }),
      column.display({
        id: "actions",
        size: 60,
        header: () => <span className="visually-hidden">Actions</span>,
        cell: (info) => {
          const network = info.row.original;
          const blocked = network.builtin ? "One of Docker's own" : network.usedBy.length > 0 ? "Containers are attached" : null;
          return (
            <button
              type="button"
              className="icon-button icon-button-danger"
              aria-label={`Remove network ${network.name}`}
              title={blocked ?? "Remove…"}
              disabled={blocked !== null}
              onClick={() => setRemoving(network)}
              data-testid="network-remove"
            >
              <Trash2 size={14} aria-hidden />
            </button>
          );
        },
      }),
    ],
    [],
  );
  if (inventory.isPending) return <SkeletonRows rows={4} label="Asking Docker" />;
  if (inventory.isError) return <ErrorState title="Docker could not be read" error={inventory.error} onRetry={() => void inventory.refetch()} />;
  return (
    <section className="panel">
      <ResourceTable data={inventory.data.networks} columns={columns} rowId={(network) => network.id} testId="networks-table" empty="No networks." />
      {removing && (
        <ConfirmRemoveDialog
          title={`Remove network “${removing.name}”?`}
          done={`Network “${removing.name}” removed`}
          remove={() => api.resourcesNetworkRemove(removing.id)}
          onClose={() => setRemoving(null)}
        >
          <p>No container is attached to it. A compose project that declares it makes it again on its next start.</p>
        </ConfirmRemoveDialog>
      )}
    </section>
  );
}
