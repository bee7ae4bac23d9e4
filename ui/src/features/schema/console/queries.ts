import { queryOptions } from "@tanstack/react-query";
import { api, type SchemaSource } from "../../../api";
import { queryKeys } from "../../../api/queryKeys";

export const consoleHistoryQuery = (source: SchemaSource) =>
  queryOptions({
    queryKey: queryKeys.consoleHistory(source.kind, source.id),
    queryFn: () => api.consoleHistory(source),
  });

export const savedQueriesQuery = (projectId: number) =>
  queryOptions({
    queryKey: queryKeys.savedQueries(projectId),
    queryFn: () => api.consoleSavedList(projectId),
    // Files the user may edit outside the app: read again whenever the menu is opened.
    staleTime: 0,
  });
