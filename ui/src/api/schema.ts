// The schema browser: a database's structure and diagram, connections to databases the app did
// not start, the SQL console, Redis keys and MongoDB collections.
import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  type ConnectionInput,
  type DiagramGraph,
  type ExportFormat,
  type ExportProgress,
  type ResultFormat,
  type RunStatus,
  type SchemaSource,
} from "../bindings";
import { unwrap } from "./unwrap";

export type {
  Check,
  Column,
  Connection,
  ConnectionInput,
  ConnectionKind,
  DiagramGraph,
  DiagramPoint,
  ResultColumn,
  RunStatus,
  SchemaSource,
  TlsMode,
  EnumType,
  ExportFormat,
  ExportProgress,
  HistoryEntry,
  KeyGroup,
  KeyInfo,
  Keyspace,
  KeyValue,
  RedisValue,
  ResultFormat,
  SavedQuery,
  ForeignKey,
  Generated,
  Index,
  PrimaryKey,
  RefAction,
  Schema,
  SchemaEngine,
  Table,
  TableKind,
  UniqueConstraint,
} from "../bindings";

export const schemaApi = {
  schemaInspect: (source: SchemaSource) => unwrap(commands.schemaInspect(source)),
  /** Where the diagram's boxes go: one top-left corner per box, in the graph's order. */
  schemaDiagramLayout: (graph: DiagramGraph) => unwrap(commands.schemaDiagramLayout(graph)),
  schemaExport: (source: SchemaSource, format: ExportFormat) => unwrap(commands.schemaExport(source, format)),
  schemaExportCopy: (source: SchemaSource, format: ExportFormat) => unwrap(commands.schemaExportCopy(source, format)),
  /** Writes the export to `path`, which must have been chosen in the save dialog. */
  schemaExportWrite: (source: SchemaSource, format: ExportFormat, path: string) =>
    unwrap(commands.schemaExportWrite(source, format, path)),
  connectionList: (projectId: number) => unwrap(commands.connectionList(projectId)),
  /** Connects once with the form's values, without saving them. */
  connectionTest: (input: ConnectionInput) => unwrap(commands.connectionTest(input)),
  connectionCreate: (input: ConnectionInput) => unwrap(commands.connectionCreate(input)),
  connectionRemove: (id: number) => unwrap(commands.connectionRemove(id)),
  /** Starts a script; resolves with the first page's status, then `onProgress` gets the rest. */
  consoleRun: (
    source: SchemaSource,
    sql: string,
    options: { readOnly: boolean; confirmed: boolean },
    onProgress: (status: RunStatus) => void,
  ) => {
    const channel = new Channel<RunStatus>();
    channel.onmessage = onProgress;
    return unwrap(commands.consoleRun(source, sql, options.readOnly, options.confirmed, channel));
  },
  consolePage: (runId: number, offset: number, limit: number) => unwrap(commands.consolePage(runId, offset, limit)),
  consoleCancel: (runId: number) => unwrap(commands.consoleCancel(runId)),
  consoleClose: (runId: number) => unwrap(commands.consoleClose(runId)),
  /** Writes the run's whole result to `path` (chosen in the save dialog, or in a project's folder). */
  consoleExport: (runId: number, path: string, format: ResultFormat, onProgress: (progress: ExportProgress) => void) => {
    const channel = new Channel<ExportProgress>();
    channel.onmessage = onProgress;
    return unwrap(commands.consoleExport(runId, path, format, channel));
  },
  /** One level of a Redis database's keys: the groups under `prefix` and the keys ending there. */
  keyspaceLevel: (source: SchemaSource, prefix: string, delimiter: string) =>
    unwrap(commands.keyspaceLevel(source, prefix, delimiter)),
  keyspaceValue: (source: SchemaSource, key: string) => unwrap(commands.keyspaceValue(source, key)),
  /** A MongoDB database's collections with their indexes, validators and sizes. */
  collectionsDatabase: (source: SchemaSource) => unwrap(commands.collectionsDatabase(source)),
  /** A collection's fields, inferred from `size` documents chosen at random. */
  collectionsSample: (source: SchemaSource, collection: string, size: number | null) =>
    unwrap(commands.collectionsSample(source, collection, size)),
  consoleHistory: (source: SchemaSource) => unwrap(commands.consoleHistory(source)),
  consoleSavedList: (projectId: number) => unwrap(commands.consoleSavedList(projectId)),
  consoleSavedWrite: (projectId: number, name: string, sql: string, allowOutside: boolean) =>
    unwrap(commands.consoleSavedWrite(projectId, name, sql, allowOutside)),
  consoleSavedRemove: (projectId: number, name: string) => unwrap(commands.consoleSavedRemove(projectId, name)),
  /** Writes the diagram's picture (a data: URL) to `path`, chosen in the save dialog. */
  schemaImageWrite: (path: string, dataUrl: string) => unwrap(commands.schemaImageWrite(path, dataUrl)),
};
