import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../../api";
import type { DataRestoreOffer, Release } from "../../api/deploy";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { formatDateTime, formatRelativeTime } from "../../lib/time";

/**
 * Asks before a rollback, naming the version serving now and the one that will. When releases
 * gone back past migrated a datasource, offers to restore it to the snapshot taken before, and
 * says what would be lost; the data stays as it is unless the user ticks it.
 */
export function RollbackDialog({
  target,
  live,
  onConfirm,
  onClose,
}: {
  target: Release;
  live: Release | null;
  onConfirm: (restoreData: boolean) => void;
  onClose: () => void;
}) {
  const offers = useQuery({
    queryKey: [...queryKeys.deployHistory(target.projectId), "rollback-data", target.id],
    queryFn: () => api.deployRollbackData(target.projectId, target.id),
  });
  const [restore, setRestore] = useState(false);
  const restorable = (offers.data ?? []).filter((offer) => offer.snapshotId !== null);
  const gone = (offers.data ?? []).filter((offer) => offer.snapshotId === null);
  const restoring = restore && restorable.length > 0 && gone.length === 0;
  return (
    <Dialog open size="small" title={`Roll back ${target.environment} to ${target.version}?`} onClose={onClose} testId="deploy-rollback-dialog">
      <div className="dialog-body">
        <p>
          {live ? (
            <>
              <span className="mono">{live.version}</span> serves {target.environment} now.{" "}
            </>
          ) : null}
          Release {target.id} (<span className="mono">{target.version}</span>) starts from its kept image, takes traffic once its health check
          passes, and the current one is stopped and kept. No request is dropped.
        </p>
        {offers.isError && <p className="field-error">What the data can go back to could not be read; the rollback leaves it as it is.</p>}
        {(offers.data ?? []).length > 0 && (
          <div className="deploy-rollback-data" data-testid="deploy-rollback-data">
            {gone.map((offer) => (
              <p key={offer.datasourceId} className="small">
                {migratedBy(offer)} Its snapshot from before them was deleted (only the last ones are kept), so its data stays as it is.
              </p>
            ))}
            {gone.length === 0 && (
              <label className="checkbox">
                <input type="checkbox" checked={restore} onChange={(event) => setRestore(event.target.checked)} data-testid="deploy-rollback-restore" />
                Restore the data too
              </label>
            )}
            {restorable.map((offer) => (
              <p key={offer.datasourceId} className="small">
                {migratedBy(offer)}{" "}
                {restore && gone.length === 0 ? (
                  <strong>
                    It goes back to its snapshot of {formatDateTime(offer.snapshotAt ?? "")}: everything written to {offer.datasource} since (
                    {formatRelativeTime(offer.snapshotAt ?? "")}) is lost. The data it replaces is kept as a snapshot.
                  </strong>
                ) : (
                  <>Left as it is, {target.version} runs on the data as those migrations left it.</>
                )}
              </p>
            ))}
          </div>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className={restoring ? "button button-danger" : "button button-primary"}
          onClick={() => onConfirm(restoring)}
          data-testid="deploy-rollback-confirm"
        >
          {restoring ? `Roll back to ${target.version} and restore data` : `Roll back to ${target.version}`}
        </button>
      </footer>
    </Dialog>
  );
}

/** "main was migrated by v2, v3 (migrations 2, 3)." */
function migratedBy(offer: DataRestoreOffer): string {
  return `${offer.datasource} was migrated by ${offer.releases.join(", ")} (migration${offer.versions.length === 1 ? "" : "s"} ${offer.versions.join(", ")}).`;
}
