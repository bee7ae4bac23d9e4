// What the Deploy page shows of a deploy or rollback under way: its stage and its log so far.
import type { DeployEvent, DeployStage, Release } from "../../api/deploy";
import type { LogViewLine } from "../../components/log/LogView";

export type DeployRun = {
  environment: string;
  /** The history's row, once the core made it. */
  release: Release | null;
  stage: DeployStage | null;
  lines: LogViewLine[];
  /** Set when it ended: live, or why not. */
  outcome: { ok: true } | { ok: false; error: string } | null;
  steps: RunSteps;
};

/** The stages a run has beyond the always-there ones. */
export type RunSteps = {
  /** A data step: migrations (a deploy) or a snapshot restored (a rollback). */
  data: boolean;
  /** The environment's own datasources, started before the release. */
  datasources: boolean;
};

const noSteps: RunSteps = { data: false, datasources: false };

export function startRun(environment: string, steps: RunSteps = noSteps): DeployRun {
  return { environment, release: null, stage: null, lines: [], outcome: null, steps };
}

/** Folds a batch of events into the run (a new object when anything changed). */
export function applyEvents(run: DeployRun, events: readonly DeployEvent[]): DeployRun {
  if (events.length === 0) return run;
  let next = { ...run, lines: run.lines };
  const added: LogViewLine[] = [];
  for (const event of events) {
    switch (event.kind) {
      case "started":
        next = { ...next, release: event.release };
        break;
      case "stage":
        next = { ...next, stage: event.stage };
        break;
      case "log":
        added.push({ id: next.lines.length + added.length, text: event.line, raw: null });
        break;
      case "finished":
        next = {
          ...next,
          release: event.release,
          outcome: event.release.error === null ? { ok: true } : { ok: false, error: event.release.error },
        };
        break;
    }
  }
  if (added.length > 0) next.lines = [...next.lines, ...added];
  return next;
}

export const stageLabels: Record<DeployStage, string> = {
  building: "Building",
  pushing: "Pushing and pulling",
  datasources: "Datasources",
  data: "Migrating",
  starting: "Starting",
  health_check: "Health check",
  switching: "Switching traffic",
  draining: "Draining the old release",
  done: "Done",
};

/** A stage's name in a run of this kind: a rollback's data step restores, a deploy's migrates. */
export function stageLabel(stage: DeployStage, release: Release | null): string {
  return stage === "data" && release?.kind === "rollback" ? "Restoring data" : stageLabels[stage];
}

/** Every stage in order. */
const stageOrder: DeployStage[] = ["building", "pushing", "datasources", "data", "starting", "health_check", "switching", "draining", "done"];

/**
 * The stages a run goes through, for the stepper: a rollback builds nothing, only an environment
 * with `push` pushes, only one with datasources of its own starts them, only a run with a data
 * step has one.
 */
export function stagesOf(release: Release | null, { data, datasources }: RunSteps = noSteps): DeployStage[] {
  const settings = release?.settings;
  const pushes = typeof settings === "object" && settings !== null && !Array.isArray(settings) && settings.push === true;
  return stageOrder.filter((stage) => {
    if (stage === "building") return release?.kind !== "rollback";
    if (stage === "pushing") return pushes && release?.kind !== "rollback";
    if (stage === "datasources") return datasources;
    if (stage === "data") return data;
    return true;
  });
}

/** "1.2 s", "2 min 5 s". */
export function durationLabel(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** What a release did to the data, for its history row: "Migrated main (2, 3)", "Restored main"; null when nothing. */
export function dataSummary(release: Release): string | null {
  const parts = [
    ...(release.data.migrated ?? []).filter((run) => run.versions.length > 0).map((run) => `Migrated ${run.datasource} (${run.versions.join(", ")})`),
    ...(release.data.restored ?? []).map((restored) => `Restored ${restored.datasource} to its snapshot`),
  ];
  return parts.length === 0 ? null : parts.join("; ");
}
