import type { DiffChange, DiffItem, DiffPart, Drift } from "../../api";

const parts: Record<DiffPart, string> = {
  column: "column",
  primaryKey: "primary key",
  foreignKey: "foreign key",
  unique: "unique key",
  index: "index",
  check: "check",
  definition: "definition",
};

const changes: Record<DiffChange, string> = {
  added: "only in the database",
  dropped: "only in the files",
  changed: "differs",
};

/** One line of a changed table: "column email: text → text NOT NULL". */
export function describeItem(item: DiffItem): string {
  const what = `${parts[item.part]} ${item.name}`;
  switch (item.change) {
    case "added":
      return `${what} ${changes.added}${item.to ? `: ${item.to}` : ""}`;
    case "dropped":
      return `${what} ${changes.dropped}${item.from ? `: ${item.from}` : ""}`;
    default:
      return `${what}: ${item.from ?? "?"} → ${item.to ?? "?"}`;
  }
}

export const changeLabel = (change: DiffChange) => changes[change];

/** The summary line: how many tables and types differ. */
export function driftSummary(drift: Drift): string {
  const count = drift.diff.tables.length + drift.diff.enums.length;
  if (count === 0) return `No drift: the database's schema is what its ${drift.replayed.length} applied migrations make.`;
  return `${count} ${count === 1 ? "difference" : "differences"} between what the ${drift.replayed.length} applied migrations make and the database.`;
}
