import { paletteShortcutKey } from "../../app/navigation";
import { isMac } from "../../lib/platform";

type Keys = Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey" | "repeat" | "defaultPrevented">;

/** Whether this key press is the palette's shortcut, Ctrl/⌘+K, and free for it. */
export function isPaletteShortcut(event: Keys, mac = isMac): boolean {
  const primary = mac ? event.metaKey : event.ctrlKey;
  // An editor that used the keys (Monaco's Ctrl+K chords) keeps them.
  if (!primary || event.altKey || event.shiftKey || event.repeat || event.defaultPrevented) return false;
  return event.key.toLowerCase() === paletteShortcutKey.toLowerCase();
}

