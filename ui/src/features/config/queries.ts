import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, type ConfigDocument } from "../../api";

// quantum.toml is the config feature's alone: its keys live here rather than in the shared list.
export const configKeys = {
  all: (projectId: number) => ["config", projectId] as const,
  document: (projectId: number) => ["config", projectId, "document"] as const,
  history: (projectId: number) => ["config", projectId, "history"] as const,
  /** A version's text never changes. */
  versionText: (versionId: number) => ["configVersionText", versionId] as const,
};

/** The file as it is on disk (or what saving would create). */
export const configDocumentQuery = (projectId: number) =>
  queryOptions({
    queryKey: configKeys.document(projectId),
    queryFn: () => api.configGet(projectId),
    // The watcher's events say when the file changed; a refetch on focus would race the editor.
    staleTime: Infinity,
  });

export const configHistoryQuery = (projectId: number) =>
  queryOptions({
    queryKey: configKeys.history(projectId),
    queryFn: () => api.configHistory(projectId),
    staleTime: Infinity,
  });

export const configVersionTextQuery = (versionId: number) =>
  queryOptions({
    queryKey: configKeys.versionText(versionId),
    queryFn: () => api.configVersionText(versionId),
    staleTime: Infinity,
  });

/** Puts the core's answer in the cache and refreshes the history, which gained a version. */
function useStoreDocument(projectId: number) {
  const queryClient = useQueryClient();
  return (document: ConfigDocument) => {
    queryClient.setQueryData(configKeys.document(projectId), document);
    void queryClient.invalidateQueries({ queryKey: configKeys.history(projectId) });
  };
}

export function useRestoreConfig(projectId: number) {
  const store = useStoreDocument(projectId);
  return useMutation({
    mutationFn: ({ versionId, allowOutside }: { versionId: number; allowOutside: boolean }) =>
      api.configRestore(projectId, versionId, allowOutside),
    onSuccess: store,
  });
}
