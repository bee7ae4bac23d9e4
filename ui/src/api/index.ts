// The only door to the Rust core: every command goes through here, so components never see
// tauri-specta's result objects or hand-typed command names.
import { Channel } from "@tauri-apps/api/core";
import { deployApi } from "./deploy";
import { logsApi } from "./logs";
import { reportsApi } from "./reports";
import { resourcesApi } from "./resources";
import { schemaApi } from "./schema";
import { shellApi } from "./shell";
import { ApiError, unwrap } from "./unwrap";
import {
  commands,
  events,
  type AuditPageRequest,
  type Change,
  type CiEvent,
  type ComposeExportPreview,
  type ComposeImportRequest,
  type DispatchRequest,
  type Interest,
  type MigrationFormat,
  type ProviderKind,
  type RepositoryInput,
  type RunFilter,
  type ConnectionFormat,
  type CopyProgress,
  type DatasourceEvent,
  type DatasourceInput,
  type Direction,
  type DotenvImportRequest,
  type SchemaSource,
  type LogBatch,
  type PickFilter,
  type PickRequest,
  type ProjectInput,
  type NewProject,
  type HealthEvent,
  type HealthCheckDecl,
  type Settings,
  type StatsSample,
  type VariableInput,
  type VaultKey,
  type UpdateInfo,
  type UpdateProgress,
  type RunEvent,
  type TestRef,
  type TestRunInput,
  type TestSuiteInput,
} from "../bindings";

export type * from "./logs";
export type {
  Comparison,
  FlakyTest,
  Outcome,
  RunEvent,
  Suite,
  TestCaseResult,
  TestRef,
  TestRun,
  TestRunDetail,
  TestRunInput,
  TestRunStatus,
  TestStatus,
  TestSuiteInput,
  TestSuites,
  TrendPoint,
  AppInfo,
  AuditAction,
  AuditEntry,
  AuditFilter,
  AuditPage,
  Change,
  ConnectionFormat,
  DashboardSummary,
  Datasource,
  DatasourceEvent,
  DatasourceInput,
  DatasourceStatus,
  DockerStatus,
  Engine,
  EngineInfo,
  EnvFilePreview,
  LogBatch,
  LogLine,
  LogStream,
  OrphanVolume,
  PickFilter,
  PickKind,
  PickRequest,
  PullProgress,
  StatsSample,
  Value,
  LogLevel,
  Project,
  ProjectInput,
  ResourceType,
  Settings,
  Theme,
  UpdateInfo,
  UpdateProgress,
} from "../bindings";

// Schema browser
export type * from "./schema";

// Migrations
export type {
  CreatedMigration,
  Direction,
  DryRun,
  DryRunFinding,
  DryRunStep,
  FindingKind,
  MigrationFormat,
  MigrationState,
  DiffChange,
  DiffItem,
  DiffPart,
  Drift,
  EnumDiff,
  MigrationRun,
  MigrationSql,
  MigrationStatus,
  SchemaDiff,
  TableDiff,
  Migrations,
} from "../bindings";

// Snapshots
export type { Restored, Snapshot, SnapshotTrigger, Taken } from "../bindings";

// Copy between engines
export type { CopyPhase, CopyProgress, CopyReport, PlannedColumn, PlannedTable, RejectedRow, TableReport } from "../bindings";

// MongoDB collections
export type {
  Collection,
  CollectionIndex,
  CollectionIndexKey,
  CollectionKind,
  CollectionStats,
  CollectionValidator,
  DocumentField,
  DocumentFieldType,
  DocumentSample,
  MongoDatabase,
} from "../bindings";

// Environment variables and secrets
export type {
  DotenvEntry,
  DotenvImportRequest,
  ImportSummary,
  ProjectVariables,
  SecretStoreKind,
  SecretStoreStatus,
  Variable,
  VariableInput,
  VariableKind,
  VaultKey,
} from "../bindings";

// A project's databases as a compose file
export type {
  ComposeExportPreview,
  ComposeImportPreview,
  ComposeImportRequest,
  ComposeImportResult,
  DataVolume,
  ImportedDatasource,
  PasswordSource,
  PlannedDatasource,
} from "../bindings";

