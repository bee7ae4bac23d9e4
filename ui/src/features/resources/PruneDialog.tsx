import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, errorMessage, type PruneKind, type PruneOptions } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { ErrorState } from "../../components/ErrorState";
import { SkeletonRows } from "../../components/Skeleton";
import { formatBytes } from "../datasources/pullProgress";
import { choices, chosenPart } from "./prune";

const kindLabels: Record<PruneKind, string> = { container: "Container", image: "Image", volume: "Volume", network: "Network" };

/**
 * A prune that shows exactly what it deletes before it does: the preview lists every item with
 * its size, and what stays on purpose with why (a datasource's data never goes; data removed
 * datasources left only when asked for). The deletion takes the listed items only. Docker is
 * scanned once for every kind (sizing the volumes takes the engine a while); ticking a kind
 * only changes what of that scan is listed.
 */
export function PruneDialog({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const [options, setOptions] = useState<PruneOptions>({ containers: true, images: true, volumes: true, networks: true, leftData: false });
  const scan = useQuery({
    queryKey: [...queryKeys.resources, "prune", options.leftData],
    queryFn: () => api.resourcesPrunePlan({ containers: true, images: true, volumes: true, networks: true, leftData: options.leftData }),
  });
  const part = scan.data && chosenPart(scan.data, options);
  const prune = useMutation({
    mutationFn: () => api.resourcesPrune(options, part?.items ?? []),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.resources }),
  });
  const toggle = (key: keyof PruneOptions) => setOptions((current) => ({ ...current, [key]: !current[key] }));
  const run = () =>
    prune.mutate(undefined, {
      onSuccess: (outcome) => {
        const skipped = outcome.skipped.length > 0 ? `; ${outcome.skipped.length} left: ${outcome.skipped.map((item) => `${item.name} (${item.why})`).join(", ")}` : "";
        toast.success(`${outcome.removed.length} deleted, ${formatBytes(outcome.reclaimedBytes)} freed${skipped}`);
        onClose();
      },
      onError: (error) => toast.error("The prune did not run", { description: errorMessage(error) }),
    });

  let preview;
  if (scan.isError) preview = <ErrorState title="The preview could not be made" error={scan.error} onRetry={() => void scan.refetch()} />;
  else if (!part) preview = <SkeletonRows rows={4} label="Finding what is unused" />;
  else
    preview = (
      <>
        <h3 className="prune-heading">
          {part.items.length === 0 ? "Nothing to delete" : `Deleted: ${part.items.length}, freeing ${formatBytes(part.reclaimBytes)}`}
        </h3>
        <ul className="prune-list" data-testid="prune-items">
          {part.items.map((item) => (
            <li key={`${item.kind}-${item.id}`} data-testid="prune-item" data-kind={item.kind}>
              <span className="status-badge">{kindLabels[item.kind]}</span>
              <span className="mono cell-truncate">{item.name}</span>
              <span className="muted">
                {item.why}
                {item.sizeBytes !== null && ` · ${formatBytes(item.sizeBytes)}`}
              </span>
            </li>
          ))}
        </ul>
        {part.kept.length > 0 && (
          <details className="prune-kept">
            <summary data-testid="prune-kept-summary">Kept on purpose: {part.kept.length}</summary>
            <ul className="prune-list" data-testid="prune-kept">
              {part.kept.map((item) => (
                <li key={`${item.kind}-${item.name}`} data-testid="prune-kept-item">
                  <span className="status-badge">{kindLabels[item.kind]}</span>
                  <span className="mono cell-truncate">{item.name}</span>
                  <span className="muted">{item.why}</span>
                </li>
              ))}
            </ul>
          </details>
        )}
      </>
    );

  return (
    <Dialog open size="large" title="Clean up Docker" onClose={onClose} testId="prune">
      <div className="dialog-body">
        <fieldset className="prune-options">
          <legend>What to look for</legend>
          {choices.map(({ key, label }) => (
            <label key={key} className="checkbox">
              <input type="checkbox" checked={options[key]} onChange={() => toggle(key)} data-testid={`prune-${key}`} />
              {label}
            </label>
          ))}
          <label className="checkbox">
            <input type="checkbox" checked={options.leftData} disabled={!options.volumes} onChange={() => toggle("leftData")} data-testid="prune-left-data" />
            Also data that removed datasources left behind
          </label>
        </fieldset>
        {preview}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={!part || part.items.length === 0 || prune.isPending || scan.isFetching}
          aria-busy={prune.isPending}
          onClick={run}
          data-testid="prune-confirm"
        >
          {part && part.items.length > 0 ? `Delete ${part.items.length} listed` : "Delete"}
        </button>
      </footer>
    </Dialog>
  );
}
