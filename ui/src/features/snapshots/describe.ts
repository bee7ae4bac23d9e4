import type { Snapshot, Taken } from "../../api";
import { formatDateTime } from "../../lib/time";

const triggers: Record<Snapshot["trigger"], string> = {
  manual: "Taken by hand",
  before_apply: "Before applying",
  before_rollback: "Before rolling back",
  before_restore: "Data replaced by a restore",
  before_copy: "Before copying data in from",
  before_deploy: "Before the migrations of deploy",
};

/** What took a snapshot, in words: "Before applying 0002 add orders". */
export function describeSnapshot(snapshot: Snapshot): string {
  const trigger = triggers[snapshot.trigger];
  if (!snapshot.detail) return trigger;
  switch (snapshot.trigger) {
    case "before_restore":
      return `Data replaced by restoring the snapshot of ${formatDateTime(snapshot.detail)}`;
    case "manual":
      return `${trigger}: ${snapshot.detail}`;
    default:
      return `${trigger} ${snapshot.detail}`;
  }
}

/** What to tell the user about snapshots deleted to keep the last N; null when none were. */
export function prunedNotice(pruned: Snapshot[]): string | null {
  if (pruned.length === 0) return null;
  const which = pruned.map((s) => describeSnapshot(s)).join("; ");
  return `${pruned.length === 1 ? "The oldest snapshot was" : `The ${pruned.length} oldest snapshots were`} deleted to keep the number set in Settings (${which}).`;
}

/** The toast's description after an apply or a rollback that took a snapshot first. */
export function takenNotice(taken: Taken | null): string | undefined {
  if (!taken) return undefined;
  return ["A snapshot of the data was taken first; restore it from the snapshots below.", prunedNotice(taken.pruned)].filter(Boolean).join(" ");
}
