import type { CopyProgress } from "../../api";

const phases: Record<CopyProgress["phase"], string> = {
  creating: "Creating the tables",
  loading: "Copying rows",
  constraints: "Adding keys and indexes",
  verifying: "Verifying",
  done: "Done",
};

/** "Copying rows · posts (2 of 3) · 50,000 of 1,000,000" */
export function describeProgress(progress: CopyProgress): string {
  const parts = [phases[progress.phase]];
  if (progress.table) parts.push(`${progress.table} (${progress.tableIndex} of ${progress.tables})`);
  if (progress.phase === "loading" || progress.phase === "verifying") {
    parts.push(
      progress.rowsTotal !== null && progress.rowsTotal > 0
        ? `${progress.rowsDone.toLocaleString()} of about ${progress.rowsTotal.toLocaleString()} rows`
        : `${progress.rowsDone.toLocaleString()} rows`,
    );
  }
  return parts.join(" · ");
}

/** How far the whole copy is, by tables, the current one by its rows; null when unknown. */
export function progressFraction(progress: CopyProgress | null): number | null {
  if (!progress || progress.tables === 0) return null;
  if (progress.phase === "done") return 1;
  const within = progress.rowsTotal && progress.rowsTotal > 0 ? Math.min(progress.rowsDone / progress.rowsTotal, 1) : 0;
  const weight = progress.phase === "loading" ? within : progress.phase === "creating" ? 0 : 1;
  return Math.min((progress.tableIndex - 1 + weight) / progress.tables, 1);
}
