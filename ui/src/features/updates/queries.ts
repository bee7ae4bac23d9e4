import { useEffect } from "react";
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, type UpdateInfo } from "../../api";
import { queryKeys } from "../../api/queryKeys";

/** The update the notice offers: what an automatic check announced, or what "Check now" found. */
export const updateOfferQuery = queryOptions({
  queryKey: queryKeys.updateOffer,
  queryFn: api.updatesPending,
  staleTime: Infinity,
});

/** Shows the notice when an automatic check finds an update. */
export function useUpdateAvailableEvents() {
  const queryClient = useQueryClient();
  useEffect(() => {
    let stopped = false;
    const unlisten = api.onUpdateAvailable((update) => queryClient.setQueryData(queryKeys.updateOffer, update));
    unlisten.catch((error: unknown) => {
      if (!stopped) console.error("Update notices are off: could not listen for them.", error);
    });
    return () => {
      stopped = true;
      void unlisten.then((stop) => stop()).catch(() => undefined);
    };
  }, [queryClient]);
}

/** "Check now": a found update opens the notice, even a skipped version. */
export function useCheckForUpdates() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: api.updatesCheck,
    onSuccess: (update: UpdateInfo | null) => {
      if (update) queryClient.setQueryData(queryKeys.updateOffer, update);
    },
  });
}
