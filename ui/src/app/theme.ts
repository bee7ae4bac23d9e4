import type { Theme } from "../api";

export type ResolvedTheme = "light" | "dark";

export const darkSchemeQuery = "(prefers-color-scheme: dark)";

/** The theme to paint: the setting itself, or the system's preference for "system". */
export function resolveTheme(theme: Theme, systemPrefersDark: boolean): ResolvedTheme {
  if (theme === "system") return systemPrefersDark ? "dark" : "light";
  return theme;
}

export function applyTheme(theme: ResolvedTheme) {
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
}
