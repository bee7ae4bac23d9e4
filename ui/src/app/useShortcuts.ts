import { useEffect } from "react";
import { useNavigate } from "react-router";
import { isMac } from "../lib/platform";
import { navItems, newProjectPath, newProjectShortcutKey, quitShortcutKey } from "./navigation";
import { quitApp } from "./quit";

/** Ctrl/⌘+1…5 switch pages, Ctrl/⌘+N opens the new project form, Ctrl/⌘+Q quits. */
export function useShortcuts() {
  const navigate = useNavigate();

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const primary = isMac ? event.metaKey : event.ctrlKey;
      if (!primary || event.altKey || event.shiftKey || event.repeat) return;
      // A modal owns the keyboard while it is open.
      if (document.querySelector("dialog[open]")) return;
      const item = navItems.find((candidate) => candidate.shortcutKey === event.key);
      if (item) {
        event.preventDefault();
        void navigate(item.path);
      } else if (event.key.toLowerCase() === newProjectShortcutKey.toLowerCase()) {
        event.preventDefault();
        void navigate(newProjectPath);
      } else if (event.key.toLowerCase() === quitShortcutKey.toLowerCase()) {
        event.preventDefault();
        void quitApp();
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [navigate]);
}
