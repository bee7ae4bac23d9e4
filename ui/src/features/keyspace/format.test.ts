import { describe, expect, it } from "vitest";
import { formatBytes } from "../../lib/bytes";
import { crumbs, formatTtl } from "./format";

describe("the keyspace's figures", () => {
  it("reads bytes and TTLs as people do", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(3 * 1024 * 1024)).toBe("3.0 MiB");
    expect(formatTtl(null)).toBe("none");
    expect(formatTtl(45_000)).toBe("45 s");
    expect(formatTtl(12 * 60_000)).toBe("12 min");
    expect(formatTtl(3 * 3_600_000)).toBe("3 h");
    expect(formatTtl(2 * 86_400_000)).toBe("2 d");
  });

  it("walks the breadcrumb down a prefix", () => {
    expect(crumbs("", ":")).toEqual([""]);
    expect(crumbs("user:", ":")).toEqual(["", "user:"]);
    expect(crumbs("user:42:", ":")).toEqual(["", "user:", "user:42:"]);
  });
});
