import { describe, expect, it } from "vitest";
import { uptimeLabel } from "./uptime";

describe("uptimeLabel", () => {
  it("gives the share of passing runs over the days, precise near 100 %", () => {
    expect(uptimeLabel([])).toBe("—");
    expect(uptimeLabel([{ day: "2026-11-28", up: 10, total: 10 }])).toBe("100 %");
    expect(
      uptimeLabel([
        { day: "2026-11-28", up: 999, total: 1000 },
        { day: "2026-11-29", up: 1000, total: 1000 },
      ]),
    ).toBe("99.95 %");
    expect(uptimeLabel([{ day: "2026-11-29", up: 3, total: 4 }])).toBe("75.0 %");
  });
});
