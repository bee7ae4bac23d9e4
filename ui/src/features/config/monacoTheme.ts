// The editor's colours follow the app's: the surface, text and accent of the current theme, read
// from the CSS variables, over Monaco's own light or dark theme for the syntax colours.
import type { editor } from "monaco-editor/editor";

export type EditorThemeName = "quantum-light" | "quantum-dark";

export const editorThemeName = (dark: boolean): EditorThemeName => (dark ? "quantum-dark" : "quantum-light");

/** Monaco colour id ← the app's CSS variable. */
const colorVariables: Record<string, string> = {
  "editor.background": "--surface",
  "editor.foreground": "--text",
  "editorGutter.background": "--surface",
  "editorLineNumber.foreground": "--text-faint",
  "editorLineNumber.activeForeground": "--text-muted",
  "editor.lineHighlightBackground": "--surface-hover",
  "editorCursor.foreground": "--accent",
  "editorWidget.background": "--surface-raised",
  "editorWidget.border": "--border-strong",
  "editorSuggestWidget.background": "--surface-raised",
  "editorSuggestWidget.border": "--border-strong",
  "editorHoverWidget.background": "--surface-raised",
  "editorHoverWidget.border": "--border-strong",
  "editorError.foreground": "--danger",
  "editorWarning.foreground": "--warning",
  focusBorder: "--accent",
};

/**
 * A hex colour in the long form Monaco requires (`#rrggbb` or `#rrggbbaa`); WebKit may hand back
 * `#ffffff` as `#fff`. Null for anything else (`color-mix(…)`, a name, nothing).
 */
export function longHexColor(value: string): string | null {
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(value.trim())?.[1];
  if (!hex) return null;
  return `#${hex.length <= 4 ? Array.from(hex, (digit) => digit + digit).join("") : hex}`.toLowerCase();
}

/**
 * The theme for the app's current colours. `readVariable` returns a CSS variable's value; values
 * that are not hex colours (Monaco takes no other form) are left to Monaco's base theme.
 */
export function buildEditorTheme(dark: boolean, readVariable: (name: string) => string): editor.IStandaloneThemeData {
  const colors: Record<string, string> = {};
  for (const [colorId, variable] of Object.entries(colorVariables)) {
    const color = longHexColor(readVariable(variable));
    if (color) colors[colorId] = color;
  }
  return { base: dark ? "vs-dark" : "vs", inherit: true, rules: [], colors };
}
