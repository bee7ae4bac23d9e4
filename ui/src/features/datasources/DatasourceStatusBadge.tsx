import clsx from "clsx";
import type { DatasourceStatus } from "../../api";
import { isBusy, statusLabels } from "./status";

export function DatasourceStatusBadge({ status }: { status: DatasourceStatus }) {
  return (
    <span
      className={clsx("status-badge", `status-badge-${status}`)}
      data-testid="datasource-status"
      data-status={status}
      role="status"
    >
      {isBusy(status) ? <span className="spinner spinner-small" aria-hidden /> : <span className="status-dot" aria-hidden />}
      {statusLabels[status]}
    </span>
  );
}
