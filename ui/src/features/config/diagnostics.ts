// The core's diagnostics as editor markers, and the counts the status line shows.
import type { editor, MarkerSeverity } from "monaco-editor/editor";
import type { Diagnostic, Severity } from "../../api";

/** The owner the markers are set under, so that they replace each other and nothing else. */
export const markerOwner = "quantum.toml";

/** Monaco's severities, passed in so that this module stays free of Monaco itself. */
export type MarkerSeverities = Record<Severity, MarkerSeverity>;

export function toMarkers(diagnostics: Diagnostic[], severities: MarkerSeverities): editor.IMarkerData[] {
  return diagnostics.map((diagnostic) => ({
    severity: severities[diagnostic.severity],
    message: diagnostic.message,
    code: diagnostic.code,
    source: "quantum.toml",
    startLineNumber: diagnostic.line,
    startColumn: diagnostic.column,
    endLineNumber: diagnostic.endLine,
    endColumn: diagnostic.endColumn,
  }));
}

export type DiagnosticSummary = {
  errors: number;
  warnings: number;
  /** Where the status line jumps: the first error, or the first warning when there is none. */
  first: Diagnostic | null;
};

const byPosition = (a: Diagnostic, b: Diagnostic) => a.line - b.line || a.column - b.column;

export function summarize(diagnostics: Diagnostic[]): DiagnosticSummary {
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === "error").sort(byPosition);
  const warnings = diagnostics.filter((diagnostic) => diagnostic.severity === "warning").sort(byPosition);
  return { errors: errors.length, warnings: warnings.length, first: errors[0] ?? warnings[0] ?? null };
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** "No problems", "2 errors", "1 error, 3 warnings". */
export function summaryText({ errors, warnings }: DiagnosticSummary): string {
  if (errors === 0 && warnings === 0) return "No problems";
  return [errors > 0 && plural(errors, "error"), warnings > 0 && plural(warnings, "warning")].filter(Boolean).join(", ");
}

export const errorCountText = (errors: number) => plural(errors, "error");
