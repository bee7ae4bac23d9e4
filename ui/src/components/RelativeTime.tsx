import { useSyncExternalStore } from "react";
import { formatDateTime, formatRelativeTime } from "../lib/time";

// One shared clock for every timestamp on screen, so "2 minutes ago" keeps counting. While the
// window is hidden (in the tray) the clock stops — a re-render of a page nobody sees only grows
// the web process — and catches up the moment it is shown.
const TICK_MS = 30_000;
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function tick() {
  now = Date.now();
  listeners.forEach((notify) => notify());
}

function follow() {
  if (document.visibilityState === "visible") {
    tick();
    timer ??= setInterval(tick, TICK_MS);
  } else {
    clearInterval(timer);
    timer = undefined;
  }
}

function subscribe(listener: () => void) {
  if (listeners.size === 0) {
    now = Date.now();
    document.addEventListener("visibilitychange", follow);
    if (document.visibilityState === "visible") timer = setInterval(tick, TICK_MS);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
      document.removeEventListener("visibilitychange", follow);
    }
  };
}

export function RelativeTime({ iso }: { iso: string }) {
  const current = useSyncExternalStore(subscribe, () => now);
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelativeTime(iso, new Date(current))}
    </time>
  );
}
