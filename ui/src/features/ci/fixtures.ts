import type { CiRun } from "../../api";

/** A CI run for the feature's tests: `#id` on main, pushed by alice; `overrides` change the rest. */
export const ciRun = (id: number, status: CiRun["status"], overrides: Partial<CiRun> = {}): CiRun => ({
  id,
  workflowId: 1,
  workflowName: "CI",
  workflowPath: ".github/workflows/ci.yml",
  number: id,
  attempt: 1,
  title: `Run ${id}`,
  branch: "main",
  sha: "1a2b3c4d5e6f",
  event: "push",
  actor: "alice",
  status,
  createdAt: "2026-01-01T10:00:00Z",
  updatedAt: "2026-01-01T10:05:00Z",
  startedAt: "2026-01-01T10:00:05Z",
  url: "",
  ...overrides,
});
