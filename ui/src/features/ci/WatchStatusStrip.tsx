import { CircleX, Radio, Settings2, TriangleAlert, WifiOff } from "lucide-react";
import clsx from "clsx";
import type { WatchStatus } from "../../api";
import { useWatchStatus } from "./useCiWatch";

const numberFormat = new Intl.NumberFormat();
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });

/**
 * How the watcher fares: live, offline (the last data stays on screen), slowed by the rate limit,
 * or refused (the set-up can fix that). The request counts show what the conditional requests save.
 */
export function WatchStatusStrip({ projectId, onSetup }: { projectId: number; onSetup: () => void }) {
  const status = useWatchStatus(projectId);
  if (!status) {
    return (
      <div className="ci-status ci-status-pending" role="status" data-testid="ci-status" data-state="pending">
        <span className="spinner spinner-small" aria-hidden />
        <span>Checking…</span>
      </div>
    );
  }
  const { requests, notModified } = status.counts;
  return (
    <div className={clsx("ci-status", `ci-status-${status.state}`)} role="status" data-testid="ci-status" data-state={status.state}>
      <StatusText status={status} />
      {status.state === "failing" && (
        <button type="button" className="button button-secondary button-small" onClick={onSetup} data-testid="ci-status-setup">
          <Settings2 size={13} aria-hidden />
          Repository settings
        </button>
      )}
      <span
        className="ci-status-counts"
        title={`Requests to the provider this session: ${numberFormat.format(requests)}, of which ${numberFormat.format(notModified)} were answered “not modified”, which the rate limit does not count.`}
        data-testid="ci-status-counts"
      >
        {numberFormat.format(requests)} requests · {numberFormat.format(notModified)} not modified
      </span>
    </div>
  );
}

function StatusText({ status }: { status: WatchStatus }) {
  switch (status.state) {
    case "live":
      return (
        <span className="ci-status-text">
          <Radio size={14} aria-hidden />
          Live · checked every {status.nextCheckSecs} s
        </span>
      );
    case "offline":
      return (
        <span className="ci-status-text">
          <WifiOff size={14} aria-hidden />
          {status.message ?? "The provider is out of reach. Trying again."}
        </span>
      );
    case "limited":
      return (
        <span className="ci-status-text">
          <TriangleAlert size={14} aria-hidden />
          {status.message ?? "The rate limit runs low: checking less often."}
          {status.budget && (
            <span className="ci-status-budget" data-testid="ci-status-budget">
              {numberFormat.format(status.budget.remaining)} of {numberFormat.format(status.budget.limit)} left until{" "}
              {timeFormat.format(new Date(status.budget.resetAt * 1000))}
            </span>
          )}
        </span>
      );
    case "failing":
      return (
        <span className="ci-status-text">
          <CircleX size={14} aria-hidden />
          {status.message ?? "The provider refuses the app's requests."}
        </span>
      );
  }
}
