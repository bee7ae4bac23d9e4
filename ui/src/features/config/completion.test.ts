import { describe, expect, it } from "vitest";
import type { languages } from "monaco-editor/editor";
import { toSuggestions, type CompletionItemKinds } from "./completion";

const kinds: CompletionItemKinds = {
  key: 9 as languages.CompletionItemKind,
  value: 13 as languages.CompletionItemKind,
  table: 8 as languages.CompletionItemKind,
};
const range = { startLineNumber: 2, startColumn: 11, endLineNumber: 2, endColumn: 13 };

describe("toSuggestions", () => {
  it("inserts the label over the word at the cursor and keeps the core's order", () => {
    const suggestions = toSuggestions(
      [
        { label: "postgres", kind: "value", detail: "Default port 5432" },
        { label: "mysql", kind: "value", detail: "Default port 3306" },
      ],
      range,
      kinds,
    );
    expect(suggestions).toEqual([
      { label: "postgres", kind: 13, detail: "Default port 5432", insertText: "postgres", range, sortText: "0000" },
      { label: "mysql", kind: 13, detail: "Default port 3306", insertText: "mysql", range, sortText: "0001" },
    ]);
  });

  it("maps keys and tables to their kinds", () => {
    const [key, table] = toSuggestions(
      [
        { label: "engine", kind: "key", detail: "" },
        { label: "datasources.", kind: "table", detail: "" },
      ],
      range,
      kinds,
    );
    expect(key.kind).toBe(9);
    expect(table.kind).toBe(8);
  });
});
