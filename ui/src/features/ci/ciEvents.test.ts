import { describe, expect, it } from "vitest";
import { QueryClient } from "@tanstack/react-query";
import type { CiOverview, CiRun, CiRunDetail, RunPage, WatchStatus } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { applyCiEvent } from "./ciEvents";
import { ciRun } from "./fixtures";

const run = (id: number, status: CiRun["status"]) => ciRun(id, status, { title: "Fix the build" });
const overview: CiOverview = {
  repository: { provider: "github", apiUrl: "https://api.github.com", path: "acme/shop", tokenSource: "keychain" },
  webUrl: "https://github.com/acme/shop",
  defaultBranch: "main",
  currentBranch: "main",
  workflows: [{ workflow: { id: 1, name: "CI", path: ".github/workflows/ci.yml" }, current: run(7, "running"), default: run(7, "running") }],
};
const status: WatchStatus = { state: "live", message: null, budget: null, counts: { requests: 12, notModified: 9 }, nextCheckSecs: 3 };

const seeded = () => {
  const queryClient = new QueryClient();
  const filter = { branch: null, event: null, status: null, actor: null, workflowId: null };
  queryClient.setQueryData<RunPage>(queryKeys.ciRuns(3, filter), { runs: [run(7, "running")], more: false });
  queryClient.setQueryData<CiRunDetail>(queryKeys.ciRun(3, 7), { run: run(7, "running"), jobs: [] });
  queryClient.setQueryData(queryKeys.ciArtifacts(3, 7), []);
  return { queryClient, filter };
};

describe("applyCiEvent", () => {
  it("puts a new overview in the cache and has the run lists read again", () => {
    const { queryClient, filter } = seeded();
    applyCiEvent(queryClient, { kind: "overview", projectId: 3, overview });
    expect(queryClient.getQueryData(queryKeys.ciOverview(3))).toBe(overview);
    expect(queryClient.getQueryState(queryKeys.ciRuns(3, filter))?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(queryKeys.ciRun(3, 7))?.isInvalidated).toBe(false);
  });

  it("replaces the shown run's detail, and has its artifacts read again when it ends", () => {
    const { queryClient } = seeded();
    const running: CiRunDetail = { run: run(7, "running"), jobs: [] };
    applyCiEvent(queryClient, { kind: "run", projectId: 3, detail: running });
    expect(queryClient.getQueryData(queryKeys.ciRun(3, 7))).toEqual(running);
    expect(queryClient.getQueryState(queryKeys.ciArtifacts(3, 7))?.isInvalidated).toBe(false);

    const finished: CiRunDetail = { run: run(7, "success"), jobs: [] };
    applyCiEvent(queryClient, { kind: "run", projectId: 3, detail: finished });
    expect(queryClient.getQueryData(queryKeys.ciRun(3, 7))).toEqual(finished);
    expect(queryClient.getQueryState(queryKeys.ciArtifacts(3, 7))?.isInvalidated).toBe(true);
  });

  it("marks a cached run finished, and leaves runs that were never read alone", () => {
    const { queryClient } = seeded();
    applyCiEvent(queryClient, { kind: "finished", projectId: 3, run: run(7, "failure") });
    expect(queryClient.getQueryData<CiRunDetail>(queryKeys.ciRun(3, 7))?.run.status).toBe("failure");
    applyCiEvent(queryClient, { kind: "finished", projectId: 3, run: run(8, "success") });
    expect(queryClient.getQueryData(queryKeys.ciRun(3, 8))).toBeUndefined();
  });

  it("keeps the latest watch status of each project", () => {
    const { queryClient } = seeded();
    applyCiEvent(queryClient, { kind: "status", projectId: 3, status });
    const offline: WatchStatus = { ...status, state: "offline", message: "api.github.com is out of reach." };
    applyCiEvent(queryClient, { kind: "status", projectId: 4, status: offline });
    expect(queryClient.getQueryData(queryKeys.ciStatus(3))).toBe(status);
    expect(queryClient.getQueryData(queryKeys.ciStatus(4))).toBe(offline);
  });

  it("touches only the project the event is about", () => {
    const { queryClient, filter } = seeded();
    applyCiEvent(queryClient, { kind: "overview", projectId: 4, overview });
    expect(queryClient.getQueryData(queryKeys.ciOverview(3))).toBeUndefined();
    expect(queryClient.getQueryState(queryKeys.ciRuns(3, filter))?.isInvalidated).toBe(false);
  });
});
