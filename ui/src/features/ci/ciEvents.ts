import type { QueryClient } from "@tanstack/react-query";
import type { CiEvent, CiRunDetail } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { isActive } from "./status";

/**
 * Puts what a CI watcher pushed into the cache. The page fetches once; from then on these keep
 * it current, so it never polls.
 */
export function applyCiEvent(queryClient: QueryClient, event: CiEvent) {
  const { projectId } = event;
  switch (event.kind) {
    case "overview":
      queryClient.setQueryData(queryKeys.ciOverview(projectId), event.overview);
      void queryClient.invalidateQueries({ queryKey: queryKeys.dashboardCi });
      // Something changed: the lists read again (conditional requests, free when unchanged).
      void queryClient.invalidateQueries({ queryKey: queryKeys.ciRunLists(projectId) });
      break;
    case "run": {
      const key = queryKeys.ciRun(projectId, event.detail.run.id);
      const before = queryClient.getQueryData<CiRunDetail>(key);
      queryClient.setQueryData(key, event.detail);
      // Artifacts are uploaded while a run goes: its end brings the last of them.
      if (before && isActive(before.run.status) && !isActive(event.detail.run.status)) {
        void queryClient.invalidateQueries({ queryKey: queryKeys.ciArtifacts(projectId, event.detail.run.id) });
      }
      break;
    }
    case "finished":
      queryClient.setQueryData<CiRunDetail>(queryKeys.ciRun(projectId, event.run.id), (detail) => detail && { ...detail, run: event.run });
      void queryClient.invalidateQueries({ queryKey: queryKeys.ciRunLists(projectId) });
      break;
    case "status":
      queryClient.setQueryData(queryKeys.ciStatus(projectId), event.status);
      break;
  }
}
