import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, type Project, type ProjectInput } from "../../api";
import { queryKeys } from "../../api/queryKeys";

export const projectsQuery = queryOptions({
  queryKey: queryKeys.projects,
  queryFn: api.projectList,
});

export const projectQuery = (id: number) =>
  queryOptions({
    queryKey: queryKeys.project(id),
    queryFn: () => api.projectGet(id),
  });

export const projectAuditEntriesQuery = (projectId: number) =>
  queryOptions({
    queryKey: queryKeys.projectAuditEntries(projectId),
    queryFn: () =>
      api.auditPage({ filter: { projectId, action: null, resourceType: null }, beforeId: null, limit: 20 }),
    select: (page) => page.entries,
  });

const byName = (a: Project, b: Project) => a.name.localeCompare(b.name, undefined, { sensitivity: "base" });

// Mutations patch the cache with the core's answer so the change shows at once; the
// data-changed event that follows refetches everything else it touched.
export function useSaveProject() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: number | null; input: ProjectInput }) =>
      id === null ? api.projectCreate(input) : api.projectUpdate(id, input),
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKeys.project(saved.id), saved);
      queryClient.setQueryData<Project[]>(queryKeys.projects, (projects) =>
        projects ? [...projects.filter((p) => p.id !== saved.id), saved].sort(byName) : projects,
      );
    },
  });
}

export function useDeleteProject() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ project, removeDatasources }: { project: Project; removeDatasources: boolean }) =>
      api.projectDelete(project.id, removeDatasources),
    onSuccess: (_nothing, { project: deleted }) => {
      queryClient.removeQueries({ queryKey: queryKeys.project(deleted.id), exact: true });
      queryClient.setQueryData<Project[]>(queryKeys.projects, (projects) =>
        projects?.filter((p) => p.id !== deleted.id),
      );
    },
  });
}
