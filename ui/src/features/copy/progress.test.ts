import { describe, expect, it } from "vitest";
import type { CopyProgress } from "../../api";
import { describeProgress, progressFraction } from "./progress";

const step = (over: Partial<CopyProgress>): CopyProgress => ({
  phase: "loading",
  table: "posts",
  tableIndex: 2,
  tables: 4,
  rowsDone: 500,
  rowsTotal: 1000,
  ...over,
});

describe("copy progress", () => {
  it("says the phase, the table and the rows", () => {
    expect(describeProgress(step({}))).toBe("Copying rows · posts (2 of 4) · 500 of about 1,000 rows");
    expect(describeProgress(step({ phase: "constraints" }))).toBe("Adding keys and indexes · posts (2 of 4)");
  });

  it("moves by tables, the current one by its rows", () => {
    expect(progressFraction(step({}))).toBeCloseTo(0.375);
    expect(progressFraction(step({ rowsTotal: null }))).toBeCloseTo(0.25);
    expect(progressFraction(step({ phase: "done" }))).toBe(1);
    expect(progressFraction(null)).toBeNull();
  });
});
