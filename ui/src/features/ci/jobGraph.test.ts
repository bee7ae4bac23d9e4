import { describe, expect, it } from "vitest";
import type { CiJob } from "../../api";
import { jobColumns } from "./jobGraph";

let nextId = 1;
const job = (name: string, extra: Partial<CiJob> = {}): CiJob => ({
  id: nextId++,
  name,
  stage: null,
  needs: [],
  status: "success",
  startedAt: null,
  completedAt: null,
  url: "",
  steps: [],
  allowFailure: false,
  ...extra,
});
const names = (columns: ReturnType<typeof jobColumns>) => columns.map((column) => [column.title, column.jobs.map((j) => j.name)]);

describe("jobColumns", () => {
  it("puts GitLab's jobs in their stages, in the order the stages first come", () => {
    const jobs = [
      job("build", { stage: "build" }),
      job("unit", { stage: "test" }),
      job("lint", { stage: "test" }),
      job("deploy", { stage: "deploy", needs: ["unit"] }),
    ];
    expect(names(jobColumns(jobs))).toEqual([
      ["build", ["build"]],
      ["test", ["unit", "lint"]],
      ["deploy", ["deploy"]],
    ]);
  });

  it("lays jobs out by how deep their needs go when there are no stages", () => {
    const jobs = [
      job("deploy", { needs: ["test", "lint"] }),
      job("build"),
      job("test (linux)", { needs: ["build"] }),
      job("test (macos)", { needs: ["build"] }),
      job("lint"),
      job("report", { needs: ["missing"] }),
    ];
    expect(names(jobColumns(jobs))).toEqual([
      [null, ["build", "lint", "report"]],
      [null, ["test (linux)", "test (macos)"]],
      [null, ["deploy"]],
    ]);
  });

  it("does not hang on needs that go round in a circle", () => {
    const jobs = [job("a", { needs: ["b"] }), job("b", { needs: ["a"] })];
    expect(jobColumns(jobs).flatMap((column) => column.jobs.map((j) => j.name)).sort()).toEqual(["a", "b"]);
  });

  it("keeps every job in one column when nothing orders them", () => {
    expect(names(jobColumns([job("build"), job("test")]))).toEqual([[null, ["build", "test"]]]);
    expect(jobColumns([])).toEqual([{ key: "all", title: null, jobs: [] }]);
  });
});
