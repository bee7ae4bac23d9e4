import { lazy, Suspense, useEffect, useState } from "react";
import { Search } from "lucide-react";
import { paletteShortcutKey } from "../../app/navigation";
import { shortcutLabel } from "../../lib/platform";
import { isPaletteShortcut } from "./shortcut";
import "./palette.css";

// cmdk and what it brings load on the first Ctrl/⌘+K, not with the app.
const CommandPalette = lazy(() => import("./CommandPalette"));

/**
 * The sidebar's "Go to…" button, and the command palette it opens; Ctrl/⌘+K opens it from
 * anywhere and closes it again.
 */
export function PaletteLauncher() {
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isPaletteShortcut(event)) return;
      // Another modal owns the keyboard while it is open.
      if (document.querySelector("dialog[open]:not([data-palette])")) return;
      event.preventDefault();
      setOpen((wasOpen) => !wasOpen);
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  return (
    <>
      <button
        type="button"
        className="palette-launcher"
        onClick={() => setOpen(true)}
        title={`Go to a page, project or database, or run an action (${shortcutLabel(paletteShortcutKey)})`}
        data-testid="palette-launcher"
      >
        <Search size={14} aria-hidden />
        <span>Go to…</span>
        <kbd aria-hidden>{shortcutLabel(paletteShortcutKey)}</kbd>
      </button>
      {open ? (
        <Suspense fallback={null}>
          <CommandPalette onClose={() => setOpen(false)} />
        </Suspense>
      ) : null}
    </>
  );
}
