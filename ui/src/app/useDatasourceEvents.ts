import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, type DatasourceEvent, type DockerStatus } from "../api";
import { queryKeys } from "../api/queryKeys";
import { findCachedDatasource, patchDatasource } from "../features/datasources/queries";

/**
 * Puts what the core pushes about datasources into the cache: statuses, pull progress, moved
 * ports, Docker coming and going. Events are applied once per animation frame, so a fast pull
 * costs one render per frame, not one per event.
 */
export function useDatasourceEvents() {
  const queryClient = useQueryClient();

  useEffect(() => {
    let pending: DatasourceEvent[] = [];
    let frame: number | undefined;
    let stopped = false;

    const apply = (event: DatasourceEvent) => {
      switch (event.kind) {
        case "status":
          if (!findCachedDatasource(queryClient, event.id)) {
            // Created elsewhere (another window) or not listed yet: ask for the lists.
            void queryClient.invalidateQueries({ queryKey: queryKeys.datasourceLists });
          }
          patchDatasource(queryClient, event.id, (datasource) => ({
            ...datasource,
            status: event.status,
            statusReason: event.reason,
          }));
          if (event.status !== "pulling") queryClient.removeQueries({ queryKey: queryKeys.pullProgress(event.id) });
          break;
        case "pullProgress":
          queryClient.setQueryData(queryKeys.pullProgress(event.id), event.progress);
          break;
        case "portMoved": {
          const name = findCachedDatasource(queryClient, event.id)?.name ?? "the database";
          patchDatasource(queryClient, event.id, (datasource) => ({ ...datasource, hostPort: event.to }));
          toast.info(`Port ${event.from} was taken; ${name} now uses ${event.to}`);
          break;
        }
        case "docker": {
          const previous = queryClient.getQueryData<DockerStatus>(queryKeys.dockerStatus);
          queryClient.setQueryData<DockerStatus>(queryKeys.dockerStatus, {
            available: event.available,
            message: event.message,
            endpoint: event.endpoint,
          });
          // Back from an outage, the statuses may have changed while no one watched.
          if (event.available && previous?.available === false) {
            void queryClient.invalidateQueries({ queryKey: queryKeys.datasources });
          }
          break;
        }
      }
    };
    const flush = () => {
      frame = undefined;
      const events = pending;
      pending = [];
      events.forEach(apply);
    };
    const unlisten = api.onDatasourceChanged((event) => {
      pending.push(event);
      frame ??= requestAnimationFrame(flush);
    });
    unlisten.catch((error: unknown) => {
      if (!stopped) console.error("Live database statuses are off: could not listen for them.", error);
    });
    return () => {
      stopped = true;
      if (frame !== undefined) cancelAnimationFrame(frame);
      void unlisten.then((stop) => stop()).catch(() => undefined);
    };
  }, [queryClient]);
}
