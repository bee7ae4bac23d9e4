import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { api } from "../../api";
import { applyCiEvent } from "./ciEvents";

/**
 * Listens, for the whole window, to what the CI watchers push: whichever CI page opens next finds
 * the overview, the runs and the watch status already current.
 */
export function useCiEvents() {
  const queryClient = useQueryClient();

  useEffect(() => {
    let stopped = false;
    const unlisten = api.onCiChanged((event) => applyCiEvent(queryClient, event));
    unlisten.catch((error: unknown) => {
      if (!stopped) console.error("Live CI updates are off: could not listen for them.", error);
    });
    return () => {
      stopped = true;
      void unlisten.then((stop) => stop()).catch(() => undefined);
    };
  }, [queryClient]);
}
