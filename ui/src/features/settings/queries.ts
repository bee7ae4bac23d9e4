import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, errorMessage, type Settings } from "../../api";
import { queryKeys } from "../../api/queryKeys";

export const settingsQuery = queryOptions({
  queryKey: queryKeys.settings,
  queryFn: api.settingsGet,
  staleTime: Infinity,
});

export const appInfoQuery = queryOptions({
  queryKey: queryKeys.appInfo,
  queryFn: api.appInfo,
  staleTime: Infinity,
});

/** Saves settings, showing the new value at once and rolling back if the core refuses it. */
export function useUpdateSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (settings: Settings) => api.settingsUpdate(settings),
    onMutate: async (next: Settings) => {
      await queryClient.cancelQueries({ queryKey: queryKeys.settings });
      const previous = queryClient.getQueryData<Settings>(queryKeys.settings);
      queryClient.setQueryData(queryKeys.settings, next);
      return { previous };
    },
    onError: (error, _next, context) => {
      if (context?.previous) queryClient.setQueryData(queryKeys.settings, context.previous);
      toast.error("Settings were not saved", { description: errorMessage(error) });
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKeys.settings, saved);
      // The engines' default images follow the settings.
      void queryClient.invalidateQueries({ queryKey: queryKeys.engines });
    },
  });
}
