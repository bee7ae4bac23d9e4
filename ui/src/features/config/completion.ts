// The core's completions as Monaco suggestions.
import type { IRange, languages } from "monaco-editor/editor";
import type { Completion, CompletionKind } from "../../api";

/** Monaco's item kinds, passed in so that this module stays free of Monaco itself. */
export type CompletionItemKinds = Record<CompletionKind, languages.CompletionItemKind>;

export function toSuggestions(
  completions: Completion[],
  range: IRange,
  kinds: CompletionItemKinds,
): languages.CompletionItem[] {
  return completions.map((completion, index) => ({
    label: completion.label,
    kind: kinds[completion.kind],
    detail: completion.detail,
    insertText: completion.label,
    range,
    // The core orders them; Monaco would otherwise sort by label.
    sortText: String(index).padStart(4, "0"),
  }));
}
