import { describe, expect, it } from "vitest";
import type { TestCaseResult } from "../../bindings";
import { places, ResultSet, stripAnsi, treeRows } from "./results";

const result = (suite: string, group: string, name: string, status: TestCaseResult["status"]): TestCaseResult => ({
  suite,
  group,
  name,
  status,
  durationMs: null,
  message: null,
  output: null,
  retried: false,
});

describe("ResultSet", () => {
  it("keeps the latest result of each test, in the order tests first came", () => {
    const set = new ResultSet();
    set.put([result("rust", "lib", "a", "failed"), result("rust", "lib", "b", "passed")]);
    set.put([{ ...result("rust", "lib", "a", "failed"), message: "boom" }]);
    expect(set.size).toBe(2);
    expect(set.all().map((r) => [r.name, r.message])).toEqual([
      ["a", "boom"],
      ["b", null],
    ]);
  });
});

describe("treeRows", () => {
  const results = [
    result("rust", "app", "adds", "passed"),
    result("rust", "app", "breaks", "failed"),
    result("rust", "api", "answers", "skipped"),
    result("go", "go", "TestA", "passed"),
  ];

  it("nests suites, groups and tests, failures first, with counts", () => {
    const rows = treeRows(results, false);
    expect(rows.map((r) => (r.kind === "test" ? r.result.name : r.kind === "group" ? `[${r.group}]` : `<${r.suite}>`))).toEqual([
      "<rust>",
      "[app]",
      "breaks",
      "adds",
      "[api]",
      "answers",
      "<go>",
      "TestA",
    ]);
    const rust = rows[0];
    expect(rust.kind === "suite" && rust.counts).toEqual({ passed: 1, failed: 1, skipped: 1 });
  });

  it("shows only the failures and their parents when asked, and hides collapsed levels", () => {
    expect(treeRows(results, true).map((r) => r.key)).toEqual(["s:rust", "g:rust\u0000app", "t:rust\u0000app\u0000breaks"]);
    expect(treeRows(results, false, new Set(["s:rust"])).map((r) => r.key)).toEqual(["s:rust", "s:go", "t:go\u0000go\u0000TestA"]);
  });
});

describe("places", () => {
  it("finds the project's file:line places in a failure, not the toolchain's", () => {
    const text = `thread 'tests::breaks' panicked at src/lib.rs:20:9:
   at /rustc/5980/library/core/src/panicking.rs:80:14
    at ./node_modules/vitest/dist/index.js:3:1
tests/test_math.py:9: AssertionError
    fx_test.go:14: got 4, want 5
src/lib.rs:20:9 again`;
    expect(places(text).map((p) => [p.file, p.line])).toEqual([
      ["src/lib.rs", 20],
      ["tests/test_math.py", 9],
      ["fx_test.go", 14],
    ]);
  });

  it("strips colours for reading", () => {
    expect(stripAnsi("\u001b[31mabout to break\u001b[0m")).toBe("about to break");
  });
});

describe("shellJoin", () => {
  it("quotes only the words that need it", async () => {
    const { shellJoin } = await import("./results");
    expect(shellJoin(["cargo", "nextest", "run", "-E", "test(=a b)", "it's"])).toBe("cargo nextest run -E 'test(=a b)' 'it'\\''s'");
  });
});
