import { useQuery } from "@tanstack/react-query";
import { api } from "../../api";
import type { Release } from "../../api/deploy";
import { Dialog } from "../../components/Dialog";
import { ErrorState } from "../../components/ErrorState";
import { LogView } from "../../components/log/LogView";

/** A past release's build and release log, as kept in the history. */
export function ReleaseLogDialog({ release, onClose }: { release: Release; onClose: () => void }) {
  const log = useQuery({ queryKey: ["deploy", "log", release.id], queryFn: () => api.deployLog(release.id) });
  const lines = (log.data ?? "").split("\n").filter((line, index, all) => index < all.length - 1 || line !== "").map((text, id) => ({ id, text, raw: null }));
  return (
    <Dialog open size="large" title={`Log of ${release.version} on ${release.environment}`} onClose={onClose} testId="deploy-log-dialog">
      <div className="dialog-body deploy-log">
        {release.error && (
          <p className="deploy-outcome deploy-outcome-failed selectable" role="alert">
            {release.error}
          </p>
        )}
        {log.isError ? (
          <ErrorState title="The log could not be read" error={log.error} onRetry={() => void log.refetch()} />
        ) : (
          <LogView lines={lines} label="Release log" exportName={`release-${release.id}.log`} testId="release-log" lineTestId="release-log-line" />
        )}
      </div>
    </Dialog>
  );
}
