import { describe, expect, it } from "vitest";
import type { MarkerSeverity } from "monaco-editor/editor";
import type { Diagnostic } from "../../api";
import { errorCountText, summarize, summaryText, toMarkers, type MarkerSeverities } from "./diagnostics";

// Monaco's values (Error = 8, Warning = 4); the module under test takes them as given.
const severities: MarkerSeverities = { error: 8 as MarkerSeverity, warning: 4 as MarkerSeverity };

const diagnostic = (overrides: Partial<Diagnostic>): Diagnostic => ({
  line: 1,
  column: 1,
  endLine: 1,
  endColumn: 2,
  severity: "error",
  message: "Something is wrong",
  code: "config.test",
  ...overrides,
});

describe("toMarkers", () => {
  it("keeps the core's 1-based positions, message, code and severity", () => {
    const unknownKey = diagnostic({
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 7,
      message: "Unknown key `engnie`; did you mean `engine`?",
      code: "config.unknown_key",
    });
    const missingSecret = diagnostic({ line: 5, column: 12, endLine: 5, endColumn: 24, severity: "warning", code: "config.missing_secret" });
    expect(toMarkers([unknownKey, missingSecret], severities)).toEqual([
      {
        severity: 8,
        message: "Unknown key `engnie`; did you mean `engine`?",
        code: "config.unknown_key",
        source: "quantum.toml",
        startLineNumber: 2,
        startColumn: 1,
        endLineNumber: 2,
        endColumn: 7,
      },
      expect.objectContaining({ severity: 4, code: "config.missing_secret", startLineNumber: 5, startColumn: 12, endColumn: 24 }),
    ]);
  });

  it("gives no markers for no diagnostics", () => {
    expect(toMarkers([], severities)).toEqual([]);
  });
});

describe("summarize", () => {
  it("counts errors and warnings and points at the first error in the file", () => {
    const summary = summarize([
      diagnostic({ line: 3, severity: "warning" }),
      diagnostic({ line: 9, column: 4 }),
      diagnostic({ line: 9, column: 2, message: "first error" }),
      diagnostic({ line: 1, severity: "warning" }),
    ]);
    expect(summary.errors).toBe(2);
    expect(summary.warnings).toBe(2);
    expect(summary.first?.message).toBe("first error");
  });

  it("points at the first warning when there is no error", () => {
    const summary = summarize([diagnostic({ line: 4, severity: "warning" }), diagnostic({ line: 2, severity: "warning", message: "here" })]);
    expect(summary.first?.message).toBe("here");
  });

  it("points nowhere for a clean file", () => {
    expect(summarize([])).toEqual({ errors: 0, warnings: 0, first: null });
  });
});

describe("summaryText", () => {
  it.each([
    [0, 0, "No problems"],
    [1, 0, "1 error"],
    [2, 0, "2 errors"],
    [0, 1, "1 warning"],
    [1, 3, "1 error, 3 warnings"],
  ])("%i errors and %i warnings read “%s”", (errors, warnings, text) => {
    expect(summaryText({ errors, warnings, first: null })).toBe(text);
  });

  it("words the error count of a refused save", () => {
    expect(errorCountText(1)).toBe("1 error");
    expect(errorCountText(3)).toBe("3 errors");
  });
});
