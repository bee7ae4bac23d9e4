import { describe, expect, it } from "vitest";
import { cellView, columnKind, fullValue, pagesFor } from "./pages";

describe("the console grid's paging", () => {
  it("asks only for the pages the visible rows fall in", () => {
    expect(pagesFor(0, 30)).toEqual([0]);
    expect(pagesFor(480, 520)).toEqual([0, 1]);
    expect(pagesFor(999_990, 999_999)).toEqual([1999]);
    expect(pagesFor(5, 4)).toEqual([]);
  });
});

describe("the console grid's cells", () => {
  it("knows columns by the server's type names", () => {
    expect(["int4", "NUMERIC", "BIGINT UNSIGNED", "float8", "DOUBLE"].map(columnKind)).toEqual(Array(5).fill("number"));
    expect(columnKind("jsonb")).toBe("json");
    expect(columnKind("JSON")).toBe("json");
    expect(columnKind("bytea")).toBe("binary");
    expect(columnKind("BLOB")).toBe("binary");
    expect(columnKind("timestamptz")).toBe("time");
    expect(columnKind("DATETIME")).toBe("time");
    expect(columnKind("bool")).toBe("boolean");
    expect(columnKind("varchar")).toBe("text");
  });

  it("shows NULL apart from the empty string", () => {
    expect(cellView(null, "text")).toEqual({ text: "NULL", kind: "null" });
    expect(cellView("", "text")).toEqual({ text: "empty", kind: "empty" });
    expect(cellView("NULL", "text")).toEqual({ text: "NULL", kind: "text" });
  });

  it("shows JSON on one line and whole in the viewer, bytes as hex, time with its zone", () => {
    expect(cellView('{"a": [1, null],  "b": "x"}', "json")).toEqual({ text: '{"a":[1,null],"b":"x"}', kind: "json" });
    expect(fullValue('{"a":[1]}', "json")).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(cellView("not json", "json").kind).toBe("text");
    expect(cellView("\\x00ff", "binary")).toEqual({ text: "0x00ff", kind: "binary" });
    expect(cellView("2026-11-28 08:00:00+00", "time")).toEqual({ text: "2026-11-28 08:00:00+00", kind: "time" });
  });
});
