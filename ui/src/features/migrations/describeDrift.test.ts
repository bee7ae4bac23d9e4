import { describe, expect, it } from "vitest";
import type { Drift } from "../../api";
import { describeItem, driftSummary } from "./describeDrift";

describe("drift descriptions", () => {
  it("says which side has each difference", () => {
    expect(describeItem({ part: "column", change: "added", name: "name", from: null, to: "text NOT NULL" })).toBe(
      "column name only in the database: text NOT NULL",
    );
    expect(describeItem({ part: "index", change: "dropped", name: "orders_user", from: "(user_id)", to: null })).toBe(
      "index orders_user only in the files: (user_id)",
    );
    expect(describeItem({ part: "column", change: "changed", name: "total", from: "numeric(10,2)", to: "numeric(12,2)" })).toBe(
      "column total: numeric(10,2) → numeric(12,2)",
    );
  });

  it("counts the differences, or says there are none", () => {
    const drift: Drift = { diff: { tables: [], enums: [] }, sql: { up: "", down: "" }, replayed: [1, 2], replayMs: 10, compareMs: 5 };
    expect(driftSummary(drift)).toMatch(/^No drift/);
    expect(driftSummary({ ...drift, diff: { tables: [], enums: [{ name: "mood", change: "added", from: [], to: ["ok"] }] } })).toMatch(/^1 difference/);
  });
});
