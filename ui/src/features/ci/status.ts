import type { CiRun, CiStatus, ProviderKind } from "../../api";

/** What a run's or a job's state is called on the page. */
export const statusLabels: Record<CiStatus, string> = {
  queued: "Queued",
  running: "Running",
  waiting: "Waiting",
  success: "Succeeded",
  failure: "Failed",
  cancelled: "Cancelled",
  skipped: "Skipped",
};

/** Not finished: it may still change, and can be cancelled. */
export const isActive = (status: CiStatus) => status === "queued" || status === "running" || status === "waiting";

export const providerLabels: Record<ProviderKind, string> = { github: "GitHub", gitlab: "GitLab" };

/** The public hosts' API roots; a GitHub Enterprise or self-managed GitLab has its own. */
export const defaultApiUrls: Record<ProviderKind, string> = {
  github: "https://api.github.com",
  gitlab: "https://gitlab.com/api/v4",
};

/** The error codes that mean the token, not the network, is at fault: the set-up can fix them. */
export const tokenProblems = new Set(["ci.no_token", "ci.bad_credentials", "ci.missing_scopes"]);

export const ciPath = (projectId: number) => `/projects/${projectId}/ci`;
export const runPath = (projectId: number, runId: number) => `/projects/${projectId}/ci/runs/${runId}`;

/** Seconds from one time to another; null unless both are known. */
export function secondsBetween(from: string | null, to: string | null): number | null {
  if (!from || !to) return null;
  const seconds = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds) : null;
}

/** "45 s", "3 min 4 s", "1 h 2 min". */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** How long a finished run took: from its start (or creation) to its last update. */
export function runDuration(run: CiRun): number | null {
  return isActive(run.status) ? null : secondsBetween(run.startedAt ?? run.createdAt, run.updatedAt);
}
