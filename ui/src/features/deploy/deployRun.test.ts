import { describe, expect, it } from "vitest";
import type { Release } from "../../api/deploy";
import { applyEvents, dataSummary, durationLabel, stageLabel, stagesOf, startRun } from "./deployRun";

const release = (error: string | null): Release => ({
  id: 7,
  projectId: 1,
  environment: "staging",
  kind: "deploy",
  rollbackOf: null,
  version: "v2",
  gitCommit: null,
  image: "shop:v2",
  imageId: null,
  containerName: null,
  status: error === null ? "live" : "failed",
  error,
  actor: "ada",
  settings: {},
  startedAt: 0,
  finishedAt: 1200,
  data: { migrated: [], restored: [] },
});

describe("a deploy's run", () => {
  it("follows its stages and keeps every log line in order with stable ids", () => {
    let run = startRun("staging");
    run = applyEvents(run, [
      { kind: "started", release: release(null) },
      { kind: "stage", stage: "building" },
      { kind: "log", line: "Step 1/2 : FROM testdb/web:1" },
    ]);
    run = applyEvents(run, [{ kind: "log", line: "Step 2/2 : COPY site/ /www/" }, { kind: "stage", stage: "health_check" }]);
    expect(run.stage).toBe("health_check");
    expect(run.lines.map((line) => [line.id, line.text])).toEqual([
      [0, "Step 1/2 : FROM testdb/web:1"],
      [1, "Step 2/2 : COPY site/ /www/"],
    ]);
    expect(run.outcome).toBeNull();
  });

  it("ends live, or failed with the reason the core gave", () => {
    const ok = applyEvents(startRun("staging"), [{ kind: "finished", release: release(null) }]);
    expect(ok.outcome).toEqual({ ok: true });
    const failed = applyEvents(startRun("staging"), [{ kind: "finished", release: release("The new release did not become healthy") }]);
    expect(failed.outcome).toEqual({ ok: false, error: "The new release did not become healthy" });
  });

  it("keeps the same object when a batch is empty, so nothing re-renders", () => {
    const run = startRun("staging");
    expect(applyEvents(run, [])).toBe(run);
  });

  it("says durations the way people read them", () => {
    expect(durationLabel(1234)).toBe("1.2 s");
    expect(durationLabel(125_000)).toBe("2 min 5 s");
  });
});

describe("a run's stages", () => {
  it("leave out building for a rollback and pushing unless the environment pushes", () => {
    expect(stagesOf(release(null))).toEqual(["building", "starting", "health_check", "switching", "draining", "done"]);
    expect(stagesOf({ ...release(null), settings: { push: true } })).toEqual(["building", "pushing", "starting", "health_check", "switching", "draining", "done"]);
    expect(stagesOf({ ...release(null), kind: "rollback", settings: { push: true } })).toEqual(["starting", "health_check", "switching", "draining", "done"]);
  });

  it("have a data step only when the run migrates or restores, named by the run's kind", () => {
    const data = { data: true, datasources: false };
    expect(stagesOf(release(null), data)).toEqual(["building", "data", "starting", "health_check", "switching", "draining", "done"]);
    expect(stagesOf({ ...release(null), kind: "rollback" }, data)).toEqual(["data", "starting", "health_check", "switching", "draining", "done"]);
    expect(stageLabel("data", release(null))).toBe("Migrating");
    expect(stageLabel("data", { ...release(null), kind: "rollback" })).toBe("Restoring data");
    expect(startRun("staging", data).steps).toEqual(data);
  });

  it("start the environment's own datasources after the image is ready and before the data step", () => {
    const both = { data: true, datasources: true };
    expect(stagesOf({ ...release(null), settings: { push: true } }, both)).toEqual([
      "building",
      "pushing",
      "datasources",
      "data",
      "starting",
      "health_check",
      "switching",
      "draining",
      "done",
    ]);
    expect(stagesOf({ ...release(null), kind: "rollback" }, { data: false, datasources: true })[0]).toBe("datasources");
    expect(stageLabel("datasources", release(null))).toBe("Datasources");
  });
});

describe("a release's data", () => {
  it("is summed up for its history row, and left out when it touched none", () => {
    expect(dataSummary(release(null))).toBeNull();
    const migrated = { datasourceId: 3, datasource: "main", snapshotId: 9, snapshotAt: "2026-11-30T10:00:00Z" };
    expect(
      dataSummary({
        ...release(null),
        data: { migrated: [{ ...migrated, versions: [2, 3] }, { ...migrated, datasource: "cache", versions: [] }], restored: [] },
      }),
    ).toBe("Migrated main (2, 3)");
    expect(
      dataSummary({
        ...release(null),
        data: { migrated: [], restored: [{ datasourceId: 3, datasource: "main", snapshotId: 9, snapshotAt: "2026-11-30T10:00:00Z" }] },
      }),
    ).toBe("Restored main to its snapshot");
  });
});
