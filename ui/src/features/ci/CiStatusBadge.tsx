import { CircleCheck, CircleDashed, CircleSlash, CircleX, Clock, Hand, LoaderCircle, type LucideIcon } from "lucide-react";
import type { CiStatus } from "../../api";
import { statusLabels } from "./status";

const icons: Record<CiStatus, LucideIcon> = {
  queued: Clock,
  running: LoaderCircle,
  waiting: Hand,
  success: CircleCheck,
  failure: CircleX,
  cancelled: CircleSlash,
  skipped: CircleDashed,
};

/** A run's or a job's state: colour, icon and word, so it reads without the colour too. */
export function CiStatusBadge({ status, compact = false, testId }: { status: CiStatus; compact?: boolean; testId?: string }) {
  const Icon = icons[status];
  return (
    <span
      className={`ci-badge ci-badge-${status}`}
      title={compact ? statusLabels[status] : undefined}
      data-testid={testId}
      data-status={testId ? status : undefined}
    >
      <Icon size={13} aria-hidden className={status === "running" ? "ci-spin" : undefined} />
      {compact ? <span className="visually-hidden">{statusLabels[status]}</span> : statusLabels[status]}
    </span>
  );
}
