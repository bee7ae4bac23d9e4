import { useMemo, useState } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import { ShieldCheck, Trash2 } from "lucide-react";
import { api, type VolumeRow } from "../../api";
import { ErrorState } from "../../components/ErrorState";
import { SkeletonRows } from "../../components/Skeleton";
import { formatBytes } from "../datasources/pullProgress";
import { ConfirmRemoveDialog } from "./ConfirmRemoveDialog";
import { namesText, useInventory } from "./queries";
import { ResourceTable } from "./ResourceTable";

const column = createColumnHelper<VolumeRow>();

/** Volumes with their size, who uses them and whose data they hold; a datasource's is kept. */
export function VolumesTab() {
  const inventory = useInventory();
  const [removing, setRemoving] = useState<VolumeRow | null>(null);
  const columns = useMemo(
    () => [
      column.accessor((row) => row.volume.name, { id: "name", header: "Volume", cell: (info) => <span className="mono cell-truncate">{info.getValue()}</span> }),
      column.accessor((row) => row.volume.sizeBytes ?? -1, {
        id: "size",
        header: "Size",
        size: 100,
        cell: (info) => (info.getValue() >= 0 ? formatBytes(info.getValue()) : <span className="muted" title="This Docker Engine does not report volume sizes to the app">—</span>),
      }),
      column.accessor((row) => row.owner ?? "", {
        id: "owner",
        header: "Holds",
        cell: (info) => {
          const row = info.row.original;
          return (
            <span className="resource-holder" data-testid="volume-owner" data-protection={row.protection}>
              {row.protection === "owned" && <ShieldCheck size={13} aria-label="Kept: never pruned" />}
              {info.getValue() || <span className="muted">nothing the app knows</span>}
            </span>
          );
        },
      }),
      column.accessor((row) => namesText(row.volume.usedBy), { id: "usedBy", header: "Used by", size: 200 }),
      column.display({
        id: "actions",
        size: 60,
        header: () => <span className="visually-hidden">Actions</span>,
        cell: (info) => {
          const row = info.row.original;
          const blocked =
            row.protection === "owned" ? "Remove it with its datasource or snapshot" : row.volume.usedBy.length > 0 ? "Containers use it" : null;
          return (
            <button
              type="button"
              className="icon-button icon-button-danger"
              aria-label={`Remove volume ${row.volume.name}`}
              title={blocked ?? "Remove…"}
              disabled={blocked !== null}
              onClick={() => setRemoving(row)}
              data-testid="volume-remove"
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
  return (
    <section className="panel">
      <ResourceTable data={inventory.data.volumes} columns={columns} rowId={(row) => row.volume.name} testId="volumes-table" empty="No volumes." />
      {removing && (
        <ConfirmRemoveDialog
          title={`Delete volume “${removing.volume.name}”?`}
          done={`Volume “${removing.volume.name}” deleted`}
          remove={() => api.resourcesVolumeRemove(removing.volume.name)}
          acknowledge={removing.protection === "leftData" ? `Delete ${removing.owner} for good` : undefined}
          onClose={() => setRemoving(null)}
        >
          <p>
            {removing.owner ? `It holds ${removing.owner}` : "No container uses it"}
            {removing.volume.sizeBytes !== null && ` (${formatBytes(removing.volume.sizeBytes)})`}. Its files are deleted and cannot be
            brought back.
          </p>
        </ConfirmRemoveDialog>
      )}
    </section>
  );
}
