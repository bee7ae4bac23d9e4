import { useEffect } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api";
import { queryKeys } from "../../api/queryKeys";

/**
 * Refetches the project's health whenever one of its checks ran or an incident opened or closed,
 * and when the window comes back from the tray: a hidden window is not told of each check.
 */
export function useHealthEvents(projectId: number) {
  const queryClient = useQueryClient();
  useEffect(() => {
    const refresh = () => void queryClient.invalidateQueries({ queryKey: queryKeys.health(projectId) });
    const stop = api.onHealthChanged((event) => {
      const about = event.kind === "checked" ? event.projectId : event.incident.projectId;
      if (about === projectId) refresh();
    });
    const onShown = () => {
      if (document.visibilityState === "visible") refresh();
    };
    document.addEventListener("visibilitychange", onShown);
    return () => {
      document.removeEventListener("visibilitychange", onShown);
      void stop.then((unlisten) => unlisten());
    };
  }, [projectId, queryClient]);
}

/**
 * Refetches `queryKey` when an incident opens or closes in any project (not at every check run).
 * The key is one of `queryKeys`' constants, so the listener is set once.
 */
export function useRefetchOnIncidents(queryKey: readonly unknown[]) {
  const queryClient = useQueryClient();
  useEffect(() => {
    const stop = api.onHealthChanged((event) => {
      if (event.kind !== "checked") void queryClient.invalidateQueries({ queryKey });
    });
    return () => {
      void stop.then((unlisten) => unlisten());
    };
  }, [queryKey, queryClient]);
}

export function usePause(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ check, minutes }: { check: string | null; minutes: number | null }) =>
      minutes === null ? api.healthResume(projectId, check) : api.healthPause(projectId, check, minutes),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.health(projectId) }),
  });
}

export function useCheckNow(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (check: string) => api.healthCheckNow(projectId, check),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.health(projectId) }),
  });
}
