import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../api";
import { describeSnapshot, prunedNotice, takenNotice } from "./describe";

const snapshot = (over: Partial<Snapshot>): Snapshot => ({
  id: 1,
  datasourceId: 1,
  volumeName: "shop-postgres-1-snap-0a1b2c3d",
  image: "postgres:16",
  trigger: "manual",
  detail: "",
  sizeBytes: 1024,
  createdAt: "2026-11-29T10:00:00.000Z",
  ...over,
});

describe("snapshot descriptions", () => {
  it("names what took it and the migrations it came before", () => {
    expect(describeSnapshot(snapshot({ trigger: "before_apply", detail: "2 add orders" }))).toBe("Before applying 2 add orders");
    expect(describeSnapshot(snapshot({ trigger: "manual", detail: "before the demo" }))).toBe("Taken by hand: before the demo");
    expect(describeSnapshot(snapshot({ trigger: "manual" }))).toBe("Taken by hand");
    expect(describeSnapshot(snapshot({ trigger: "before_restore", detail: "2026-11-28T09:00:00.000Z" }))).toMatch(/^Data replaced by restoring the snapshot of .*2026/);
  });

  it("says which snapshots retention deleted, and nothing when none were", () => {
    expect(prunedNotice([])).toBeNull();
    expect(prunedNotice([snapshot({ trigger: "before_rollback", detail: "3 drop x" })])).toContain("The oldest snapshot was deleted");
    expect(takenNotice(null)).toBeUndefined();
    expect(takenNotice({ snapshot: snapshot({}), pruned: [snapshot({}), snapshot({ id: 2 })] })).toContain("The 2 oldest snapshots were deleted");
  });
});
