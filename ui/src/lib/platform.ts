export const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.userAgent);

/** How the primary modifier is written on this platform: ⌘ on macOS, Ctrl elsewhere. */
const modKey = isMac ? "⌘" : "Ctrl";

export function shortcutLabel(key: string): string {
  return isMac ? `${modKey}${key}` : `${modKey}+${key}`;
}
