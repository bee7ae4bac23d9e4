import type { AuditFilter, ProviderKind, RunFilter, SchemaSource } from "./index";

// Prefixes matter: invalidating `projects` also refreshes every `["projects", id]`, and
// invalidating `datasources` every list and the orphan volumes.
export const queryKeys = {
  appInfo: ["appInfo"] as const,
  settings: ["settings"] as const,
  /** The update the notice offers: from an automatic check (pending, events) or "Check now". */
  updateOffer: ["updates", "offer"] as const,
  dashboard: ["dashboard"] as const,
  /** Each project's CI as last read (the dashboard); refetched when a watcher reads a change. */
  dashboardCi: ["dashboardCi"] as const,
  projects: ["projects"] as const,
  /** A project's health checks, their results and incidents (refetched on each health event). */
  health: (projectId: number) => ["health", projectId] as const,
  /** The incidents open in every project (the dashboard); under `health`, so events refetch it. */
  openIncidents: ["health", "open"] as const,
  /** Its webhook as shown (host only); not under `health`, so results do not refetch it. */
  healthWebhook: (projectId: number) => ["healthWebhook", projectId] as const,
  /** A project's deploy environments and their releases (refetched when a deploy ends). */
  deploy: (projectId: number) => ["deploy", projectId] as const,
  deployHistory: (projectId: number) => ["deploy", projectId, "history"] as const,
  /** Every project's live releases (the Dashboard); under `deploy`, so changes refetch it. */
  dashboardDeploys: ["deploy", "dashboard"] as const,
  /** The user's Docker contexts (for an environment's target). */
  dockerContexts: ["docker", "contexts"] as const,
  kubeContexts: ["kubernetes", "contexts"] as const,
  /** The templates a new project can start from (built-ins and the user's folders). */
  templates: ["templates"] as const,
  project: (id: number) => ["projects", id] as const,
  auditEntries: ["auditEntries"] as const,
  auditEntryPages: (filter: AuditFilter) => ["auditEntries", "pages", filter] as const,
  projectAuditEntries: (projectId: number) => ["auditEntries", "project", projectId] as const,
  engines: ["engines"] as const,
  dockerStatus: ["dockerStatus"] as const,
  /** The Resources page: ports, processes and Docker's inventory, refreshed together. */
  resources: ["resources"] as const,
  resourcesPorts: ["resources", "ports"] as const,
  resourcesProcesses: ["resources", "processes"] as const,
  resourcesDocker: ["resources", "docker"] as const,
  /** A datasource's metric history over the last `seconds`. */
  metricsHistory: (datasourceId: number, seconds: number) => ["metricsHistory", datasourceId, seconds] as const,
  datasources: ["datasources"] as const,
  datasourceLists: ["datasources", "list"] as const,
  /** One project's datasources, or every project's for `null`. */
  datasourceList: (projectId: number | null) => ["datasources", "list", projectId ?? "all"] as const,
  orphanVolumes: ["datasources", "orphanVolumes"] as const,
  /** Filled only by events, never fetched. */
  pullProgress: (datasourceId: number) => ["pullProgress", datasourceId] as const,
  envPreview: (datasourceId: number) => ["envPreview", datasourceId] as const,
  /** A database's inspected schema: read again on demand (Refresh), not on every change. */
  schema: (kind: "datasource" | "connection", id: number) => ["schema", kind, id] as const,
  /** Connections to databases the app did not start; listed per project. */
  connections: ["connections"] as const,
  connectionList: (projectId: number) => ["connections", projectId] as const,
  /** Scripts run on a database, from the activity log. */
  consoleHistory: (kind: "datasource" | "connection", id: number) => ["consoleHistory", kind, id] as const,
  /** A Redis datasource's keys under a prefix, and a key's value. */
  keyspaceLevel: (source: SchemaSource, prefix: string) => ["keyspace", source.kind, source.id, "level", prefix] as const,
  keyspaceValue: (source: SchemaSource, key: string) => ["keyspace", source.kind, source.id, "value", key] as const,
  migrations: (datasourceId: number) => ["migrations", datasourceId] as const,
  /** A datasource's snapshots; every snapshot change is a data change, so they refresh with it. */
  snapshots: (datasourceId: number) => ["datasources", "snapshots", datasourceId] as const,
  collections: (source: SchemaSource) => ["collections", source.kind, source.id] as const,
  collectionSample: (source: SchemaSource, collection: string, size: number) =>
    ["collections", source.kind, source.id, "sample", collection, size] as const,
  /** The project's `queries/*.sql`. */
  savedQueries: (projectId: number) => ["savedQueries", projectId] as const,
  /** A project's test suites, runs, trend and flaky tests: refreshed by every data change. */
  tests: (projectId: number) => ["tests", projectId] as const,
  testRun: (runId: number) => ["tests", "run", runId] as const,
  /** What a project's folder holds: refetched when its watcher says it changed. */
  projectScan: (projectId: number) => ["projectScan", projectId] as const,
  /** A project's CI: the watcher's events keep the overview, the shown run and the status current. */
  ci: (projectId: number) => ["ci", projectId] as const,
  ciSetup: (projectId: number) => ["ci", projectId, "setup"] as const,
  ciOverview: (projectId: number) => ["ci", projectId, "overview"] as const,
  ciRunLists: (projectId: number) => ["ci", projectId, "runs"] as const,
  ciRuns: (projectId: number, filter: RunFilter) => ["ci", projectId, "runs", filter] as const,
  ciRun: (projectId: number, runId: number) => ["ci", projectId, "run", runId] as const,
  ciArtifacts: (projectId: number, runId: number) => ["ci", projectId, "run", runId, "artifacts"] as const,
  ciLog: (projectId: number, jobId: number) => ["ci", projectId, "log", jobId] as const,
  /** The watcher's latest state: filled only by events, never fetched. */
  ciStatus: (projectId: number) => ["ci", projectId, "status"] as const,
  /** Per host, not per project: a token serves every project of its host. */
  ciTokens: ["ciToken"] as const,
  ciTokenStatus: (provider: ProviderKind, apiUrl: string) => ["ciToken", provider, apiUrl] as const,
};
