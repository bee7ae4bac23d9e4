import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, type NewProject } from "../../api";
import { queryKeys } from "../../api/queryKeys";

export const templatesQuery = queryOptions({
  queryKey: queryKeys.templates,
  queryFn: api.templatesList,
});

export function useAddTemplateFolder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (path: string) => api.templatesAddFolder(path),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.templates }),
  });
}

export function useRemoveTemplateFolder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.templatesRemoveFolder(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.templates }),
  });
}

export function useCreateFromTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ input, createDatasources }: { input: NewProject; createDatasources: boolean }) =>
      api.templatesCreate(input, createDatasources),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.projects });
      void queryClient.invalidateQueries({ queryKey: queryKeys.datasources });
    },
  });
}
