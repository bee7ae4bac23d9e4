import { describe, expect, it } from "vitest";
import type { MigrationStatus } from "../../api";
import { migrationFiles, pendingUpTo, rollbackPlan } from "./plan";

const m = (version: number, state: MigrationStatus["state"]): MigrationStatus => ({
  version,
  name: `m${version}`,
  state,
  appliedAt: null,
  executionMs: null,
  reversible: true,
  file: `${version}_m.up.sql`,
});

describe("migration plans", () => {
  const list = [m(1, "applied"), m(2, "changed"), m(3, "applied"), m(4, "pending"), m(5, "pending")];

  it("applies the pending ones up to a version, in order", () => {
    expect(pendingUpTo(list, null)).toEqual([4, 5]);
    expect(pendingUpTo(list, 4)).toEqual([4]);
  });

  it("rolls back the newest, or everything after a version newest first", () => {
    expect(rollbackPlan(list, null)).toEqual([3]);
    expect(rollbackPlan(list, 1)).toEqual([3, 2]);
    expect(rollbackPlan(list, 3)).toEqual([]);
    expect(rollbackPlan([m(1, "pending")], null)).toEqual([]);
  });

  it("opens a migration's up and down files together", () => {
    expect(migrationFiles("0001_a.up.sql")).toEqual(["0001_a.up.sql", "0001_a.down.sql"]);
    expect(migrationFiles("20240101_a.sql")).toEqual(["20240101_a.sql"]);
  });
});
