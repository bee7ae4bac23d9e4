import { describe, expect, it } from "vitest";
import type { ConfigVersion } from "../../api";
import { formatSize, shortHash, sourceLabels, versionLabel } from "./versions";

const version: ConfigVersion = {
  id: 7,
  projectId: 1,
  savedAt: "2026-11-20T10:00:00Z",
  source: "disk",
  contentHash: "3f2a9c01d4e5b6a7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5",
  sizeBytes: 812,
};

describe("version labels", () => {
  it("names every source", () => {
    expect(sourceLabels).toEqual({
      app: "Saved in the app",
      disk: "Changed on disk",
      restore: "Restored",
      import: "Imported",
    });
  });

  it("shortens a hash to 8 hex digits", () => {
    expect(shortHash(version.contentHash)).toBe("3f2a9c01");
  });

  it.each([
    [0, "0 B"],
    [812, "812 B"],
    [1024, "1.0 KB"],
    [1536, "1.5 KB"],
    [20_480, "20 KB"],
  ])("formats %i bytes as %s", (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  it("puts the time, the source and the short hash on one line", () => {
    expect(versionLabel(version, (iso) => `at ${iso}`)).toBe("at 2026-11-20T10:00:00Z · changed on disk · 3f2a9c01");
  });
});
