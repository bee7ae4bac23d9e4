import { queryOptions, skipToken, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, type Datasource, type DatasourceInput, type PullProgress } from "../../api";
import { queryKeys } from "../../api/queryKeys";

export const datasourcesQuery = (projectId: number | null) =>
  queryOptions({
    queryKey: queryKeys.datasourceList(projectId),
    queryFn: () => api.datasourceList(projectId),
  });

export const enginesQuery = queryOptions({
  queryKey: queryKeys.engines,
  queryFn: api.engineList,
});

export const orphanVolumesQuery = queryOptions({
  queryKey: queryKeys.orphanVolumes,
  queryFn: api.datasourceOrphanVolumes,
  // Volumes come and go with Docker, outside what the core announces.
  staleTime: 0,
});

export const dockerStatusQuery = queryOptions({
  queryKey: queryKeys.dockerStatus,
  queryFn: api.dockerStatus,
  // Docker events keep it current.
  staleTime: Infinity,
});

export const envPreviewQuery = (datasourceId: number) =>
  queryOptions({
    queryKey: queryKeys.envPreview(datasourceId),
    queryFn: () => api.datasourceEnvPreview(datasourceId),
    staleTime: 0,
    gcTime: 0,
  });

/** The latest pull progress of a datasource, as events report it; nothing while none came. */
export function usePullProgress(datasourceId: number) {
  return useQuery<PullProgress | null>({
    queryKey: queryKeys.pullProgress(datasourceId),
    queryFn: skipToken,
    staleTime: Infinity,
  }).data;
}

/** Applies a change to the datasource in every cached list that holds it. */
export function patchDatasource(
  queryClient: QueryClient,
  id: number,
  patch: (datasource: Datasource) => Datasource,
) {
  queryClient.setQueriesData<Datasource[]>({ queryKey: queryKeys.datasourceLists }, (list) =>
    list?.map((datasource) => (datasource.id === id ? patch(datasource) : datasource)),
  );
}

/** Whether any cached list holds the datasource. */
export function findCachedDatasource(queryClient: QueryClient, id: number): Datasource | undefined {
  for (const [, list] of queryClient.getQueriesData<Datasource[]>({ queryKey: queryKeys.datasourceLists })) {
    const found = list?.find((datasource) => datasource.id === id);
    if (found) return found;
  }
  return undefined;
}

const byName = (a: Datasource, b: Datasource) => a.name.localeCompare(b.name);

// Mutations patch the cache with the core's answer so the change shows at once; status events
// and the data-changed event that follow keep it current.
export function useCreateDatasource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: DatasourceInput) => api.datasourceCreate(input),
    onSuccess: (created) => {
      for (const projectId of [created.projectId, null]) {
        queryClient.setQueryData<Datasource[]>(queryKeys.datasourceList(projectId), (list) =>
          // A status event may have refetched the list already, with a newer status.
          list && !list.some((datasource) => datasource.id === created.id) ? [...list, created].sort(byName) : list,
        );
      }
    },
  });
}

export type DatasourceOperation = "start" | "stop" | "restart" | "recreate";

const operations = {
  start: api.datasourceStart,
  stop: api.datasourceStop,
  restart: api.datasourceRestart,
  recreate: api.datasourceRecreate,
} satisfies Record<DatasourceOperation, (id: number) => Promise<Datasource>>;

/** Moves a datasource to the next free port and starts it (what a port conflict offers). */
export function useMovePort(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.datasourceMovePort(id, null),
    onSuccess: (updated) => patchDatasource(queryClient, updated.id, () => updated),
  });
}

export function useDatasourceOperation(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (operation: DatasourceOperation) => operations[operation](id),
    onSuccess: (updated) => patchDatasource(queryClient, updated.id, () => updated),
  });
}

export function useRemoveDatasource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ datasource, deleteData }: { datasource: Datasource; deleteData: boolean }) =>
      api.datasourceRemove(datasource.id, deleteData),
    onSuccess: (_nothing, { datasource }) => {
      queryClient.setQueriesData<Datasource[]>({ queryKey: queryKeys.datasourceLists }, (list) =>
        list?.filter((candidate) => candidate.id !== datasource.id),
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.orphanVolumes });
    },
  });
}

export function useWriteEnvFile() {
  return useMutation({
    mutationFn: ({
      datasourceId,
      expected,
      allowOutside,
    }: {
      datasourceId: number;
      expected: string | null;
      allowOutside: boolean;
    }) => api.datasourceEnvWrite(datasourceId, expected, allowOutside),
  });
}
