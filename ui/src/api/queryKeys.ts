import type { AuditFilter } from "./index";

// Prefixes matter: invalidating `projects` also refreshes every `["projects", id]`.
export const queryKeys = {
  appInfo: ["appInfo"] as const,
  settings: ["settings"] as const,
  dashboard: ["dashboard"] as const,
  projects: ["projects"] as const,
  project: (id: number) => ["projects", id] as const,
  auditEntries: ["auditEntries"] as const,
  auditEntryPages: (filter: AuditFilter) => ["auditEntries", "pages", filter] as const,
  projectAuditEntries: (projectId: number) => ["auditEntries", "project", projectId] as const,
};
