import { useMemo, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { Download, Trash2 } from "lucide-react";
import { toast } from "sonner";
import { api, errorMessage, type ImageEntry, type PullProgress } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { ErrorState } from "../../components/ErrorState";
import { ProgressBar } from "../../components/ProgressBar";
import { RelativeTime } from "../../components/RelativeTime";
import { SkeletonRows } from "../../components/Skeleton";
import { describePullProgress, formatBytes, pullFraction } from "../datasources/pullProgress";
import { ConfirmRemoveDialog } from "./ConfirmRemoveDialog";
import { isoFromUnix } from "./holder";
import { namesText, useInventory } from "./queries";
import { ResourceTable } from "./ResourceTable";

const column = createColumnHelper<ImageEntry>();

function imageName(image: ImageEntry) {
  return image.tags[0] ?? `<none> ${image.id.replace("sha256:", "").slice(0, 12)}`;
}

/** Pulls an image by reference, showing Docker's progress summed over its layers. */
function PullForm() {
  const queryClient = useQueryClient();
  const [reference, setReference] = useState("");
  const [progress, setProgress] = useState<PullProgress | null>(null);
  const pull = useMutation({
    mutationFn: (image: string) => api.resourcesImagePull(image, setProgress),
    onSettled: () => {
      setProgress(null);
      void queryClient.invalidateQueries({ queryKey: queryKeys.resourcesDocker });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const image = reference.trim();
    pull.mutate(image, {
      onSuccess: () => {
        toast.success(`${image} pulled`);
        setReference("");
      },
      onError: (error) => toast.error(`${image || "The image"} was not pulled`, { description: errorMessage(error) }),
    });
  };
  return (
    <form className="resource-pull" onSubmit={submit}>
      <label className="visually-hidden" htmlFor="image-pull">
        Image to pull
      </label>
      <input
        id="image-pull"
        className="input mono"
        placeholder="redis:7, postgres:16-alpine…"
        value={reference}
        onChange={(event) => setReference(event.target.value)}
        disabled={pull.isPending}
        data-testid="image-pull-reference"
      />
      <button type="submit" className="button button-secondary" disabled={pull.isPending || reference.trim() === ""} data-testid="image-pull">
        <Download size={14} aria-hidden />
        Pull
      </button>
      {progress && <ProgressBar fraction={pullFraction(progress)} label={describePullProgress(progress)} testId="image-pull-progress" />}
    </form>
  );
}

/** Images with their size and the containers made from them; an unused one can be removed. */
export function ImagesTab() {
  const inventory = useInventory();
  const [removing, setRemoving] = useState<ImageEntry | null>(null);
  const columns = useMemo(
    () => [
      column.accessor(imageName, { id: "name", header: "Image", cell: (info) => <span className="mono cell-truncate">{info.getValue()}</span> }),
      column.accessor("sizeBytes", { header: "Size", size: 100, cell: (info) => formatBytes(info.getValue()) }),
      column.accessor("created", { header: "Created", size: 130, cell: (info) => <RelativeTime iso={isoFromUnix(info.getValue())} /> }),
      column.accessor((image) => namesText(image.usedBy), { id: "usedBy", header: "Used by", cell: (info) => <span className="cell-truncate">{info.getValue()}</span> }),
      column.display({
        id: "actions",
        size: 60,
        header: () => <span className="visually-hidden">Actions</span>,
        cell: (info) => {
          const image = info.row.original;
          return (
            <button
              type="button"
              className="icon-button icon-button-danger"
              aria-label={`Remove image ${imageName(image)}`}
              title={image.usedBy.length > 0 ? "Containers use it" : "Remove…"}
              disabled={image.usedBy.length > 0}
              onClick={() => setRemoving(image)}
              data-testid="image-remove"
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
  const total = inventory.data.images.reduce((sum, image) => sum + image.sizeBytes, 0);
  return (
    <section className="panel">
      <div className="panel-toolbar">
        <PullForm />
        <span className="muted">
          {inventory.data.images.length} images · {formatBytes(total)}
        </span>
      </div>
      <ResourceTable data={inventory.data.images} columns={columns} rowId={(image) => image.id} testId="images-table" empty="No images." />
      {removing && (
        <ConfirmRemoveDialog
          title={`Remove image ${imageName(removing)}?`}
          done={`Image ${imageName(removing)} removed`}
          remove={() => api.resourcesImageRemove(removing.id)}
          onClose={() => setRemoving(null)}
        >
          <p>
            {formatBytes(removing.sizeBytes)} are freed, less the layers other images share. Without a registry it cannot be pulled
            again.
          </p>
        </ConfirmRemoveDialog>
      )}
    </section>
  );
}
