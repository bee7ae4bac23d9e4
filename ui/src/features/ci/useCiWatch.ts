import { useEffect } from "react";
import { skipToken, useQuery } from "@tanstack/react-query";
import { api, type WatchStatus } from "../../api";
import { queryKeys } from "../../api/queryKeys";

/**
 * Tells the core that a CI page is open (and which run it shows) while the window shows it: the
 * watcher then checks every few seconds, and slows down again when the page closes or the window
 * hides. Nothing is told while the project has no repository (`enabled` false).
 */
export function useCiWatch(projectId: number, runId: number | null, enabled: boolean) {
  useEffect(() => {
    if (!enabled) return;
    const tell = () => {
      const visible = document.visibilityState === "visible";
      void api.ciWatch(projectId, { pageOpen: visible, runId: visible ? runId : null }).catch(() => undefined);
    };
    tell();
    document.addEventListener("visibilitychange", tell);
    return () => {
      document.removeEventListener("visibilitychange", tell);
      void api.ciWatch(projectId, { pageOpen: false, runId: null }).catch(() => undefined);
    };
  }, [projectId, runId, enabled]);
}

/** The watcher's latest state for the project, as its events said; undefined until the first. */
export function useWatchStatus(projectId: number): WatchStatus | undefined {
  return useQuery<WatchStatus>({ queryKey: queryKeys.ciStatus(projectId), queryFn: skipToken, staleTime: Infinity }).data;
}