// Health checks
export type { CheckResult, CheckState, CheckStatus, DayUptime, HealthCheckDecl, HealthEvent, HealthOverview, Incident } from "../bindings";

// New projects from templates
export type {
  CreatedProject,
  FolderState,
  NewProject,
  NotCreated,
  OptionKind,
  OptionValue,
  PreviewFile,
  TemplateOption,
  TemplatePreview,
  TemplateRef,
  TemplateSummary,
} from "../bindings";

// What a project's folder holds
export type { Found, GitInfo, Language, MigrationFolder, ProjectScan, Remote } from "../bindings";

// CI (GitHub Actions, GitLab CI)
export type {
  CiArtifact,
  CiEvent,
  CiJob,
  CiLogLine,
  CiOverview,
  CiRepository,
  CiRun,
  CiRunDetail,
  CiSetup,
  CiStatus,
  CiStep,
  CiWorkflow,
  DispatchRequest,
  Interest,
  LogMark,
  ProviderKind,
  RateBudget,
  RemoteCandidate,
  RepositoryInput,
  RequestCounts,
  RunFilter,
  RunPage,
  TokenSource,
  TokenStatus,
  WatchState,
  WatchStatus,
  WorkflowLatest,
} from "../bindings";

// Config (quantum.toml)
export type {
  Completion,
  CompletionKind,
  ConfigDocument,
  ConfigLocation,
  ConfigSource,
  ConfigVersion,
  Diagnostic,
  Severity,
} from "../bindings";

// The resource manager and metric history
export type {
  ReportKind,
  ContainerRow,
  History,
  Sample,
  DockerInventory,
  EndOutcome,
  Holder,
  ImageEntry,
  KeptItem,
  ListeningPort,
  NetworkEntry,
  ProcessEntry,
  ProcessRef,
  PruneItem,
  PruneKind,
  PruneOptions,
  PruneOutcome,
  PrunePlan,
  VolumeRow,
} from "../bindings";

export { ApiError, unwrap };

