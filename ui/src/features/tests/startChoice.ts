// Whether to start a project's stopped databases before its tests run: asked once, remembered
// per project in this window's storage (a preference of this machine, not of the project).
const key = (projectId: number) => `quantum.tests.startDatasources.${projectId}`;

/** The remembered answer for the project: start its stopped databases before a run, or not. */
export function startChoice(projectId: number): boolean | null {
  const saved = localStorage.getItem(key(projectId));
  return saved === null ? null : saved === "start";
}

export function rememberStartChoice(projectId: number, start: boolean) {
  localStorage.setItem(key(projectId), start ? "start" : "skip");
}

/** "Ask again": the next run with stopped databases asks. */
export function forgetStartChoice(projectId: number) {
  localStorage.removeItem(key(projectId));
}

/** What a run does about the stopped databases: nothing to do, ask, or the remembered answer. */
export function startDecision(stopped: number, remembered: boolean | null): "none" | "ask" | "start" | "skip" {
  if (stopped === 0) return "none";
  if (remembered === null) return "ask";
  return remembered ? "start" : "skip";
}
