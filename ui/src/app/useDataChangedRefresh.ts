import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { api } from "../api";
import { queryKeys } from "../api/queryKeys";

/**
 * Refetches what the core says changed. A burst of events (an import, say) is coalesced into
 * one refresh per animation frame.
 */
export function useDataChangedRefresh() {
  const queryClient = useQueryClient();

  useEffect(() => {
    let frame: number | undefined;
    let stopped = false;
    const refresh = () => {
      frame = undefined;
      for (const queryKey of [queryKeys.projects, queryKeys.dashboard, queryKeys.auditEntries, queryKeys.datasources, ["tests"], ["deploy"]]) {
        void queryClient.invalidateQueries({ queryKey });
      }
    };
    const unlisten = api.onDataChanged(() => {
      frame ??= requestAnimationFrame(refresh);
    });
    unlisten.catch((error: unknown) => {
      if (!stopped) console.error("Live updates are off: could not listen for changes.", error);
    });
    return () => {
      stopped = true;
      if (frame !== undefined) cancelAnimationFrame(frame);
      void unlisten.then((stop) => stop()).catch(() => undefined);
    };
  }, [queryClient]);
}
