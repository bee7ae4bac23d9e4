import { describe, expect, it } from "vitest";
import { describePullProgress, formatBytes, pullFraction } from "./pullProgress";

const image = "postgres:16-alpine";

describe("describePullProgress", () => {
  it("tells layers and bytes", () => {
    const progress = { image, layersTotal: 7, layersDone: 3, downloadedBytes: 45_000_000, totalBytes: 120_000_000 };
    expect(describePullProgress(progress)).toBe("Pulling postgres:16-alpine — 3/7 layers, 45 MB of 120 MB");
    expect(pullFraction(progress)).toBe(0.375);
  });

  it("tells what it knows before the sizes are announced", () => {
    const layersOnly = { image, layersTotal: 7, layersDone: 0, downloadedBytes: null, totalBytes: null };
    expect(describePullProgress(layersOnly)).toBe("Pulling postgres:16-alpine — 0/7 layers");
    expect(pullFraction(layersOnly)).toBe(0);
    const nothing = { image, layersTotal: 0, layersDone: 0, downloadedBytes: null, totalBytes: null };
    expect(describePullProgress(nothing)).toBe("Pulling postgres:16-alpine…");
    expect(pullFraction(nothing)).toBeNull();
  });

  it("tells the downloaded bytes alone while the total is unknown", () => {
    const progress = { image, layersTotal: 2, layersDone: 1, downloadedBytes: 1_500_000, totalBytes: null };
    expect(describePullProgress(progress)).toBe("Pulling postgres:16-alpine — 1/2 layers, 1.5 MB");
  });
});

describe("formatBytes", () => {
  it("picks a unit and rounds", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(9_400)).toBe("9.4 kB");
    expect(formatBytes(120_000_000)).toBe("120 MB");
    expect(formatBytes(1_250_000_000)).toBe("1.3 GB");
  });
});
