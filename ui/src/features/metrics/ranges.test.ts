import { describe, expect, it } from "vitest";
import type { History, Sample } from "../../api";
import { historyColumns, stepLabel } from "./ranges";

const point = (at: number, cpu: number): Sample => ({
  at,
  cpuPercent: cpu,
  memoryBytes: 100,
  memoryLimitBytes: 1000,
  netRxRate: 1,
  netTxRate: 2,
  blockReadRate: 3,
  blockWriteRate: 4,
});

describe("historyColumns", () => {
  it("keeps consecutive points as they are", () => {
    const history: History = { stepSecs: 10, points: [point(100, 1), point(110, 2), point(120, 3)] };
    const columns = historyColumns(history);
    expect(columns.times).toEqual([100, 110, 120]);
    expect(columns.cpu).toEqual([1, 2, 3]);
    expect(columns.write).toEqual([4, 4, 4]);
  });

  it("breaks the line where the app was closed or the container stopped", () => {
    const history: History = { stepSecs: 10, points: [point(100, 1), point(110, 2), point(500, 3)] };
    const columns = historyColumns(history);
    expect(columns.times).toEqual([100, 110, 120, 500]);
    expect(columns.cpu).toEqual([1, 2, null, 3]);
  });
});

describe("stepLabel", () => {
  it("says what one point averages", () => {
    expect(stepLabel(10)).toBe("every 10 s");
    expect(stepLabel(300)).toBe("every 5 min");
    expect(stepLabel(3600)).toBe("every 1 h");
  });
});
