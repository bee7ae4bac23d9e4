// Monaco, bundled with the app so that it works offline and under the app's CSP: the editor core,
// the features the TOML and SQL editors use, and the base editor worker (TOML needs no language worker).
// @monaco-editor/react is pointed at this instance, so it never loads Monaco from a CDN.
import { loader } from "@monaco-editor/react";
import * as monaco from "monaco-editor/editor";
import EditorWorker from "monaco-editor/editor/editor.worker?worker";
import "monaco-editor/features/bracketMatching/register";
import "monaco-editor/features/clipboard/register";
import "monaco-editor/features/codicon/register";
import "monaco-editor/features/comment/register";
import "monaco-editor/features/contextmenu/register";
import "monaco-editor/features/cursorUndo/register";
import "monaco-editor/features/diffEditor/register";
import "monaco-editor/features/find/register";
import "monaco-editor/features/folding/register";
// Shift+Alt+F and "Format Document", for the SQL console.
import "monaco-editor/features/format/register";
import "monaco-editor/features/gotoError/register";
import "monaco-editor/features/gotoLine/register";
import "monaco-editor/features/hover/register";
import "monaco-editor/features/indentation/register";
import "monaco-editor/features/linesOperations/register";
import "monaco-editor/features/multicursor/register";
import "monaco-editor/features/quickCommand/register";
import "monaco-editor/features/readOnlyMessage/register";
import "monaco-editor/features/smartSelect/register";
import "monaco-editor/features/suggest/register";
import "monaco-editor/features/toggleTabFocusMode/register";
import "monaco-editor/features/wordHighlighter/register";
import "monaco-editor/features/wordOperations/register";
// The suggest widget itself; the "suggest" feature above brings only its inline part.
import "monaco-editor/editor/contrib/suggest/browser/suggestController";
import { api } from "../../api";
import { toSuggestions } from "./completion";
import type { MarkerSeverities } from "./diagnostics";
import { buildEditorTheme, editorThemeName, type EditorThemeName } from "./monacoTheme";
import { tomlLanguageConfiguration, tomlLanguageId, tomlTokens } from "./monacoToml";

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

monaco.languages.register({ id: tomlLanguageId, extensions: [".toml"], aliases: ["TOML"] });
monaco.languages.setLanguageConfiguration(tomlLanguageId, tomlLanguageConfiguration);
monaco.languages.setMonarchTokensProvider(tomlLanguageId, tomlTokens);
monaco.languages.registerCompletionItemProvider(tomlLanguageId, {
  triggerCharacters: ["[", '"', "."],
  async provideCompletionItems(model, position) {
    const completions = await api.configComplete(model.getValue(), position.lineNumber, position.column);
    const word = model.getWordUntilPosition(position);
    const range = {
      startLineNumber: position.lineNumber,
      endLineNumber: position.lineNumber,
      startColumn: word.startColumn,
      endColumn: word.endColumn,
    };
    const { CompletionItemKind } = monaco.languages;
    return {
      suggestions: toSuggestions(completions, range, {
        key: CompletionItemKind.Property,
        value: CompletionItemKind.Value,
        table: CompletionItemKind.Module,
      }),
    };
  },
});

export const markerSeverities: MarkerSeverities = {
  error: monaco.MarkerSeverity.Error,
  warning: monaco.MarkerSeverity.Warning,
};

// The editor follows the theme the app paints (`data-theme` on the root), colours included, live.
const root = document.documentElement;
const appIsDark = () => root.dataset.theme === "dark";
const themeListeners = new Set<() => void>();

function applyAppTheme() {
  const dark = appIsDark();
  const styles = getComputedStyle(root);
  monaco.editor.defineTheme(
    editorThemeName(dark),
    buildEditorTheme(dark, (name) => styles.getPropertyValue(name)),
  );
  monaco.editor.setTheme(editorThemeName(dark));
  themeListeners.forEach((notify) => notify());
}

applyAppTheme();
new MutationObserver(applyAppTheme).observe(root, { attributes: true, attributeFilter: ["data-theme"] });

export function subscribeToEditorTheme(onChange: () => void) {
  themeListeners.add(onChange);
  return () => {
    themeListeners.delete(onChange);
  };
}

export const currentEditorTheme = (): EditorThemeName => editorThemeName(appIsDark());

/** The SQL editors' options (the console, migration files): no minimap, sized by their box. */
export const sqlEditorOptions: monaco.editor.IStandaloneEditorConstructionOptions = {
  minimap: { enabled: false },
  fontSize: 13,
  scrollBeyondLastLine: false,
  automaticLayout: true,
  tabSize: 2,
};

loader.config({ monaco });

export { monaco };