export const api = {
  ...deployApi,
  ...resourcesApi,
  ...logsApi,
  ...reportsApi,
  ...shellApi,
  ...schemaApi,
  appInfo: () => commands.appInfo(),
  appQuit: () => commands.appQuit(),
  auditPage: (request: AuditPageRequest) => unwrap(commands.auditPage(request)),
  dashboardSummary: () => unwrap(commands.dashboardSummary()),
  projectList: () => unwrap(commands.projectList()),
  projectGet: (id: number) => unwrap(commands.projectGet(id)),
  projectCreate: (input: ProjectInput) => unwrap(commands.projectCreate(input)),
  projectUpdate: (id: number, input: ProjectInput) => unwrap(commands.projectUpdate(id, input)),
  projectDelete: (id: number, removeDatasources: boolean) => unwrap(commands.projectDelete(id, removeDatasources)),
  templatesList: () => unwrap(commands.templatesList()),
  templatesAddFolder: (path: string) => unwrap(commands.templatesAddFolder(path)),
  templatesRemoveFolder: (id: number) => unwrap(commands.templatesRemoveFolder(id)),
  /** Every file the project would get; writes nothing. */
  templatesPreview: (input: NewProject) => unwrap(commands.templatesPreview(input)),
  /** Writes the files, makes the project, starts creating its declared databases. */
  templatesCreate: (input: NewProject, createDatasources: boolean) =>
    unwrap(commands.templatesCreate(input, createDatasources)),
  engineList: () => commands.engineList(),
  datasourceList: (projectId: number | null) => unwrap(commands.datasourceList(projectId)),
  datasourceCreate: (input: DatasourceInput) => unwrap(commands.datasourceCreate(input)),
  datasourceStart: (id: number) => unwrap(commands.datasourceStart(id)),
  datasourceStop: (id: number) => unwrap(commands.datasourceStop(id)),
  datasourceRestart: (id: number) => unwrap(commands.datasourceRestart(id)),
  datasourceRecreate: (id: number) => unwrap(commands.datasourceRecreate(id)),
  datasourceRemove: (id: number, deleteData: boolean) => unwrap(commands.datasourceRemove(id, deleteData)),
  /** The connection details with the password; the core audits every call, so only on a user's request. */
  datasourceCopyConnection: (id: number, format: ConnectionFormat) =>
    unwrap(commands.datasourceCopyConnection(id, format)),
  datasourceOrphanVolumes: () => unwrap(commands.datasourceOrphanVolumes()),
  datasourceEnvPreview: (id: number) => unwrap(commands.datasourceEnvPreview(id)),
  /** The tables, columns and mapped types a copy into the datasource would create. */
  copyPreview: (source: SchemaSource, datasourceId: number) => unwrap(commands.copyPreview(source, datasourceId)),
  testsSuites: (projectId: number) => unwrap(commands.testsSuites(projectId)),
  testsSuiteSave: (projectId: number, suite: TestSuiteInput) => unwrap(commands.testsSuiteSave(projectId, suite)),
  testsSuiteRemove: (projectId: number, name: string) => unwrap(commands.testsSuiteRemove(projectId, name)),
  /** Runs tests; `onEvent` gets the output and results as they come. */
  testsRun: (input: TestRunInput, onEvent: (event: RunEvent) => void) => {
    const channel = new Channel<RunEvent>();
    channel.onmessage = onEvent;
    return unwrap(commands.testsRun(input, channel));
  },
  testsCancel: (projectId: number) => commands.testsCancel(projectId),
  testsRuns: (projectId: number) => unwrap(commands.testsRuns(projectId)),
  testsRunDetail: (runId: number) => unwrap(commands.testsRunDetail(runId)),
  testsCompare: (older: number, newer: number) => unwrap(commands.testsCompare(older, newer)),
  testsFlaky: (projectId: number) => unwrap(commands.testsFlaky(projectId)),
  testsTrend: (projectId: number) => unwrap(commands.testsTrend(projectId)),
  testsTestHistory: (projectId: number, test: TestRef) => unwrap(commands.testsTestHistory(projectId, test)),
  testsOpenInEditor: (projectId: number, file: string, line: number) =>
    unwrap(commands.testsOpenInEditor(projectId, file, line)),
  /** Snapshots the datasource, then copies every table of `source` into it. */
  copyRun: (source: SchemaSource, datasourceId: number, onProgress: (progress: CopyProgress) => void) => {
    const channel = new Channel<CopyProgress>();
    channel.onmessage = onProgress;
    return unwrap(commands.copyRun(source, datasourceId, channel));
  },
  /** A datasource's migration files against its history table. */
  migrationsStatus: (datasourceId: number) => unwrap(commands.migrationsStatus(datasourceId)),
  /** Points the datasource at a migration folder of its project (relative to the project's folder), in quantum.toml. */
  migrationsAdopt: (datasourceId: number, folder: string, format: MigrationFormat | null) =>
    unwrap(commands.migrationsAdopt(datasourceId, folder, format)),
  /** What an apply or a rollback would run and do to data; nothing runs. */
  migrationsDryRun: (datasourceId: number, direction: Direction, to: number | null) =>
    unwrap(commands.migrationsDryRun(datasourceId, direction, to)),
  migrationsApply: (datasourceId: number, to: number | null) => unwrap(commands.migrationsApply(datasourceId, to)),
  migrationsRollback: (datasourceId: number, to: number | null) => unwrap(commands.migrationsRollback(datasourceId, to)),
  migrationsCreate: (datasourceId: number, name: string) => unwrap(commands.migrationsCreate(datasourceId, name)),
  migrationsFileRead: (datasourceId: number, file: string) => unwrap(commands.migrationsFileRead(datasourceId, file)),
  migrationsFileWrite: (datasourceId: number, file: string, text: string, allowOutside: boolean) =>
    unwrap(commands.migrationsFileWrite(datasourceId, file, text, allowOutside)),
  /** Replays the applied migrations into a shadow database and compares it with the live schema. */
  migrationsDrift: (datasourceId: number) => unwrap(commands.migrationsDrift(datasourceId)),
  /** Writes a drift's SQL as the next migration, recorded as applied on the datasource. */
  migrationsFromDrift: (datasourceId: number, name: string, up: string, down: string) =>
    unwrap(commands.migrationsFromDrift(datasourceId, name, up, down)),
  snapshotsList: (datasourceId: number) => unwrap(commands.snapshotsList(datasourceId)),
  /** Stops the datasource while its data is copied, then starts it again. */
  snapshotsTake: (datasourceId: number, note: string) => unwrap(commands.snapshotsTake(datasourceId, note)),
  /** Replaces the datasource's data with the snapshot's; the replaced data becomes a snapshot. */
  snapshotsRestore: (snapshotId: number) => unwrap(commands.snapshotsRestore(snapshotId)),
  snapshotsDelete: (snapshotId: number) => unwrap(commands.snapshotsDelete(snapshotId)),
  /** Writes the variables if `.env` still reads `expected` (the preview's `current`), else fails with `datasource.env_file_changed`. */
  datasourceEnvWrite: (id: number, expected: string | null, allowOutside: boolean) =>
    unwrap(commands.datasourceEnvWrite(id, expected, allowOutside)),
  /** Streams the container's log (the last lines first); resolves to the id that {@link api.streamStop} takes. */
  datasourceLogs: (id: number, onBatch: (batch: LogBatch) => void) => {
    const channel = new Channel<LogBatch>();
    channel.onmessage = onBatch;
    return unwrap(commands.datasourceLogs(id, channel));
  },
  /** Streams CPU and memory samples, about one a second; resolves to the stream's id. */
  datasourceStats: (id: number, onSample: (sample: StatsSample) => void) => {
    const channel = new Channel<StatsSample>();
    channel.onmessage = onSample;
    return unwrap(commands.datasourceStats(id, channel));
  },
  streamStop: (streamId: number) => commands.streamStop(streamId),
  dockerStatus: () => commands.dockerStatus(),
  /**
   * Shows the native file or folder dialog; resolves to the chosen path, or null when cancelled.
   * A file chosen with `kind: "saveFile"` may be written by the app for the rest of the session.
   */
  dialogPick: (request: PickRequest) => unwrap(commands.dialogPick(request)),
  /**
   * The file a write may go to for a typed path: the path itself when the app may already write
   * it (chosen before, or in a project's folder), else what the user confirms or picks in the save
   * dialog, opened on it; null when the user cancelled.
   */
  dialogConfirmSave: (path: string, title: string, filters: PickFilter[]) =>
    unwrap(commands.dialogConfirmSave(path, title, filters)),
  settingsGet: () => commands.settingsGet(),
  settingsUpdate: (settings: Settings) => unwrap(commands.settingsUpdate(settings)),
  // Config (quantum.toml)
  configGet: (projectId: number) => unwrap(commands.configGet(projectId)),
  configValidate: (projectId: number, text: string) => unwrap(commands.configValidate(projectId, text)),
  /** Suggestions at a 1-based line and UTF-16 column, as Monaco counts them. */
  configComplete: (text: string, line: number, column: number) => commands.configComplete(text, line, column),
  configFormat: (text: string) => unwrap(commands.configFormat(text)),
  /** Saves if the file still has `expectedHash` (null: the file does not exist yet), else fails with the changed-on-disk code. */
  configSave: (projectId: number, text: string, expectedHash: string | null, allowOutside: boolean) =>
    unwrap(commands.configSave(projectId, text, expectedHash, allowOutside)),
  configHistory: (projectId: number) => unwrap(commands.configHistory(projectId)),
  configVersionText: (versionId: number) => unwrap(commands.configVersionText(versionId)),
  configRestore: (projectId: number, versionId: number, allowOutside: boolean) =>
    unwrap(commands.configRestore(projectId, versionId, allowOutside)),
  // Environment variables and secrets
  variablesList: (projectId: number) => unwrap(commands.variablesList(projectId)),
  environmentAdd: (projectId: number, name: string) => unwrap(commands.environmentAdd(projectId, name)),
  variableSet: (projectId: number, input: VariableInput) => unwrap(commands.variableSet(projectId, input)),
  /** `environment` null: the variable shared by every environment. */
  variableRemove: (projectId: number, environment: string | null, name: string) =>
    unwrap(commands.variableRemove(projectId, environment, name)),
  /** The secret's value, for the view that asked; the core audits every call, so only on a user's request. */
  secretReveal: (projectId: number, environment: string, name: string) =>
    unwrap(commands.secretReveal(projectId, environment, name)),
  /** The core puts the secret on the clipboard itself and audits it: the value never reaches the page. */
  secretCopy: (projectId: number, environment: string, name: string) =>
    unwrap(commands.secretCopy(projectId, environment, name)),
  dotenvImportPreview: (path: string) => unwrap(commands.dotenvImportPreview(path)),
  dotenvImport: (projectId: number, request: DotenvImportRequest) => unwrap(commands.dotenvImport(projectId, request)),
  /** `path` null: the project folder's `.env`. Secret values read "••••••" in `proposed`. */
  dotenvExportPreview: (projectId: number, environment: string, path: string | null) =>
    unwrap(commands.dotenvExportPreview(projectId, environment, path)),
  /** Writes the file if it still reads `expected` (the preview's `current`), else fails without writing. */
  dotenvExportWrite: (
    projectId: number,
    environment: string,
    path: string | null,
    expected: string | null,
    allowOutside: boolean,
  ) => unwrap(commands.dotenvExportWrite(projectId, environment, path, expected, allowOutside)),
  bundleExport: (projectId: number, path: string, passphrase: string) =>
    unwrap(commands.bundleExport(projectId, path, passphrase)),
  /** Creates a project from the bundle, all or nothing; `projectName` null keeps the bundle's name. */
  bundleImport: (path: string, passphrase: string, projectName: string | null) =>
    unwrap(commands.bundleImport(path, passphrase, projectName)),
  secretStoreStatus: () => commands.secretStoreStatus(),
  vaultCreate: (key: VaultKey) => unwrap(commands.vaultCreate(key)),
  vaultUnlock: (key: VaultKey) => unwrap(commands.vaultUnlock(key)),
  // CI (GitHub Actions, GitLab CI)
  /** The repository chosen for the project, and those its folder's git remotes name. */
  ciSetup: (projectId: number) => unwrap(commands.ciSetup(projectId)),
  /** Whether the keychain or the provider's command line holds a token for the host. */
  ciTokenStatus: (provider: ProviderKind, apiUrl: string) => unwrap(commands.ciTokenStatus(provider, apiUrl)),
  /** Checks the token against the repository first; a typed token then goes to the keychain. */
  ciRepositorySet: (input: RepositoryInput) => unwrap(commands.ciRepositorySet(input)),
  ciRepositoryRemove: (projectId: number) => unwrap(commands.ciRepositoryRemove(projectId)),
  ciOverview: (projectId: number) => unwrap(commands.ciOverview(projectId)),
  /** One page (from 1) of the runs the filter keeps, newest first. */
  ciRuns: (projectId: number, filter: RunFilter, page: number) => unwrap(commands.ciRuns(projectId, filter, page)),
  ciRun: (projectId: number, runId: number) => unwrap(commands.ciRun(projectId, runId)),
  /** A job's log, its groups marked for folding. */
  ciJobLog: (projectId: number, jobId: number) => unwrap(commands.ciJobLog(projectId, jobId)),
  /** What the window looks at: the watcher polls every few seconds while the CI page is open. */
  ciWatch: (projectId: number, interest: Interest) => commands.ciWatch(projectId, interest),
  ciRerun: (projectId: number, runId: number, failedOnly: boolean) => unwrap(commands.ciRerun(projectId, runId, failedOnly)),
  ciCancel: (projectId: number, runId: number) => unwrap(commands.ciCancel(projectId, runId)),
  /** Starts a workflow (GitHub) or the pipeline (GitLab); the new run's id when the provider says. */
  ciDispatch: (projectId: number, request: DispatchRequest) => unwrap(commands.ciDispatch(projectId, request)),
  /** Reads the JUnit reports among a run's artifacts into the Tests history; the history run's id, null when read before. */
  ciImportTests: (projectId: number, runId: number) => unwrap(commands.ciImportTests(projectId, runId)),
  ciArtifacts: (projectId: number, runId: number) => unwrap(commands.ciArtifacts(projectId, runId)),
  /** Saves an artifact's zip, or the run's logs (`artifactId` null), to `path` chosen in the save dialog; the bytes written. */
  ciDownload: (projectId: number, runId: number, artifactId: number | null, path: string) =>
    unwrap(commands.ciDownload(projectId, runId, artifactId, path)),
  /** `compose.yaml` and `.env` before and after exporting the project's databases; passwords masked. */
  composeExportPreview: (projectId: number) => unwrap(commands.composeExportPreview(projectId)),
  /** Writes both if they still hold what the preview showed. */
  composeExportWrite: (projectId: number, expected: ComposeExportPreview, allowOutside: boolean) =>
    unwrap(commands.composeExportWrite(projectId, expected, allowOutside)),
  composeImportPreview: (request: ComposeImportRequest) => unwrap(commands.composeImportPreview(request)),
  composeImportApply: (request: ComposeImportRequest, services: string[], replacePasswords: boolean, fingerprint: string) =>
    unwrap(commands.composeImportApply(request, services, replacePasswords, fingerprint)),
  /** What the project's folder holds (null without a folder); `fresh` scans again. */
  projectScan: (projectId: number, fresh: boolean) => unwrap(commands.projectScan(projectId, fresh)),
  /** Calls `listener` with the id of a project whose scan changed by itself (a watched file changed). */
  onProjectScanChanged: (listener: (projectId: number) => void) =>
    events.projectScanChanged.listen((event) => listener(event.payload)),
  healthOverview: (projectId: number) => unwrap(commands.healthOverview(projectId)),
  healthCheckNow: (projectId: number, check: string) => unwrap(commands.healthCheckNow(projectId, check)),
  /** Pauses a check (or, with `null`, all of the project's) for `minutes`. */
  healthPause: (projectId: number, check: string | null, minutes: number) =>
    unwrap(commands.healthPause(projectId, check, minutes)),
  healthResume: (projectId: number, check: string | null) => unwrap(commands.healthResume(projectId, check)),
  /** Writes the check into quantum.toml (`previous`: its old name when renamed). */
  healthCheckSave: (projectId: number, check: HealthCheckDecl, previous: string | null) =>
    unwrap(commands.healthCheckSave(projectId, check, previous)),
  healthCheckRemove: (projectId: number, name: string) => unwrap(commands.healthCheckRemove(projectId, name)),
  /** The project's webhook, its host only (`null`: none). */
  healthWebhook: (projectId: number) => unwrap(commands.healthWebhook(projectId)),
  healthWebhookSet: (projectId: number, url: string | null) => unwrap(commands.healthWebhookSet(projectId, url)),
  healthWebhookTest: (projectId: number) => unwrap(commands.healthWebhookTest(projectId)),
  /** The incidents open now in every project. */
  healthOpenIncidents: () => unwrap(commands.healthOpenIncidents()),
  /** Calls `listener` with each check's result and each incident opened or closed. */
  onHealthChanged: (listener: (event: HealthEvent) => void) => events.healthChanged.listen((event) => listener(event.payload)),
  /** Calls `listener` with what the CI watchers find; resolves to the function that stops it. */
  onCiChanged: (listener: (event: CiEvent) => void) => events.ciChanged.listen((event) => listener(event.payload)),
  /** Asks the update server now; `null` when this is the newest version. Shows a skipped version too. */
  updatesCheck: () => unwrap(commands.updatesCheck()),
  /** The update the last automatic check announced, if any. */
  updatesPending: () => commands.updatesPending(),
  /** Downloads, verifies and installs the update found by the last check, then the app restarts. */
  updatesInstall: (onProgress: (progress: UpdateProgress) => void) => {
    const channel = new Channel<UpdateProgress>();
    channel.onmessage = onProgress;
    return unwrap(commands.updatesInstall(channel));
  },
  /** Automatic checks stop announcing this version; resolves to the saved settings. */
  updatesSkip: (version: string) => unwrap(commands.updatesSkip(version)),
  /** Calls `listener` when an automatic check finds an update the user has not skipped. */
  onUpdateAvailable: (listener: (update: UpdateInfo) => void) =>
    events.updateAvailable.listen((event) => listener(event.payload)),
  /** Calls `listener` after every committed mutation; resolves to the function that stops it. */
  onDataChanged: (listener: (change: Change) => void) =>
    events.dataChanged.listen((event) => listener(event.payload)),
  /** Calls `listener` for every datasource status, pull progress, port move and Docker change. */
  onDatasourceChanged: (listener: (event: DatasourceEvent) => void) =>
    events.datasourceChanged.listen((event) => listener(event.payload)),
};

/** The message to show for any failure, typed or not. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  return "Something went wrong.";
}
