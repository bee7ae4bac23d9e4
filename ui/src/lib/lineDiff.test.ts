import { describe, expect, it } from "vitest";
import { diffLines } from "./lineDiff";

describe("diffLines", () => {
  it("adds every line to a new file", () => {
    expect(diffLines("", "A=1\nB=2\n")).toEqual([
      { kind: "added", text: "A=1" },
      { kind: "added", text: "B=2" },
    ]);
  });

  it("shows a changed line as removed, then added, between kept lines", () => {
    expect(diffLines("NODE_ENV=dev\nDATABASE_URL=old\nPORT=3000\n", "NODE_ENV=dev\nDATABASE_URL=new\nPORT=3000\nPGPORT=5433\n")).toEqual([
      { kind: "same", text: "NODE_ENV=dev" },
      { kind: "removed", text: "DATABASE_URL=old" },
      { kind: "added", text: "DATABASE_URL=new" },
      { kind: "same", text: "PORT=3000" },
      { kind: "added", text: "PGPORT=5433" },
    ]);
  });

  it("finds nothing to change in equal files, whatever their line endings", () => {
    expect(diffLines("A=1\r\nB=2", "A=1\nB=2\n")).toEqual([
      { kind: "same", text: "A=1" },
      { kind: "same", text: "B=2" },
    ]);
  });

  it("keeps blank lines and comments as lines", () => {
    expect(diffLines("# app\n\nA=1", "# app\n\nA=2")).toEqual([
      { kind: "same", text: "# app" },
      { kind: "same", text: "" },
      { kind: "removed", text: "A=1" },
      { kind: "added", text: "A=2" },
    ]);
  });
});
